/* SPDX-License-Identifier: MIT */
/*
 * I/O and MMIO buses: building the sorted range table.  The lookup and the
 * dispatch are inline in bus.h.
 */
#include <string.h>

#include "dev/bus.h"

void io_bus_init(struct io_bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}



/*
 * Point every address of the direct map at its range (index + 1).  An
 * insertion shifts the indices of the ranges above it, so all are written
 * again; ranges are never removed, so nothing needs clearing.  The ranges
 * of a port bus are a few ports each: this is cheap.
 */
static void io_bus_refill_direct(struct io_bus *bus)
{
	for (unsigned int i = 0; i < bus->nr_ranges; i++) {
		const struct io_range *r = &bus->ranges[i];

		for (u64 a = r->base; a < bus->direct_len && a - r->base < r->len; a++)
			bus->direct[a] = i + 1;
	}
}

int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_device_ops *ops, void *opaque,
		    const char *name)
{
	u64 last;
	unsigned int i;

	if (!ops || len == 0)
		return -EINVAL;
	last = base + (len - 1);
	if (last < base)
		return -EINVAL;

	i = io_bus_upper_bound(bus, base);
	/* The neighbour below must end before @base … */
	if (i > 0) {
		const struct io_range *prev = &bus->ranges[i - 1];

		if (base - prev->base < prev->len)
			return -EBUSY;
	}
	/* … and the neighbour above must start after our last byte. */
	if (i < bus->nr_ranges && bus->ranges[i].base <= last)
		return -EBUSY;
	if (bus->nr_ranges >= IO_BUS_MAX_RANGES)
		return -ENOSPC;

	memmove(&bus->ranges[i + 1], &bus->ranges[i],
		(bus->nr_ranges - i) * sizeof(bus->ranges[0]));
	bus->ranges[i] = (struct io_range){
		.base = base,
		.len = len,
		.ops = ops,
		.opaque = opaque,
		.name = name,
	};
	bus->nr_ranges++;
	io_bus_refill_direct(bus);
	return 0;
}

void io_bus_set_direct_map(struct io_bus *bus, u8 *map, u32 len)
{
	memset(map, 0, len);
	bus->direct = map;
	bus->direct_len = len;
	io_bus_refill_direct(bus);
}

