/* SPDX-License-Identifier: MIT */
/*
 * cr: the control registers as the guest sees them.  The multiboot entry
 * state (protected mode, paging off), CR4.VMXE hidden although the CPU runs
 * the guest in VMX non-root operation, the MOV-to-CR rules that raise #GP,
 * and real paging under EPT: 32-bit paging with 4 MiB and 4 KiB pages, PAE
 * paging (whose PDPTEs the hypervisor loads), a non-identity alias, and
 * paging switched off again.
 */
#include "guest.h"

#define GP_VECTOR 13

#define CR0_PE (1u << 0)
#define CR0_TS (1u << 3)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_VMXE (1u << 13)
#define CR4_SMXE (1u << 14)

#define PAGE_SIZE 4096u
#define PTE_P (1u << 0)
#define PTE_RW (1u << 1)
#define PDE_PS (1u << 7)
#define PD_SHIFT_4M 22
#define PD_SHIFT_2M 21
#define PT_SHIFT 12
#define PD_ENTRIES 1024
#define PAE_ENTRIES 512
#define PAE_PDPTES 4
#define PTE_INDEX_MASK 0x3ff

/* A linear window above guest RAM mapped onto a physical page in RAM. */
#define ALIAS_4M_LINEAR 0x40000000u
#define ALIAS_4K_LINEAR 0x40400000u
#define ALIAS_PHYS 0x00800000u	/* 8 MiB: RAM this image does not use */
#define ALIAS_PHYS_ALT 0x00a00000u	/* 10 MiB: the second alias target */
#define ALL_ONES 0xffffffffu
#define KNOWN_VALUE 0x600dda7au

