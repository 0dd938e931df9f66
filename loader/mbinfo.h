/* SPDX-License-Identifier: MIT */
/*
 * The multiboot (v1) information structure a guest kernel receives in EBX.
 *
 * Usage, after mb_parse_image()/mb_check_fits() accepted the kernel:
 *
 *   struct mb_boot_params p = { mem, cmdline, "tinyvmx", n, mods };
 *   mb_plan_layout(img.load_end, &p, mod_sizes, &lay, err, sizeof(err));
 *   mb_apply_layout(&p, &lay);         // fills mods[i].start/end
 *   copy module i to lay.mod_start[i]
 *   mb_build_info(&p, lay.info_gpa, buf, lay.info_size, &used);
 *   copy buf to lay.info_gpa; EAX = MULTIBOOT_BOOTLOADER_MAGIC,
 *   EBX = lay.info_gpa
 *
 * Structure layouts are the Multiboot Specification 0.6.96's, "Boot
 * information format".
 */
#ifndef TVX_LOADER_MBINFO_H
#define TVX_LOADER_MBINFO_H

#include "tvx/types.h"
#include "loader/multiboot.h"

/* multiboot_info.flags: which fields are valid. */
#define MULTIBOOT_INFO_MEMORY		BIT(0)	/* mem_lower, mem_upper */
#define MULTIBOOT_INFO_BOOTDEV		BIT(1)
#define MULTIBOOT_INFO_CMDLINE		BIT(2)
#define MULTIBOOT_INFO_MODS		BIT(3)
#define MULTIBOOT_INFO_AOUT_SYMS	BIT(4)
#define MULTIBOOT_INFO_ELF_SHDR		BIT(5)
#define MULTIBOOT_INFO_MEM_MAP		BIT(6)
#define MULTIBOOT_INFO_DRIVE_INFO	BIT(7)
#define MULTIBOOT_INFO_CONFIG_TABLE	BIT(8)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME	BIT(9)
#define MULTIBOOT_INFO_APM_TABLE	BIT(10)
#define MULTIBOOT_INFO_VBE_INFO		BIT(11)
#define MULTIBOOT_INFO_FRAMEBUFFER_INFO	BIT(12)

/* The flags tinyvmx always sets. */
#define MB_INFO_FLAGS \
	(MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS | \
	 MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME)

struct multiboot_aout_symbol_table {
	u32 tabsize;
	u32 strsize;
	u32 addr;
	u32 reserved;
};

struct multiboot_elf_section_header_table {
	u32 num;
	u32 size;
	u32 addr;
	u32 shndx;
};

/* Every address in it is guest-physical. */
struct multiboot_info {
	u32 flags;
	u32 mem_lower;		/* KiB of memory from 0 */
	u32 mem_upper;		/* KiB of memory from 1 MiB to the first hole */
	u32 boot_device;
	u32 cmdline;		/* NUL-terminated string */
	u32 mods_count;
	u32 mods_addr;		/* array of struct multiboot_mod_list */
	union {
		struct multiboot_aout_symbol_table aout_sym;
		struct multiboot_elf_section_header_table elf_sec;
	} u;
	u32 mmap_length;	/* bytes of struct multiboot_mmap_entry */
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;	/* NUL-terminated string */
	u32 apm_table;
	u32 vbe_control_info;
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;
	u64 framebuffer_addr;
	u32 framebuffer_pitch;
	u32 framebuffer_width;
	u32 framebuffer_height;
	u8 framebuffer_bpp;
	u8 framebuffer_type;
	u8 color_info[6];
} __packed;

_Static_assert(offsetof(struct multiboot_info, mem_upper) == 8, "mb info");
_Static_assert(offsetof(struct multiboot_info, cmdline) == 16, "mb info");
_Static_assert(offsetof(struct multiboot_info, mods_addr) == 24, "mb info");
_Static_assert(offsetof(struct multiboot_info, u) == 28, "mb info");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44, "mb info");
_Static_assert(offsetof(struct multiboot_info, mmap_addr) == 48, "mb info");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64,
	       "mb info");
