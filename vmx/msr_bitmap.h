/* SPDX-License-Identifier: MIT */
/*
 * The MSR bitmap (seed 001; SDM "MSR-Bitmap Address"): one 4 KiB page in
 * four 1 KiB quadrants, one bit per MSR, 1 = the access exits.
 *
 *   bytes    0-1023  read  bitmap, MSRs 0x00000000-0x00001fff
 *   bytes 1024-2047  read  bitmap, MSRs 0xc0000000-0xc0001fff
 *   bytes 2048-3071  write bitmap, MSRs 0x00000000-0x00001fff
 *   bytes 3072-4095  write bitmap, MSRs 0xc0000000-0xc0001fff
 *
 * An MSR outside both ranges always exits; it cannot be opened.
 */
#ifndef TVX_MSR_BITMAP_H
#define TVX_MSR_BITMAP_H

#include "tvx/types.h"

#define MSR_BITMAP_SIZE 4096
#define MSR_BITMAP_QUADRANT_SIZE 1024
#define MSR_BITMAP_LOW_FIRST 0x00000000u
#define MSR_BITMAP_LOW_LAST 0x00001fffu
#define MSR_BITMAP_HIGH_FIRST 0xc0000000u
#define MSR_BITMAP_HIGH_LAST 0xc0001fffu

enum msr_bitmap_quadrant {
	MSR_BITMAP_READ_LOW = 0,
	MSR_BITMAP_READ_HIGH = 1,
	MSR_BITMAP_WRITE_LOW = 2,
	MSR_BITMAP_WRITE_HIGH = 3,
};

/* KVM's names for which accesses to (un)intercept. */
#define MSR_TYPE_R BIT(0)
#define MSR_TYPE_W BIT(1)
#define MSR_TYPE_RW (MSR_TYPE_R | MSR_TYPE_W)

/*
 * Where the bit for an access to @msr lives: byte offset into the page and
 * bit within that byte.  @type is MSR_TYPE_R or MSR_TYPE_W.  Returns 0, or
 * -ERANGE for an MSR no bitmap covers.
 */
int msr_bitmap_locate(u32 msr, unsigned type, unsigned *byte, unsigned *bit);

/* Open (no exit) or close (exit) @msr for the accesses in @type.  Return 0
 * or -ERANGE. */
int vmx_disable_intercept_for_msr(u8 *msr_bitmap, u32 msr, unsigned type);
int vmx_enable_intercept_for_msr(u8 *msr_bitmap, u32 msr, unsigned type);
/* Whether an access exits (always true outside the covered ranges); for
 * MSR_TYPE_RW, whether a read or a write does.  The setters refuse a type
 * that is not R, W or RW with -EINVAL. */
bool vmx_msr_access_exits(const u8 *msr_bitmap, u32 msr, unsigned type);

#endif
