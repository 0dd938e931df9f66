/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of vmx/guest_walk.c: every paging mode, walked over page tables
 * built in a fake guest-physical memory array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/guest_walk.h"
#include "kernel/x86.h"

/* Entry bits, written out here so the test does not trust the walker's. */
#define E_P	0x001ull
#define E_RW	0x002ull
#define E_US	0x004ull
#define E_PS	0x080ull
#define E_NX	(1ull << 63)
#define E_ALL	(E_P | E_RW | E_US)

#define MEM_PAGES	64
#define MEM_SIZE	(MEM_PAGES * 4096ull)
#define PG(n)		((u64)(n) * 4096)

static u8 mem[MEM_SIZE];
static unsigned reads;

static int fake_read(void *opaque, u64 gpa, void *dst, unsigned len)
{
	reads++;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	memcpy(dst, mem + gpa, len);
	return 0;
}

static void put32(u64 gpa, u32 v)
{
	for (int i = 0; i < 4; i++)
		mem[gpa + i] = v >> (8 * i);
}

static void put64(u64 gpa, u64 v)
{
	for (int i = 0; i < 8; i++)
		mem[gpa + i] = v >> (8 * i);
}

static int reset(void **state)
{
	memset(mem, 0, sizeof(mem));
	reads = 0;
	return 0;
}

static struct guest_walk_ctx make_ctx(u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	struct guest_walk_ctx c = {
		.cr0 = cr0 | X86_CR0_PE,
		.cr3 = cr3,
		.cr4 = cr4,
		.efer = efer,
		.read_gpa = fake_read,
		.opaque = NULL,
	};
	return c;
}

/* Index of @gva in the 512-entry table of @level (1 = PT). */
static u64 idx64(u64 gva, int level)
{
	return (gva >> (12 + 9 * (level - 1))) & 511;
}

static void test_paging_off(void **state)
{
	struct guest_walk_ctx c = make_ctx(0, 0, 0, 0);
	u64 gpa = 0;

	c.cr0 &= ~(u64)X86_CR0_PG;
	assert_int_equal(guest_walk(&c, 0x123456789abcull, GUEST_WALK_WRITE,
				    &gpa, NULL), 0);
	assert_int_equal(gpa, 0x56789abcull);
	assert_int_equal(reads, 0);

	c.efer = EFER_LMA;
	assert_int_equal(guest_walk(&c, 0x123456789abcull, 0, &gpa, NULL), 0);
	assert_int_equal(gpa, 0x123456789abcull);
}

/* 32-bit paging: PD at page 1, PT at page 2, data page 5. */
#define GVA32 ((3u << 22) | (7u << 12) | 0x123u)

static void build_32bit(u32 pde_flags, u32 pte_flags)
{
	put32(PG(1) + 3 * 4, PG(2) | pde_flags);
	put32(PG(2) + 7 * 4, PG(5) | pte_flags);
}

static void test_32bit_4k(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG, PG(1) | 0x18, 0, 0);
	struct guest_walk_fault f;
	u64 gpa = 0;

	build_32bit(E_ALL, E_ALL);
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_WRITE |
				    GUEST_WALK_USER, &gpa, &f), 0);
	assert_int_equal(gpa, PG(5) + 0x123);
	assert_int_equal(reads, 2);

	/* Upper half of a 64-bit gva is not part of a 32-bit linear address. */
	assert_int_equal(guest_walk(&c, 0xffffffff00000000ull | GVA32, 0,
				    &gpa, &f), 0);
	assert_int_equal(gpa, PG(5) + 0x123);

	/* EFER.NXE means nothing without PAE: bit 63 does not exist here. */
	c.efer = EFER_NX;
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_FETCH, &gpa, &f), 0);
}

