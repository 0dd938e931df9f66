/* SPDX-License-Identifier: MIT */
/*
 * Extended page tables (SDM Vol. 3C "EPT Translation Mechanism"): a 4-level
 * write-back mapping of each memory slot to its host pages.  Guest-physical
 * addresses nothing maps take an EPT violation, which handle_ept_violation()
 * turns into an MMIO exit for the device model: the guest never reaches host
 * memory outside its slots.
 */
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/* EPT paging-structure entry bits (SDM "Format of EPT Paging-Structure
 * Entries"). */
#define EPT_READ BIT_ULL(0)
#define EPT_WRITE BIT_ULL(1)
#define EPT_EXEC BIT_ULL(2)
#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_WB (6ull << EPT_MEMTYPE_SHIFT)
#define EPT_LARGE_PAGE BIT_ULL(7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull

/* EPTP fields (SDM "Extended-Page-Table Pointer (EPTP)"). */
#define VMX_EPTP_MT_WB 6ull
#define VMX_EPTP_PWL_4 (3ull << 3)	/* page-walk length - 1 */

#define EPT_LEVELS 4
#define EPT_ENTRIES 512
#define SIZE_2M (2ull << 20)

static unsigned ept_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

int ept_init(struct kvm *kvm)
{
	kvm->ept.pml4 = alloc_page();
	if (!kvm->ept.pml4)
		return -ENOMEM;
	kvm->ept.pages = 1;
	kvm->ept.eptp = __pa(kvm->ept.pml4) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}

/* The table at @level below @entry, allocated on demand. */
static u64 *ept_next_table(struct kvm *kvm, u64 *entry)
{
	if (!(*entry & EPT_RWX)) {
		u64 *table = alloc_page();

		if (!table)
			return NULL;
		kvm->ept.pages++;
		/* Non-leaf entries grant everything; the leaf decides. */
		*entry = __pa(table) | EPT_RWX;
	}
	return __va(*entry & EPT_ADDR_MASK);
}

static int ept_map_one(struct kvm *kvm, u64 gpa, u64 hpa, int leaf_level)
{
	u64 *table = kvm->ept.pml4;

	for (int level = EPT_LEVELS; level > leaf_level; level--) {
		table = ept_next_table(kvm, &table[ept_index(gpa, level)]);
		if (!table)
			return -ENOMEM;
	}
	table[ept_index(gpa, leaf_level)] =
		hpa | EPT_RWX | EPT_MEMTYPE_WB |
		(leaf_level > 1 ? EPT_LARGE_PAGE : 0);
	return 0;
}

int ept_map_range(struct kvm *kvm, u64 gpa, u64 hpa, u64 size)
{
	bool big = cpu_has_vmx_ept_2m_page();

	for (u64 off = 0; off < size;) {
		bool use_2m = big && IS_ALIGNED(gpa + off, SIZE_2M) &&
			      IS_ALIGNED(hpa + off, SIZE_2M) && size - off >= SIZE_2M;
		int r = ept_map_one(kvm, gpa + off, hpa + off, use_2m ? 2 : 1);

		if (r)
			return r;
		off += use_2m ? SIZE_2M : PAGE_SIZE;
	}
	return 0;
}

/* Map one 4 KiB page (the APIC-access page, vmx/apicv.c). */
int ept_map_page(struct kvm *kvm, u64 gpa, u64 hpa)
{
	return ept_map_one(kvm, gpa, hpa, 1);
}

/*
 * Remove the 4 KiB mapping of @gpa made by ept_map_page(), if any; the
 * caller flushes (ept_sync_context()).  Tables stay allocated.
 */
void ept_unmap_page(struct kvm *kvm, u64 gpa)
{
	u64 *table = kvm->ept.pml4;

	for (int level = EPT_LEVELS; level > 1; level--) {
		u64 e = table[ept_index(gpa, level)];

		if (!(e & EPT_RWX) || (e & EPT_LARGE_PAGE))
			return;
		table = __va(e & EPT_ADDR_MASK);
	}
	table[ept_index(gpa, 1)] = 0;
}

static void ept_free_level(u64 *table, int level)
{
	if (level > 1) {
		for (int i = 0; i < EPT_ENTRIES; i++)
			if ((table[i] & EPT_RWX) && !(table[i] & EPT_LARGE_PAGE))
				ept_free_level(__va(table[i] & EPT_ADDR_MASK), level - 1);
	}
	free_page(table);
}

void ept_free(struct kvm *kvm)
{
	if (kvm->ept.pml4)
		ept_free_level(kvm->ept.pml4, EPT_LEVELS);
	kvm->ept.pml4 = NULL;
}

/* Drop cached guest-physical translations of this EPT (SDM "Invalidating
 * Cached Translation Information"). */
void ept_sync_context(struct kvm *kvm)
{
	if (cpu_has_vmx_invept_context())
		__invept(VMX_EPT_EXTENT_CONTEXT, kvm->ept.eptp);
	else
		__invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

void vpid_sync_context(u16 vpid)
{
	if (!vpid)
		return;
	if (cpu_has_vmx_invvpid_single())
		__invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vpid, 0);
	else
		__invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0, 0);
}

/* VPID 0 is the host's; hand out 1..65535 (SDM "Virtual-Processor
 * Identifiers"). */
u16 allocate_vpid(void)
{
	static u16 next_vpid = 1;

	if (!next_vpid)
		return 0;	/* exhausted: run without a VPID */
	return next_vpid++;
}
