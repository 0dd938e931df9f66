/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 kernel image parser and loader (pure logic).
 *
 * GRUB's `multiboot` command and QEMU's -kernel are the reference
 * behaviours: the multiboot header decides, and if it carries the a.out
 * kludge its address fields describe one flat segment; otherwise the file
 * must be an x86 ELF executable whose PT_LOAD segments are placed at their
 * *physical* addresses (p_paddr) and whose entry point is translated from
 * the virtual to the physical address space through the segment that
 * contains it, so higher-half kernels start at the right physical byte.
 *
 * The input is untrusted (a user's file): every offset and size is checked
 * against the buffer length before use, with arithmetic done in u64 and
 * written so that it cannot overflow.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tvx/types.h"
#include "loader/multiboot.h"

#define MB_KIB		0x400ull
#define MB_MIB		0x100000ull
/* Every exclusive segment end must stay below 4 GiB (fits in a u32). */
#define MB_ADDR_LIMIT	0xffffffffull

static __printf(4, 5) int mb_fail(char *err, size_t errlen, int ret,
				  const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static u32 get_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* "32 MiB", "640 KiB" or "1000 bytes": whichever is exact. */
void mb_format_size(char *buf, size_t n, u64 bytes)
{
	if (bytes && bytes % MB_MIB == 0)
		snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes / MB_MIB));
	else if (bytes && bytes % MB_KIB == 0)
		snprintf(buf, n, "%llu KiB", (unsigned long long)(bytes / MB_KIB));
	else
		snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
}

static size_t mb_header_size(u32 flags)
{
	if (flags & MULTIBOOT_VIDEO_MODE)
		return MB_HEADER_VIDEO_SIZE;
	if (flags & MULTIBOOT_AOUT_KLUDGE)
		return MB_HEADER_AOUT_SIZE;
	return MB_HEADER_BASE_SIZE;
}

#define MB_FLAGS_AT(p)	get_u32((p) + offsetof(struct multiboot_header, flags))
#define MB_CSUM_AT(p)	get_u32((p) + offsetof(struct multiboot_header, checksum))

static u32 mb_header_sum(const u8 *p)
{
	return get_u32(p) + MB_FLAGS_AT(p) + MB_CSUM_AT(p);
}

static bool mb_checksum_ok(const u8 *p)
{
	return mb_header_sum(p) == 0;
}

/*
 * Find the multiboot header: 32-bit aligned, entirely within the first
 * MULTIBOOT_SEARCH bytes, with a valid checksum.  A magic value with a bad
 * checksum is skipped (it may be data that happens to match) but
 * remembered, because it is the likeliest explanation when nothing valid
 * turns up.
 */
static int find_header(const u8 *buf, size_t len, struct multiboot_header *hdr,
		       size_t *hdr_off, char *err, size_t errlen)
{
	size_t limit = MIN(len, (size_t)MULTIBOOT_SEARCH);
	size_t off, need, bad_off = 0;
	bool bad_sum = false;

	for (off = 0; off + MB_HEADER_BASE_SIZE <= limit;
	     off += MULTIBOOT_HEADER_ALIGN) {
		if (get_u32(buf + off) != MULTIBOOT_HEADER_MAGIC)
			continue;
		if (mb_checksum_ok(buf + off))
			break;
		if (!bad_sum) {
			bad_sum = true;
			bad_off = off;
		}
	}

	if (off + MB_HEADER_BASE_SIZE > limit) {
		if (bad_sum) {
			const u8 *p = buf + bad_off;

			return mb_fail(err, errlen, -ENOEXEC,
				       "multiboot header at offset 0x%zx has a bad checksum (magic 0x%x + flags 0x%x + checksum 0x%x = 0x%x, must be 0)",
				       bad_off, get_u32(p), MB_FLAGS_AT(p),
				       MB_CSUM_AT(p), mb_header_sum(p));
		}
		/*
		 * Say so if the header exists but starts too late: carry on
		 * from the first offset the search above did not cover.
		 */
		for (; off + MB_HEADER_BASE_SIZE <= len;
		     off += MULTIBOOT_HEADER_ALIGN) {
			if (get_u32(buf + off) == MULTIBOOT_HEADER_MAGIC &&
			    mb_checksum_ok(buf + off))
				return mb_fail(err, errlen, -ENOEXEC,
					       "no multiboot header in the first %u bytes (there is one at offset 0x%zx, too far into the file)",
					       MULTIBOOT_SEARCH, off);
		}
		return mb_fail(err, errlen, -ENOEXEC,
			       "no multiboot header in the first %u bytes",
			       MULTIBOOT_SEARCH);
	}

	need = mb_header_size(MB_FLAGS_AT(buf + off));
	if (off + need > limit)
		return mb_fail(err, errlen, -ENOEXEC,
			       "multiboot header at offset 0x%zx is truncated: its flags need %zu bytes but only %zu remain in the %s",
			       off, need, limit - off,
			       limit == len ? "file" : "first 8192 bytes");
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr, buf + off, need);
	*hdr_off = off;
	return 0;
}

