/* SPDX-License-Identifier: MIT */
/*
 * The physical page allocator: a bitmap over the direct-mapped 4 GiB, built
 * from the multiboot2 memory map with everything GRUB handed us excluded:
 * the first MiB (real-mode IVT, BIOS data, EBDA, ROMs), the hypervisor image,
 * the boot information and the boot modules (guest images).
 */
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/multiboot2.h"

#define MAX_PAGES (DIRECT_MAP_LIMIT >> PAGE_SHIFT)
#define BITS_PER_WORD 64
#define LOW_MEMORY_END 0x100000ull

extern char __kernel_phys_start[], __kernel_phys_end[];

/* 1 = used or absent */
static u64 page_bitmap[MAX_PAGES / BITS_PER_WORD];
static u64 max_pfn, next_pfn, nr_free, nr_used;

static bool pfn_used(u64 pfn)
{
	return page_bitmap[pfn / BITS_PER_WORD] & BIT_ULL(pfn % BITS_PER_WORD);
}

static void set_range(u64 start, u64 end, bool used)
{
	u64 first = ALIGN_UP(start, PAGE_SIZE) >> PAGE_SHIFT;
	u64 last = ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT;

	if (used) {	/* reserving rounds outwards, freeing inwards */
		first = start >> PAGE_SHIFT;
		last = ALIGN_UP(end, PAGE_SIZE) >> PAGE_SHIFT;
	}
	last = MIN(last, MAX_PAGES);
	for (u64 pfn = first; pfn < last; pfn++) {
		bool was = pfn_used(pfn);

		if (used && !was) {
			page_bitmap[pfn / BITS_PER_WORD] |= BIT_ULL(pfn % BITS_PER_WORD);
			nr_free--;
		} else if (!used && was) {
			page_bitmap[pfn / BITS_PER_WORD] &= ~BIT_ULL(pfn % BITS_PER_WORD);
			nr_free++;
		}
	}
}

void pmm_init(const struct boot_info *bi)
{
	memset(page_bitmap, 0xff, sizeof(page_bitmap));
	for (unsigned i = 0; i < bi->nmmap; i++) {
		const struct mb2_mmap_entry *e = &bi->mmap[i];
		u64 end = MIN(e->base + e->len, DIRECT_MAP_LIMIT);

		if (e->type != MB2_MEMORY_AVAILABLE || e->base >= end)
			continue;
		set_range(e->base, end, false);
		max_pfn = MAX(max_pfn, end >> PAGE_SHIFT);
	}
	set_range(0, LOW_MEMORY_END, true);
	set_range((u64)__kernel_phys_start, (u64)__kernel_phys_end, true);
	set_range(bi->info_phys, bi->info_phys + bi->info_size, true);
	for (unsigned i = 0; i < bi->nmods; i++)
		set_range(bi->mods[i].start, bi->mods[i].end, true);
	next_pfn = LOW_MEMORY_END >> PAGE_SHIFT;
	if (!nr_free)
		panic("no usable memory in the multiboot2 memory map");
}

static void *take(u64 pfn, u64 n)
{
	for (u64 i = 0; i < n; i++)
		page_bitmap[(pfn + i) / BITS_PER_WORD] |= BIT_ULL((pfn + i) % BITS_PER_WORD);
	nr_free -= n;
	nr_used += n;
	next_pfn = pfn + n;
	return __va(pfn << PAGE_SHIFT);
}

void *alloc_pages_contig(u64 npages, u64 align)
{
	for (int pass = 0; pass < 2; pass++) {
		u64 start = pass ? 0 : next_pfn;

		for (u64 pfn = ALIGN_UP(start, align); pfn + npages <= max_pfn;
		     pfn += align) {
			u64 i;

			for (i = 0; i < npages && !pfn_used(pfn + i); i++)
				;
			if (i == npages)
				return take(pfn, npages);
			/* skip past the used page */
			pfn = ALIGN_DOWN(pfn + i, align);
		}
	}
	return NULL;
}

void *alloc_page(void)
{
	void *p = alloc_pages_contig(1, 1);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void free_pages(void *p, u64 npages)
{
	u64 pfn = __pa(p) >> PAGE_SHIFT;

	for (u64 i = 0; i < npages; i++)
		BUG_ON(!pfn_used(pfn + i));
	set_range(pfn << PAGE_SHIFT, (pfn + npages) << PAGE_SHIFT, false);
	nr_used -= npages;
}

void free_page(void *page)
{
	free_pages(page, 1);
}

u64 pmm_free_pages(void)
{
	return nr_free;
}

u64 pmm_used_pages(void)
{
	return nr_used;
}
