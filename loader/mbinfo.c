/* SPDX-License-Identifier: MIT */
/*
 * Multiboot (v1) boot information builder (pure logic).
 *
 * The info block is one contiguous, self-contained area so the caller can
 * copy it to the guest with a single write:
 *
 *   +0                 struct multiboot_info
 *   +120 (8-aligned)   MB_MMAP_ENTRIES x struct multiboot_mmap_entry
 *   then               nmods x struct multiboot_mod_list
 *   then               command line, boot loader name, module strings
 *                      (each NUL-terminated)
 *
 * Every pointer inside is the guest-physical address of its target in that
 * block.  The guest memory map describes a PC: conventional memory up to
 * the EBDA, the EBDA and the BIOS ROM reserved, the VGA/option-ROM window
 * [0xa0000, 0xf0000) left out as real BIOSes do, and all RAM from 1 MiB up.
 */
#include <stdio.h>
#include <string.h>

#include "tvx/types.h"
#include "loader/mbinfo.h"

#define MB_KIB		0x400ull
#define MB_MIB		0x100000ull
/* Everything the guest is told about must have a 32-bit address. */
#define MB_ADDR_LIMIT	0xffffffffull

struct info_offsets {
	size_t mmap;
	size_t mods;
	size_t cmdline;
	size_t loader_name;
	size_t mod_strings;
	size_t total;
};

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static unsigned nmods_of(const struct mb_boot_params *p)
{
	return p->mods ? p->nmods : 0;
}

static void info_offsets(const struct mb_boot_params *p,
			 struct info_offsets *o)
{
	unsigned i;
	size_t off;

	o->mmap = ALIGN_UP(sizeof(struct multiboot_info), sizeof(u64));
	o->mods = o->mmap +
		  MB_MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
	off = o->mods + nmods_of(p) * sizeof(struct multiboot_mod_list);
	o->cmdline = off;
	off += strlen(str_or_empty(p->cmdline)) + 1;
	o->loader_name = off;
	off += strlen(str_or_empty(p->loader_name)) + 1;
	o->mod_strings = off;
	for (i = 0; i < nmods_of(p); i++)
		off += strlen(str_or_empty(p->mods[i].string)) + 1;
	o->total = off;
}

size_t mb_info_size(const struct mb_boot_params *p)
{
	struct info_offsets o;

	info_offsets(p, &o);
	return o.total;
}


/*
 * The first page-aligned address at or after @cur where @size bytes can go
 * without touching page 0 or the reserved area below 1 MiB.
 */
static u64 place(u64 cur, u64 size)
{
	cur = ALIGN_UP(cur, (u64)PAGE_SIZE);
	if (cur < PAGE_SIZE)
		cur = PAGE_SIZE;
	if (cur < MB_HIGH_MEM_START && cur + size > MB_LOW_MEM_END)
		cur = MB_HIGH_MEM_START;
	return cur;
}

int mb_plan_layout(u32 kernel_end, const struct mb_boot_params *p,
		   const u32 *mod_sizes, struct mb_layout *lay, char *err,
		   size_t errlen)
{
	char size[32];
	u64 limit, cur = kernel_end, info_size;
	unsigned i;

	if (err && errlen)
		err[0] = '\0';
	if (!p || !lay || (p->nmods && !mod_sizes)) {
		if (err && errlen)
			snprintf(err, errlen, "invalid arguments");
		return -EINVAL;
	}
	if (p->nmods > MB_MAX_MODULES) {
		if (err && errlen)
			snprintf(err, errlen,
				 "%u boot modules given, at most %u supported",
				 p->nmods, MB_MAX_MODULES);
		return -E2BIG;
	}
	memset(lay, 0, sizeof(*lay));
	limit = MIN(p->mem_bytes, MB_ADDR_LIMIT);
	mb_format_size(size, sizeof(size), p->mem_bytes);

	for (i = 0; i < p->nmods; i++) {
		cur = place(cur, mod_sizes[i]);
		if (cur + mod_sizes[i] > limit) {
			if (err && errlen)
				snprintf(err, errlen,
					 "boot module %u (%u bytes) does not fit in %s of guest memory (it would end at 0x%08llx)",
					 i, mod_sizes[i], size,
					 (unsigned long long)(cur + mod_sizes[i]));
			return -ENOMEM;
		}
		lay->mod_start[i] = (u32)cur;
		lay->mod_end[i] = (u32)(cur + mod_sizes[i]);
		cur += mod_sizes[i];
	}

	info_size = mb_info_size(p);
	cur = place(cur, info_size);
	if (cur + info_size > limit) {
		if (err && errlen)
			snprintf(err, errlen,
				 "the multiboot information (%llu bytes) does not fit in %s of guest memory (it would end at 0x%08llx)",
				 (unsigned long long)info_size, size,
				 (unsigned long long)(cur + info_size));
		return -ENOMEM;
	}
	lay->info_gpa = (u32)cur;
	lay->info_size = (u32)info_size;
	lay->end = (u32)(cur + info_size);
	return 0;
}