/*
 * The a.out kludge (Multiboot Specification, "The address fields of
 * Multiboot header"): the file is one flat blob whose byte at the header's
 * offset is loaded at header_addr, so the blob starts at file offset
 * hdr_off - (header_addr - load_addr) and is loaded at load_addr.
 */
static int parse_aout(const u8 *buf, size_t len,
		      const struct multiboot_header *h, size_t hdr_off,
		      struct mb_image *img, char *err, size_t errlen)
{
	size_t hsize = mb_header_size(h->flags);
	u64 text_off, filesz, memsz, end;

	if (h->load_addr > h->header_addr)
		return mb_fail(err, errlen, -ENOEXEC,
			       "a.out kludge: load_addr 0x%x is above header_addr 0x%x",
			       h->load_addr, h->header_addr);
	if (h->header_addr - h->load_addr > hdr_off)
		return mb_fail(err, errlen, -ENOEXEC,
			       "a.out kludge: header_addr - load_addr = 0x%x but the header is at file offset 0x%zx, so loading would start before the file",
			       h->header_addr - h->load_addr, hdr_off);
	text_off = hdr_off - (h->header_addr - h->load_addr);

	if (h->load_end_addr) {
		if (h->load_end_addr <= h->load_addr)
			return mb_fail(err, errlen, -ENOEXEC,
				       "a.out kludge: load_end_addr 0x%x is not above load_addr 0x%x",
				       h->load_end_addr, h->load_addr);
		filesz = h->load_end_addr - h->load_addr;
		if (filesz > len - text_off)
			return mb_fail(err, errlen, -ENOEXEC,
				       "a.out kludge: load range extends past end of file (offset 0x%llx + 0x%llx > 0x%zx)",
				       (unsigned long long)text_off,
				       (unsigned long long)filesz, len);
	} else {
		/* 0: the text and data run to the end of the file. */
		filesz = len - text_off;
	}
	/* The header is part of what gets loaded, at header_addr. */
	if (hdr_off + hsize > text_off + filesz)
		return mb_fail(err, errlen, -ENOEXEC,
			       "a.out kludge: the multiboot header (file offset 0x%zx) is not inside the loaded range (file offset 0x%llx + 0x%llx)",
			       hdr_off, (unsigned long long)text_off,
			       (unsigned long long)filesz);

	memsz = filesz;
	if (h->bss_end_addr) {
		if ((u64)h->bss_end_addr < h->load_addr + filesz)
			return mb_fail(err, errlen, -ENOEXEC,
				       "a.out kludge: bss_end_addr 0x%x is below the end of the loaded data 0x%llx",
				       h->bss_end_addr,
				       (unsigned long long)(h->load_addr + filesz));
		memsz = h->bss_end_addr - h->load_addr;
	}
	end = h->load_addr + memsz;
	if (end > MB_ADDR_LIMIT)
		return mb_fail(err, errlen, -ENOEXEC,
			       "a.out kludge: image at 0x%x + 0x%llx does not end below 4 GiB",
			       h->load_addr, (unsigned long long)memsz);
	if (h->entry_addr < h->load_addr || h->entry_addr >= end)
		return mb_fail(err, errlen, -ENOEXEC,
			       "a.out kludge: entry point 0x%x is outside the loaded image 0x%x-0x%llx",
			       h->entry_addr, h->load_addr,
			       (unsigned long long)end);

