/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pc-testdev (hw/misc/pc-testdev.c), the test device kvm-unit-tests'
 * x86 tests expect on a `pc` machine.  Its regions, as QEMU maps them:
 *
 *   port 0xe0-0xe3      a 32-bit latch: an access of N bytes at 0xe0 + n
 *                       reads/writes bytes n … n+N-1 of it (bytes past 0xe3
 *                       are dropped and read 0), so `rep outsb`/`insb`
 *                       move one byte at a time through byte 0
 *   port 0xe4-0xe7      "flush page": a 32-bit write of a guest-physical
 *                       address makes QEMU mprotect() that page off and on
 *                       to provoke MMU-notifier invalidation in the host
 *                       kernel.  Guest memory is unchanged by it, and there
 *                       is no host page table behind our EPT to shoot down,
 *                       so it is a no-op here (counted); reads return 0
 *   port 0xe8-0xeb      the same latch through a byte-wide region: QEMU
 *                       splits wider accesses into byte accesses, which
 *                       lands every byte in the same lane as at 0xe0
 *   port 0x2000-0x2017  IRQ lines: a byte write of v to 0x2000 + n sets ISA
 *                       IRQ n's level to !!v; reads return 0
 *   MMIO 0xff000000     64 KiB of "I/O memory": RAM that traps, for testing
 *                       instruction emulation on MMIO
 *
 * Differences from QEMU: QEMU rejects (ignores) wider-than-byte accesses to
 * the IRQ ports and non-doubleword accesses to the flush port; here wider
 * IRQ-port writes are ignored too, but the flush port takes any size, as it
 * does nothing.  Accesses running past the end of a region drop the extra
 * bytes instead of wrapping.
 */
#ifndef TVX_DEV_PC_TESTDEV_H
#define TVX_DEV_PC_TESTDEV_H

#include "dev/bus.h"

#define PC_TESTDEV_IOPORT	0xe0
#define PC_TESTDEV_IOPORT_LEN	4
#define PC_TESTDEV_FLUSH	0xe4
#define PC_TESTDEV_FLUSH_LEN	4
#define PC_TESTDEV_IOPORT_BYTE	0xe8
#define PC_TESTDEV_IOPORT_BYTE_LEN 4
#define PC_TESTDEV_IRQ		0x2000
#define PC_TESTDEV_NR_IRQS	24
#define PC_TESTDEV_IOMEM	0xff000000ull
#define PC_TESTDEV_IOMEM_LEN	0x10000

struct pc_testdev {
	u32 ioport_data;	/* the latch behind 0xe0 and 0xe8 */
	u64 flushes;		/* flush-page writes seen */
	u64 last_flush_addr;	/* last address written there */
	void (*set_irq)(void *ctx, int irq, int level);	/* NULL: dropped */
	void *irq_ctx;
};

/* The 64 KiB MMIO buffer; separate so the (large) buffer is optional. */
struct pc_testdev_iomem {
	u8 buf[PC_TESTDEV_IOMEM_LEN];
};

/* @set_irq(@ctx, n, level) drives ISA IRQ n (0-23) for the IRQ ports. */
void pc_testdev_init(struct pc_testdev *t,
		     void (*set_irq)(void *ctx, int irq, int level), void *ctx);

/* Zero the I/O memory (its power-on state in QEMU). */
void pc_testdev_iomem_init(struct pc_testdev_iomem *m);

/*
 * Register the four port regions of @t on @pio.  Returns 0 or the first
 * io_bus_register() error (regions registered before it stay).  The I/O
 * memory is registered by the caller on the MMIO bus, if wanted.
 */
int pc_testdev_register(struct pc_testdev *t, struct io_bus *pio);

/* Bus glue; the opaque is the struct pc_testdev (iomem: pc_testdev_iomem). */
extern const struct io_device_ops pc_testdev_ioport_ops;	/* 0xe0, 0xe8 */
extern const struct io_device_ops pc_testdev_flush_ops;		/* 0xe4 */
extern const struct io_device_ops pc_testdev_irq_ops;		/* 0x2000 */
extern const struct io_device_ops pc_testdev_iomem_ops;	/* 0xff000000 */

#endif
