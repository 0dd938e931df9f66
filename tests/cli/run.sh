#!/bin/sh
# SPDX-License-Identifier: MIT
# `tinyvmx run` must refuse a bad command line or guest image with exit
# status 64 and a message naming the problem, before it builds an ISO or
# starts Bochs (fake ones in PATH record whether they were called).
. "$(dirname "$0")/lib"

fake_tools "$T/bin"
PATH="$T/bin:$PATH"
export PATH
# No Bochs runs here, so any file will do as the hypervisor.
echo "not a hypervisor" > "$T/fake-hv.elf"
TINYVMX_HV="$T/fake-hv.elf"
export TINYVMX_HV

# refused NAME PATTERN ARGS...: exit 64, PATTERN on stderr, nothing started.
refused() {
	name=$1
	pattern=$2
	shift 2
	rm -f "$T/called"
	tvx "$@"
	expect_status "$name" 64 || return
	expect_in "$name" "$T/err" "$pattern" || return
	if [ -e "$T/called" ]; then
		fail "$name" "started: $(cat "$T/called")"
		return
	fi
	pass "$name"
}

refused missing-file "$T/nothere.elf: No such file or directory" run "$T/nothere.elf"

: > "$T/empty.elf"
refused empty-file "$T/empty.elf: empty file" run "$T/empty.elf"

mkdir "$T/adir"
refused directory "$T/adir: Is a directory" run "$T/adir"

echo "just some text" > "$T/text.txt"
refused text-file "$T/text.txt: no multiboot header in the first 8192 bytes" run "$T/text.txt"

cp /bin/true "$T/true"
refused elf-without-header "$T/true: no multiboot header" run "$T/true"

# A guest with a 4 MiB bss: too big for -m 2, fine for the default.
if mkguest big "	hlt
	.bss
	.skip 4 * 1024 * 1024"; then
	refused too-big-for-mem "$T/big.elf: segment at 0x00100000-" run -m 2 "$T/big.elf"
	refused too-big-for-mem-message "does not fit in 2 MiB of guest memory" run -m 2 "$T/big.elf"
	# The same image with enough memory passes the checks and gets as
	# far as building the ISO (the fake grub-mkrescue then fails).
	rm -f "$T/called"
	FAKE_MKRESCUE_FAIL=1 tvx run "$T/big.elf"
	if expect_status fits-default-mem 8 &&
	   expect_in fits-default-mem "$T/err" "grub-mkrescue failed" &&
	   expect_in fits-default-mem "$T/called" "grub-mkrescue"; then
		if grep -q '^bochs' "$T/called"; then
			fail fits-default-mem "bochs was started after grub-mkrescue failed"
		else
			pass fits-default-mem
		fi
	fi
else
	echo "SKIP too-big-for-mem: cannot assemble a guest ($(cat "$T/as.err" "$T/ld.err" 2>/dev/null | head -1))"
fi

refused unknown-option "unknown option '--frobnicate'" run --frobnicate "$T/text.txt"
refused unknown-option-usage "usage: tinyvmx run" run --frobnicate "$T/text.txt"
refused unknown-command "unknown command 'walk'" walk
refused no-command "no command"
refused no-guest "run: no guest image" run
refused two-guests "more than one guest image" run "$T/text.txt" "$T/empty.elf"
refused kernel-and-guest "more than one guest image" run -kernel "$T/text.txt" "$T/empty.elf"
refused missing-value "option --append needs a value" run "$T/text.txt" --append
refused bad-mem "--mem 'lots'" run --mem lots "$T/text.txt"
refused mem-too-small "--mem 1:" run -m 1 "$T/text.txt"
refused mem-too-big "--mem 4096:" run -m 4G "$T/text.txt"
refused bad-timeout "--timeout 'soon'" run --timeout soon "$T/text.txt"
refused bad-trace "unknown class 'disk'" run --trace io,disk "$T/text.txt"
refused hv-option-blank "hypervisor options cannot contain blanks" run --hv "a b" "$T/text.txt"
refused hv-option-quote "hypervisor options cannot contain blanks" run --hv 'a="b"' "$T/text.txt"
refused bad-cpu-name "not a CPU model name" run --cpu 'x, ips=1' "$T/text.txt"
refused qemu-device "only isa-debug-exit is available" run -device virtio-net "$T/text.txt"
refused qemu-debug-exit-port "the debug-exit port is fixed at 0xf4" run -device isa-debug-exit,iobase=0x501 "$T/text.txt"
refused qemu-smp "a VM has one vCPU" run -smp 2 "$T/text.txt"
refused qemu-serial "-serial file:x" run -serial file:x "$T/text.txt"
refused caps-extra "caps: unexpected argument" caps --mem 64

# QEMU test-runner spellings are accepted: the run gets as far as the
# guest image, whose name is then the complaint.
refused qemu-options-accepted "$T/text.txt: no multiboot header" \
	run -nographic -no-reboot -serial stdio -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp 1 -m 64M \
	-append "x y" -kernel "$T/text.txt"
refused equals-forms "$T/text.txt: no multiboot header" \
	run --mem=64 --append=x --timeout=5 --trace=io,exits "$T/text.txt"

# --help and --version: status 0, text on stdout, nothing started.
for opt in --help -h; do
	rm -f "$T/called"
	tvx "$opt"
	if expect_status "help$opt" 0 && expect_in "help$opt" "$T/out" "usage: tinyvmx run" &&
	   expect_in "help$opt" "$T/out" "exit status:"; then
		if [ -e "$T/called" ]; then fail "help$opt" "started something"; else pass "help$opt"; fi
	fi
done
rm -f "$T/called"
tvx run --mem 64 --help
expect_status help-after-command 0 && expect_in help-after-command "$T/out" "usage:" &&
	pass help-after-command
tvx --version
expect_status version 0 && expect_in version "$T/out" "tinyvmx " && pass version

# Missing host tools: exit 8, name them, print the apt-get command.
if [ -e "$T/big.elf" ]; then
	mkdir -p "$T/empty-path"
	PATH="$T/empty-path" "$TVX" run "$T/big.elf" >"$T/out" 2>"$T/err"
	status=$?
	expect_status missing-tools 8 &&
		expect_in missing-tools "$T/err" "missing: bochs" &&
		expect_in missing-tools "$T/err" "xorriso" &&
		expect_in missing-tools "$T/err" \
			"apt-get install bochs bochsbios vgabios grub-pc-bin grub-common xorriso mtools" &&
		pass missing-tools

	# The hypervisor not built yet.
	rm -f "$T/called"
	TINYVMX_HV="$T/no-such-tinyvmx.elf" "$TVX" run "$T/big.elf" >"$T/out" 2>"$T/err"
	status=$?
	if expect_status missing-hypervisor 8 &&
	   expect_in missing-hypervisor "$T/err" "run make first"; then
		if [ -e "$T/called" ]; then fail missing-hypervisor "started something"; else pass missing-hypervisor; fi
	fi
fi

finish
