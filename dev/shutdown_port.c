/* SPDX-License-Identifier: MIT */
/*
 * Shutdown-port matcher.  "Shutdown" has no proper prefix that is also a
 * suffix of a longer prefix except through its single 'S', so on a mismatch
 * the matcher only needs to know whether the wrong byte is itself an 'S' to
 * restart correctly ("SShutdown" still matches).
 */
#include "dev/shutdown_port.h"

#define SHUTDOWN_MAGIC_LEN (sizeof(SHUTDOWN_PORT_MAGIC) - 1)

void shutdown_port_init(struct shutdown_port *s, struct machine_event *ev)
{
	s->ev = ev;
	s->matched = 0;
}

bool shutdown_port_feed(struct shutdown_port *s, u8 byte)
{
	static const char magic[] = SHUTDOWN_PORT_MAGIC;

	if (byte == (u8)magic[s->matched])
		s->matched++;
	else
		s->matched = byte == (u8)magic[0] ? 1 : 0;

	if (s->matched < SHUTDOWN_MAGIC_LEN)
		return false;
	s->matched = 0;
	machine_event_request(s->ev, MACHINE_POWER_OFF, 0,
			      SHUTDOWN_PORT_SOURCE);
	return true;
}

static u64 shutdown_port_read(void *opaque, u64 offset, unsigned size)
{
	return io_size_mask(size);
}

static void shutdown_port_write(void *opaque, u64 offset, unsigned size,
				u64 value)
{
	shutdown_port_feed(opaque, (u8)value);
}

const struct io_device_ops shutdown_port_ops = {
	.read = shutdown_port_read,
	.write = shutdown_port_write,
};
