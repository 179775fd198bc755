#!/bin/sh
# vm-39.sh — the KVM tests with 39 guest physical address bits (relocated GPAs).
exec "${top_srcdir:-.}/t/vm-suite.sh" 39
