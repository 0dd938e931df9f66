/* SPDX-License-Identifier: MIT */
/* QEMU pc-testdev (see pc_testdev.h for the regions and the differences). */
#include <string.h>

#include "dev/pc_testdev.h"

#define BYTE_BITS	8
#define BYTE_MASK	0xffu
#define PORT_BYTE	1	/* the IRQ ports are byte-wide */

void pc_testdev_init(struct pc_testdev *t,
		     void (*set_irq)(void *ctx, int irq, int level), void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->set_irq = set_irq;
	t->irq_ctx = ctx;
}

void pc_testdev_iomem_init(struct pc_testdev_iomem *m)
{
	memset(m->buf, 0, sizeof(m->buf));
}

/*
 * The latch, byte by byte: byte lane n of the 32-bit value answers port
 * base + n.  Lanes past the fourth do not exist.
 */
static u64 pc_testdev_ioport_read(void *opaque, u64 offset, unsigned size)
{
	struct pc_testdev *t = opaque;
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < size && offset + i < PC_TESTDEV_IOPORT_LEN; i++)
		val |= (u64)((t->ioport_data >> ((offset + i) * BYTE_BITS)) &
			     BYTE_MASK) << (i * BYTE_BITS);
	return val;
}

static void pc_testdev_ioport_write(void *opaque, u64 offset, unsigned size,
				    u64 value)
{
	struct pc_testdev *t = opaque;
	unsigned int i, shift;

	for (i = 0; i < size && offset + i < PC_TESTDEV_IOPORT_LEN; i++) {
		shift = (unsigned int)(offset + i) * BYTE_BITS;
		t->ioport_data &= ~(BYTE_MASK << shift);
		t->ioport_data |= (u32)((value >> (i * BYTE_BITS)) & BYTE_MASK)
				  << shift;
	}
}

static u64 pc_testdev_zero_read(void *opaque, u64 offset, unsigned size)
{
	return 0;
}

static void pc_testdev_flush_write(void *opaque, u64 offset, unsigned size,
				   u64 value)
{
	struct pc_testdev *t = opaque;

	t->flushes++;
	t->last_flush_addr = value & PAGE_MASK;
}

static void pc_testdev_irq_write(void *opaque, u64 offset, unsigned size,
				 u64 value)
{
	struct pc_testdev *t = opaque;

	/* One byte-wide port per line; QEMU ignores other sizes. */
	if (size != PORT_BYTE || offset >= PC_TESTDEV_NR_IRQS || !t->set_irq)
		return;
	t->set_irq(t->irq_ctx, (int)offset, value != 0);
}

static u64 pc_testdev_iomem_read(void *opaque, u64 offset, unsigned size)
{
	struct pc_testdev_iomem *m = opaque;
	u64 val = 0;
	unsigned int i;

	/* Little-endian, like the guest's view of RAM. */
	for (i = 0; i < size && offset + i < PC_TESTDEV_IOMEM_LEN; i++)
		val |= (u64)m->buf[offset + i] << (i * BYTE_BITS);
	return val;
}

static void pc_testdev_iomem_write(void *opaque, u64 offset, unsigned size,
				   u64 value)
{
	struct pc_testdev_iomem *m = opaque;
	unsigned int i;

	for (i = 0; i < size && offset + i < PC_TESTDEV_IOMEM_LEN; i++)
		m->buf[offset + i] = (u8)(value >> (i * BYTE_BITS));
}

const struct io_device_ops pc_testdev_ioport_ops = {
	.read = pc_testdev_ioport_read,
	.write = pc_testdev_ioport_write,
};

const struct io_device_ops pc_testdev_flush_ops = {
	.read = pc_testdev_zero_read,
	.write = pc_testdev_flush_write,
};

const struct io_device_ops pc_testdev_irq_ops = {
	.read = pc_testdev_zero_read,
	.write = pc_testdev_irq_write,
};

const struct io_device_ops pc_testdev_iomem_ops = {
	.read = pc_testdev_iomem_read,
	.write = pc_testdev_iomem_write,
};

int pc_testdev_register(struct pc_testdev *t, struct io_bus *pio)
{
	int ret;

	ret = io_bus_register(pio, PC_TESTDEV_IOPORT, PC_TESTDEV_IOPORT_LEN,
			      &pc_testdev_ioport_ops, t, "pc-testdev-ioport");
	if (ret)
		return ret;
	ret = io_bus_register(pio, PC_TESTDEV_FLUSH, PC_TESTDEV_FLUSH_LEN,
			      &pc_testdev_flush_ops, t,
			      "pc-testdev-flush-page");
	if (ret)
		return ret;
	ret = io_bus_register(pio, PC_TESTDEV_IOPORT_BYTE,
			      PC_TESTDEV_IOPORT_BYTE_LEN,
			      &pc_testdev_ioport_ops, t,
			      "pc-testdev-ioport-byte");
	if (ret)
		return ret;
	return io_bus_register(pio, PC_TESTDEV_IRQ, PC_TESTDEV_NR_IRQS,
			       &pc_testdev_irq_ops, t, "pc-testdev-irq-line");
}
