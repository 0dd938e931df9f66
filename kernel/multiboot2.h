/* SPDX-License-Identifier: MIT */
/* What the hypervisor reads from GRUB's multiboot2 information
 * ("Multiboot2 Specification: Boot information format"). */
#ifndef TVX_MULTIBOOT2_H
#define TVX_MULTIBOOT2_H

#include "tvx/types.h"

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_MAX_MODULES 9	/* the guest and up to 8 guest modules */
#define MB2_MAX_MMAP 32

struct mb2_module {
	u64 start, end;		/* physical, end exclusive */
	const char *cmdline;
};

struct mb2_mmap_entry {
	u64 base, len;
	u32 type;		/* 1 = available RAM */
};
#define MB2_MEMORY_AVAILABLE 1

struct boot_info {
	u64 info_phys, info_size;
	const char *cmdline;
	unsigned nmods;
	struct mb2_module mods[MB2_MAX_MODULES];
	unsigned nmmap;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
};

void multiboot2_parse(u32 magic, u64 info_phys, struct boot_info *bi);

#endif