_Static_assert(offsetof(struct multiboot_info, vbe_mode) == 80, "mb info");
_Static_assert(offsetof(struct multiboot_info, framebuffer_addr) == 88,
	       "mb info");
_Static_assert(offsetof(struct multiboot_info, framebuffer_bpp) == 108,
	       "mb info");
_Static_assert(sizeof(struct multiboot_info) == 116, "mb info");

#define MULTIBOOT_MEMORY_AVAILABLE	1
#define MULTIBOOT_MEMORY_RESERVED	2

/*
 * One memory map entry.  @size counts the bytes *after* itself (20 here),
 * so a kernel steps to the next entry with addr += size + sizeof(size);
 * that is why it comes first and why the 64-bit fields are unaligned.
 */
struct multiboot_mmap_entry {
	u32 size;
	u64 addr;
	u64 len;
	u32 type;
} __packed;
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry");
_Static_assert(offsetof(struct multiboot_mmap_entry, addr) == 4, "mmap entry");
_Static_assert(offsetof(struct multiboot_mmap_entry, type) == 20,
	       "mmap entry");

struct multiboot_mod_list {
	u32 mod_start;
	u32 mod_end;		/* exclusive, as GRUB sets it */
	u32 cmdline;		/* the module's string */
	u32 pad;
};
_Static_assert(sizeof(struct multiboot_mod_list) == 16, "module entry");

/* Entries in the memory map mb_build_info() writes (see mbinfo.c). */
#define MB_MMAP_ENTRIES	4
/* mem_lower: conventional memory below the EBDA, in KiB (639). */
#define MB_MEM_LOWER_KIB	(MB_LOW_MEM_END / 1024)

#define MB_MAX_MODULES	8

struct mb_module_desc {
	u32 start, end;		/* guest-physical, end exclusive */
	const char *string;	/* NULL reads as "" */
};

struct mb_boot_params {
	u64 mem_bytes;		/* guest RAM from 0, contiguous; > 1 MiB */
	const char *cmdline;	/* NULL reads as "" */
	const char *loader_name; /* NULL reads as "" */
	unsigned nmods;
	struct mb_module_desc *mods;
};

/* Where things go in guest-physical memory. */
struct mb_layout {
	u32 mod_start[MB_MAX_MODULES];
	u32 mod_end[MB_MAX_MODULES];	/* exclusive */
	u32 info_gpa;		/* the info block: EBX */
	u32 info_size;		/* = mb_info_size() */
	u32 end;		/* first byte after everything placed */
};

/* Bytes mb_build_info() needs for @p (independent of module addresses). */
size_t mb_info_size(const struct mb_boot_params *p);

/*
 * Place the modules (sizes in @mod_sizes[p->nmods]) and then the info
 * block, each page-aligned, after @kernel_end (the image's load_end), the
 * way GRUB stacks them above the kernel.  An object that would overlap the
 * reserved area below 1 MiB moves up to 1 MiB.  Returns 0, -E2BIG (more
 * than MB_MAX_MODULES), -EINVAL (bad params) or -ENOMEM (does not fit in
 * guest RAM below 4 GiB), with a message in @err.
 */
int mb_plan_layout(u32 kernel_end, const struct mb_boot_params *p,
		   const u32 *mod_sizes, struct mb_layout *lay, char *err,
		   size_t errlen);

/* Copy the planned module addresses into p->mods[]. */
void mb_apply_layout(struct mb_boot_params *p, const struct mb_layout *lay);

/*
 * Write the info block for @p into @buf as it must appear at guest-physical
 * @info_gpa (4-byte aligned): multiboot_info, memory map, module list,
 * then the strings.  Sets *@used (may be NULL) to the bytes written.
 * Returns 0, -EINVAL (bad params, mem_bytes <= 1 MiB, unaligned gpa),
 * -ENOSPC (@buflen < mb_info_size()) or -ERANGE (block would cross 4 GiB).
 */
int mb_build_info(const struct mb_boot_params *p, u32 info_gpa, u8 *buf,
		  size_t buflen, size_t *used);

#endif
