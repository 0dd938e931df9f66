/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walker (see guest_walk.h).  The four paging modes and
 * their entry formats are those of SDM Vol. 3A, Paging: "32-Bit Paging",
 * "PAE Paging" and "4-Level Paging and 5-Level Paging"; the permission rules
 * are "Access Rights" and the error code "Page-Fault Exceptions".
 */
#include "vmx/guest_walk.h"
#include "kernel/x86.h"

/* Bits [h:l] set. */
#define GW_GENMASK(h, l) \
	((~0ull >> (63 - (h))) & ~((1ull << (l)) - 1))

/* Paging-structure entry bits common to all formats. */
#define PT_PRESENT_MASK		BIT_ULL(0)
#define PT_WRITABLE_MASK	BIT_ULL(1)
#define PT_USER_MASK		BIT_ULL(2)
#define PT_PAGE_SIZE_MASK	BIT_ULL(7)	/* PS: entry maps a page */
#define PT64_NX_MASK		BIT_ULL(63)	/* XD, if EFER.NXE */

#define PT_ENTRY_BITS		9	/* 512 entries per 64-bit table */
#define PT32_ENTRY_BITS		10	/* 1024 entries per 32-bit table */
#define PT64_ENTRY_SIZE		8
#define PT32_ENTRY_SIZE		4

/* 32-bit paging. */
#define PT32_ADDR_MASK		GW_GENMASK(31, 12)
#define PT32_PDE_SHIFT		22
#define PT32_4M_ADDR_MASK	GW_GENMASK(31, 22)
/* PSE-36: bits 20:13 of a 4 MiB PDE are physical-address bits 39:32. */
#define PT32_4M_HI_SHIFT	13
#define PT32_4M_HI_BITS		8
#define PT32_4M_HI_DEST		32
/* With MAXPHYADDR >= 40 only bit 21 of a 4 MiB PDE is reserved. */
#define PT32_4M_RSVD_MASK	BIT_ULL(21)

/* PAE paging: CR3 holds the 32-byte aligned PDPT, 4 PDPTEs. */
#define PAE_CR3_PDPT_MASK	GW_GENMASK(31, 5)
#define PAE_PDPTE_SHIFT		30
#define PAE_PDPTE_INDEX_MASK	3
/* PDPTE bits 2:1 and 8:5 are reserved (no R/W, U/S or PS in a PDPTE). */
#define PAE_PDPTE_RSVD_MASK	(GW_GENMASK(2, 1) | GW_GENMASK(8, 5))
/* PAE entries reserve 62:MAXPHYADDR (and 63 without NXE). */
#define PAE_HIGH_RSVD_MASK	GW_GENMASK(62, GUEST_WALK_MAXPHYADDR)

/* 4-level / 5-level paging. */
#define PT64_ADDR_MASK		GW_GENMASK(GUEST_WALK_MAXPHYADDR - 1, 12)
#define PT64_LARGE_RSVD_MASK(level) \
	GW_GENMASK(PAGE_SHIFT + ((level) - 1) * PT_ENTRY_BITS - 1, 13)
#define LA48_BITS		48
#define LA57_BITS		57

#define GW_ADDR32_MASK		GW_GENMASK(31, 0)

struct walker {
	const struct guest_walk_ctx *ctx;
	struct guest_walk_fault *fault;
	u64 gva;
	unsigned access;
	bool nx_enabled;	/* XD bit defined: PAE or IA-32e with NXE */
	/* Rights granted by every entry on the path so far. */
	bool writable, user, nx;
};

static unsigned level_shift(int level)
{
	return PAGE_SHIFT + (level - 1) * PT_ENTRY_BITS;
}

