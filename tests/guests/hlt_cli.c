/* SPDX-License-Identifier: MIT */
/*
 * hlt-cli: HLT with interrupts disabled can never end on a machine whose
 * devices raise no interrupts, so the hypervisor ends the VM (status 2)
 * and says why, instead of spinning forever.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	printf("hlt-cli: cli; hlt\n");
	asm volatile("cli; hlt" : : : "memory");
	report(false, "cli; hlt returned");
	return 0;
}
