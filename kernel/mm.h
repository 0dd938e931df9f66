/* SPDX-License-Identifier: MIT */
/*
 * Host memory.  Physical memory below 4 GiB is identity-mapped (boot/entry.S),
 * so a page from the allocator is used through the pointer equal to its
 * physical address; the kernel image lives at KERNEL_VMA + physical.
 */
#ifndef TVX_MM_H
#define TVX_MM_H

#include "tvx/types.h"

#define KERNEL_VMA 0xffffffff80000000ul
#define DIRECT_MAP_LIMIT (4ull << 30)

static inline u64 __pa(const void *p)
{
	u64 v = (u64)p;

	return v >= KERNEL_VMA ? v - KERNEL_VMA : v;
}

static inline void *__va(u64 phys)
{
	return (void *)phys;
}

struct boot_info;
void pmm_init(const struct boot_info *bi);
/* One zeroed 4 KiB page, or NULL. */
void *alloc_page(void);
void free_page(void *page);
/* npages physically contiguous pages aligned to align_pages, NOT zeroed. */
void *alloc_pages_contig(u64 npages, u64 align_pages);
void free_pages(void *p, u64 npages);
u64 pmm_free_pages(void);
u64 pmm_used_pages(void);

#endif
