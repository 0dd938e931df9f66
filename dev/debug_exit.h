/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit device: a guest writes a value to one port and the
 * emulator exits with status (value << 1) | 1, so test kernels written for
 * QEMU (port 0xf4 by convention) can report pass/fail the same way here.
 */
#ifndef TVX_DEV_DEBUG_EXIT_H
#define TVX_DEV_DEBUG_EXIT_H

#include "dev/bus.h"
#include "dev/machine_event.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_LEN 1

struct debug_exit {
	struct machine_event *ev;
};

void debug_exit_init(struct debug_exit *d, struct machine_event *ev);

/*
 * Process exit status for a debug-exit code, as QEMU computes it.  Never 0,
 * so a guest cannot fake a clean emulator exit; callers that hand it to
 * exit() see it truncated to 8 bits by the OS, as under QEMU.
 */
static inline u32 debug_exit_status(u32 code)
{
	return (code << 1) | 1;
}

/*
 * Writes of 1, 2 or 4 bytes at offset 0 end the machine with the written
 * value (zero-extended from the access size) as the code.  Reads return 0, as
 * QEMU's device does; see debug_exit.c.
 */
extern const struct io_device_ops debug_exit_ops;

#endif
