/* SPDX-License-Identifier: MIT */
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/multiboot2.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ALIGN 8

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_tag_module {
	struct mb2_tag tag;
	u32 mod_start, mod_end;
	char cmdline[];
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	u32 entry_size, entry_version;
	u8 entries[];
};

struct mb2_raw_mmap_entry {
	u64 base, len;
	u32 type, reserved;
};

void multiboot2_parse(u32 magic, u64 info_phys, struct boot_info *bi)
{
	const u8 *info = __va(info_phys);
	u32 total = *(const u32 *)info;

	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC)
		panic("not booted by a multiboot2 loader (magic %#x)", magic);
	bi->info_phys = info_phys;
	bi->info_size = total;
	bi->cmdline = "";
	for (u32 off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *t = (const void *)(info + off);

		if (t->type == MB2_TAG_END)
			break;
		switch (t->type) {
		case MB2_TAG_CMDLINE:
			bi->cmdline = (const char *)(t + 1);
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)t;

			if (bi->nmods < MB2_MAX_MODULES)
				bi->mods[bi->nmods++] = (struct mb2_module){
					m->mod_start, m->mod_end, m->cmdline };
			break;
		}
		case MB2_TAG_MMAP: {
			const struct mb2_tag_mmap *m = (const void *)t;

			for (u32 e = sizeof(*m); e + sizeof(struct mb2_raw_mmap_entry) <= t->size &&
			     bi->nmmap < MB2_MAX_MMAP; e += m->entry_size) {
				const struct mb2_raw_mmap_entry *r = (const void *)((const u8 *)t + e);

				bi->mmap[bi->nmmap++] = (struct mb2_mmap_entry){
					r->base, r->len, r->type };
			}
			break;
		}
		}
		off += ALIGN_UP(t->size, MB2_TAG_ALIGN);
	}
}
