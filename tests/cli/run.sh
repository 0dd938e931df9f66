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

# Guest modules (-initrd, --module): checked like the guest itself.
: > "$T/m.bin"
refused too-many-modules "9 guest modules (-initrd and --module); at most 8" \
	run -initrd "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" "$T/text.txt"
refused too-many-modules-no-initrd "9 guest modules" \
	run --module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" "$T/text.txt"
# Eight are fine: the run gets as far as the guest image.
refused eight-modules "$T/text.txt: no multiboot header" \
	run -initrd "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" --module "$T/m.bin" \
	--module "$T/m.bin" --module "$T/m.bin" "$T/text.txt"
refused initrd-twice "-initrd given twice" \
	run -initrd "$T/m.bin" --initrd "$T/m.bin" "$T/text.txt"
refused module-no-file "--module ',x': empty file name" run --module ,x "$T/text.txt"
refused initrd-missing-value "option -initrd needs a value" run "$T/text.txt" -initrd
if mkguest small "	hlt"; then
	refused missing-initrd "$T/nothere.img: No such file or directory" \
		run -initrd "$T/nothere.img" "$T/small.elf"
	refused missing-module "$T/nomod.bin: No such file or directory" \
		run --module "$T/m.bin" --module "$T/nomod.bin,its string" "$T/small.elf"
	refused initrd-directory "$T/adir: Is a directory" \
		run --initrd="$T/adir" "$T/small.elf"
	refused initrd-qemu-list "give one file to -initrd" \
		run -initrd "$T/m.bin,$T/m.bin" "$T/small.elf"

	# Modules go into guest RAM after the kernel ...
	head -c $((2 * 1024 * 1024)) /dev/zero > "$T/2mib.bin"
	refused module-too-big-for-mem \
		"$T/2mib.bin: the 2097152-byte module does not fit in 2 MiB of guest memory" \
		run -m 2 -initrd "$T/2mib.bin" "$T/small.elf"
	# ... and GRUB's copy of them into Bochs's RAM: the largest guest RAM
	# leaves no room for a 1 MiB module (without it, the run goes on).
	head -c $((1024 * 1024)) /dev/zero > "$T/1mib.bin"
	refused modules-too-big-for-bochs \
		"do not fit in Bochs's 2048 MiB: GRUB keeps the images in RAM" \
		run -m 1984 --module "$T/1mib.bin" "$T/small.elf"
	FAKE_MKRESCUE_FAIL=1 tvx run -m 1984 "$T/small.elf"
	expect_status max-mem-without-modules 8 && pass max-mem-without-modules

	# The ISO's grub.cfg: one module2 line per module after the guest,
	# -initrd first wherever it stands, each file copied to /boot/modN.
	# (The fake grub-mkrescue fails, so nothing boots; --keep keeps it.)
	printf 'ramdisk' > "$T/rd.img"
	printf 'second' > "$T/m2.bin"
	printf 'third' > "$T/m3.bin"
	rm -f "$T/called"
	FAKE_MKRESCUE_FAIL=1 tvx run --keep "$T/keep" --module "$T/m2.bin,two words" \
		--initrd "$T/rd.img" --module "$T/m3.bin" "$T/small.elf"
	cfg=$T/keep/isoroot/boot/grub/grub.cfg
	if expect_status grub-cfg-modules 8 &&
	   { [ -f "$cfg" ] || { fail grub-cfg-modules "no $cfg"; false; }; } &&
	   expect_in grub-cfg-modules "$cfg" "  module2 '/boot/guest.elf' '$T/small.elf' ''" &&
	   expect_in grub-cfg-modules "$cfg" "  module2 '/boot/mod1' '$T/rd.img'" &&
	   expect_in grub-cfg-modules "$cfg" "  module2 '/boot/mod2' 'two' 'words'" &&
	   expect_in grub-cfg-modules "$cfg" "  module2 '/boot/mod3' '$T/m3.bin'"; then
		order=$(grep -o "module2 '/boot/[a-z0-9.]*'" "$cfg" | tr '\n' ' ')
		if [ "$order" != "module2 '/boot/guest.elf' module2 '/boot/mod1' module2 '/boot/mod2' module2 '/boot/mod3' " ]; then
			fail grub-cfg-modules "module2 lines out of order: $order"
		elif ! cmp -s "$T/rd.img" "$T/keep/isoroot/boot/mod1" ||
		     ! cmp -s "$T/m2.bin" "$T/keep/isoroot/boot/mod2" ||
		     ! cmp -s "$T/m3.bin" "$T/keep/isoroot/boot/mod3" ||
		     ! cmp -s "$T/small.elf" "$T/keep/isoroot/boot/guest.elf"; then
			fail grub-cfg-modules "the ISO tree's files differ from the modules given"
		else
			pass grub-cfg-modules
		fi
	fi
else
	echo "SKIP modules: cannot assemble a guest ($(cat "$T/as.err" "$T/ld.err" 2>/dev/null | head -1))"
fi

# --real-mode-entry ADDR: a flat image, loaded at ADDR below 1 MiB, that
# must end at or below the stack page at 0x9f000 (loader/flat.h).
refused real-mode-missing-file "$T/nothere.bin: No such file or directory" \
	run --real-mode-entry 0x7c00 "$T/nothere.bin"
