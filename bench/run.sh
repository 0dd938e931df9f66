#!/usr/bin/env bash
# `make bench`: guest-measured exit round trips (Bochs TSC = instructions),
# hypervisor start to first guest instruction, wall time of a whole run,
# host memory per VM and per vCPU.  Compares with the targets of issue #2.
set -u
cd "$(dirname "$0")/.."
TV=build/host/tinyvmx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$TV" run build/guests/bench.elf >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st != 0 ]; then
	echo "bench guest failed (status $st)"; cat "$tmp/out" "$tmp/err"; exit 1
fi
val() { sed -n "s/^bench: $1=\([0-9]*\).*/\1/p" "$tmp/out"; }
# The same guest with APIC virtualization switched off for the VM.
"$TV" run --hv apicv=0 build/guests/bench.elf >"$tmp/out0" 2>"$tmp/err0"
st=$?
if [ $st != 0 ]; then
	echo "bench guest with apicv=0 failed (status $st)"; cat "$tmp/out0" "$tmp/err0"; exit 1
fi
val0() { sed -n "s/^bench: $1=\([0-9]*\).*/\1/p" "$tmp/out0"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

walls=()
for i in 1 2 3; do
	t0=$(date +%s%N)
	"$TV" run build/guests/poweroff.elf >/dev/null 2>"$tmp/err2" || { cat "$tmp/err2"; exit 1; }
	t1=$(date +%s%N)
	walls+=($(( (t1 - t0) / 1000000 )))
done
wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)	# median of 3
vm_kib=$(sed -n 's/.*host memory: VM \([0-9]*\) KiB.*/\1/p' "$tmp/err")
ept_kib=$(sed -n 's/.*(EPT \([0-9]*\) KiB).*/\1/p' "$tmp/err")
vcpu_kib=$(sed -n 's/.*vCPU \([0-9]*\) KiB.*/\1/p' "$tmp/err")

row() {	# name value unit target (a number) or note
	local verdict=-
	if [ -n "$4" ] && [ -z "${4//[0-9]/}" ]; then
		if [ "$2" -le "$4" ]; then verdict="ok (target <= $4)"; else verdict="OVER target <= $4"; fi
	elif [ -n "$4" ]; then
		verdict=$4
	fi
	printf '%-44s %10s %-13s %s\n' "$1" "$2" "$3" "$verdict"
}
echo "tinyvmx benchmarks (Bochs $(bochs --help 2>&1 | sed -n 's/.*Bochs x86 Emulator \([0-9.]*\).*/\1/p' | head -1), cpu tigerlake, clock sync=none: 1 tick = 1 instruction)"
row "CPUID exit round trip" "$(val cpuid_ticks)" ticks 150
row "OUT to an unassigned port (device model)" "$(val out_unassigned_ticks)" ticks 250
row "IN from an unassigned port (device model)" "$(val in_unassigned_ticks)" ticks ""
row "VMCALL (TVX_HC_NOP) round trip" "$(val hypercall_nop_ticks)" ticks ""
row "MMIO read, unassigned (EPT violation+decode)" "$(val mmio_unassigned_read_ticks)" ticks ""
row "xAPIC EOI write, APICv" "$(val xapic_eoi_ticks)" ticks ""
row "xAPIC EOI write, emulated (apicv=0)" "$(val0 xapic_eoi_ticks)" ticks "$(ratio "$(val0 xapic_eoi_ticks)" "$(val xapic_eoi_ticks)") slower"
row "self-IPI until handled + EOI, APICv" "$(val self_ipi_ticks)" ticks ""
row "self-IPI until handled + EOI, emulated" "$(val0 self_ipi_ticks)" ticks "$(ratio "$(val0 self_ipi_ticks)" "$(val self_ipi_ticks)") slower"
row "IOAPIC register read (MMIO, device model)" "$(val ioapic_read_ticks)" ticks ""
row "TSC-deadline timer at \"now\" until its IRQ" "$(val tsc_deadline_now_ticks)" ticks ""
row "hypervisor start -> first guest instruction" "$(val start_to_first_guest_insn)" instructions 2000000
row "wall time, tinyvmx run (power off at once)" "$wall" ms 1500
vm0_kib=$(sed -n 's/.*host memory: VM \([0-9]*\) KiB.*/\1/p' "$tmp/err0")
row "host memory per VM (struct kvm + EPT)" "$vm_kib" KiB "APICv: APIC-access page + its EPT tables"
row "host memory per VM, apicv=0" "$vm0_kib" KiB ""
row "  of which EPT paging structures" "$ept_kib" KiB ""
row "host memory per vCPU" "$vcpu_kib" KiB ""
