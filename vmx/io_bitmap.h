/* SPDX-License-Identifier: MIT */
/*
 * I/O bitmaps A and B (SDM "I/O-Bitmap Addresses"): A covers ports
 * 0x0000-0x7fff, B 0x8000-0xffff, one bit per port, 1 = exit.  An access of
 * several bytes exits if any of its ports' bits is 1, and an access that
 * wraps past 0xffff always exits.
 */
#ifndef TVX_IO_BITMAP_H
#define TVX_IO_BITMAP_H

#include "tvx/types.h"

#define IO_BITMAP_PORTS_PER_PAGE 0x8000u

/* Intercept (exit) or pass through [port, port + count). */
void io_bitmap_set_intercept(u8 *bitmap_a, u8 *bitmap_b, u16 port,
			     unsigned count, bool intercept);
/* Whether an access of @size bytes at @port exits (SDM rule above). */
bool io_bitmap_access_exits(const u8 *bitmap_a, const u8 *bitmap_b, u16 port,
			    unsigned size);

#endif