static u32 pd[PD_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u32 pt[PD_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 pae_pd[PAE_PDPTES][PAE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 pdpt[PAE_PDPTES] __attribute__((aligned(32)));
static u8 target_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u64 pae_pd_alt[PAE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 pdpt_alt[PAE_PDPTES] __attribute__((aligned(32)));
static volatile u32 known = KNOWN_VALUE;

static inline u32 read_cr3(void)
{
	u32 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u32 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static int try_write_cr0(u32 v)
{
	return GUEST_TRY("mov %0, %%cr0", : : "r"(v) : "memory");
}

static int try_write_cr4(u32 v)
{
	return GUEST_TRY("mov %0, %%cr4", : : "r"(v) : "memory");
}

static u32 peek(u32 linear)
{
	return *(volatile u32 *)linear;
}

static void poke(u32 linear, u32 v)
{
	*(volatile u32 *)linear = v;
}

static void check_entry_state(u32 cr0)
{
	u32 cr4 = read_cr4();

	report(cr0 & CR0_PE, "CR0.PE = 1 at entry (CR0 %#x)", cr0);
	report(!(cr0 & CR0_PG), "CR0.PG = 0 at entry");
	report(!(cr4 & CR4_VMXE), "CR4.VMXE reads 0 in VMX non-root operation (CR4 %#x)", cr4);
}

static void check_faulting_writes(void)
{
	u32 cr0 = read_cr0(), cr4 = read_cr4();
	int f;

	f = try_write_cr4(cr4 | CR4_VMXE);
	report(f == GP_VECTOR && fault_error_code == 0, "setting CR4.VMXE raises #GP(0) (%d)", f);
	report(!(read_cr4() & CR4_VMXE), "CR4.VMXE still reads 0");
	f = try_write_cr4(cr4 | CR4_SMXE);
	report(f == GP_VECTOR, "setting CR4.SMXE raises #GP (%d)", f);

	f = try_write_cr0((cr0 | CR0_PG) & ~CR0_PE);
	report(f == GP_VECTOR, "CR0 with PG = 1 and PE = 0 raises #GP (%d)", f);
	f = try_write_cr0((cr0 | CR0_NW) & ~CR0_CD);
	report(f == GP_VECTOR, "CR0 with NW = 1 and CD = 0 raises #GP (%d)", f);
	report(read_cr0() == cr0, "CR0 unchanged by the faulting writes (%#x)", read_cr0());

	/* LMSW loads CR0[3:0] but can never clear PE (SDM "LMSW"). */
	asm volatile("lmsw %w0" : : "r"((cr0 & ~CR0_PE) | CR0_TS));
	report((read_cr0() & (CR0_PE | CR0_TS)) == (CR0_PE | CR0_TS),
	       "lmsw sets CR0.TS and cannot clear CR0.PE (CR0 %#x)", read_cr0());
	asm volatile("clts");
	report(!(read_cr0() & CR0_TS), "clts clears CR0.TS (CR0 %#x)", read_cr0());
}

static void check_paging_off(const char *what)
{
	u32 cr0 = read_cr0();

	write_cr0(cr0 & ~CR0_PG);
	report(!(read_cr0() & CR0_PG), "%s: paging off again (CR0 %#x)", what, read_cr0());
	/* Linear is physical again: the alias window is unbacked MMIO. */
	report(peek(ALIAS_4M_LINEAR) == ALL_ONES, "%s: %#x is unbacked again (%#x)", what,
	       ALIAS_4M_LINEAR, peek(ALIAS_4M_LINEAR));
	report(known == KNOWN_VALUE, "%s: memory reads the same without paging", what);
}

static void check_alias(const char *what)
{
	poke(ALIAS_PHYS, 0x11223344);
	report(peek(ALIAS_4M_LINEAR) == 0x11223344, "%s: %#x aliases physical %#x (%#x)", what,
	       ALIAS_4M_LINEAR, ALIAS_PHYS, peek(ALIAS_4M_LINEAR));
	poke(ALIAS_4M_LINEAR + 8, 0x55667788);
	report(peek(ALIAS_PHYS + 8) == 0x55667788, "%s: a write through the alias lands at %#x",
	       what, ALIAS_PHYS + 8);
}

static void check_32bit_paging(void)
{
	u32 cr0 = read_cr0();

	for (u32 i = 0; i < PD_ENTRIES; i++)
		pd[i] = (i << PD_SHIFT_4M) | PTE_P | PTE_RW | PDE_PS;
	pd[ALIAS_4M_LINEAR >> PD_SHIFT_4M] = ALIAS_PHYS | PTE_P | PTE_RW | PDE_PS;
	pd[ALIAS_4K_LINEAR >> PD_SHIFT_4M] = (u32)pt | PTE_P | PTE_RW;
	pt[0] = (u32)target_page | PTE_P | PTE_RW;
	memset(target_page, 0x3c, PAGE_SIZE);

	write_cr4((read_cr4() & ~CR4_PAE) | CR4_PSE);
	write_cr3((u32)pd);
	write_cr0(cr0 | CR0_PG);

	report(read_cr0() & CR0_PG, "32-bit paging: CR0.PG = 1 (CR0 %#x)", read_cr0());
	report(read_cr3() == (u32)pd, "CR3 reads back %#x", read_cr3());
	report(known == KNOWN_VALUE, "32-bit paging: identity-mapped memory reads the same");
	check_alias("4 MiB page");
	report(peek(ALIAS_4K_LINEAR + 4) == 0x3c3c3c3c,
	       "4 KiB page: %#x maps the page at %#x", ALIAS_4K_LINEAR, (u32)target_page);
	poke(ALIAS_4K_LINEAR + 16, 0xabcdef01);
	report(*(volatile u32 *)(target_page + 16) == 0xabcdef01, "4 KiB page: writes go through");

	/* Remap the 4 KiB page while paging is on: INVLPG drops the old one. */
	pt[0] = ALIAS_PHYS | PTE_P | PTE_RW;
	asm volatile("invlpg (%0)" : : "r"(ALIAS_4K_LINEAR) : "memory");
	report(peek(ALIAS_4K_LINEAR) == 0x11223344, "after invlpg the 4 KiB alias shows %#x",
	       ALIAS_PHYS);

	check_paging_off("32-bit paging");
	write_cr4(read_cr4() & ~CR4_PSE);
}

/* PAE paging outside long mode: CR3 points at four PDPTEs. */
static void check_pae_paging(void)
{
	u32 cr0 = read_cr0();

	for (u32 d = 0; d < PAE_PDPTES; d++) {
		for (u32 i = 0; i < PAE_ENTRIES; i++)
			pae_pd[d][i] = ((u64)(d * PAE_ENTRIES + i) << PD_SHIFT_2M) | PTE_P |
				       PTE_RW | PDE_PS;
		/* PDPTEs have no RW bit (bits 2:1 are reserved in PAE mode). */
		pdpt[d] = (u32)pae_pd[d] | PTE_P;
	}
	pae_pd[ALIAS_4M_LINEAR >> 30][(ALIAS_4M_LINEAR >> PD_SHIFT_2M) % PAE_ENTRIES] =
		ALIAS_PHYS | PTE_P | PTE_RW | PDE_PS;

	write_cr4(read_cr4() | CR4_PAE);
	write_cr3((u32)pdpt);
	write_cr0(cr0 | CR0_PG);
	report((read_cr0() & CR0_PG) && (read_cr4() & CR4_PAE), "PAE paging on (CR0 %#x CR4 %#x)",
	       read_cr0(), read_cr4());
	report(known == KNOWN_VALUE, "PAE paging: identity-mapped memory reads the same");
	poke(ALIAS_PHYS, 0x99aabbcc);
	report(peek(ALIAS_4M_LINEAR) == 0x99aabbcc, "PAE paging: 2 MiB alias %#x -> %#x (%#x)",
	       ALIAS_4M_LINEAR, ALIAS_PHYS, peek(ALIAS_4M_LINEAR));


	/* A MOV to CR3 with PAE paging on loads four new PDPTEs: the second
	 * PDPT's entry 1 points at a directory with a different alias. */
	memcpy(pdpt_alt, pdpt, sizeof(pdpt));
	memcpy(pae_pd_alt, pae_pd[1], sizeof(pae_pd_alt));
	pae_pd_alt[0] = ALIAS_PHYS_ALT | PTE_P | PTE_RW | PDE_PS;
	pdpt_alt[1] = (u32)pae_pd_alt | PTE_P;
	poke(ALIAS_PHYS_ALT, 0xddeeff00);
	write_cr3((u32)pdpt_alt);
	report(peek(ALIAS_4M_LINEAR) == 0xddeeff00,
	       "PAE paging: MOV to CR3 reloads the PDPTEs (alias now %#x -> %#x)",
	       ALIAS_4M_LINEAR, peek(ALIAS_4M_LINEAR));
	write_cr3((u32)pdpt);
	report(peek(ALIAS_4M_LINEAR) == 0x99aabbcc, "PAE paging: and back (%#x)",
	       peek(ALIAS_4M_LINEAR));

	check_paging_off("PAE paging");
	write_cr4(read_cr4() & ~CR4_PAE);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_entry_state(read_cr0());
	check_faulting_writes();
	check_32bit_paging();
	check_pae_paging();
	return 0;
}
