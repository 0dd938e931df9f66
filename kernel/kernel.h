/* SPDX-License-Identifier: MIT */
/* printk, panic and the hypervisor's exit protocol. */
#ifndef TVX_KERNEL_H
#define TVX_KERNEL_H

#include <stdarg.h>

#include "tvx/types.h"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* kernel/tsc.c: the TSC rate in kHz, measured against the PIT */
u64 tsc_calibrate_khz(void);
/* Debug-build tracing with file:line (pr_debug), off unless TVX_DEBUG. */
#ifdef TVX_DEBUG
#define pr_debug(fmt, ...) printk("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...) do { } while (0)
#endif

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (unlikely(cond))                                         \
			panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

/*
 * Ending the machine.  The last hypervisor line is "tvx-exit: <what> <code>";
 * tools/tinyvmx.c turns it into its exit status.  Under Bochs the hypervisor
 * then writes "Shutdown" to port 0x8900 so Bochs exits; on real hardware it
 * halts.
 */
__noreturn void machine_exit(const char *what, u32 code);

#endif