static void set_fault(struct walker *w, u32 why, int level, u64 pte,
		      u64 pte_gpa)
{
	const struct guest_walk_ctx *ctx = w->ctx;
	u32 ec = why | (w->access & (PFERR_WRITE_MASK | PFERR_USER_MASK));

	/*
	 * I/D is reported only when the CPU could tell fetches apart: with
	 * SMEP, or with PAE/IA-32e paging and EFER.NXE (SDM Vol. 3A,
	 * Page-Fault Exceptions).
	 */
	if ((w->access & GUEST_WALK_FETCH) &&
	    ((ctx->cr4 & X86_CR4_SMEP) ||
	     ((ctx->cr4 & X86_CR4_PAE) && (ctx->efer & EFER_NX))))
		ec |= PFERR_FETCH_MASK;

	if (w->fault) {
		w->fault->error_code = ec;
		w->fault->address = w->gva;
		w->fault->level = level;
		w->fault->pte = pte;
		w->fault->pte_gpa = pte_gpa;
	}
}

static int read_entry(struct walker *w, u64 pte_gpa, unsigned size,
		      int level, u64 *pte)
{
	u8 buf[PT64_ENTRY_SIZE];
	u64 v = 0;
	unsigned i;

	if (w->ctx->read_gpa(w->ctx->opaque, pte_gpa, buf, size)) {
		if (w->fault) {
			w->fault->error_code = 0;
			w->fault->address = w->gva;
			w->fault->level = level;
			w->fault->pte = 0;
			w->fault->pte_gpa = pte_gpa;
		}
		return -EIO;
	}
	/* Entries are little-endian whatever the host is. */
	for (i = 0; i < size; i++)
		v |= (u64)buf[i] << (8 * i);
	*pte = v;
	return 0;
}

/* Fold one entry's R/W, U/S and XD into the rights of the whole path. */
static void accumulate(struct walker *w, u64 pte)
{
	w->writable &= !!(pte & PT_WRITABLE_MASK);
	w->user &= !!(pte & PT_USER_MASK);
	if (w->nx_enabled)
		w->nx |= !!(pte & PT64_NX_MASK);
}

/*
 * Apply the combined rights of the path to the access (SDM Vol. 3A,
 * Access Rights).  Supervisor writes to read-only pages are allowed unless
 * CR0.WP; user accesses need U/S and, for writes, R/W at every level.
 */
static int check_access(struct walker *w, int level, u64 pte, u64 pte_gpa)
{
	const struct guest_walk_ctx *ctx = w->ctx;
	bool user = w->access & GUEST_WALK_USER;
	bool write = w->access & GUEST_WALK_WRITE;
	bool fetch = w->access & GUEST_WALK_FETCH;
	bool ok = true;

	if (user && !w->user)
		ok = false;
	if (write && !w->writable && (user || (ctx->cr0 & X86_CR0_WP)))
		ok = false;
	if (fetch && w->nx)
		ok = false;
	/* SMEP: no supervisor fetch from a user-mode address. */
	if (fetch && !user && w->user && (ctx->cr4 & X86_CR4_SMEP))
		ok = false;

	if (!ok) {
		set_fault(w, PFERR_PRESENT_MASK, level, pte, pte_gpa);
		return -EFAULT;
	}
	return 0;
}

