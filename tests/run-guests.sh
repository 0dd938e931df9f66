#!/usr/bin/env bash
# Run the guest tests of tests/guests/TESTS under the hypervisor in Bochs,
# two at a time, and print one PASS/FAIL line per test.
set -u
cd "$(dirname "$0")/.."
G=build/guests
TV=build/host/tinyvmx
JOBS=${JOBS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run_one() {
	local name=$1 args=$2 want=$3 want_out=$4 want_err=$5 d=$out/$1
	mkdir -p "$d"
	eval "set -- $args"
	local t0=$(date +%s.%N)
	"$TV" run --timeout 120 "$@" >"$d/stdout" 2>"$d/stderr"
	local st=$? why=
	local dt=$(echo "$(date +%s.%N) - $t0" | bc)
	[ "$st" = "$want" ] || why="exit status $st, expected $want"
	if [ -z "$why" ] && [ "$want_out" != "-" ] && ! grep -Eq -- "$want_out" "$d/stdout"; then
		why="stdout does not match /$want_out/"
	fi
	if [ -z "$why" ] && [ "$want_err" != "-" ] && ! tr '\n' ' ' <"$d/stderr" | grep -Eq -- "$want_err"; then
		why="stderr does not match /$want_err/"
	fi
	if [ -z "$why" ]; then
		printf 'PASS guest/%s (%.1fs)\n' "$name" "$dt"
	else
		printf 'FAIL guest/%s: %s\n' "$name" "$why"
		sed 's/^/    stdout: /' "$d/stdout" | tail -20
		sed 's/^/    stderr: /' "$d/stderr" | tail -25
	fi
}
export -f run_one
export out G TV

filter=${1:-}
grep -v '^\s*#' tests/guests/TESTS | grep -v '^\s*$' |
while IFS= read -r line; do
	IFS='|' read -r name args want want_out want_err <<<"$line"
	name=$(echo $name); want=$(echo $want)
	want_out=$(echo "$want_out" | sed 's/^ *//; s/ *$//')
	want_err=$(echo "$want_err" | sed 's/^ *//; s/ *$//')
	[ -n "$filter" ] && [[ "$name" != $filter ]] && continue
	printf "%s\0%s\0%s\0%s\0%s\0" "$name" "$args" "$want" "$want_out" "$want_err"
done | xargs -0 -n 5 -P "$JOBS" bash -c 'run_one "$@"' _
