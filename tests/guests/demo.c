/* SPDX-License-Identifier: MIT */
/*
 * The demo guest of `make run`: says hello on COM1, shows what the
 * hypervisor tells it (CPUID signature, command line, memory), writes a
 * line through the console hypercall and powers off.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d;
	char sig[13];
	static const char msg[] = "demo: this line came through TVX_HC_CONSOLE_WRITE\n";

	printf("demo: hello from a multiboot guest (magic %#x)\n", magic);
	cpuid(TVX_CPUID_SIGNATURE_LEAF, 0, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	printf("demo: CPUID 0x40000000 says \"%s\" (max leaf %#x)\n", sig, a);
	cpuid(1, 0, &a, &b, &c, &d);
	printf("demo: CPUID.1:ECX hypervisor bit %u, VMX bit %u\n", c >> 31, (c >> 5) & 1);
	printf("demo: command line \"%s\"\n", (const char *)mbi->cmdline);
	printf("demo: %u KiB low memory, %u KiB above 1 MiB\n", mbi->mem_lower,
	       mbi->mem_upper);
	hypercall(TVX_HC_CONSOLE_WRITE, (u32)msg, sizeof(msg) - 1, 0, 0);
	printf("demo: powering off\n");
	power_off(0);
}