/* 32-bit paging: two levels of 4-byte entries, optional 4 MiB pages. */
static int walk_32bit(struct walker *w, u64 *gpa)
{
	const struct guest_walk_ctx *ctx = w->ctx;
	u64 pde_gpa, pte_gpa, pde, pte;
	u64 index;
	int r;

	index = (w->gva >> PT32_PDE_SHIFT) & GW_GENMASK(PT32_ENTRY_BITS - 1, 0);
	pde_gpa = (ctx->cr3 & PT32_ADDR_MASK) + index * PT32_ENTRY_SIZE;
	r = read_entry(w, pde_gpa, PT32_ENTRY_SIZE, GUEST_PG_LEVEL_2M, &pde);
	if (r)
		return r;
	if (!(pde & PT_PRESENT_MASK)) {
		set_fault(w, 0, GUEST_PG_LEVEL_2M, pde, pde_gpa);
		return -EFAULT;
	}
	accumulate(w, pde);

	/* PS is ignored (the PDE references a page table) unless CR4.PSE. */
	if ((pde & PT_PAGE_SIZE_MASK) && (ctx->cr4 & X86_CR4_PSE)) {
		u64 hi;

		if (pde & PT32_4M_RSVD_MASK) {
			set_fault(w, PFERR_PRESENT_MASK | PFERR_RSVD_MASK,
				  GUEST_PG_LEVEL_2M, pde, pde_gpa);
			return -EFAULT;
		}
		r = check_access(w, GUEST_PG_LEVEL_2M, pde, pde_gpa);
		if (r)
			return r;
		hi = (pde >> PT32_4M_HI_SHIFT) &
		     GW_GENMASK(PT32_4M_HI_BITS - 1, 0);
		*gpa = (pde & PT32_4M_ADDR_MASK) | (hi << PT32_4M_HI_DEST) |
		       (w->gva & GW_GENMASK(PT32_PDE_SHIFT - 1, 0));
		return 0;
	}

	index = (w->gva >> PAGE_SHIFT) & GW_GENMASK(PT32_ENTRY_BITS - 1, 0);
	pte_gpa = (pde & PT32_ADDR_MASK) + index * PT32_ENTRY_SIZE;
	r = read_entry(w, pte_gpa, PT32_ENTRY_SIZE, GUEST_PG_LEVEL_4K, &pte);
	if (r)
		return r;
	if (!(pte & PT_PRESENT_MASK)) {
		set_fault(w, 0, GUEST_PG_LEVEL_4K, pte, pte_gpa);
		return -EFAULT;
	}
	accumulate(w, pte);
	r = check_access(w, GUEST_PG_LEVEL_4K, pte, pte_gpa);
	if (r)
		return r;
	*gpa = (pte & PT32_ADDR_MASK) | (w->gva & ~PAGE_MASK);
	return 0;
}

/* Reserved bits of a present 64-bit entry at @level (PAE or IA-32e). */
static u64 rsvd_bits_64(const struct walker *w, bool pae, int level, u64 pte)
{
	u64 rsvd = pae ? PAE_HIGH_RSVD_MASK : 0;

	if (!w->nx_enabled)
		rsvd |= PT64_NX_MASK;
	if (level >= GUEST_PG_LEVEL_512G)
		rsvd |= PT_PAGE_SIZE_MASK;	/* no pages above 1 GiB */
	else if (level > GUEST_PG_LEVEL_4K && (pte & PT_PAGE_SIZE_MASK))
		rsvd |= PT64_LARGE_RSVD_MASK(level);
	return rsvd;
}

/*
 * Walk the 8-byte-entry tables from @top_level down, starting at the
 * table at @table.  Large pages: 2 MiB PDEs, and 1 GiB PDPTEs in IA-32e
 * mode (1 GiB support is assumed; the CPUID bit is not consulted).
 */
static int walk_64(struct walker *w, u64 table, int top_level, bool pae,
		   u64 *gpa)
{
	int level;
	u64 pte = 0, pte_gpa = 0;
	int r;

	for (level = top_level; level >= GUEST_PG_LEVEL_4K; level--) {
		u64 index = (w->gva >> level_shift(level)) &
			    GW_GENMASK(PT_ENTRY_BITS - 1, 0);
		u64 offset_mask;

		pte_gpa = table + index * PT64_ENTRY_SIZE;
		r = read_entry(w, pte_gpa, PT64_ENTRY_SIZE, level, &pte);
		if (r)
			return r;
		if (!(pte & PT_PRESENT_MASK)) {
			set_fault(w, 0, level, pte, pte_gpa);
			return -EFAULT;
		}
		if (pte & rsvd_bits_64(w, pae, level, pte)) {
			set_fault(w, PFERR_PRESENT_MASK | PFERR_RSVD_MASK,
				  level, pte, pte_gpa);
			return -EFAULT;
		}
		accumulate(w, pte);

		if (level == GUEST_PG_LEVEL_4K ||
		    ((pte & PT_PAGE_SIZE_MASK) && level <= GUEST_PG_LEVEL_1G)) {
			r = check_access(w, level, pte, pte_gpa);
			if (r)
				return r;
			offset_mask = GW_GENMASK(level_shift(level) - 1, 0);
			*gpa = (pte & PT64_ADDR_MASK & ~offset_mask) |
			       (w->gva & offset_mask);
			return 0;
		}
		table = pte & PT64_ADDR_MASK;
	}
	/* Not reached: level 1 always maps a page. */
	return -EFAULT;
}

