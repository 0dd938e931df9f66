/* SPDX-License-Identifier: MIT */
/*
 * memory: the multiboot memory information matches the RAM the VM was
 * given (`tinyvmx run -m N`; the expected N comes on the command line as
 * "expect_mib=N"): mem_lower = 639 KiB, mem_upper = N MiB - 1 MiB in KiB,
 * a memory map whose available RAM ends exactly at N MiB, the last page
 * below N MiB readable and writable, and nothing behind N MiB (reads float
 * high).  "Multiboot Specification: Boot information format".
 */
#include "guest.h"

#define MB_INFO_MEM (1u << 0)
#define MB_INFO_MMAP (1u << 6)
#define MB_MMAP_AVAILABLE 1
#define KIB 1024u
#define MIB (1024u * KIB)
#define MEM_LOWER_KIB 639	/* conventional memory below the EBDA */
#define PAGE_SIZE 4096u
#define DEFAULT_MIB 128

struct mb_mmap_entry {
	u32 size;		/* of the rest of the entry */
	u64 base, len;
	u32 type;
} __attribute__((packed));

static u32 expected_mib(const struct multiboot_info *mbi)
{
	return guest_arg_u32(mbi, "expect_mib=", DEFAULT_MIB);
}

static void check_mmap(const struct multiboot_info *mbi, u64 ram_end)
{
	u32 off = 0, n = 0;
	bool ends_at_ram_end = false, beyond = false, low_ok = false;

	report(mbi->flags & MB_INFO_MMAP, "multiboot memory map present (flags %#x)", mbi->flags);
	if (!(mbi->flags & MB_INFO_MMAP))
		return;
	while (off < mbi->mmap_length) {
		const struct mb_mmap_entry *e = (const void *)(mbi->mmap_addr + off);

		printf("memory: map %#llx-%#llx type %u\n", e->base, e->base + e->len - 1,
		       e->type);
		if (e->type == MB_MMAP_AVAILABLE) {
			if (e->base + e->len == ram_end)
				ends_at_ram_end = true;
			if (e->base + e->len > ram_end)
				beyond = true;
			if (e->base == 0 && e->len == MEM_LOWER_KIB * KIB)
				low_ok = true;
		}
		off += e->size + sizeof(e->size);
		n++;
	}
	report(n >= 2, "memory map has %u entries", n);
	report(low_ok, "available RAM from 0 to 639 KiB");
	report(ends_at_ram_end, "an available entry ends at %#llx", ram_end);
	report(!beyond, "no available RAM beyond %#llx", ram_end);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 mib = expected_mib(mbi);
	u32 last = mib * MIB - PAGE_SIZE;
	volatile u32 *page = (volatile u32 *)last;
	u32 v;

	printf("memory: expecting %u MiB (command line \"%s\")\n", mib,
	       guest_cmdline(mbi));
	report(mbi->flags & MB_INFO_MEM, "mem_lower/mem_upper present");
	report(mbi->mem_lower == MEM_LOWER_KIB, "mem_lower = %u KiB", mbi->mem_lower);
	report(mbi->mem_upper == mib * KIB - KIB, "mem_upper = %u KiB (expected %u)",
	       mbi->mem_upper, mib * KIB - KIB);
	check_mmap(mbi, (u64)mib * MIB);

	for (u32 i = 0; i < PAGE_SIZE / 4; i++)
		page[i] = i * 0x01010101u ^ last;
	v = 0;
	for (u32 i = 0; i < PAGE_SIZE / 4; i++)
		v |= page[i] ^ (i * 0x01010101u ^ last);
	report(v == 0, "the last page below %u MiB (%#x) keeps what was written", mib, last);
	v = *(volatile u32 *)(mib * MIB);
	report(v == 0xffffffff, "%u MiB itself is not RAM (reads %#x)", mib, v);
	return 0;
}
