/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"

#define PRINTK_BUF 512
#define BOCHS_SHUTDOWN_PORT 0x8900

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_BUF];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(CONSOLE_HV, buf, n);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

__noreturn void machine_exit(const char *what, u32 code)
{
	static const char shutdown[] = "Shutdown";

	printk("tvx-exit: %s %u\n", what, code);
	for (const char *p = shutdown; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, *p);
	halt_forever();
}

__noreturn void panic(const char *fmt, ...)
{
	static bool in_panic;
	va_list ap;

	asm volatile("cli");
	if (in_panic)
		halt_forever();
	in_panic = true;
	printk("\ntinyvmx: PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	machine_exit("panic", 0);
}
