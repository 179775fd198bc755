#!/bin/sh
# vm-suite.sh — run the KVM tests inside a QEMU/TCG VM with emulated AMD
# SVM (tools/vm-run) and report them as one TAP stream, each test line
# prefixed with its program.  Usage: vm-suite.sh PHYS_BITS
# Environment: DUNE_TESTS (space-separated programs, relative to the build
# directory), top_srcdir.
bits=${1:-48}
srcdir=${top_srcdir:-.}
runner="$srcdir/tools/vm-run"

if ! why=$("$runner" --check 2>&1); then
	echo "1..0 # SKIP VM runner unavailable: $why"
	exit 0
fi
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT INT TERM

# One boot for all programs; markers separate their outputs.
script='for t in $DUNE_TESTS; do echo "### begin $t"; case $t in *.lua) lua5.4 "$top_srcdir/$t";; *) "./$t";; esac; echo "### end $t $?"; done'
DUNE_TESTS="$DUNE_TESTS" "$runner" --phys-bits "$bits" --require-kvm \
	sh -c "$script" >"$out" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
	echo "1..0 # SKIP $(tail -n 1 "$out")"
	exit 0
fi

awk -v bits="$bits" -v rc="$rc" '
function emit(status, text) { n++; printf "%s %d - [%s bits] %s\n", status, n, bits, text }
/^### begin / { prog = $3; planned = -1; seen = 0; bad = 0; skipped = ""; next }
/^### end / {
	if (skipped != "") { n++; printf "ok %d - [%s bits] %s # SKIP %s\n", n, bits, prog, skipped }
	else if ($4 != 0 && !bad) emit("not ok", prog " exited with status " $4)
	else if (planned >= 0 && seen != planned) emit("not ok", prog " planned " planned " tests, ran " seen)
	prog = ""; next
}
prog == "" { print "# " $0; next }
/^1\.\.0 # SKIP/ { skipped = substr($0, 13); next }
/^1\.\.[0-9]+/ { planned = substr($1, 4) + 0; next }
/^(not )?ok [0-9]+/ {
	seen++
	status = ($1 == "not") ? "not ok" : "ok"
	text = $0; sub(/^(not )?ok [0-9]+ (- )?/, "", text)
	if (status == "not ok") bad = 1
	if (text ~ /# SKIP/) { n++; printf "ok %d - [%s bits] %s: %s\n", n, bits, prog, text; next }
	emit(status, prog ": " text); next
}
{ print "# " prog ": " $0 }
END {
	if (prog != "") emit("not ok", prog " did not finish (VM status " rc ")")
	if (n == 0) emit("not ok", "the VM ran no test (status " rc ")")
	print "1.." n
}' "$out"