static void test_32bit_not_present(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG, PG(1), 0, 0);
	struct guest_walk_fault f;
	u64 gpa = 0xdead;

	/* PDE missing: error code has only the access bits. */
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_WRITE, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_WRITE_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_2M);
	assert_int_equal(f.address, GVA32);
	assert_int_equal(f.pte_gpa, PG(1) + 3 * 4);
	assert_int_equal(gpa, 0xdead);

	/* PTE missing, user read. */
	build_32bit(E_ALL, 0);
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_USER, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_USER_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_4K);
	assert_int_equal(f.pte_gpa, PG(2) + 7 * 4);

	/* Fetch: without SMEP or PAE+NXE the I/D bit stays clear. */
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, 0);
	/* With SMEP it is reported. */
	c.cr4 |= X86_CR4_SMEP;
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_FETCH_MASK);
}

static void test_32bit_4m(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG, PG(1), X86_CR4_PSE, 0);
	struct guest_walk_fault f;
	u64 gva = (5u << 22) | 0x2abcde;
	u64 gpa = 0;

	/* 4 MiB page at 0x0c000000, PSE-36 bits 20:13 = 0x12 -> bits 39:32. */
	put32(PG(1) + 5 * 4, 0x0c000000u | (0x12u << 13) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, gva, GUEST_WALK_WRITE, &gpa, &f), 0);
	assert_int_equal(gpa, 0x120c000000ull + 0x2abcde);
	assert_int_equal(reads, 1);

	/* Bit 21 of a 4 MiB PDE is reserved. */
	put32(PG(1) + 5 * 4, 0x0c000000u | (1u << 21) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, gva, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_2M);

	/* Without CR4.PSE the PS bit is ignored: the PDE names a PT. */
	c.cr4 = 0;
	put32(PG(1) + 5 * 4, PG(3) | E_PS | E_ALL);
	put32(PG(3) + ((gva >> 12) & 1023) * 4, PG(9) | E_ALL);
	assert_int_equal(guest_walk(&c, gva, 0, &gpa, &f), 0);
	assert_int_equal(gpa, PG(9) + (gva & 0xfff));
}

static void test_32bit_protection(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG, PG(1), 0, 0);
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* Read-only at the PDE level, user page. */
	build_32bit(E_P | E_US, E_ALL);

	/* Supervisor write to a read-only page: allowed while CR0.WP = 0. */
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_WRITE, &gpa, &f), 0);
	assert_int_equal(gpa, PG(5) + 0x123);

	c.cr0 |= X86_CR0_WP;
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_WRITE, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_WRITE_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_4K);

	/* User writes fault whatever CR0.WP says. */
	c.cr0 &= ~(u64)X86_CR0_WP;
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_WRITE |
				    GUEST_WALK_USER, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_WRITE_MASK |
			 PFERR_USER_MASK);
	/* User reads are fine. */
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_USER, &gpa, &f), 0);

	/* Supervisor-only at the PTE level: user read faults. */
	build_32bit(E_ALL, E_P | E_RW);
	assert_int_equal(guest_walk(&c, GVA32, GUEST_WALK_USER, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_USER_MASK);
	assert_int_equal(guest_walk(&c, GVA32, 0, &gpa, &f), 0);
}

/* PAE: PDPT at 0x1020 (CR3 needs only 32-byte alignment), PD, PT. */
#define PAE_CR3		(PG(1) + 0x20)
#define GVA_PAE		((2u << 30) | (0x45u << 21) | (0x1a2u << 12) | 0x456u)

static void build_pae(u64 pde_flags, u64 pte_flags)
{
	put64(PAE_CR3 + 2 * 8, PG(2) | E_P);
	put64(PG(2) + 0x45 * 8, PG(3) | pde_flags);
	put64(PG(3) + 0x1a2 * 8, PG(6) | pte_flags);
}