/*
 * PAE paging.  The hardware loads the four PDPTEs into internal registers
 * when CR3 is written (and VM entry loads them from the VMCS guest PDPTE
 * fields with EPT); this walker simply rereads them from guest memory,
 * which differs only if the guest changed a PDPTE without reloading CR3.
 * A PDPTE with reserved bits set would have made that CR3 load #GP; here it
 * is reported as a reserved-bit #PF.
 */
static int walk_pae(struct walker *w, u64 *gpa)
{
	const struct guest_walk_ctx *ctx = w->ctx;
	u64 pdpte_gpa, pdpte;
	u64 index;
	int r;

	index = (w->gva >> PAE_PDPTE_SHIFT) & PAE_PDPTE_INDEX_MASK;
	pdpte_gpa = (ctx->cr3 & PAE_CR3_PDPT_MASK) + index * PT64_ENTRY_SIZE;
	r = read_entry(w, pdpte_gpa, PT64_ENTRY_SIZE, GUEST_PG_LEVEL_1G,
		       &pdpte);
	if (r)
		return r;
	if (!(pdpte & PT_PRESENT_MASK)) {
		set_fault(w, 0, GUEST_PG_LEVEL_1G, pdpte, pdpte_gpa);
		return -EFAULT;
	}
	if (pdpte & (PAE_PDPTE_RSVD_MASK | PAE_HIGH_RSVD_MASK | PT64_NX_MASK)) {
		set_fault(w, PFERR_PRESENT_MASK | PFERR_RSVD_MASK,
			  GUEST_PG_LEVEL_1G, pdpte, pdpte_gpa);
		return -EFAULT;
	}
	/* A PDPTE carries no access rights: nothing to accumulate. */
	return walk_64(w, pdpte & PT64_ADDR_MASK, GUEST_PG_LEVEL_2M, true, gpa);
}

/* Bits 63:width-1 all equal (SDM Vol. 3A, Canonical Addressing). */
static bool is_canonical(u64 la, unsigned width)
{
	u64 upper = la >> (width - 1);

	return upper == 0 || upper == (~0ull >> (width - 1));
}

int guest_walk(const struct guest_walk_ctx *ctx, u64 gva, unsigned access,
	       u64 *gpa, struct guest_walk_fault *fault)
{
	struct walker w = {
		.ctx = ctx,
		.fault = fault,
		.gva = gva,
		.access = access & (GUEST_WALK_WRITE | GUEST_WALK_USER |
				    GUEST_WALK_FETCH),
		.writable = true,
		.user = true,
	};
	bool long_mode = ctx->efer & EFER_LMA;

	/*
	 * Paging off: linear = physical.  Outside IA-32e mode linear addresses
	 * are 32 bits, so drop anything above (IA-32e mode requires paging,
	 * so the 64-bit case only matters for inconsistent input).
	 */
	if (!(ctx->cr0 & X86_CR0_PG)) {
		*gpa = long_mode ? gva : gva & GW_ADDR32_MASK;
		return 0;
	}

	/* EFER.LMA, not LME, says IA-32e paging is active. */
	if (long_mode) {
		bool la57 = ctx->cr4 & X86_CR4_LA57;

		if (!is_canonical(gva, la57 ? LA57_BITS : LA48_BITS)) {
			if (fault) {
				fault->error_code = 0;
				fault->address = gva;
				fault->level = 0;
				fault->pte = 0;
				fault->pte_gpa = 0;
			}
			return -ERANGE;
		}
		w.nx_enabled = ctx->efer & EFER_NX;
		return walk_64(&w, ctx->cr3 & PT64_ADDR_MASK,
			       la57 ? GUEST_PG_LEVEL_256T : GUEST_PG_LEVEL_512G,
			       false, gpa);
	}

	w.gva = gva & GW_ADDR32_MASK;
	if (ctx->cr4 & X86_CR4_PAE) {
		w.nx_enabled = ctx->efer & EFER_NX;
		return walk_pae(&w, gpa);
	}
	return walk_32bit(&w, gpa);
}
