/* SPDX-License-Identifier: MIT */
/*
 * Software walk of the guest's own page tables: guest linear (virtual)
 * address -> guest-physical address, following SDM Vol. 3A, Paging.
 *
 * The hypervisor needs this when the hardware does not hand it the
 * translation: to fetch the instruction at CS:RIP after an EPT violation
 * (the exit gives the guest-physical address of the data access, not of the
 * instruction) and to locate the buffers of string I/O (INS/OUTS).  KVM's
 * equivalent is the guest walker in paging_tmpl.h (walk_addr_generic); the
 * access flags below are, as in KVM, the #PF error-code bits themselves.
 *
 * Pure logic: page-table entries are read through a callback, so the same
 * code runs against real guest RAM in the hypervisor and against an array
 * in the unit tests.
 */
#ifndef TVX_VMX_GUEST_WALK_H
#define TVX_VMX_GUEST_WALK_H

#include "tvx/types.h"

/*
 * Page-fault error code (SDM Vol. 3A, Interrupt 14—Page-Fault Exception
 * (#PF), and Paging, Page-Fault Exceptions).
 */
#define PFERR_PRESENT_MASK	BIT(0)	/* 0: not present, 1: violation */
#define PFERR_WRITE_MASK	BIT(1)	/* the access was a write */
#define PFERR_USER_MASK		BIT(2)	/* the access was a user-mode access */
#define PFERR_RSVD_MASK		BIT(3)	/* a reserved bit was set in an entry */
#define PFERR_FETCH_MASK	BIT(4)	/* the access was a fetch */

/*
 * Kind of access being translated (the @access argument).  Each flag is the
 * #PF error-code bit it would set, so a fault's error code starts as @access.
 * A user-mode access is one made at CPL 3 (SDM Vol. 3A, Access Rights);
 * without GUEST_WALK_USER the access is a supervisor-mode access.
 */
#define GUEST_WALK_WRITE	PFERR_WRITE_MASK
#define GUEST_WALK_USER		PFERR_USER_MASK
#define GUEST_WALK_FETCH	PFERR_FETCH_MASK

/*
 * Physical-address width assumed for reserved-bit checks.  The walker does
 * not know the guest's CPUID, so it takes the architectural maximum: only
 * bits at or above 52 count as "above MAXPHYADDR".  A guest that sets bits
 * between its real MAXPHYADDR and 51 gets a translation here where the CPU
 * would raise #PF with RSVD; that guest is broken anyway.
 */
#define GUEST_WALK_MAXPHYADDR	52

/* Paging-structure levels, as KVM numbers them (1 = page table). */
#define GUEST_PG_LEVEL_4K	1	/* PTE */
#define GUEST_PG_LEVEL_2M	2	/* PDE (4 MiB with 32-bit paging) */
#define GUEST_PG_LEVEL_1G	3	/* PDPTE */
#define GUEST_PG_LEVEL_512G	4	/* PML4E */
#define GUEST_PG_LEVEL_256T	5	/* PML5E */

struct guest_walk_ctx {
	u64 cr0, cr3, cr4, efer;	/* the guest's values */
	/*
	 * Read @len bytes of guest-physical memory at @gpa into @dst; return 0,
	 * or a negative errno if @gpa is not RAM (then the walk fails -EIO).
	 * Entries are read as 4 bytes (32-bit paging) or 8 bytes, naturally
	 * aligned, and interpreted little-endian.
	 */
	int (*read_gpa)(void *opaque, u64 gpa, void *dst, unsigned len);
	void *opaque;
};

struct guest_walk_fault {
	u32 error_code;	/* -EFAULT: #PF error code (PFERR_*) */
	u64 address;	/* the linear address (what CR2 would receive) */
	int level;	/* GUEST_PG_LEVEL_* of the entry the walk stopped at */
	u64 pte;	/* -EFAULT: that entry */
	u64 pte_gpa;	/* -EFAULT/-EIO: guest-physical address of that entry */
};

/*
 * Translate @gva for an access of kind @access (GUEST_WALK_*) with the
 * paging mode selected by CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57.
 *
 *   0        *gpa holds the translation.
 *  -EFAULT   the access would raise #PF; @fault has the error code.
 *  -ERANGE   @gva is not canonical in IA-32e mode: #GP (or #SS), not #PF.
 *  -EIO      a paging-structure entry is not in guest RAM (read_gpa failed);
 *            fault->pte_gpa names it.
 *
 * Translates one address: an access that crosses a page boundary needs one
 * walk per page.  Accessed and dirty bits are never set: the hypervisor only
 * looks, and the CPU sets them when the guest itself touches the page.
 * Not modelled: SMAP (needs RFLAGS.AC), protection keys, HLAT.  @fault may
 * be NULL.
 */
int guest_walk(const struct guest_walk_ctx *ctx, u64 gva, unsigned access,
	       u64 *gpa, struct guest_walk_fault *fault);

#endif
