/* SPDX-License-Identifier: MIT */
/*
 * Per-vCPU exit statistics, printed when a VM ends, in the spirit of
 * `perf kvm stat report`.  Time is in TSC ticks (under Bochs with
 * clock: sync=none one tick is one instruction) from the VM exit to the
 * next VM entry, so it includes the device model.
 */
#include <stdio.h>

#include "kernel/kernel.h"
#include "virt/kvm_host.h"

/* a / b as a percentage with two decimals, without floating point */
static void pct(char *buf, size_t len, u64 a, u64 b)
{
	u64 x = b ? (a * 10000 + b / 2) / b : 0;

	snprintf(buf, len, "%3llu.%02llu%%", x / 100, x % 100);
}

void kvm_print_exit_stats(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_stat *st = &vcpu->stat;
	u64 total = 0, ticks = 0;

	for (int i = 0; i < EXIT_REASON_MAX; i++) {
		total += st->exits[i].count;
		ticks += st->exits[i].ticks;
	}
	printk("VM %d vCPU %d exit statistics: %llu exits, %llu ticks in the guest, "
	       "%llu ticks handling exits\n", vcpu->kvm->id, vcpu->vcpu_id, total,
	       st->guest_ticks, ticks);
	printk("  %-22s %9s %8s %8s %9s %9s\n", "Event name", "Samples",
	       "Samples%", "Time%", "Avg ticks", "Max ticks");
	for (int i = 0; i < EXIT_REASON_MAX; i++) {
		const struct kvm_exit_stat *e = &st->exits[i];
		const char *name = vmx_exit_reason_name(i);
		char sp[16], tp[16];

		if (!e->count)
			continue;
		pct(sp, sizeof(sp), e->count, total);
		pct(tp, sizeof(tp), e->ticks, ticks);
		printk("  %-22s %9llu %8s %8s %9llu %9llu\n",
		       name ? name : "?", e->count, sp, tp,
		       e->count ? e->ticks / e->count : 0, e->max_ticks);
	}
	printk("  I/O exits to the device model %llu, MMIO %llu (unassigned %llu), "
	       "hypercalls %llu, exceptions injected %llu, interrupts injected "
	       "%llu\n", st->io_exits, st->mmio_exits, st->mmio_unassigned,
	       st->hypercalls, st->injected_exceptions, st->injected_interrupts);
}