	img->aout_kludge = true;
	img->entry = h->entry_addr;
	img->nsegs = 1;
	img->segs[0].file_offset = text_off;
	img->segs[0].filesz = filesz;
	img->segs[0].memsz = memsz;
	img->segs[0].paddr = h->load_addr;
	img->load_start = h->load_addr;
	img->load_end = (u32)end;
	return 0;
}

/* The fields of either ELF class that the loader uses, widened. */
struct elf_info {
	bool is64;
	u16 type, machine, phentsize, phnum;
	u32 version;
	u64 entry, phoff;
};

struct elf_load {
	u64 offset, vaddr, paddr, filesz, memsz;
	u32 type;
};

static const char *elf_type_name(u16 type)
{
	switch (type) {
	case ET_NONE:
		return "ET_NONE";
	case ET_REL:
		return "ET_REL (an object file, not linked)";
	case ET_DYN:
		return "ET_DYN (position-independent)";
	case ET_CORE:
		return "ET_CORE";
	default:
		return "unknown";
	}
}

static int read_elf_header(const u8 *buf, size_t len, struct elf_info *e,
			   char *err, size_t errlen)
{
	u8 cls = buf[EI_CLASS];

	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return mb_fail(err, errlen, -ENOEXEC,
			       "unsupported ELF class %u (expected 1 = ELFCLASS32 or 2 = ELFCLASS64)",
			       cls);
	e->is64 = cls == ELFCLASS64;
	if (len < (e->is64 ? sizeof(struct elf64_hdr) : sizeof(struct elf32_hdr)))
		return mb_fail(err, errlen, -ENOEXEC,
			       "ELF header truncated (file is %zu bytes, an ELF%s header needs %zu)",
			       len, e->is64 ? "64" : "32",
			       e->is64 ? sizeof(struct elf64_hdr) :
					 sizeof(struct elf32_hdr));
	if (buf[EI_DATA] != ELFDATA2LSB)
		return mb_fail(err, errlen, -ENOEXEC,
			       "ELF file is not little-endian (EI_DATA %u%s); x86 kernels are ELFDATA2LSB",
			       buf[EI_DATA],
			       buf[EI_DATA] == ELFDATA2MSB ? ", big-endian" : "");
	if (buf[EI_VERSION] != EV_CURRENT)
		return mb_fail(err, errlen, -ENOEXEC,
			       "unsupported ELF identification version %u",
			       buf[EI_VERSION]);

	if (e->is64) {
		struct elf64_hdr h;

		memcpy(&h, buf, sizeof(h));
		e->type = h.e_type;
		e->machine = h.e_machine;
		e->version = h.e_version;
		e->entry = h.e_entry;
		e->phoff = h.e_phoff;
		e->phentsize = h.e_phentsize;
		e->phnum = h.e_phnum;
	} else {
		struct elf32_hdr h;

		memcpy(&h, buf, sizeof(h));
		e->type = h.e_type;
		e->machine = h.e_machine;
		e->version = h.e_version;
		e->entry = h.e_entry;
		e->phoff = h.e_phoff;
		e->phentsize = h.e_phentsize;
		e->phnum = h.e_phnum;
	}

	if (e->is64 && e->machine != EM_X86_64)
		return mb_fail(err, errlen, -ENOEXEC,
			       "wrong machine: ELF64 file with e_machine %u, expected EM_X86_64 (%u)",
			       e->machine, EM_X86_64);
	if (!e->is64 && e->machine != EM_386)
		return mb_fail(err, errlen, -ENOEXEC,
			       "wrong machine: ELF32 file with e_machine %u, expected EM_386 (%u)",
			       e->machine, EM_386);
	if (e->version != EV_CURRENT)
		return mb_fail(err, errlen, -ENOEXEC,
			       "unsupported ELF version %u", e->version);
	if (e->type != ET_EXEC)
		return mb_fail(err, errlen, -ENOEXEC,
			       "ELF type %u %s is not ET_EXEC: the kernel must be a statically linked executable",
			       e->type, elf_type_name(e->type));
	if (e->phentsize != (e->is64 ? sizeof(struct elf64_phdr) :
				       sizeof(struct elf32_phdr)))
		return mb_fail(err, errlen, -ENOEXEC,
			       "e_phentsize %u does not match the ELF%s program header size %zu",
			       e->phentsize, e->is64 ? "64" : "32",
			       e->is64 ? sizeof(struct elf64_phdr) :
					 sizeof(struct elf32_phdr));
	if (e->phnum == 0)
		return mb_fail(err, errlen, -ENOEXEC,
			       "ELF file has no program headers");
	if (e->phnum == PN_XNUM)
		return mb_fail(err, errlen, -ENOEXEC,
			       "ELF file uses extended program header numbering (e_phnum = PN_XNUM), not supported");
	/* phnum * phentsize is at most 0xfffe * 56: no overflow. */
	if (e->phoff > len || (u64)e->phnum * e->phentsize > len - e->phoff)
		return mb_fail(err, errlen, -ENOEXEC,
			       "program header table extends past end of file (offset 0x%llx + %u * %u bytes > 0x%zx)",
			       (unsigned long long)e->phoff, e->phnum,
			       e->phentsize, len);
	return 0;
}

