/* SPDX-License-Identifier: MIT */
/*
 * I/O and MMIO buses: sorted range table, binary-search dispatch, PC-style
 * all-ones for unassigned reads.
 */
#include <string.h>

#include "dev/bus.h"

void io_bus_init(struct io_bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}

static bool io_size_valid(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Index of the first range whose base is above @addr (0 … nr_ranges). */
static unsigned int io_bus_upper_bound(const struct io_bus *bus, u64 addr)
{
	unsigned int lo = 0, hi = bus->nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct io_range *io_bus_find(const struct io_bus *bus, u64 addr)
{
	unsigned int i = io_bus_upper_bound(bus, addr);
	const struct io_range *r;

	/* Ranges do not overlap, so only the last one starting at or below
	 * @addr can contain it. */
	if (i == 0)
		return NULL;
	r = &bus->ranges[i - 1];
	return addr - r->base < r->len ? r : NULL;
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
	return 0;
}

int io_bus_read(struct io_bus *bus, u64 addr, unsigned size, u64 *val)
{
	const struct io_range *r;

	if (unlikely(!io_size_valid(size)))
		return -EINVAL;

	r = io_bus_find(bus, addr);
	if (!r) {
		bus->stats.unassigned_reads++;
		*val = io_size_mask(size);
		return IO_BUS_UNASSIGNED;
	}

	bus->stats.handled++;
	if (r->ops->read)
		*val = r->ops->read(r->opaque, addr - r->base, size) &
		       io_size_mask(size);
	else
		*val = io_size_mask(size);
	return 0;
}

int io_bus_write(struct io_bus *bus, u64 addr, unsigned size, u64 val)
{
	const struct io_range *r;

	if (unlikely(!io_size_valid(size)))
		return -EINVAL;

	r = io_bus_find(bus, addr);
	if (!r) {
		bus->stats.unassigned_writes++;
		return IO_BUS_UNASSIGNED;
	}

	bus->stats.handled++;
	if (r->ops->write)
		r->ops->write(r->opaque, addr - r->base, size,
			      val & io_size_mask(size));
	return 0;
}
