/* SPDX-License-Identifier: MIT */
/*
 * The Bochs/QEMU-style shutdown port: the ASCII bytes "Shutdown" written one
 * at a time to port 0x8900 power the machine off.  Under Bochs the real port
 * ends the emulator; here it ends only the VM, so a guest written for either
 * emulator shuts down cleanly under tinyvmx too.
 */
#ifndef TVX_DEV_SHUTDOWN_PORT_H
#define TVX_DEV_SHUTDOWN_PORT_H

#include "dev/bus.h"
#include "dev/machine_event.h"

#define SHUTDOWN_PORT 0x8900
#define SHUTDOWN_PORT_LEN 1
#define SHUTDOWN_PORT_MAGIC "Shutdown"
#define SHUTDOWN_PORT_SOURCE "port 0x8900"

struct shutdown_port {
	struct machine_event *ev;
	unsigned int matched;	/* bytes of SHUTDOWN_PORT_MAGIC seen so far */
};

void shutdown_port_init(struct shutdown_port *s, struct machine_event *ev);

/* Feed one byte to the matcher; true if it completed the magic string. */
bool shutdown_port_feed(struct shutdown_port *s, u8 byte);

/*
 * Byte writes at offset 0 feed the matcher; a wider write feeds only its low
 * byte (the byte an ISA bridge would place on port 0x8900; the others belong
 * to 0x8901… which nothing decodes).  Reads return all-ones (write-only).
 */
extern const struct io_device_ops shutdown_port_ops;

#endif
