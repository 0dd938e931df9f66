#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build-failure tests for the typed VMCS accessors in vmx/vmx_ops.h.
# Each bad_*.c misuses an accessor and must fail to compile with the message
# named in its "expect:" comment; each ok_*.c must compile cleanly.
# Run from the top of the tree: sh tests/unit/build_fail/run.sh
CC=${CC:-gcc}
dir=tests/unit/build_fail
if [ ! -d "$dir" ]; then
	echo "run.sh: run from the top of the tinyvmx tree" >&2
	exit 2
fi

CFLAGS="-std=gnu11 -O2 -ffreestanding -nostdlib -nostdinc \
-isystem $($CC -print-file-name=include) -Iinclude/libc -Iinclude -I. \
-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
-fno-pic -fno-pie -fno-stack-protector -DTVX_KERNEL -Wall -Wextra \
-Wno-unused-parameter -Wno-sign-compare -Wmissing-prototypes \
-Wstrict-prototypes -Werror"

log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
fail=0
count=0

for src in "$dir"/ok_*.c "$dir"/bad_*.c; do
	[ -e "$src" ] || continue
	name=build_fail/$(basename "$src")
	count=$((count + 1))
	# shellcheck disable=SC2086
	if $CC $CFLAGS -c "$src" -o /dev/null >"$log" 2>&1; then
		built=yes
	else
		built=no
	fi
	case $(basename "$src") in
	ok_*)
		if [ $built = yes ]; then
			echo "PASS $name"
		else
			echo "FAIL $name (should compile)"
			sed 's/^/    /' "$log"
			fail=1
		fi
		;;
	bad_*)
		expect=$(sed -n 's|^/\* expect: \(.*\) \*/$|\1|p' "$src")
		if [ -z "$expect" ]; then
			echo "FAIL $name (no expect: comment)"
			fail=1
		elif [ $built = yes ]; then
			echo "FAIL $name (compiled, misuse not caught)"
			fail=1
		elif grep -qF "tinyvmx VMCS accessor misuse: $expect" "$log"; then
			echo "PASS $name"
		else
			echo "FAIL $name (failed without \"$expect\")"
			sed 's/^/    /' "$log"
			fail=1
		fi
		;;
	esac
done

if [ $count -eq 0 ]; then
	echo "FAIL build_fail (no test files found)"
	fail=1
fi
exit $fail
