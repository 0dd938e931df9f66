#!/bin/sh
# SPDX-License-Identifier: MIT
# How `tinyvmx run` reads Bochs's output, with a fake Bochs that prints a
# prepared byte stream: the port-0xE9 framing (kernel/console.h) split onto
# stdout and stderr, the "tvx-exit:" line mapped to the exit status
# (include/tvx/abi.h), timeouts, quiet mode, and the files it writes.
. "$(dirname "$0")/lib"

fake_tools "$T/bin"
PATH="$T/bin:$PATH"
echo "not a hypervisor" > "$T/fake-hv.elf"
TINYVMX_HV="$T/fake-hv.elf"
FAKE_BOCHS_OUT="$T/stream"
export PATH TINYVMX_HV FAKE_BOCHS_OUT

if ! mkguest g "	hlt"; then
	echo "SKIP output: cannot assemble a guest ($(cat "$T/as.err" "$T/ld.err" 2>/dev/null | head -1))"
	exit 0
fi
G=$T/g.elf

# What Bochs prints before the CPU runs, then the debugger's first stop.
PRELUDE='========================================================================
                        Bochs x86 Emulator 2.7
========================================================================
Next at t=0
(0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmpf 0xf000:e05b          ; ea5be000f0
'
# What the debugger prints when the simulation stops.
STOP='(0).[50699100] [0x00000010a700] 0008:ffffffff8010a700 (unk. ctxt): out dx, al                ; ee
'
SO=$(printf '\016')	# CONSOLE_FRAME_GUEST
SI=$(printf '\017')	# CONSOLE_FRAME_HV
DLE=$(printf '\020')	# CONSOLE_FRAME_ESC

# stream TEXT: the fake Bochs prints the prelude, TEXT, the stop line.
stream() {
	printf '%s%s%s' "$PRELUDE" "$1" "$STOP" > "$T/stream"
}

# result NAME WHAT CODE STATUS: "tvx-exit: WHAT CODE" gives STATUS.
result() {
	stream "tinyvmx: hypervisor started
${SO}guest says hi
${SI}tvx-exit: $2 $3
"
	tvx run "$G"
	expect_status "$1" "$4" && expect_not_in "$1" "$T/err" "tvx-exit" && pass "$1"
}

result poweroff poweroff 0 0
result poweroff-code poweroff 3 4
expect_in poweroff-code-message "$T/err" "the guest powered off with code 3" &&
	pass poweroff-code-message
result debug-exit-0 debug-exit 0 1
result debug-exit-33 debug-exit 33 67
result debug-exit-wraps debug-exit 200 145
result killed killed 48 2
result panic panic 0 8
result hv-failure hv-failure 0 8
result bad-image bad-image 0 8
result error error 0 8
result unknown-result frobbed 0 8

# The channels: hypervisor text before any frame byte (its channel is the
# first), guest bytes to stdout exactly, Bochs's own lines nowhere.
stream "tinyvmx: hypervisor started
vmx: details
${SO}guest line 1
guest line 2 no newline${SI}tinyvmx: VM 0: something
${SO} and the rest
${SI}stats line
tvx-exit: poweroff 0
"
tvx run "$G"
printf 'guest line 1\nguest line 2 no newline and the rest\n' > "$T/want"
if expect_status channels 0; then
	if cmp -s "$T/out" "$T/want"; then pass channels-stdout
	else fail channels-stdout "stdout is '$(cat "$T/out")'"; fi
	printf 'tinyvmx: hypervisor started\nvmx: details\ntinyvmx: VM 0: something\nstats line\n' > "$T/want"
	if cmp -s "$T/err" "$T/want"; then pass channels-stderr
	else fail channels-stderr "stderr is '$(cat "$T/err")'"; fi
fi

# Escaped frame bytes are data.
stream "${SO}a${DLE}${SO}b${DLE}${SI}c${DLE}${DLE}d
${SI}tvx-exit: poweroff 0
"
tvx run "$G"
printf 'a\016b\017c\020d\n' > "$T/want"
if expect_status escapes 0 && cmp -s "$T/out" "$T/want"; then pass escapes
else fail escapes "stdout is $(od -c "$T/out" | head -2)"; fi

# A hypervisor that frames its first line too.
stream "${SI}tinyvmx: framed from the start
${SO}g
${SI}tvx-exit: debug-exit 1
"
tvx run "$G"
expect_status framed-first 3 && expect_in framed-first "$T/err" "framed from the start" &&
	expect_not_in framed-first "$T/err" "Bochs x86" && pass framed-first

# Quiet: the hypervisor's start-up lines, traces and statistics are
# dropped; kill reports, panics and warnings are not.
STATS='VM 0 vCPU 0 exit statistics: 6 exits, 522 ticks in the guest
  Event name               Samples Samples%
  HLT                            1   16.67%
'
stream "tinyvmx: hypervisor started, 191 MiB free, command line 'console=e9'
vmx: rev 4, vmcs 4096B, ept
tinyvmx: ignoring unknown option 'frob'
tinyvmx: VM 0: 128 MiB, entry 0x10000c
trace: io out port 0x3f8 size 1 value 0x6f
${SO}out
${SI}tinyvmx: VM 0 killed: because
  detail of the kill
${STATS}tvx-exit: killed 2
"
tvx run -q "$G"
if expect_status quiet-failure 2 && expect_in quiet-failure "$T/out" "out"; then
	printf "tinyvmx: ignoring unknown option 'frob'\ntinyvmx: VM 0 killed: because\n  detail of the kill\n" > "$T/want"
	if cmp -s "$T/err" "$T/want"; then pass quiet-failure
	else fail quiet-failure "stderr is '$(cat "$T/err")'"; fi
fi
tvx run "$G"
expect_status not-quiet 2 && expect_in not-quiet "$T/err" "hypervisor started" &&
	expect_in not-quiet "$T/err" "HLT       " && expect_in not-quiet "$T/err" "trace: io" &&
	pass not-quiet
stream "tinyvmx: hypervisor started
${SO}out
${SI}${STATS}tvx-exit: poweroff 0
"
tvx run -q "$G"
if expect_status quiet-success 0 && expect_in quiet-success "$T/out" "out"; then
	if [ -s "$T/err" ]; then fail quiet-success "stderr: $(cat "$T/err")"; else pass quiet-success; fi
fi

# No result line: status 10 and the context.
stream "tinyvmx: hypervisor started
tinyvmx: last words
"
tvx run "$G"
expect_status no-result 10 && expect_in no-result "$T/err" "Bochs ended without a result" &&
	expect_in no-result "$T/err" "fake bochs log" &&
	expect_in no-result "$T/err" "last hypervisor lines" && pass no-result

# Timeout: Bochs is stopped, status 10, well before the fake would end.
stream "tinyvmx: hypervisor started
tvx-exit: poweroff 0
"
start=$(date +%s)
FAKE_BOCHS_SLEEP=30 tvx run --timeout 1 "$G"
elapsed=$(($(date +%s) - start))
expect_status timeout 10 && expect_in timeout "$T/err" "timeout" && {
	if [ "$elapsed" -le 8 ]; then pass timeout
	else fail timeout "took $elapsed s"; fi
}

# caps: the hypervisor's text is the command's output.
stream "tinyvmx: hypervisor started
VMX capability report
${SI}tvx-exit: caps 0
"
tvx caps
expect_status caps 0 && expect_in caps "$T/out" "VMX capability report" &&
	expect_not_in caps "$T/out" "tvx-exit" && pass caps
expect_in bochs-args "$T/called" "bochs -f bochsrc -q -rc cmds" && pass bochs-args

# The work files: grub.cfg quoting, bochsrc, --keep, --log, cleanup.
stream "${SI}tvx-exit: poweroff 0
"
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" tvx run --keep "$T/keep" --log "$T/copy.log" -m 32M \
	--trace io,exits --hv hlt_in_guest=1 --cpu tigerlake \
	--append "a  b \$x; 'q' \"d\"" "$G"
cfg=$T/keep/isoroot/boot/grub/grub.cfg
if expect_status keep 0 && [ -f "$cfg" ] && [ -f "$T/keep/bochsrc" ] &&
   [ -f "$T/keep/bochs.out" ] && [ -f "$T/keep/isoroot/boot/guest.elf" ]; then
	pass keep
else
	fail keep "files: $(ls -R "$T/keep" 2>&1 | tr '\n' ' ')"
fi
expect_in grub-hv-line "$cfg" "multiboot2 '/boot/tinyvmx.elf' 'console=e9' 'mem=32' 'trace=io,exits' 'hlt_in_guest=1'" &&
	pass grub-hv-line
expect_in grub-module-line "$cfg" "module2 '/boot/guest.elf' '$G' 'a' '' 'b' '\$x;' ''\\''q'\\''' '\"d\"'" &&
	pass grub-module-line
expect_in bochsrc-megs "$T/keep/bochsrc" "megs: 96" && pass bochsrc-megs
expect_in bochsrc-cpu "$T/keep/bochsrc" "model=tigerlake" && pass bochsrc-cpu
expect_in log-copy "$T/copy.log" "fake bochs log" && pass log-copy
if [ -z "$(ls -A "$T/tmp")" ]; then pass no-temp-left
else fail no-temp-left "left in TMPDIR: $(ls -A "$T/tmp")"; fi

# Without --keep, the work directory is removed.
TMPDIR="$T/tmp" tvx run "$G"
if [ -z "$(ls -A "$T/tmp")" ]; then pass workdir-removed
else fail workdir-removed "left in TMPDIR: $(ls -A "$T/tmp")"; fi

# The guest's command line defaults to "PATH " (as QEMU's).
TMPDIR="$T/tmp" tvx run --keep "$T/keep2" "$G"
expect_in default-cmdline "$T/keep2/isoroot/boot/grub/grub.cfg" "module2 '/boot/guest.elf' '$G' ''" &&
	pass default-cmdline

finish
