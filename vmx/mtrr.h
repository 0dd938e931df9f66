/* SPDX-License-Identifier: MIT */
/*
 * The guest's memory-type registers: the MTRRs (SDM Vol. 3A, "Memory Type
 * Range Registers (MTRRs)") and the IA32_PAT check (SDM Vol. 3A, "Page
 * Attribute Table (PAT)").  KVM's kvm_mtrr_set_msr()/kvm_mtrr_get_msr()
 * and kvm_pat_valid() in pure form: a WRMSR is validated (memory types,
 * reserved bits, MAXPHYADDR) and stored per vCPU, a RDMSR reads it back.
 *
 * The values change nothing else.  tinyvmx does not honour the guest's
 * MTRRs when it picks the EPT memory type: guest RAM is mapped write-back
 * in the EPT (vmx/ept.c), which is correct because no device does DMA into
 * guest memory behind the CPU's caches (KVM does the same when a VM has no
 * non-coherent DMA: kvm_arch_has_noncoherent_dma() is false and EPT
 * entries are WB).  The guest's PAT does apply: the EPT entries leave
 * "ignore PAT" clear, so the CPU combines the guest's PAT type with WB
 * (SDM Vol. 3C, "Memory Type Used for Translated Guest-Physical
 * Addresses").
 */
#ifndef TVX_VMX_MTRR_H
#define TVX_VMX_MTRR_H

#include "kernel/x86.h"
#include "tvx/types.h"

/*
 * Memory types (SDM Vol. 3A, "Memory Types and Their Properties"); the
 * encodings the MTRRs and the PAT share.  2 and 3 are reserved, and so is
 * everything from 8 up; 7 (UC-) exists only in the PAT.
 */
#define MTRR_TYPE_UNCACHABLE	0
#define MTRR_TYPE_WRCOMB	1
#define MTRR_TYPE_WRTHROUGH	4
#define MTRR_TYPE_WRPROT	5
#define MTRR_TYPE_WRBACK	6
#define PAT_TYPE_UC_MINUS	7

/* IA32_MTRRCAP (SDM Vol. 3A, "MTRR Feature Identification"). */
#define MTRR_CAP_VCNT_MASK	0xffull	/* number of variable ranges */
#define MTRR_CAP_FIX		BIT_ULL(8)	/* fixed ranges supported */
#define MTRR_CAP_WC		BIT_ULL(10)	/* write-combining supported */
#define MTRR_CAP_SMRR		BIT_ULL(11)	/* SMM range registers */

/* IA32_MTRR_DEF_TYPE (SDM Vol. 3A, "IA32_MTRR_DEF_TYPE MSR"). */
#define MTRR_DEF_TYPE_TYPE_MASK	0xffull	/* default memory type */
#define MTRR_DEF_TYPE_FE	BIT_ULL(10)	/* fixed ranges enabled */
#define MTRR_DEF_TYPE_E		BIT_ULL(11)	/* MTRRs enabled */

/*
 * IA32_MTRR_PHYSBASEn / IA32_MTRR_PHYSMASKn (SDM Vol. 3A, "Variable Range
 * MTRRs"): the type in base bits 7:0, the address bits from 12 up to
 * MAXPHYADDR - 1 in both, the valid flag in mask bit 11; base bits 11:8,
 * mask bits 10:0 and everything from MAXPHYADDR up are reserved.
 */
#define MTRR_PHYSBASE_TYPE_MASK	0xffull
#define MTRR_PHYSBASE_RSVD_LOW	0xf00ull
#define MTRR_PHYSMASK_V		BIT_ULL(11)
#define MTRR_PHYSMASK_RSVD_LOW	0x7ffull

/* The fixed-range MSRs (SDM Vol. 3A, "Fixed Range MTRRs"); the first one,
 * IA32_MTRR_FIX64K_00000, is MSR_MTRR_FIX64K_00000 in kernel/x86.h. */
#define MSR_MTRR_FIX16K_80000	0x00000258
#define MSR_MTRR_FIX16K_A0000	0x00000259
#define MSR_MTRR_FIX4K_C0000	0x00000268
#define MSR_MTRR_FIX4K_F8000	0x0000026f
/* The variable pairs: PHYSBASEn at 0x200 + 2n, PHYSMASKn at 0x201 + 2n. */
#define MSR_MTRR_PHYSMASK0	0x00000201

/*
 * What the guest's IA32_MTRRCAP says: 8 variable ranges (as most Intel
 * processors and KVM), fixed ranges and WC, no SMRRs (there is no SMM).
 */
#define KVM_NR_VAR_MTRR		8
#define KVM_NR_FIXED_MTRR_MSRS	11	/* one 64K, two 16K, eight 4K */
#define KVM_MTRR_CAP		(KVM_NR_VAR_MTRR | MTRR_CAP_FIX | MTRR_CAP_WC)

struct kvm_mtrr_range {
	u64 base;		/* IA32_MTRR_PHYSBASEn */
	u64 mask;		/* IA32_MTRR_PHYSMASKn */
};

/*
 * One vCPU's MTRRs as written.  All zeros is the power-on state: reset
 * clears IA32_MTRR_DEF_TYPE.E and the variable ranges' valid flags (SDM
 * Vol. 3A, "MTRR Initialization"), and the bits the SDM leaves undefined
 * read 0, as KVM gives a new vCPU.  So a zeroed vCPU needs no
 * initialisation.  fixed[] holds the 11 fixed-range MSRs in address order
 * (64K, 16K 80000, 16K A0000, 4K C0000 ... F8000), one byte per range.
 */
struct kvm_mtrr {
	struct kvm_mtrr_range var_ranges[KVM_NR_VAR_MTRR];
	u64 fixed[KVM_NR_FIXED_MTRR_MSRS];
	u64 deftype;		/* IA32_MTRR_DEF_TYPE */
};

/* Is @msr one of the MTRR MSRs above, IA32_MTRRCAP included? */
bool kvm_mtrr_msr(u32 msr);

/*
 * Would the CPU accept @data in MTRR @msr?  @maxphyaddr is the guest's
 * physical-address width (CPUID.80000008H:EAX[7:0]).  False for
 * IA32_MTRRCAP (read-only) and for MSRs that are not MTRRs.
 */
bool kvm_mtrr_valid(u32 msr, u64 data, unsigned maxphyaddr);

/* WRMSR: 0 = stored, 1 = #GP (invalid value, read-only or not an MTRR). */
int kvm_mtrr_set_msr(struct kvm_mtrr *mtrr, u32 msr, u64 data,
		     unsigned maxphyaddr);

/* RDMSR: 0 = *@data holds the value, 1 = #GP (not an MTRR). */
int kvm_mtrr_get_msr(const struct kvm_mtrr *mtrr, u32 msr, u64 *data);

/* IA32_PAT: every one of the eight entries holds a valid PAT type
 * (0, 1, 4, 5, 6, 7); a WRMSR of anything else raises #GP. */
bool kvm_pat_valid(u64 pat);

#endif
