/* SPDX-License-Identifier: MIT */
/*
 * shutdown-port: the 8 bytes "Shutdown" written one by one to port 0x8900
 * power the VM off (status 0).  Under Bochs the same bytes would make
 * Bochs itself exit; the hypervisor must instead end only the VM and go on
 * to print its exit statistics.  A broken sequence first ("Shut" then
 * "x") must not count.
 */
#include "guest.h"

static void write_port_string(const char *s)
{
	while (*s)
		outb(TVX_PORT_SHUTDOWN, *s++);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	write_port_string("Shutx");
	write_port_string("ShutdowX");
	printf("shutdown-port: still running after two broken sequences\n");
	write_port_string("Shutdown");
	report(false, "the guest ran on after \"Shutdown\"");
	return 0;
}