static void test_pae(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG | X86_CR0_WP, PAE_CR3,
					   X86_CR4_PAE, EFER_NX);
	struct guest_walk_fault f;
	u64 gpa = 0;

	build_pae(E_ALL, E_ALL);
	assert_int_equal(guest_walk(&c, GVA_PAE, GUEST_WALK_WRITE, &gpa, &f),
			 0);
	assert_int_equal(gpa, PG(6) + 0x456);
	assert_int_equal(reads, 3);

	/* NX on the PTE: fetch faults with I/D (PAE and NXE), reads pass. */
	build_pae(E_ALL, E_ALL | E_NX);
	assert_int_equal(guest_walk(&c, GVA_PAE, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_FETCH_MASK);
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), 0);

	/* Without EFER.NXE bit 63 is reserved. */
	c.efer = 0;
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_4K);
	/* ... and no I/D bit on a fetch fault. */
	assert_int_equal(guest_walk(&c, GVA_PAE, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	c.efer = EFER_NX;

	/* PAE entries reserve bits 62:MAXPHYADDR. */
	build_pae(E_ALL, E_ALL | (1ull << 55));
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
}

static void test_pae_2m_and_pdpte(void **state)
{
	struct guest_walk_ctx c = make_ctx(X86_CR0_PG, PAE_CR3, X86_CR4_PAE,
					   EFER_NX);
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* 2 MiB page above 4 GiB: PAE reaches beyond 32-bit physical. */
	build_pae(E_ALL, 0);
	put64(PG(2) + 0x45 * 8, 0x1234600000ull | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), 0);
	assert_int_equal(gpa, 0x1234600000ull + (GVA_PAE & 0x1fffff));

	/* 2 MiB PDE with bits 20:13 set is a reserved-bit fault. */
	put64(PG(2) + 0x45 * 8, 0x1234600000ull | (1ull << 13) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA_PAE, GUEST_WALK_USER, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK |
			 PFERR_USER_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_2M);

	/* PDPTE not present. */
	put64(PAE_CR3 + 2 * 8, 0);
	assert_int_equal(guest_walk(&c, GVA_PAE, GUEST_WALK_WRITE, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_WRITE_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_1G);
	assert_int_equal(f.pte_gpa, PAE_CR3 + 2 * 8);

	/* A PDPTE has no R/W bit: bit 1 is reserved. */
	put64(PAE_CR3 + 2 * 8, PG(2) | E_P | E_RW);
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_1G);

	/* PDE not present. */
	put64(PAE_CR3 + 2 * 8, PG(2) | E_P);
	put64(PG(2) + 0x45 * 8, 0);
	assert_int_equal(guest_walk(&c, GVA_PAE, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, 0);
	assert_int_equal(f.level, GUEST_PG_LEVEL_2M);
}

/* 4-level paging: PML4 page 1, PDPT 2, PD 3, PT 4. */
#define GVA64 0x00007f1234567abcull

static void build_4level(u64 gva, u64 flags)
{
	put64(PG(1) + idx64(gva, 4) * 8, PG(2) | flags);
	put64(PG(2) + idx64(gva, 3) * 8, PG(3) | flags);
	put64(PG(3) + idx64(gva, 2) * 8, PG(4) | flags);
	put64(PG(4) + idx64(gva, 1) * 8, PG(7) | flags);
}

static struct guest_walk_ctx ctx_4level(void)
{
	return make_ctx(X86_CR0_PG | X86_CR0_WP, PG(1), X86_CR4_PAE,
			EFER_LME | EFER_LMA | EFER_NX);
}

static void test_4level_4k(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	build_4level(GVA64, E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE |
				    GUEST_WALK_USER, &gpa, &f), 0);
	assert_int_equal(gpa, PG(7) + 0xabc);
	assert_int_equal(reads, 4);

	/* CR3 low bits (PCID / PWT / PCD) are not part of the address. */
	c.cr3 |= 0x018;
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), 0);
	assert_int_equal(gpa, PG(7) + 0xabc);
}

