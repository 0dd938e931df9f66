/* SPDX-License-Identifier: MIT */
/*
 * Multiboot (version 1, specification 0.6.96) guest kernel loader.
 *
 * A guest kernel arrives as a byte buffer (a GRUB boot module inside the
 * hypervisor, a file read by the `tinyvmx` command on the host).  Loading is
 * split in three steps so the host can refuse a bad kernel before Bochs ever
 * starts and the hypervisor can reuse exactly the same checks:
 *
 *   mb_parse_image()  find and check the multiboot header, then the ELF
 *                     program headers (or the a.out-kludge addresses);
 *                     the result is a list of segments and an entry point
 *   mb_check_fits()   do the segments fit in this guest's RAM?
 *   mb_load()         copy the segments into guest memory, zero the bss
 *
 * Error messages are written to a caller-supplied buffer without the file
 * name; callers print them as "NAME: MESSAGE", e.g.
 * "guest.elf: no multiboot header in the first 8192 bytes".
 *
 * The image is read with memcpy into the structures below, so the code
 * assumes a little-endian host, which both builds (x86-64) are.
 */
#ifndef TVX_LOADER_MULTIBOOT_H
#define TVX_LOADER_MULTIBOOT_H

#include "tvx/types.h"
#include "loader/guest_mem.h"

/* ---- the multiboot header (Multiboot Specification, "Header layout") ---- */

/* The header must lie entirely within the first 8192 bytes of the image. */
#define MULTIBOOT_SEARCH		8192
/* ... and start on a 32-bit boundary. */
#define MULTIBOOT_HEADER_ALIGN		4

#define MULTIBOOT_HEADER_MAGIC		0x1BADB002u
/* What the boot loader leaves in EAX when it jumps to the kernel. */
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002u

/* Header flags.  Bits 0-15 are requirements, bits 16-31 optional hints. */
#define MULTIBOOT_PAGE_ALIGN		BIT(0)	/* modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO		BIT(1)	/* mem_* and mmap_* in the info */
#define MULTIBOOT_VIDEO_MODE		BIT(2)	/* video mode table wanted */
#define MULTIBOOT_AOUT_KLUDGE		BIT(16)	/* use the address fields */
#define MULTIBOOT_REQUIRED_MASK		0x0000ffffu
/*
 * Required features tinyvmx provides.  The video request is accepted but
 * not honoured (there is no framebuffer; see mb_image.warn_video): a
 * kernel asking for it still boots with the text console, as it does
 * under GRUB when no suitable mode exists.
 */
#define MULTIBOOT_SUPPORTED_REQUIRED \
	(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE)

struct multiboot_header {
	u32 magic;
	u32 flags;
	u32 checksum;		/* magic + flags + checksum == 0 (mod 2^32) */
	/* Valid if MULTIBOOT_AOUT_KLUDGE: physical addresses. */
	u32 header_addr;	/* where this header's magic is loaded */
	u32 load_addr;		/* where the file's text starts */
	u32 load_end_addr;	/* end of the loaded data; 0 = end of file */
	u32 bss_end_addr;	/* end of the bss; 0 = no bss */
	u32 entry_addr;
	/* Valid if MULTIBOOT_VIDEO_MODE. */
	u32 mode_type;
	u32 width;
	u32 height;
	u32 depth;
};
_Static_assert(sizeof(struct multiboot_header) == 48, "multiboot header");

/* How much of the header a given set of flags makes meaningful. */
#define MB_HEADER_BASE_SIZE	offsetof(struct multiboot_header, header_addr)
#define MB_HEADER_AOUT_SIZE	offsetof(struct multiboot_header, mode_type)
#define MB_HEADER_VIDEO_SIZE	sizeof(struct multiboot_header)

/* ---- ELF (System V ABI, "ELF Header" and "Program Header") ------------- */

#define EI_NIDENT	16
#define EI_MAG0		0
#define EI_MAG1		1
#define EI_MAG2		2
#define EI_MAG3		3
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6

#define ELFMAG0		0x7f
#define ELFMAG1		'E'
#define ELFMAG2		'L'
#define ELFMAG3		'F'

#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define EV_CURRENT	1