void mb_apply_layout(struct mb_boot_params *p, const struct mb_layout *lay)
{
	unsigned i;

	for (i = 0; i < nmods_of(p) && i < MB_MAX_MODULES; i++) {
		p->mods[i].start = lay->mod_start[i];
		p->mods[i].end = lay->mod_end[i];
	}
}

/* Copy a NUL-terminated string to @buf + @off; return the next offset. */
static size_t put_string(u8 *buf, size_t off, const char *s)
{
	size_t n = strlen(str_or_empty(s)) + 1;

	memcpy(buf + off, str_or_empty(s), n);
	return off + n;
}

static void put_mmap(u8 *buf, size_t off, u64 addr, u64 len, u32 type)
{
	struct multiboot_mmap_entry e = {
		/* Bytes after the size field itself. */
		.size = sizeof(e) - sizeof(e.size),
		.addr = addr,
		.len = len,
		.type = type,
	};

	memcpy(buf + off, &e, sizeof(e));
}

int mb_build_info(const struct mb_boot_params *p, u32 info_gpa, u8 *buf,
		  size_t buflen, size_t *used)
{
	struct multiboot_info mbi;
	struct info_offsets o;
	size_t off, str;
	unsigned i;

	if (!p || !buf || (p->nmods && !p->mods))
		return -EINVAL;
	/* The map below assumes RAM continues past 1 MiB. */
	if (p->mem_bytes <= MB_HIGH_MEM_START)
		return -EINVAL;
	if (!IS_ALIGNED(info_gpa, sizeof(u32)))
		return -EINVAL;
	for (i = 0; i < p->nmods; i++) {
		if (p->mods[i].end < p->mods[i].start)
			return -EINVAL;
	}
	info_offsets(p, &o);
	if (buflen < o.total)
		return -ENOSPC;
	if ((u64)info_gpa + o.total > MB_ADDR_LIMIT)
		return -ERANGE;

	memset(buf, 0, o.total);
	memset(&mbi, 0, sizeof(mbi));
	mbi.flags = MB_INFO_FLAGS;
	mbi.mem_lower = MB_MEM_LOWER_KIB;
	mbi.mem_upper = (u32)MIN((p->mem_bytes - MB_HIGH_MEM_START) / MB_KIB,
				 MB_ADDR_LIMIT);
	mbi.cmdline = info_gpa + (u32)o.cmdline;
	mbi.mods_count = p->nmods;
	/* Valid even with no modules: it points at an empty array. */
	mbi.mods_addr = info_gpa + (u32)o.mods;
	mbi.mmap_length = MB_MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
	mbi.mmap_addr = info_gpa + (u32)o.mmap;
	mbi.boot_loader_name = info_gpa + (u32)o.loader_name;
	memcpy(buf, &mbi, sizeof(mbi));

	off = o.mmap;
	put_mmap(buf, off, 0, MB_LOW_MEM_END, MULTIBOOT_MEMORY_AVAILABLE);
	off += sizeof(struct multiboot_mmap_entry);
	put_mmap(buf, off, MB_LOW_MEM_END, MB_VGA_MEM_START - MB_LOW_MEM_END,
		 MULTIBOOT_MEMORY_RESERVED);
	off += sizeof(struct multiboot_mmap_entry);
	put_mmap(buf, off, MB_BIOS_ROM_START,
		 MB_HIGH_MEM_START - MB_BIOS_ROM_START,
		 MULTIBOOT_MEMORY_RESERVED);
	off += sizeof(struct multiboot_mmap_entry);
	put_mmap(buf, off, MB_HIGH_MEM_START,
		 p->mem_bytes - MB_HIGH_MEM_START, MULTIBOOT_MEMORY_AVAILABLE);

	put_string(buf, o.cmdline, p->cmdline);
	put_string(buf, o.loader_name, p->loader_name);
	str = o.mod_strings;
	for (i = 0; i < p->nmods; i++) {
		struct multiboot_mod_list m = {
			.mod_start = p->mods[i].start,
			.mod_end = p->mods[i].end,
			.cmdline = info_gpa + (u32)str,
		};

		memcpy(buf + o.mods + i * sizeof(m), &m, sizeof(m));
		str = put_string(buf, str, p->mods[i].string);
	}

	if (used)
		*used = o.total;
	return 0;
}
