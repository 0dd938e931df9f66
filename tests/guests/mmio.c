/* SPDX-License-Identifier: MIT */
/*
 * mmio: loads and stores at guest-physical addresses that no RAM backs.
 * Each is an EPT violation that the hypervisor decodes (size, register,
 * length) and hands to the device model, where nothing is mapped: reads
 * float high (all ones of the access size), writes are dropped.  The
 * decoded register must be merged as the CPU would (8/16-bit loads keep
 * the rest of the register, MOVZX/MOVSX extend, 32-bit loads replace).
 * The "mmio-trace" row runs this guest with --trace mmio.
 */
#include "guest.h"

#define EXIT_REASON_EPT_VIOLATION 48
#define MMIO_HOLE 0xc0000000u		/* far above guest RAM */
#define APIC_DEFAULT_BASE 0xfee00000u	/* the emulated local APIC */
#define APIC_ID_REG 0x20
#define APIC_VERSION_REG 0x30
#define APIC_VERSION_MASK 0xffu

static long ept_violations(void)
{
	return hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_EPT_VIOLATION, 0, 0, 0);
}

static void check_loads(void)
{
	volatile u32 *p32 = (volatile u32 *)MMIO_HOLE;
	volatile u16 *p16 = (volatile u16 *)MMIO_HOLE;
	volatile u8 *p8 = (volatile u8 *)MMIO_HOLE;
	u32 v;

	v = *p32;
	report(v == 0xffffffff, "32-bit read at %#x is 0xffffffff (%#x)", MMIO_HOLE, v);
	v = *p16;
	report(v == 0xffff, "16-bit read is 0xffff (%#x)", v);
	v = *p8;
	report(v == 0xff, "8-bit read is 0xff (%#x)", v);

	v = 0x12345600;
	asm volatile("movb (%1), %b0" : "+q"(v) : "r"(MMIO_HOLE + 1) : "memory");
	report(v == 0x123456ff, "movb into AL-style register keeps bits 31:8 (%#x)", v);
	v = 0x12345600;
	asm volatile("movb (%1), %h0" : "+Q"(v) : "r"(MMIO_HOLE + 2) : "memory");
	report(v == 0x1234ff00, "movb into a high-byte register (AH..DH) (%#x)", v);
	v = 0x12340000;
	asm volatile("movw (%1), %w0" : "+r"(v) : "r"(MMIO_HOLE + 2) : "memory");
	report(v == 0x1234ffff, "movw keeps bits 31:16 (%#x)", v);
	v = 0x12345678;
	asm volatile("movzbl (%1), %0" : "+r"(v) : "r"(MMIO_HOLE + 3) : "memory");
	report(v == 0xff, "movzbl zero-extends (%#x)", v);
	v = 0x12345678;
	asm volatile("movzwl (%1), %0" : "+r"(v) : "r"(MMIO_HOLE + 4) : "memory");
	report(v == 0xffff, "movzwl zero-extends (%#x)", v);
	v = 0;
	asm volatile("movsbl (%1), %0" : "+r"(v) : "r"(MMIO_HOLE + 5) : "memory");
	report(v == 0xffffffff, "movsbl sign-extends (%#x)", v);
	v = 0;
	asm volatile("movswl (%1), %0" : "+r"(v) : "r"(MMIO_HOLE + 6) : "memory");
	report(v == 0xffffffff, "movswl sign-extends (%#x)", v);
	v = 0;
	asm volatile("movl 0x10(%1,%2,4), %0" : "+r"(v) : "r"(MMIO_HOLE), "r"(3) : "memory");
	report(v == 0xffffffff, "base + index*4 + disp addressing (%#x)", v);
	v = 0;
	asm volatile("movl %1, %%eax" : "+a"(v) : "m"(*(volatile u32 *)(MMIO_HOLE + 8)));
	report(v == 0xffffffff, "moffs load into EAX (%#x)", v);

	/* the xAPIC page is served by the hypervisor, not floating */
	v = *(volatile u32 *)(APIC_DEFAULT_BASE + APIC_ID_REG);
	report(v == 0, "local APIC at %#x: APIC ID register reads %#x (BSP 0)",
	       APIC_DEFAULT_BASE, v);
	v = *(volatile u32 *)(APIC_DEFAULT_BASE + APIC_VERSION_REG);
	report((v & APIC_VERSION_MASK) == 0x14, "APIC version register %#x: version 0x14", v);
}

static void check_stores(void)
{
	volatile u32 *p32 = (volatile u32 *)MMIO_HOLE;
	u32 v;

	*p32 = 0;
	report(*p32 == 0xffffffff, "a 32-bit write is dropped (reads %#x after)", *p32);
	*(volatile u16 *)MMIO_HOLE = 0x1234;
	*(volatile u8 *)MMIO_HOLE = 0x12;
	asm volatile("movl $0x5a5a5a5a, (%0)" : : "r"(MMIO_HOLE) : "memory");
	asm volatile("movb %b0, 1(%1)" : : "q"(0), "r"(MMIO_HOLE) : "memory");
	v = *p32;
	report(v == 0xffffffff, "8/16-bit and immediate writes are dropped too (%#x)", v);
}

static void check_exit_count(void)
{
	volatile u32 *p32 = (volatile u32 *)MMIO_HOLE;
	long before, after;

	before = ept_violations();
	(void)*p32;
	*p32 = 1;
	(void)*(volatile u8 *)(MMIO_HOLE + 0x1000);
	after = ept_violations();
	report(after - before == 3, "3 MMIO accesses are 3 EPT violations (%ld -> %ld)", before,
	       after);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_loads();
	check_stores();
	check_exit_count();
	return 0;
}
