/* SPDX-License-Identifier: MIT */
/*
 * outside-fetch: a jump to guest-physical 0x40000000, far above the guest's
 * 128 MiB of RAM.  The instruction fetch is an EPT violation that no
 * device can serve: the hypervisor ends the VM (status 2) and says the
 * guest executed outside its memory.
 */
#include "guest.h"

#define OUTSIDE_RAM 0x40000000u

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	printf("outside-fetch: jumping to %#x\n", OUTSIDE_RAM);
	asm volatile("jmp *%0" : : "r"(OUTSIDE_RAM) : "memory");
	report(false, "the jump returned");
	return 0;
}
