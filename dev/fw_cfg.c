/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg, legacy I/O interface (QEMU docs/specs/fw_cfg.txt).
 *
 * Access-size rules.  QEMU decodes 0x510-0x511 as one two-byte region: a
 * 16-bit write at 0x510 selects, any 8-bit read of either port returns the
 * next data byte, an 8-bit write is a (now ignored) data write, and every
 * other size is invalid.  Here:
 *
 *  - a write at 0x510 of 2 or 4 bytes selects the item in its low 16 bits;
 *    an 8-bit write at 0x510 selects too (QEMU would ignore it: nothing that
 *    runs on QEMU depends on that, and a byte selector reaches every generic
 *    item a guest is likely to want);
 *  - writes at 0x511 are ignored (no writable items, as QEMU since v2.4);
 *  - a read of N bytes at either port returns the next N bytes of the item
 *    little-endian, lowest-addressed byte in bits 7:0, and advances the
 *    offset by N: the "string-preserving" rule fw_cfg.txt gives for the wide
 *    MMIO data register, so `inw`/`inl` behave like 2 or 4 `inb`s.  QEMU
 *    rejects these sizes on the I/O port; nothing portable uses them;
 *  - once the offset passes the end of the item, reads return 0 (the
 *    document's "Data Register" section); an unknown key is an empty item.
 */
#include <string.h>

#include "dev/fw_cfg.h"

#define BYTE_BITS 8

/* QEMU reports "-nographic": there is no display to set up. */
#define FW_CFG_NOGRAPHIC_VALUE 1

static const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *s, u16 key)
{
	unsigned int i;

	for (i = 0; i < s->nr_items; i++) {
		if (s->items[i].key == key)
			return &s->items[i];
	}
	return NULL;
}

int fw_cfg_add_bytes(struct fw_cfg *s, u16 key, const void *data, u16 len)
{
	struct fw_cfg_item *it;

	if (key & FW_CFG_WRITE_CHANNEL)
		return -EINVAL;
	if (fw_cfg_find(s, key))
		return -EEXIST;
	if (s->nr_items >= FW_CFG_MAX_ITEMS ||
	    len > FW_CFG_DATA_SIZE - s->data_used)
		return -ENOSPC;
	it = &s->items[s->nr_items++];
	it->key = key;
	it->len = len;
	it->data_off = (u16)s->data_used;
	if (len)
		memcpy(&s->data[s->data_used], data, len);
	s->data_used += len;
	return 0;
}

/* fw_cfg integers are little-endian whatever the host's byte order. */
static int fw_cfg_add_le(struct fw_cfg *s, u16 key, u64 value, u16 len)
{
	u8 buf[sizeof(u64)];
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(value >> (i * BYTE_BITS));
	return fw_cfg_add_bytes(s, key, buf, len);
}

int fw_cfg_add_i16(struct fw_cfg *s, u16 key, u16 value)
{
	return fw_cfg_add_le(s, key, value, sizeof(u16));
}

int fw_cfg_add_i32(struct fw_cfg *s, u16 key, u32 value)
{
	return fw_cfg_add_le(s, key, value, sizeof(u32));
}

int fw_cfg_add_i64(struct fw_cfg *s, u16 key, u64 value)
{
	return fw_cfg_add_le(s, key, value, sizeof(u64));
}

void fw_cfg_init(struct fw_cfg *s, u64 ram_size, u16 nb_cpus)
{
	/* FWCfgFiles.count is big-endian (fw_cfg.txt, "File Directory"):
	 * zero is zero in either order, but spell out the format. */
	static const u8 empty_file_dir[sizeof(u32)] = { 0, 0, 0, 0 };

	memset(s, 0, sizeof(*s));
	/*
	 * A fresh struct has room for all of these, so the adds cannot fail;
	 * the unit tests read every item back.
	 */
	(void)fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, FW_CFG_SIGNATURE_STR,
			       sizeof(FW_CFG_SIGNATURE_STR) - 1);
	(void)fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION);
	(void)fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, ram_size);
	(void)fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, FW_CFG_NOGRAPHIC_VALUE);
	(void)fw_cfg_add_i16(s, FW_CFG_NB_CPUS, nb_cpus);
	(void)fw_cfg_add_i16(s, FW_CFG_MAX_CPUS, nb_cpus);
	/* No NUMA: a node count of 0 and no per-CPU/per-node tables. */
	(void)fw_cfg_add_i64(s, FW_CFG_NUMA, 0);
	(void)fw_cfg_add_bytes(s, FW_CFG_FILE_DIR, empty_file_dir,
			       sizeof(empty_file_dir));
	fw_cfg_select(s, FW_CFG_SIGNATURE);
}

void fw_cfg_select(struct fw_cfg *s, u16 key)
{
	s->cur_key = key & (u16)~FW_CFG_WRITE_CHANNEL;
	s->cur_offset = 0;
}

u8 fw_cfg_read_byte(struct fw_cfg *s)
{
	const struct fw_cfg_item *it = fw_cfg_find(s, s->cur_key);

	if (!it || s->cur_offset >= it->len)
		return 0;
	return s->data[it->data_off + s->cur_offset++];
}

static u64 fw_cfg_io_read(void *opaque, u64 offset, unsigned size)
{
	struct fw_cfg *s = opaque;
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (u64)fw_cfg_read_byte(s) << (i * BYTE_BITS);
	return val;
}

static void fw_cfg_io_write(void *opaque, u64 offset, unsigned size, u64 value)
{
	struct fw_cfg *s = opaque;

	if (offset == FW_CFG_PORT_SEL)
		fw_cfg_select(s, (u16)value);
	/* FW_CFG_PORT_DATA: data writes are ignored. */
}

const struct io_device_ops fw_cfg_io_ops = {
	.read = fw_cfg_io_read,
	.write = fw_cfg_io_write,
};
