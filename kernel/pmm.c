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

/* Population count without libgcc (the hypervisor links none). */
static unsigned popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

/* Bits [first, last) of the bitmap word containing them, as a mask. */
static u64 word_mask(u64 first, u64 last)
{
	unsigned lo = first % BITS_PER_WORD;
	unsigned n = last - first;

	return (n == BITS_PER_WORD ? ~0ull : (BIT_ULL(n) - 1)) << lo;
}

/*
 * Mark pages [first, last) used or free, a word at a time (the guest's RAM
 * is tens of thousands of pages: page-by-page loops would dominate the
 * hypervisor's start-up).  Returns how many pages changed state.
 */
static u64 mark_pfns(u64 first, u64 last, bool used)
{
	u64 changed = 0;

	while (first < last) {
		u64 end = MIN(last, ALIGN_DOWN(first, BITS_PER_WORD) + BITS_PER_WORD);
		u64 *w = &page_bitmap[first / BITS_PER_WORD];
		u64 m = word_mask(first, end);

		changed += popcount64(used ? m & ~*w : m & *w);
		if (used)
			*w |= m;
		else
			*w &= ~m;
		first = end;
	}
	return changed;
}

/* Whether any page in [first, last) is used; *busy = the last used one. */
static bool range_used(u64 first, u64 last, u64 *busy)
{
	while (first < last) {
		u64 end = MIN(last, ALIGN_DOWN(first, BITS_PER_WORD) + BITS_PER_WORD);
		u64 hit = page_bitmap[first / BITS_PER_WORD] & word_mask(first, end);

		if (hit) {
			*busy = ALIGN_DOWN(first, BITS_PER_WORD) + 63 - __builtin_clzll(hit);
			return true;
		}
		first = end;
	}
	return false;
}

static void set_range(u64 start, u64 end, bool used)
{
	u64 first, last, n;

	if (used) {	/* reserving rounds outwards, freeing inwards */
		first = start >> PAGE_SHIFT;
		last = ALIGN_UP(end, PAGE_SIZE) >> PAGE_SHIFT;
	} else {
		first = ALIGN_UP(start, PAGE_SIZE) >> PAGE_SHIFT;
		last = ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT;
	}
	last = MIN(last, MAX_PAGES);
	if (first >= last)
		return;
	n = mark_pfns(first, last, used);
	nr_free = used ? nr_free - n : nr_free + n;
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
	mark_pfns(pfn, pfn + n, true);
	nr_free -= n;
	nr_used += n;
	next_pfn = pfn + n;
	return __va(pfn << PAGE_SHIFT);
}

void *alloc_pages_contig(u64 npages, u64 align)
{
	for (int pass = 0; pass < 2; pass++) {
		u64 start = pass ? 0 : next_pfn;

		for (u64 pfn = ALIGN_UP(start, align); pfn + npages <= max_pfn;) {
			u64 busy;

			if (!range_used(pfn, pfn + npages, &busy))
				return take(pfn, npages);
			/* restart at the first aligned candidate past it */
			pfn = ALIGN_UP(busy + 1, align);
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

	BUG_ON(!pfn_used(pfn));
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
