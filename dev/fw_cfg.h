/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device (fw_cfg), legacy I/O-port interface
 * only, as described in QEMU's docs/specs/fw_cfg.txt ("Guest-side Hardware
 * Interface").  Test kernels written for QEMU's `pc` machine (kvm-unit-tests
 * among them) read the CPU count and RAM size from it: they write an item key
 * to the selector port 0x510 and read the item's bytes one at a time from the
 * data port 0x511.
 *
 * There is no DMA interface (FW_CFG_ID bit 1 clear, port 0x514 not decoded)
 * and no writable items: data-port writes are ignored, as in QEMU since 2.4.
 */
#ifndef TVX_DEV_FW_CFG_H
#define TVX_DEV_FW_CFG_H

#include "dev/bus.h"

#define FW_CFG_IO_BASE		0x510
#define FW_CFG_IO_LEN		2
/* Register offsets from FW_CFG_IO_BASE. */
#define FW_CFG_PORT_SEL		0	/* selector register */
#define FW_CFG_PORT_DATA	1	/* data register */

/*
 * Selector bits (fw_cfg.txt, "Selector (Control) Register"): bit 14 asks for
 * write access (meaningless here, writes are ignored), bit 15 selects the
 * architecture-specific key space; the rest is the item index.
 */
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ARCH_LOCAL	0x8000
#define FW_CFG_ENTRY_MASK	\
	((u16)~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))

/* Generic item keys (QEMU's include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE	0x0000	/* "QEMU" */
#define FW_CFG_ID		0x0001	/* u32 LE feature bitmap */
#define FW_CFG_RAM_SIZE		0x0003	/* u64 LE, bytes */
#define FW_CFG_NOGRAPHIC	0x0004	/* u16 LE */
#define FW_CFG_NB_CPUS		0x0005	/* u16 LE, CPUs present at boot */
#define FW_CFG_NUMA		0x000d	/* u64 LE node count, then tables */
#define FW_CFG_MAX_CPUS		0x000f	/* u16 LE */
#define FW_CFG_FILE_DIR		0x0019	/* u32 BE count, then file entries */

#define FW_CFG_SIGNATURE_STR	"QEMU"
/* FW_CFG_ID bits (fw_cfg.txt, "Revision / feature bitmap"). */
#define FW_CFG_VERSION		BIT(0)	/* traditional interface, always set */
#define FW_CFG_VERSION_DMA	BIT(1)	/* DMA interface (not provided) */

/* Storage for the items: a handful of small scalars. */
#define FW_CFG_MAX_ITEMS	16
#define FW_CFG_DATA_SIZE	128

struct fw_cfg_item {
	u16 key;		/* selector, FW_CFG_WRITE_CHANNEL clear */
	u16 len;
	u16 data_off;		/* into fw_cfg.data; offsets keep it copyable */
};

struct fw_cfg {
	u16 cur_key;		/* last selector written, channel bit clear */
	u32 cur_offset;		/* data offset inside the selected item */
	unsigned int nr_items;
	unsigned int data_used;
	struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
	u8 data[FW_CFG_DATA_SIZE];
};

/*
 * The items of a QEMU `pc` machine with @ram_size bytes of RAM and @nb_cpus
 * CPUs (also the maximum: no hot-plug).  Selects FW_CFG_SIGNATURE, as QEMU's
 * reset does.
 */
void fw_cfg_init(struct fw_cfg *s, u64 ram_size, u16 nb_cpus);

/*
 * Add an item of @len bytes (copied) under @key.  Returns 0, -EEXIST if @key
 * has an item, -ENOSPC if the item table or data store is full, -EINVAL for
 * a key with FW_CFG_WRITE_CHANNEL set.
 */
int fw_cfg_add_bytes(struct fw_cfg *s, u16 key, const void *data, u16 len);
int fw_cfg_add_i16(struct fw_cfg *s, u16 key, u16 value);	/* LE */
int fw_cfg_add_i32(struct fw_cfg *s, u16 key, u32 value);	/* LE */
int fw_cfg_add_i64(struct fw_cfg *s, u16 key, u64 value);	/* LE */

/* Register accesses, without the bus. */
void fw_cfg_select(struct fw_cfg *s, u16 key);
u8 fw_cfg_read_byte(struct fw_cfg *s);

/*
 * Bus glue for [FW_CFG_IO_BASE, +FW_CFG_IO_LEN); the opaque is the struct
 * fw_cfg.  See fw_cfg.c for the access-size rules.
 */
extern const struct io_device_ops fw_cfg_io_ops;

#endif
