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

static u32 per_iter(u64 t0, u64 t1, u64 base)
{
	u64 d = t1 - t0;

	d = d > base ? d - base : 0;
	/* N is small: 32-bit division is enough */
	return (u32)d / N;
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
	power_off(0);
}
