#!/bin/sh
# SPDX-License-Identifier: MIT
# Real runs: tiny guests assembled here boot under the real hypervisor in
# Bochs (about a second each).  Skipped when the hypervisor is not built or
# Bochs is not installed.
. "$(dirname "$0")/lib"

HV=${TINYVMX_HV:-build/tinyvmx.elf}
if [ ! -f "$HV" ] || ! command -v bochs >/dev/null 2>&1; then
	echo "SKIP boot: needs $HV (make hv) and bochs"
	exit 0
fi
case $HV in /*) ;; *) HV=$PWD/$HV ;; esac
TINYVMX_HV=$HV
export TINYVMX_HV

# Print "[" the multiboot command line "]" on COM1, write 0x21 to the
# debug-exit port: exit status (0x21 << 1) | 1 = 67.
if ! mkguest cmdline '	mov 16(%ebx), %esi
	mov $0x3f8, %dx
	mov $0x5b, %al
	outb %al, %dx
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	mov $0x5d, %al
	outb %al, %dx
	mov $0x0a, %al
	outb %al, %dx
	mov $0x21, %al
	mov $0xf4, %dx
	outb %al, %dx
	hlt'; then
	echo "SKIP boot: cannot assemble a guest ($(cat "$T/as.err" "$T/ld.err" 2>/dev/null | head -1))"
	exit 0
fi
mkguest shutdown '	mov $0x8900, %dx
	mov $msg, %esi
	mov $8, %ecx
	rep outsb
	hlt
msg:	.ascii "Shutdown"'
mkguest halt '	cli
	hlt'

# The guest sees "<path as given> <append>", blanks, `$` and `;` included.
cd "$T" || exit 1
start=$(date +%s%N)
tvx run --append 'a  b $x; ;' cmdline.elf
end=$(date +%s%N)
printf '[cmdline.elf a  b $x; ;]\n' > want
if expect_status cmdline 67; then
	if cmp -s out want; then pass cmdline
	else fail cmdline "guest printed '$(cat out)'"; fi
fi
echo "INFO boot: a run took $(((end - start) / 1000000)) ms"

tvx run -kernel ./cmdline.elf
printf '[./cmdline.elf ]\n' > want
if expect_status cmdline-default 67; then
	if cmp -s out want; then pass cmdline-default
	else fail cmdline-default "guest printed '$(cat out)'"; fi
fi

# Quotes and backslashes reach the guest unchanged.  GRUB's module2 puts a
# backslash before each of them, which the hypervisor has to undo.
tvx run --append "it's \"q\" a\\b" cmdline.elf
printf '[cmdline.elf it'"'"'s "q" a\\b]\n' > want
if expect_status cmdline-quotes 67; then
	if cmp -s out want; then pass cmdline-quotes
	else fail cmdline-quotes "guest printed '$(cat out)', expected '$(cat want)'"; fi
fi

tvx run -q shutdown.elf
if expect_status shutdown 0; then
	if [ -s err ]; then fail shutdown "quiet run printed: $(cat err)"
	else pass shutdown; fi
fi

tvx run halt.elf
expect_status halt-killed 2 && expect_in halt-killed err "killed" && pass halt-killed

tvx caps
expect_status caps 0 && expect_in caps out "IA32_VMX_BASIC" && pass caps

# Two runs at once do not get in each other's way.
"$TVX" run --append one cmdline.elf > out1 2> err1 &
p1=$!
"$TVX" run --append two cmdline.elf > out2 2> err2 &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
if [ $s1 -eq 67 ] && [ $s2 -eq 67 ] && grep -qF '[cmdline.elf one]' out1 &&
   grep -qF '[cmdline.elf two]' out2; then
	pass concurrent
else
	fail concurrent "statuses $s1 $s2, outputs '$(cat out1)' '$(cat out2)'"
fi

finish