static void read_phdr(const u8 *buf, const struct elf_info *e, unsigned i,
		      struct elf_load *l)
{
	const u8 *p = buf + e->phoff + (u64)i * e->phentsize;

	if (e->is64) {
		struct elf64_phdr ph;

		memcpy(&ph, p, sizeof(ph));
		l->type = ph.p_type;
		l->offset = ph.p_offset;
		l->vaddr = ph.p_vaddr;
		l->paddr = ph.p_paddr;
		l->filesz = ph.p_filesz;
		l->memsz = ph.p_memsz;
	} else {
		struct elf32_phdr ph;

		memcpy(&ph, p, sizeof(ph));
		l->type = ph.p_type;
		l->offset = ph.p_offset;
		l->vaddr = ph.p_vaddr;
		l->paddr = ph.p_paddr;
		l->filesz = ph.p_filesz;
		l->memsz = ph.p_memsz;
	}
}

static int parse_elf(const u8 *buf, size_t len, struct mb_image *img,
		     char *err, size_t errlen)
{
	struct elf_info e = { 0 };
	u64 vaddr[MB_MAX_SEGMENTS];
	unsigned phidx[MB_MAX_SEGMENTS];
	unsigned i, j, n = 0;
	u64 lo = MB_ADDR_LIMIT, hi = 0;
	int ret;

	ret = read_elf_header(buf, len, &e, err, errlen);
	if (ret)
		return ret;

	for (i = 0; i < e.phnum; i++) {
		struct elf_load l;
		struct mb_segment *s;

		read_phdr(buf, &e, i, &l);
		if (l.type != PT_LOAD || l.memsz == 0)
			continue;
		if (l.filesz > l.memsz)
			return mb_fail(err, errlen, -ENOEXEC,
				       "program header %u: p_filesz 0x%llx is larger than p_memsz 0x%llx",
				       i, (unsigned long long)l.filesz,
				       (unsigned long long)l.memsz);
		if (l.filesz &&
		    (l.offset > len || l.filesz > len - l.offset))
			return mb_fail(err, errlen, -ENOEXEC,
				       "program header %u extends past end of file (offset 0x%llx + 0x%llx > 0x%zx)",
				       i, (unsigned long long)l.offset,
				       (unsigned long long)l.filesz, len);
		if (l.paddr > MB_ADDR_LIMIT || l.memsz > MB_ADDR_LIMIT - l.paddr)
			return mb_fail(err, errlen, -ENOEXEC,
				       "program header %u: segment at physical address 0x%llx + 0x%llx does not end below 4 GiB",
				       i, (unsigned long long)l.paddr,
				       (unsigned long long)l.memsz);
		if (n == MB_MAX_SEGMENTS)
			return mb_fail(err, errlen, -ENOEXEC,
				       "more than %u PT_LOAD segments",
				       MB_MAX_SEGMENTS);
		s = &img->segs[n];
		s->file_offset = l.filesz ? l.offset : 0;
		s->filesz = l.filesz;
		s->memsz = l.memsz;
		s->paddr = (u32)l.paddr;
		vaddr[n] = l.vaddr;
		phidx[n] = i;
		n++;
	}
	if (n == 0)
		return mb_fail(err, errlen, -ENOEXEC,
			       "no PT_LOAD segment: nothing to load");

	for (i = 0; i < n; i++) {
		const struct mb_segment *a = &img->segs[i];
		u64 a_end = (u64)a->paddr + a->memsz;

		for (j = i + 1; j < n; j++) {
			const struct mb_segment *b = &img->segs[j];
			u64 b_end = (u64)b->paddr + b->memsz;

			if (a->paddr < b_end && b->paddr < a_end)
				return mb_fail(err, errlen, -ENOEXEC,
					       "program headers %u and %u overlap in physical memory (0x%08x-0x%08llx and 0x%08x-0x%08llx)",
					       phidx[i], phidx[j], a->paddr,
					       (unsigned long long)a_end,
					       b->paddr,
					       (unsigned long long)b_end);
		}
		lo = MIN(lo, (u64)a->paddr);
		hi = MAX(hi, a_end);
	}

	/*
	 * e_entry is a virtual address; with paging off the guest needs the
	 * physical one.  Same translation as GRUB: through the segment whose
	 * virtual range contains it.
	 */
	for (i = 0; i < n; i++) {
		if (e.entry >= vaddr[i] && e.entry - vaddr[i] < img->segs[i].memsz)
			break;
	}
	if (i == n)
		return mb_fail(err, errlen, -ENOEXEC,
			       "entry point 0x%llx is not inside any loaded segment",
			       (unsigned long long)e.entry);

	img->elf64 = e.is64;
	img->entry = (u32)(img->segs[i].paddr + (e.entry - vaddr[i]));
	img->nsegs = n;
	img->load_start = (u32)lo;
	img->load_end = (u32)hi;
	return 0;
}

