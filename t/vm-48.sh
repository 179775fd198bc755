#!/bin/sh
# vm-48.sh — the KVM tests in a VM whose guests have 48 physical address bits (GPA = HVA).
exec "${top_srcdir:-.}/t/vm-suite.sh" 48
