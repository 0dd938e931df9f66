/* SPDX-License-Identifier: MIT */
#include "vmx/io_bitmap.h"

static u8 *port_byte(u8 *a, u8 *b, u32 port, unsigned *bit)
{
	u8 *bm = port < IO_BITMAP_PORTS_PER_PAGE ? a : b;
	u32 index = port % IO_BITMAP_PORTS_PER_PAGE;

	*bit = index % 8;
	return &bm[index / 8];
}

void io_bitmap_set_intercept(u8 *bitmap_a, u8 *bitmap_b, u16 port,
			     unsigned count, bool intercept)
{
	for (u32 p = port; p < (u32)port + count && p <= 0xffff; p++) {
		unsigned bit;
		u8 *byte = port_byte(bitmap_a, bitmap_b, p, &bit);

		if (intercept)
			*byte |= BIT(bit);
		else
			*byte &= ~BIT(bit);
	}
}

bool io_bitmap_access_exits(const u8 *bitmap_a, const u8 *bitmap_b, u16 port,
			    unsigned size)
{
	if ((u32)port + size - 1 > 0xffff)
		return true;
	for (u32 p = port; p < (u32)port + size; p++) {
		unsigned bit;
		const u8 *byte = port_byte((u8 *)bitmap_a, (u8 *)bitmap_b, p, &bit);

		if (*byte & BIT(bit))
			return true;
	}
	return false;
}