int mb_parse_image(const void *buf, size_t len, struct mb_image *img,
		   char *err, size_t errlen)
{
	const u8 *p = buf;
	struct multiboot_header hdr;
	size_t hdr_off = 0;
	u32 unsupported;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!img || (!buf && len))
		return mb_fail(err, errlen, -EINVAL, "invalid arguments");
	memset(img, 0, sizeof(*img));
	if (len == 0)
		return mb_fail(err, errlen, -ENOEXEC, "file is empty");

	ret = find_header(p, len, &hdr, &hdr_off, err, errlen);
	if (ret)
		return ret;

	/*
	 * Bits 0-15 are requirements: a boot loader that does not understand
	 * one must refuse the kernel (Multiboot Specification, "The magic
	 * fields of Multiboot header").  Bits 16-31 are optional.
	 */
	unsupported = hdr.flags & MULTIBOOT_REQUIRED_MASK &
		      ~MULTIBOOT_SUPPORTED_REQUIRED;
	if (unsupported)
		return mb_fail(err, errlen, -ENOEXEC,
			       "multiboot header flags 0x%x require feature bit %d, which tinyvmx does not support",
			       hdr.flags, __builtin_ctz(unsupported));
	img->header_flags = hdr.flags;
	img->warn_video = hdr.flags & MULTIBOOT_VIDEO_MODE;

	/* The kludge wins even in an ELF file, as the specification says. */
	if (hdr.flags & MULTIBOOT_AOUT_KLUDGE)
		return parse_aout(p, len, &hdr, hdr_off, img, err, errlen);

	if (len < EI_NIDENT || p[EI_MAG0] != ELFMAG0 || p[EI_MAG1] != ELFMAG1 ||
	    p[EI_MAG2] != ELFMAG2 || p[EI_MAG3] != ELFMAG3)
		return mb_fail(err, errlen, -ENOEXEC,
			       "not an ELF file, and the multiboot header has no load addresses (flags bit 16, the a.out kludge, is clear)");
	return parse_elf(p, len, img, err, errlen);
}

