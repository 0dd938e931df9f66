/* SPDX-License-Identifier: MIT */
/*
 * Exit round-trip benchmarks, measured inside the guest with RDTSC.  Under
 * Bochs with clock: sync=none the TSC advances by one per instruction, so
 * the figures are instruction counts: exact and repeatable.  Each figure is
 * the average over N iterations of one exiting instruction, minus the cost
 * of the same loop without it (so the loop's own instructions do not count).
 */
#include "guest.h"

#define N 2000
#define UNASSIGNED_PORT 0x80

#define LAPIC 0xfee00000u
#define LAPIC_EOI (LAPIC + 0xb0)
#define LAPIC_SVR (LAPIC + 0xf0)
#define LAPIC_ICR (LAPIC + 0x300)
#define LAPIC_LVTT (LAPIC + 0x320)
#define LAPIC_SVR_ENABLE (1u << 8)
#define ICR_DEST_SELF (1u << 18)
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_TSC_DEADLINE 0x6e0
#define IOAPIC 0xfec00000u
#define IPI_VECTOR 0x40
#define TIMER_VECTOR 0x50

static u32 per_iter(u64 t0, u64 t1, u64 base)
{
	u64 d = t1 - t0;

	d = d > base ? d - base : 0;
	/* N is small: 32-bit division is enough */
	return (u32)d / N;
}

static void eoi(u8 vector)
{
	mmio_write32(LAPIC_EOI, 0);
}

/*
 * The local APIC paths (xAPIC, emulated through EPT violations until APIC
 * virtualization is used): an EOI write (with nothing in service, so only
 * the write's own cost), a self-IPI from the ICR write until its handler
 * has run and sent EOI, an IOAPIC register read, and a TSC-deadline timer
 * set to "now" until its interrupt has been handled.
 */
static void bench_apic(u64 empty)
{
	u64 t0, t1;
	u32 n;

	mmio_write32(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	set_irq_handler(IPI_VECTOR, eoi);
	set_irq_handler(TIMER_VECTOR, eoi);

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		mmio_write32(LAPIC_EOI, 0);
	t1 = rdtsc();
	printf("bench: xapic_eoi_ticks=%u\n", per_iter(t0, t1, empty));

	sti();
	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		mmio_write32(LAPIC_ICR, ICR_DEST_SELF | IPI_VECTOR);
	t1 = rdtsc();
	cli();
	printf("bench: self_ipi_ticks=%u (%u delivered)\n", per_iter(t0, t1, empty),
	       irq_count[IPI_VECTOR]);

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		(void)mmio_read32(IOAPIC + 0x10);
	t1 = rdtsc();
	printf("bench: ioapic_read_ticks=%u\n", per_iter(t0, t1, empty));

	mmio_write32(LAPIC_LVTT, LVT_TSC_DEADLINE | TIMER_VECTOR);
	sti();
	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++) {
		n = irq_count[TIMER_VECTOR];
		wrmsr(MSR_TSC_DEADLINE, rdtsc());
		while (irq_count[TIMER_VECTOR] == n)
			asm volatile("pause");
	}
	t1 = rdtsc();
	cli();
	printf("bench: tsc_deadline_now_ticks=%u\n", per_iter(t0, t1, empty));
}


int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u64 start_tsc, t0, t1, empty;
	u32 a, b, c, d, lo, hi;

	/* TVX_HC_HOST_TSC: the hypervisor's first TSC, high half in EDX */
	asm volatile("vmcall" : "=a"(lo), "=d"(hi) : "a"(TVX_HC_HOST_TSC) : "memory");
	start_tsc = ((u64)hi << 32) | lo;
	printf("bench: start_to_first_guest_insn=%u\n", (u32)(entry_tsc - start_tsc));

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		asm volatile("" ::: "memory");
	t1 = rdtsc();
	empty = t1 - t0;

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		cpuid(0, 0, &a, &b, &c, &d);
	t1 = rdtsc();
	printf("bench: cpuid_ticks=%u\n", per_iter(t0, t1, empty));

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		outb(UNASSIGNED_PORT, 0);
	t1 = rdtsc();
	printf("bench: out_unassigned_ticks=%u\n", per_iter(t0, t1, empty));

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		(void)inb(UNASSIGNED_PORT);
	t1 = rdtsc();
	printf("bench: in_unassigned_ticks=%u\n", per_iter(t0, t1, empty));

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		hypercall(TVX_HC_NOP, 0, 0, 0, 0);
	t1 = rdtsc();
	printf("bench: hypercall_nop_ticks=%u\n", per_iter(t0, t1, empty));

	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		(void)*(volatile u32 *)0xC0000000u;
	t1 = rdtsc();
	printf("bench: mmio_unassigned_read_ticks=%u\n", per_iter(t0, t1, empty));
	bench_apic(empty);
	power_off(0);
}