#define ET_NONE		0
#define ET_REL		1
#define ET_EXEC		2
#define ET_DYN		3
#define ET_CORE		4

#define EM_386		3
#define EM_X86_64	62

#define PT_NULL		0
#define PT_LOAD		1
#define PT_NOTE		4
/* e_phnum value meaning "the real count is in section header 0". */
#define PN_XNUM		0xffff

struct elf32_hdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u32 e_entry;
	u32 e_phoff;
	u32 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};
_Static_assert(sizeof(struct elf32_hdr) == 52, "ELF32 header");

struct elf64_hdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};
_Static_assert(sizeof(struct elf64_hdr) == 64, "ELF64 header");

struct elf32_phdr {
	u32 p_type;
	u32 p_offset;
	u32 p_vaddr;
	u32 p_paddr;
	u32 p_filesz;
	u32 p_memsz;
	u32 p_flags;
	u32 p_align;
};
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

/* ---- the guest's low physical memory (a PC's) -------------------------- */

/* End of conventional memory: the EBDA starts here (639 KiB). */
#define MB_LOW_MEM_END		0x9fc00u
/* End of the EBDA: VGA memory and option ROMs follow (not in the map). */
#define MB_VGA_MEM_START	0xa0000u
/* Start of the BIOS ROM area, reserved in the memory map. */
#define MB_BIOS_ROM_START	0xf0000u
/* Extended memory (mem_upper) starts at 1 MiB. */
#define MB_HIGH_MEM_START	0x100000u

/* ---- parsed image ------------------------------------------------------ */

#define MB_MAX_SEGMENTS	16

struct mb_segment {
	u64 file_offset;
	u64 filesz;		/* bytes copied from the file */
	u64 memsz;		/* bytes occupied in memory; memsz - filesz zeroed */
	u32 paddr;		/* guest-physical load address */
};

struct mb_image {
	bool elf64;		/* ELFCLASS64 file (the guest still starts in 32-bit mode) */
	bool aout_kludge;	/* loaded from the header's address fields */
	u32 entry;		/* guest-physical entry point */
	u32 header_flags;	/* the multiboot header's flags */
	bool warn_video;	/* MULTIBOOT_VIDEO_MODE requested, not honoured */
	unsigned nsegs;
	struct mb_segment segs[MB_MAX_SEGMENTS];
	u32 load_start;		/* lowest paddr */
	u32 load_end;		/* highest paddr + memsz (exclusive) */
};

/*
 * Parse a multiboot v1 kernel image.  Returns 0 and fills @img, or a
 * negative errno (-ENOEXEC for anything wrong with the file, -EINVAL for
 * bad arguments) with a one-line message in @err (which may be NULL).
 *
 * Every segment's exclusive end is below 4 GiB, so it fits in a u32.
 * Program headers are numbered from 0 in messages, in table order.
 * PT_LOAD segments with p_memsz == 0 load nothing and are skipped.
 */
/* "32 MiB", "640 KiB" or "1000 bytes", whichever is exact (for messages). */
void mb_format_size(char *buf, size_t n, u64 bytes);

int mb_parse_image(const void *buf, size_t len, struct mb_image *img,
		   char *err, size_t errlen);

/*
 * Check that every segment of @img lies in guest RAM [0, guest_mem_bytes)
 * and stays out of page 0 and the PC's reserved area
 * [MB_LOW_MEM_END, MB_HIGH_MEM_START).  Returns 0, -ENOMEM (beyond RAM)
 * or -EINVAL (reserved area), with a message in @err.
 */
int mb_check_fits(const struct mb_image *img, u64 guest_mem_bytes,
		  char *err, size_t errlen);

/*
 * Copy each segment's file bytes to its paddr and zero its bss through
 * @ops.  @buf/@len must be the buffer @img was parsed from.  Returns 0,
 * -EINVAL if a segment is not inside @buf, or the callback's negative
 * return (-EIO if it returned a positive value), with a message in @err.
 */
int mb_load(const struct mb_image *img, const void *buf, size_t len,
	    const struct guest_mem_ops *ops, void *ctx, char *err,
	    size_t errlen);

#endif
