/* SPDX-License-Identifier: MIT */
/*
 * debug-exit: a 32-bit OUT of v to the isa-debug-exit port 0xf4 ends the
 * machine with exit status (v << 1) | 1, as QEMU's isa-debug-exit device
 * does; v = 0x21 gives 0x43 (67).
 */
#include "guest.h"

#define DEBUG_EXIT_CODE 0x21

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	printf("debug-exit: writing %#x to port %#x\n", DEBUG_EXIT_CODE, TVX_PORT_DEBUG_EXIT);
	outl(TVX_PORT_DEBUG_EXIT, DEBUG_EXIT_CODE);
	report(false, "the guest ran on after the debug-exit write");
	return 0;
}