refused real-mode-empty-file "$T/empty.elf: empty file" \
	run --real-mode-entry 0x7c00 "$T/empty.elf"
refused real-mode-addr-1mib \
	"$T/text.txt: --real-mode-entry: real-mode entry address 0x100000 is not below 1 MiB (0x100000)" \
	run --real-mode-entry 0x100000 "$T/text.txt"
refused real-mode-addr-junk "$T/text.txt: --real-mode-entry: real-mode entry address '7c00h': expected a number below 1 MiB" \
	run --real-mode-entry=7c00h "$T/text.txt"
head -c $((0x9f000 - 0x7c00 + 1)) /dev/zero > "$T/flat-too-big.bin"
refused real-mode-too-big \
	"$T/flat-too-big.bin: the 619521-byte image at 0x7c00 would end at 0x9f001: a real-mode image must end at or below 0x9f000" \
	run --real-mode-entry 0x7c00 "$T/flat-too-big.bin"
refused real-mode-in-stack-page "$T/text.txt: the 15-byte image at 0x9f000 would end at 0x9f00f" \
	run --real-mode-entry 0x9f000 "$T/text.txt"
refused real-mode-append "--real-mode-entry: a real-mode image has no command line and no modules (drop -append)" \
	run --real-mode-entry 0x7c00 -append x "$T/text.txt"
refused real-mode-initrd "(drop -initrd)" \
	run -initrd "$T/text.txt" --real-mode-entry 0x7c00 "$T/text.txt"
refused real-mode-module "(drop --module)" \
	run --real-mode-entry 0x7c00 --module "$T/text.txt" "$T/text.txt"
# Any non-empty file that fits will do (no multiboot header needed): the
# run gets as far as the ISO, whose grub.cfg tells the hypervisor.
head -c $((0x9f000 - 0x7c00)) /dev/zero > "$T/flat-max.bin"
rm -f "$T/called"
FAKE_MKRESCUE_FAIL=1 tvx run --keep "$T/keep-flat" --real-mode-entry 31744 "$T/flat-max.bin"
cfg=$T/keep-flat/isoroot/boot/grub/grub.cfg
expect_status real-mode-accepted 8 &&
	expect_in real-mode-accepted "$T/called" "grub-mkrescue" &&
	expect_in real-mode-accepted "$cfg" "'mem=128' 'real_mode_entry=0x7c00'" &&
	expect_in real-mode-accepted "$cfg" "  module2 '/boot/guest.elf' '$T/flat-max.bin'" &&
	pass real-mode-accepted

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
# -smp N: 1 to 8 vCPUs (KVM_MAX_VCPUS); a QEMU topology only if it
# multiplies to N.
refused smp-too-many "-smp 9: a VM has 1 to 8 vCPUs" run -smp 9 "$T/text.txt"
refused smp-zero "-smp 0: a VM has 1 to 8 vCPUs" run -smp 0 "$T/text.txt"
refused smp-not-a-number "-smp abc: 'abc' is not a CPU count" run -smp abc "$T/text.txt"
refused smp-empty "-smp: expected a CPU count" run -smp "" "$T/text.txt"
refused smp-cpus-too-many "-smp cpus=9: a VM has 1 to 8 vCPUs" run -smp cpus=9 "$T/text.txt"
refused smp-topology-mismatch "the topology gives 2 CPUs, not 4" \
	run -smp 4,sockets=2,cores=1 "$T/text.txt"
refused smp-topology-too-many "-smp sockets=4,cores=4: a VM has 1 to 8 vCPUs" \
	run -smp sockets=4,cores=4 "$T/text.txt"
refused smp-maxcpus "maxcpus must equal the CPU count (no CPU hotplug)" \
	run -smp 2,maxcpus=4 "$T/text.txt"
refused smp-unknown-key "-smp 2,books=1: unknown parameter 'books'" \
	run -smp 2,books=1 "$T/text.txt"
refused smp-count-twice "the CPU count is given twice" run -smp cpus=2,2 "$T/text.txt"
refused smp-accepted "$T/text.txt: no multiboot header" \
	run -smp 8 "$T/text.txt"
refused smp-topology-accepted "$T/text.txt: no multiboot header" \
	run -smp cpus=4,sockets=1,dies=1,clusters=1,cores=2,threads=2,maxcpus=4 "$T/text.txt"
# The count reaches the hypervisor as cpus=N (the first image that passes
# the checks will do: the flat one; the fake grub-mkrescue fails).
for smp in "2 cpus=2" "sockets=2,cores=2 cpus=4" "cpus=8 cpus=8"; do
	rm -rf "$T/keep-smp"
	FAKE_MKRESCUE_FAIL=1 tvx run --keep "$T/keep-smp" -smp "${smp%% *}" \
		--real-mode-entry 0x7c00 "$T/flat-max.bin"
	expect_status "smp-hv-option-${smp##* }" 8 &&
		expect_in "smp-hv-option-${smp##* }" "$T/keep-smp/isoroot/boot/grub/grub.cfg" \
			"'mem=128' '${smp##* }'" &&
		pass "smp-hv-option-${smp##* }"
done
# Without -smp the hypervisor's default (one vCPU) applies: no cpus=.
expect_not_in smp-default "$T/keep-flat/isoroot/boot/grub/grub.cfg" "cpus=" &&
	pass smp-default
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