static void test_4level_not_present_each_level(void **state)
{
	static const u64 tables[] = { PG(1), PG(2), PG(3), PG(4) };
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	for (int level = 4; level >= 1; level--) {
		u64 pte_gpa = tables[4 - level] + idx64(GVA64, level) * 8;

		build_4level(GVA64, E_ALL);
		put64(pte_gpa, 0);
		assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_USER |
					    GUEST_WALK_FETCH, &gpa, &f),
				 -EFAULT);
		/* Not present: P clear; U/S and I/D (PAE + NXE) set. */
		assert_int_equal(f.error_code,
				 PFERR_USER_MASK | PFERR_FETCH_MASK);
		assert_int_equal(f.level, level);
		assert_int_equal(f.pte_gpa, pte_gpa);
		assert_int_equal(f.address, GVA64);
	}
}

static void test_4level_large_pages(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* 2 MiB page. */
	build_4level(GVA64, E_ALL);
	put64(PG(3) + idx64(GVA64, 2) * 8, 0x40000000ull | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), 0);
	assert_int_equal(gpa, 0x40000000ull + (GVA64 & 0x1fffff));
	assert_int_equal(reads, 3);

	/* 1 GiB page, PAT bit (12) set: not an address bit, not reserved. */
	put64(PG(2) + idx64(GVA64, 3) * 8,
	      0x3c0000000ull | (1ull << 12) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), 0);
	assert_int_equal(gpa, 0x3c0000000ull + (GVA64 & 0x3fffffff));

	/* 1 GiB page with bits 29:13 set. */
	put64(PG(2) + idx64(GVA64, 3) * 8,
	      0x3c0000000ull | (1ull << 20) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_1G);

	/* PS in a PML4E is reserved. */
	build_4level(GVA64, E_ALL);
	put64(PG(1) + idx64(GVA64, 4) * 8, PG(2) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK |
			 PFERR_WRITE_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_512G);
}

static void test_4level_protection(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* Read-only at the PDPTE only. */
	build_4level(GVA64, E_ALL);
	put64(PG(2) + idx64(GVA64, 3) * 8, PG(3) | E_P | E_US);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_WRITE_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_4K);
	c.cr0 &= ~(u64)X86_CR0_WP;
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE, &gpa, &f), 0);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE |
				    GUEST_WALK_USER, &gpa, &f), -EFAULT);

	/* Supervisor-only at the PML4E. */
	build_4level(GVA64, E_ALL);
	put64(PG(1) + idx64(GVA64, 4) * 8, PG(2) | E_P | E_RW);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_USER, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_USER_MASK);
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), 0);
}

static void test_4level_nx_and_smep(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* XD on the PD entry covers the whole 2 MiB below it. */
	build_4level(GVA64, E_ALL);
	put64(PG(3) + idx64(GVA64, 2) * 8, PG(4) | E_ALL | E_NX);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_FETCH_MASK);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_WRITE, &gpa, &f), 0);

	/* Without NXE the same entry has a reserved bit set. */
	c.efer &= ~(u64)EFER_NX;
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_2M);
	c.efer |= EFER_NX;

	/* SMEP: supervisor fetch from a user page faults, user fetch works. */
	build_4level(GVA64, E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_FETCH, &gpa, &f), 0);
	c.cr4 |= X86_CR4_SMEP;
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_FETCH, &gpa, &f),
			 -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_FETCH_MASK);
	assert_int_equal(guest_walk(&c, GVA64, GUEST_WALK_FETCH |
				    GUEST_WALK_USER, &gpa, &f), 0);
}

static void test_4level_noncanonical(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0x77;
	u64 high = 0xffff800000001000ull;

	assert_int_equal(guest_walk(&c, 0x0000800000000000ull, 0, &gpa, &f),
			 -ERANGE);
	assert_int_equal(f.address, 0x0000800000000000ull);
	assert_int_equal(guest_walk(&c, 0xfff0800000000000ull, 0, &gpa, &f),
			 -ERANGE);
	assert_int_equal(gpa, 0x77);
	assert_int_equal(reads, 0);

	/* The top half is canonical and walks normally. */
	build_4level(high, E_ALL);
	assert_int_equal(guest_walk(&c, high, 0, &gpa, &f), 0);
	assert_int_equal(gpa, PG(7));
}

