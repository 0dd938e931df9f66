/* SPDX-License-Identifier: MIT */
/*
 * triple-fault: INT3 with an empty IDT (limit 0).  The #BP gate is beyond
 * the limit, so the CPU raises #GP, whose gate is beyond it too: a double
 * fault, and the #DF gate as well: a triple fault, i.e. shutdown (SDM Vol.
 * 3A "Interrupt 8—Double Fault Exception").  In VMX non-root operation the
 * triple fault is a VM exit; the hypervisor ends the VM (status 2).
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	static const struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	printf("triple-fault: loading an IDT with limit 0, then int3\n");
	asm volatile("lidt %0; int3" : : "m"(empty_idt) : "memory");
	report(false, "int3 with an empty IDT returned");
	return 0;
}