int mb_check_fits(const struct mb_image *img, u64 guest_mem_bytes,
		  char *err, size_t errlen)
{
	char size[32];
	unsigned i;

	if (err && errlen)
		err[0] = '\0';
	for (i = 0; i < img->nsegs; i++) {
		const struct mb_segment *s = &img->segs[i];
		u64 end = (u64)s->paddr + s->memsz;

		/* Page 0 holds the real-mode IVT and BIOS data area. */
		if (s->paddr < PAGE_SIZE)
			return mb_fail(err, errlen, -EINVAL,
				       "segment at 0x%08x-0x%08llx overlaps page 0 (interrupt vector table and BIOS data area)",
				       s->paddr, (unsigned long long)end);
		if (s->paddr < MB_HIGH_MEM_START && end > MB_LOW_MEM_END)
			return mb_fail(err, errlen, -EINVAL,
				       "segment at 0x%08x-0x%08llx overlaps the reserved area 0x%08x-0x%08x (EBDA, VGA memory, BIOS ROM)",
				       s->paddr, (unsigned long long)end,
				       MB_LOW_MEM_END, MB_HIGH_MEM_START);
		if (end > guest_mem_bytes) {
			mb_format_size(size, sizeof(size), guest_mem_bytes);
			return mb_fail(err, errlen, -ENOMEM,
				       "segment at 0x%08x-0x%08llx does not fit in %s of guest memory",
				       s->paddr, (unsigned long long)end, size);
		}
	}
	return 0;
}

int mb_load(const struct mb_image *img, const void *buf, size_t len,
	    const struct guest_mem_ops *ops, void *ctx, char *err,
	    size_t errlen)
{
	const u8 *p = buf;
	unsigned i;
	int r;

	if (err && errlen)
		err[0] = '\0';
	for (i = 0; i < img->nsegs; i++) {
		const struct mb_segment *s = &img->segs[i];

		if (s->filesz > s->memsz || s->file_offset > len ||
		    s->filesz > len - s->file_offset)
			return mb_fail(err, errlen, -EINVAL,
				       "segment %u (file offset 0x%llx + 0x%llx) is not inside the %zu-byte image it was parsed from",
				       i, (unsigned long long)s->file_offset,
				       (unsigned long long)s->filesz, len);
		if (s->filesz) {
			r = ops->write(ctx, s->paddr, p + s->file_offset,
				       (size_t)s->filesz);
			if (r)
				return mb_fail(err, errlen, r < 0 ? r : -EIO,
					       "copying segment %u (0x%llx bytes to 0x%08x) into guest memory failed (error %d)",
					       i, (unsigned long long)s->filesz,
					       s->paddr, r);
		}
		if (s->memsz > s->filesz) {
			r = ops->zero(ctx, s->paddr + s->filesz,
				      (size_t)(s->memsz - s->filesz));
			if (r)
				return mb_fail(err, errlen, r < 0 ? r : -EIO,
					       "zeroing the bss of segment %u (0x%llx bytes at 0x%08llx) failed (error %d)",
					       i,
					       (unsigned long long)(s->memsz - s->filesz),
					       (unsigned long long)(s->paddr + s->filesz),
					       r);
		}
	}
	return 0;
}