static void test_5level(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gva = 0x00ab7f1234567abcull;	/* bits 56:48 used */
	u64 gpa = 0;

	c.cr4 |= X86_CR4_LA57;
	c.cr3 = PG(10);
	put64(PG(10) + ((gva >> 48) & 511) * 8, PG(1) | E_ALL);
	build_4level(gva, E_ALL);
	assert_int_equal(guest_walk(&c, gva, GUEST_WALK_WRITE, &gpa, &f), 0);
	assert_int_equal(gpa, PG(7) + 0xabc);
	assert_int_equal(reads, 5);

	/* PS in a PML5E is reserved. */
	put64(PG(10) + ((gva >> 48) & 511) * 8, PG(1) | E_PS | E_ALL);
	assert_int_equal(guest_walk(&c, gva, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, PFERR_PRESENT_MASK | PFERR_RSVD_MASK);
	assert_int_equal(f.level, GUEST_PG_LEVEL_256T);

	/* Not present PML5E. */
	put64(PG(10) + ((gva >> 48) & 511) * 8, 0);
	assert_int_equal(guest_walk(&c, gva, 0, &gpa, &f), -EFAULT);
	assert_int_equal(f.error_code, 0);
	assert_int_equal(f.level, GUEST_PG_LEVEL_256T);

	/* Canonical for 57 bits, and not for 48; bit 57+ must match bit 56. */
	assert_int_equal(guest_walk(&c, 0x0100000000000000ull, 0, &gpa, &f),
			 -ERANGE);
	c.cr4 &= ~(u64)X86_CR4_LA57;
	assert_int_equal(guest_walk(&c, gva, 0, &gpa, &f), -ERANGE);
}

static void test_table_outside_ram(void **state)
{
	struct guest_walk_ctx c = ctx_4level();
	struct guest_walk_fault f;
	u64 gpa = 0;

	/* The PDPT pointer leads outside the fake RAM. */
	build_4level(GVA64, E_ALL);
	put64(PG(1) + idx64(GVA64, 4) * 8, 0x80000000ull | E_ALL);
	assert_int_equal(guest_walk(&c, GVA64, 0, &gpa, &f), -EIO);
	assert_int_equal(f.pte_gpa, 0x80000000ull + idx64(GVA64, 3) * 8);
	assert_int_equal(f.level, GUEST_PG_LEVEL_1G);

	/* CR3 itself outside RAM, 32-bit paging; NULL fault is allowed. */
	c = make_ctx(X86_CR0_PG, 0x90000000ull, 0, 0);
	assert_int_equal(guest_walk(&c, GVA32, 0, &gpa, NULL), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, reset),
		cmocka_unit_test_setup(test_32bit_4k, reset),
		cmocka_unit_test_setup(test_32bit_not_present, reset),
		cmocka_unit_test_setup(test_32bit_4m, reset),
		cmocka_unit_test_setup(test_32bit_protection, reset),
		cmocka_unit_test_setup(test_pae, reset),
		cmocka_unit_test_setup(test_pae_2m_and_pdpte, reset),
		cmocka_unit_test_setup(test_4level_4k, reset),
		cmocka_unit_test_setup(test_4level_not_present_each_level,
				       reset),
		cmocka_unit_test_setup(test_4level_large_pages, reset),
		cmocka_unit_test_setup(test_4level_protection, reset),
		cmocka_unit_test_setup(test_4level_nx_and_smep, reset),
		cmocka_unit_test_setup(test_4level_noncanonical, reset),
		cmocka_unit_test_setup(test_5level, reset),
		cmocka_unit_test_setup(test_table_outside_ram, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
