/* SPDX-License-Identifier: MIT */
#include "vmx/msr_bitmap.h"

int msr_bitmap_locate(u32 msr, unsigned type, unsigned *byte, unsigned *bit)
{
	enum msr_bitmap_quadrant q;
	u32 index;

	if (type != MSR_TYPE_R && type != MSR_TYPE_W)
		return -EINVAL;
	if (msr <= MSR_BITMAP_LOW_LAST) {
		index = msr - MSR_BITMAP_LOW_FIRST;
		q = type == MSR_TYPE_R ? MSR_BITMAP_READ_LOW : MSR_BITMAP_WRITE_LOW;
	} else if (msr >= MSR_BITMAP_HIGH_FIRST && msr <= MSR_BITMAP_HIGH_LAST) {
		index = msr - MSR_BITMAP_HIGH_FIRST;
		q = type == MSR_TYPE_R ? MSR_BITMAP_READ_HIGH : MSR_BITMAP_WRITE_HIGH;
	} else {
		return -ERANGE;
	}
	*byte = q * MSR_BITMAP_QUADRANT_SIZE + index / 8;
	*bit = index % 8;
	return 0;
}

static int set_intercept(u8 *bm, u32 msr, unsigned type, bool intercept)
{
	if (!type || (type & ~MSR_TYPE_RW))
		return -EINVAL;
	for (unsigned t = MSR_TYPE_R; t <= MSR_TYPE_W; t <<= 1) {
		unsigned byte, bit;
		int r;

		if (!(type & t))
			continue;
		r = msr_bitmap_locate(msr, t, &byte, &bit);
		if (r)
			return r;
		if (intercept)
			bm[byte] |= BIT(bit);
		else
			bm[byte] &= ~BIT(bit);
	}
	return 0;
}

int vmx_disable_intercept_for_msr(u8 *msr_bitmap, u32 msr, unsigned type)
{
	return set_intercept(msr_bitmap, msr, type, false);
}

int vmx_enable_intercept_for_msr(u8 *msr_bitmap, u32 msr, unsigned type)
{
	return set_intercept(msr_bitmap, msr, type, true);
}

bool vmx_msr_access_exits(const u8 *msr_bitmap, u32 msr, unsigned type)
{
	unsigned byte, bit;

	if (type == MSR_TYPE_RW)	/* either access exiting counts */
		return vmx_msr_access_exits(msr_bitmap, msr, MSR_TYPE_R) ||
		       vmx_msr_access_exits(msr_bitmap, msr, MSR_TYPE_W);
	if (msr_bitmap_locate(msr, type, &byte, &bit))
		return true;
	return msr_bitmap[byte] & BIT(bit);
}
