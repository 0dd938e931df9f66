/* SPDX-License-Identifier: MIT */
/* The guest's MTRRs and the IA32_PAT check (pure, see vmx/mtrr.h). */
#include "vmx/mtrr.h"

#define MEMTYPE_BITS		8
#define MEMTYPE_MASK		0xffull
#define MEMTYPES_PER_MSR	8	/* fixed-range MTRRs and IA32_PAT */
#define MSR_MTRR_LAST_VAR	(MSR_MTRR_PHYSBASE0 + 2 * KVM_NR_VAR_MTRR - 1)
#define ADDRESS_BITS		64

/* Fixed-range MSR -> index in kvm_mtrr.fixed[], or -1. */
#define FIXED_16K_FIRST		1
#define FIXED_4K_FIRST		3

static int fixed_msr_to_index(u32 msr)
{
	if (msr == MSR_MTRR_FIX64K_00000)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
		return FIXED_16K_FIRST + (msr - MSR_MTRR_FIX16K_80000);
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000)
		return FIXED_4K_FIRST + (msr - MSR_MTRR_FIX4K_C0000);
	return -1;
}

static bool is_var_mtrr_msr(u32 msr)
{
	return msr >= MSR_MTRR_PHYSBASE0 && msr <= MSR_MTRR_LAST_VAR;
}

/* PHYSBASEn and PHYSMASKn alternate, the base at the even address. */
static bool is_mtrr_base_msr(u32 msr)
{
	return !((msr - MSR_MTRR_PHYSBASE0) & 1);
}

static unsigned var_msr_to_index(u32 msr)
{
	return (msr - MSR_MTRR_PHYSBASE0) / 2;
}

/* Types an MTRR may hold: UC, WC, WT, WP, WB. */
static bool valid_mtrr_type(u64 t)
{
	return t == MTRR_TYPE_UNCACHABLE || t == MTRR_TYPE_WRCOMB ||
	       t == MTRR_TYPE_WRTHROUGH || t == MTRR_TYPE_WRPROT ||
	       t == MTRR_TYPE_WRBACK;
}

/* ... and the PAT adds UC-. */
static bool valid_pat_type(u64 t)
{
	return valid_mtrr_type(t) || t == PAT_TYPE_UC_MINUS;
}

/* Eight memory types, one per byte, each accepted by @valid. */
static bool valid_types_in_bytes(u64 data, bool (*valid)(u64))
{
	for (int i = 0; i < MEMTYPES_PER_MSR; i++)
		if (!valid((data >> (i * MEMTYPE_BITS)) & MEMTYPE_MASK))
			return false;
	return true;
}

/* Address bits from MAXPHYADDR up: reserved in PHYSBASE and PHYSMASK. */
static u64 bits_above_maxphyaddr(unsigned maxphyaddr)
{
	return maxphyaddr >= ADDRESS_BITS ? 0 : ~0ull << maxphyaddr;
}

bool kvm_mtrr_msr(u32 msr)
{
	return msr == MSR_IA32_MTRRCAP || msr == MSR_MTRR_DEF_TYPE ||
	       is_var_mtrr_msr(msr) || fixed_msr_to_index(msr) >= 0;
}

bool kvm_mtrr_valid(u32 msr, u64 data, unsigned maxphyaddr)
{
	if (msr == MSR_MTRR_DEF_TYPE)
		return !(data & ~(MTRR_DEF_TYPE_TYPE_MASK | MTRR_DEF_TYPE_FE |
				  MTRR_DEF_TYPE_E)) &&
		       valid_mtrr_type(data & MTRR_DEF_TYPE_TYPE_MASK);
	if (fixed_msr_to_index(msr) >= 0)
		return valid_types_in_bytes(data, valid_mtrr_type);
	if (!is_var_mtrr_msr(msr))
		return false;	/* IA32_MTRRCAP is read-only */
	if (data & bits_above_maxphyaddr(maxphyaddr))
		return false;
	if (is_mtrr_base_msr(msr))
		return !(data & MTRR_PHYSBASE_RSVD_LOW) &&
		       valid_mtrr_type(data & MTRR_PHYSBASE_TYPE_MASK);
	return !(data & MTRR_PHYSMASK_RSVD_LOW);
}

int kvm_mtrr_set_msr(struct kvm_mtrr *mtrr, u32 msr, u64 data,
		     unsigned maxphyaddr)
{
	int fixed = fixed_msr_to_index(msr);

	if (!kvm_mtrr_valid(msr, data, maxphyaddr))
		return 1;
	if (msr == MSR_MTRR_DEF_TYPE)
		mtrr->deftype = data;
	else if (fixed >= 0)
		mtrr->fixed[fixed] = data;
	else if (is_mtrr_base_msr(msr))
		mtrr->var_ranges[var_msr_to_index(msr)].base = data;
	else
		mtrr->var_ranges[var_msr_to_index(msr)].mask = data;
	return 0;
}

int kvm_mtrr_get_msr(const struct kvm_mtrr *mtrr, u32 msr, u64 *data)
{
	int fixed = fixed_msr_to_index(msr);

	if (msr == MSR_IA32_MTRRCAP)
		*data = KVM_MTRR_CAP;
	else if (msr == MSR_MTRR_DEF_TYPE)
		*data = mtrr->deftype;
	else if (fixed >= 0)
		*data = mtrr->fixed[fixed];
	else if (!is_var_mtrr_msr(msr))
		return 1;
	else if (is_mtrr_base_msr(msr))
		*data = mtrr->var_ranges[var_msr_to_index(msr)].base;
	else
		*data = mtrr->var_ranges[var_msr_to_index(msr)].mask;
	return 0;
}

bool kvm_pat_valid(u64 pat)
{
	return valid_types_in_bytes(pat, valid_pat_type);
}
