#!/usr/bin/env bash
# `make test`: every suite, then one closing line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {	# count PASS/FAIL lines of a suite's output
	local p f
	p=$(grep -c '^PASS' "$log")
	f=$(grep -c '^FAIL' "$log")
	pass=$((pass + p))
	fail=$((fail + f))
}

echo "== unit tests (cmocka, host)"
for t in build/unit/test_*; do
	[ -x "$t" ] || continue
	if "$t" >"$log" 2>&1; then st=0; else st=$?; fi
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$st" != 0 ] && [ "$f" = 0 ]; then f=1; fi	# crashed (ASan, abort)
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" = 0 ]; then
		printf 'PASS %s (%s tests)\n' "$(basename "$t")" "$p"
	else
		printf 'FAIL %s (%s failed)\n' "$(basename "$t")" "$f"
		grep -E '^\[  (FAILED|ERROR) \]|error|ERROR|FAIL' "$log" | head -20 | sed 's/^/    /'
	fi
done

echo "== build-time checks (VMCS accessor misuse must not compile)"
sh tests/unit/build_fail/run.sh >"$log" 2>&1
grep -E '^(PASS|FAIL)' "$log" | grep FAIL || true
echo "$(grep -c '^PASS' "$log") passed"
count

echo "== tinyvmx command (bad input refused before Bochs, output demultiplexing, boots)"
for t in tests/cli/run.sh tests/cli/output.sh tests/cli/boot.sh; do
	sh "$t" >"$log" 2>&1
	cat "$log"
	count
done

echo "== guest tests (Bochs)"
tests/run-guests.sh >"$log" 2>&1
cat "$log"
count

echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
