/* SPDX-License-Identifier: MIT */
/*
 * I/O and MMIO buses of the device model.
 *
 * The run loop turns an I/O-instruction or EPT-violation exit into an access
 * record (address, size, direction, data) the way KVM fills kvm_run for a
 * KVM_EXIT_IO / KVM_EXIT_MMIO and hands it to the device model, which looks
 * up the device that decodes the address and calls it.  One structure serves
 * both address spaces: the 16-bit port space and the guest-physical MMIO
 * space.
 *
 * The lookup is on the hot path (every OUT to an unassigned port comes
 * through here), so ranges live in a small array kept sorted by base and are
 * found with a binary search, inline in the caller; there is no allocation
 * and no indirection beyond the device's ops.
 */
#ifndef TVX_DEV_BUS_H
#define TVX_DEV_BUS_H

#include "tvx/types.h"

/* Maximum number of device ranges on one bus. */
#define IO_BUS_MAX_RANGES 32

/* io_bus_read()/io_bus_write() result: no device decodes the address. */
#define IO_BUS_UNASSIGNED 1

/*
 * A device's access handlers.  @offset is relative to the base the device was
 * registered at; @size is 1, 2, 4 or 8.  A read returns the value in the low
 * @size bytes (the bus masks off anything above).  Either handler may be NULL:
 * a NULL read reads as all-ones, a NULL write is dropped, and the access still
 * counts as handled because the device decodes the address.
 *
 * An access whose first byte is inside the device but which runs past the end
 * of its range is still delivered whole to that device (the bus does not
 * split it per byte): devices must cope with offset + size > their length,
 * typically by splitting it themselves the way an ISA bridge splits a wide
 * access to an 8-bit device.
 */
struct io_device_ops {
	u64 (*read)(void *opaque, u64 offset, unsigned size);
	void (*write)(void *opaque, u64 offset, unsigned size, u64 value);
};

/* One decoded range [base, base + len - 1]. */
struct io_range {
	u64 base;
	u64 len;
	const struct io_device_ops *ops;
	void *opaque;
	const char *name;
};

/* Per-bus counters for the statistics. */
struct io_bus_stats {
	u64 handled;		/* accesses some device decoded */
	u64 unassigned_reads;	/* reads nothing decoded (all-ones returned) */
	u64 unassigned_writes;	/* writes nothing decoded (dropped) */
};

struct io_bus {
	const char *name;
	unsigned int nr_ranges;
	struct io_range ranges[IO_BUS_MAX_RANGES];	/* sorted by base */
	struct io_bus_stats stats;
	/* optional: range index + 1 (0: unassigned) for addresses below
	 * direct_len, see io_bus_set_direct_map() */
	u8 *direct;
	u32 direct_len;
};
_Static_assert(IO_BUS_MAX_RANGES < 255, "direct map entries are u8");

/* Mask of the low @size bytes (size 1, 2, 4 or 8). */
static inline u64 io_size_mask(unsigned size)
{
	return size >= sizeof(u64) ? ~0ull : BIT_ULL(size * 8) - 1;
}

/* Empty bus; @name is kept by reference (use a string literal). */
void io_bus_init(struct io_bus *bus, const char *name);

/*
 * Look addresses below @len up in @map (@len bytes, kept by reference)
 * instead of searching: one load per access.  Meant for the 64 KiB port
 * space, where every IN/OUT of the guest does a lookup (like the
 * ioport_table[] of early QEMU); the MMIO space keeps the binary search.
 */
void io_bus_set_direct_map(struct io_bus *bus, u8 *map, u32 len);

/*
 * Decode [base, base + len - 1] to @ops/@opaque.  Returns 0, -EINVAL for an
 * empty or address-wrapping range or NULL ops, -EBUSY if it overlaps a range
 * already registered, -ENOSPC if the bus is full.  @name is kept by
 * reference.
 */
int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_device_ops *ops, void *opaque,
		    const char *name);

static inline bool io_size_valid(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Index of the first range whose base is above @addr (0 … nr_ranges). */
static inline unsigned int io_bus_upper_bound(const struct io_bus *bus,
					      u64 addr)
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

/* The range decoding @addr, or NULL. */
static inline const struct io_range *
io_bus_find(const struct io_bus *bus, u64 addr)
{
	unsigned int i;
	const struct io_range *r;

	if (addr < bus->direct_len) {
		i = bus->direct[addr];
		return i ? &bus->ranges[i - 1] : NULL;
	}
	i = io_bus_upper_bound(bus, addr);

	/* Ranges do not overlap, so only the last one starting at or below
	 * @addr can contain it. */
	if (i == 0)
		return NULL;
	r = &bus->ranges[i - 1];
	return addr - r->base < r->len ? r : NULL;
}

/*
 * Dispatch a read of @size (1, 2, 4, 8) bytes at @addr.  Returns 0 when a
 * device handled it, IO_BUS_UNASSIGNED when nothing decodes @addr (*val is
 * then all-ones of @size, what a read of a floating PC bus returns), -EINVAL
 * for another size (*val untouched).
 */
static inline int io_bus_read(struct io_bus *bus, u64 addr, unsigned size,
			      u64 *val)
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

/*
 * Dispatch a write of the low @size bytes of @val.  Returns 0 when a device
 * handled it, IO_BUS_UNASSIGNED when nothing decodes @addr (the write is
 * dropped), -EINVAL for a size other than 1, 2, 4, 8.
 */
static inline int io_bus_write(struct io_bus *bus, u64 addr, unsigned size,
			       u64 val)
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

#endif
