/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the multiboot v1 kernel parser and loader
 * (loader/multiboot.c).  Kernel images are assembled in memory by the
 * helpers below: an ELF32 or ELF64 header, the program header table, a
 * multiboot header, then each segment's file bytes filled with a pattern
 * that identifies the segment and the byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "loader/multiboot.h"

#define IMG_CAP		0x10000
#define MAX_SPEC	20
#define MIB		0x100000ull
#define KERNEL_BASE	0x100000u	/* 1 MiB, where kernels usually load */
#define HIGHER_HALF	0xffffffff80000000ull

static u8 image[IMG_CAP];
static char err[256];

struct seg_spec {
	u32 type;
	u64 vaddr, paddr, filesz, memsz;
};

/* A PT_LOAD identity-mapped at @pa. */
#define LOAD(pa, fs, ms) { PT_LOAD, (pa), (pa), (fs), (ms) }

struct built {
	size_t len;
	size_t phoff;
	size_t phentsize;
	size_t mb_off;
	size_t data_off[MAX_SPEC];
};

static u8 pattern(unsigned seg, size_t i)
{
	return (u8)(0x40 + seg * 0x25 + i * 7);
}

static void put_mb_header(u8 *p, u32 flags)
{
	struct multiboot_header h = {
		.magic = MULTIBOOT_HEADER_MAGIC,
		.flags = flags,
		.checksum = -(MULTIBOOT_HEADER_MAGIC + flags),
	};

	memcpy(p, &h, MB_HEADER_BASE_SIZE);
}

/*
 * Assemble an ELF kernel in image[]: header, program headers, multiboot
 * header (16-aligned, right after the table) and segment data (16-aligned,
 * in order).  The file ends with the last segment's data, so truncating it
 * anywhere cuts something the parser needs.
 */
static void build_elf(bool is64, const struct seg_spec *s, unsigned n,
		      u64 entry, u32 mb_flags, struct built *b)
{
	size_t ehsize = is64 ? sizeof(struct elf64_hdr) : sizeof(struct elf32_hdr);
	size_t off;
	unsigned i;

	memset(image, 0, sizeof(image));
	memset(b, 0, sizeof(*b));
	b->phoff = ehsize;
	b->phentsize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
	b->mb_off = ALIGN_UP(b->phoff + n * b->phentsize, 16);
	put_mb_header(image + b->mb_off, mb_flags);
	off = ALIGN_UP(b->mb_off + MB_HEADER_VIDEO_SIZE, 16);

	for (i = 0; i < n; i++) {
		b->data_off[i] = off;
		for (size_t j = 0; j < s[i].filesz; j++)
			image[off + j] = pattern(i, j);
		b->len = off + s[i].filesz;
		off = ALIGN_UP(off + s[i].filesz, 16);
		assert_true(off <= IMG_CAP);
	}

	if (is64) {
		struct elf64_hdr h = {
			.e_type = ET_EXEC, .e_machine = EM_X86_64,
			.e_version = EV_CURRENT, .e_entry = entry,
			.e_phoff = b->phoff, .e_ehsize = ehsize,
			.e_phentsize = b->phentsize, .e_phnum = n,
		};

		h.e_ident[EI_CLASS] = ELFCLASS64;
		memcpy(h.e_ident, "\x7f" "ELF", 4);
		h.e_ident[EI_DATA] = ELFDATA2LSB;
		h.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(image, &h, sizeof(h));
		for (i = 0; i < n; i++) {
			struct elf64_phdr ph = {
				.p_type = s[i].type, .p_offset = b->data_off[i],
				.p_vaddr = s[i].vaddr, .p_paddr = s[i].paddr,
				.p_filesz = s[i].filesz, .p_memsz = s[i].memsz,
			};

			memcpy(image + b->phoff + i * sizeof(ph), &ph, sizeof(ph));
		}
	} else {
		struct elf32_hdr h = {
			.e_type = ET_EXEC, .e_machine = EM_386,
			.e_version = EV_CURRENT, .e_entry = (u32)entry,
			.e_phoff = b->phoff, .e_ehsize = ehsize,
			.e_phentsize = b->phentsize, .e_phnum = n,
		};

		memcpy(h.e_ident, "\x7f" "ELF", 4);
		h.e_ident[EI_CLASS] = ELFCLASS32;
		h.e_ident[EI_DATA] = ELFDATA2LSB;
		h.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(image, &h, sizeof(h));
		for (i = 0; i < n; i++) {
			struct elf32_phdr ph = {
				.p_type = s[i].type,
				.p_offset = (u32)b->data_off[i],
				.p_vaddr = (u32)s[i].vaddr,
				.p_paddr = (u32)s[i].paddr,
				.p_filesz = (u32)s[i].filesz,
				.p_memsz = (u32)s[i].memsz,
			};

			memcpy(image + b->phoff + i * sizeof(ph), &ph, sizeof(ph));
		}
	}
	if (b->len < b->mb_off + MB_HEADER_VIDEO_SIZE)
		b->len = b->mb_off + MB_HEADER_VIDEO_SIZE;
}

static void poke16(size_t off, u16 v)
{
	memcpy(image + off, &v, sizeof(v));
}

static void poke32(size_t off, u32 v)
{
	memcpy(image + off, &v, sizeof(v));
}

static void poke64(size_t off, u64 v)
{
	memcpy(image + off, &v, sizeof(v));
}

static int parse(size_t len, struct mb_image *img)
{
	memset(err, 0, sizeof(err));
	return mb_parse_image(image, len, img, err, sizeof(err));
}

/* The parse must fail with -ENOEXEC and a message containing @what. */
static void expect_refused(size_t len, const char *what)
{
	struct mb_image img;
	int r = parse(len, &img);

	if (r != -ENOEXEC || !strstr(err, what))
		print_error("expected -ENOEXEC with \"%s\", got %d \"%s\"\n",
			    what, r, err);
	assert_int_equal(r, -ENOEXEC);
	assert_non_null(strstr(err, what));
}

/* Three segments: text, rodata, data+bss; entry in text. */
static const struct seg_spec three[] = {
	LOAD(KERNEL_BASE, 0x300, 0x300),
	LOAD(KERNEL_BASE + 0x1000, 0x120, 0x120),
	LOAD(KERNEL_BASE + 0x2000, 0x80, 0x3000),
};
#define THREE_ENTRY (KERNEL_BASE + 0x10)

static void test_elf32_valid(void **state)
{
	struct mb_image img;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, MULTIBOOT_PAGE_ALIGN |
		  MULTIBOOT_MEMORY_INFO, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_string_equal(err, "");
	assert_false(img.elf64);
	assert_false(img.aout_kludge);
	assert_false(img.warn_video);
	assert_int_equal(img.header_flags,
			 MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	assert_int_equal(img.entry, THREE_ENTRY);
	assert_int_equal(img.nsegs, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(img.segs[i].file_offset, b.data_off[i]);
		assert_int_equal(img.segs[i].filesz, three[i].filesz);
		assert_int_equal(img.segs[i].memsz, three[i].memsz);
		assert_int_equal(img.segs[i].paddr, three[i].paddr);
	}
	assert_int_equal(img.load_start, KERNEL_BASE);
	assert_int_equal(img.load_end, KERNEL_BASE + 0x5000);
}

/* A higher-half ELF64 kernel: entry is translated to its physical address. */
static void test_elf64_valid_higher_half(void **state)
{
	static const struct seg_spec s[] = {
		{ PT_LOAD, HIGHER_HALF + 0x200000, 0x200000, 0x400, 0x400 },
		{ PT_NOTE, 0, 0, 0x10, 0x10 },
		{ PT_LOAD, HIGHER_HALF + 0x201000, 0x201000, 0x40, 0x1000 },
	};
	struct mb_image img;
	struct built b;

	build_elf(true, s, 3, HIGHER_HALF + 0x200040, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_true(img.elf64);
	assert_int_equal(img.entry, 0x200040);
	/* The PT_NOTE is ignored. */
	assert_int_equal(img.nsegs, 2);
	assert_int_equal(img.segs[1].paddr, 0x201000);
	assert_int_equal(img.segs[1].file_offset, b.data_off[2]);
	assert_int_equal(img.load_start, 0x200000);
	assert_int_equal(img.load_end, 0x202000);
}

static void test_entry_point(void **state)
{
	struct mb_image img;
	struct built b;

	/* Entry in the bss part of the last segment is still inside it. */
	build_elf(false, three, 3, KERNEL_BASE + 0x4fff, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(img.entry, KERNEL_BASE + 0x4fff);

	build_elf(false, three, 3, KERNEL_BASE + 0x5000, 0, &b);
	expect_refused(b.len, "entry point 0x105000 is not inside any loaded segment");
	/* In the gap between two segments. */
	build_elf(false, three, 3, KERNEL_BASE + 0x400, 0, &b);
	expect_refused(b.len, "entry point");
}

static void test_non_load_and_empty_segments_ignored(void **state)
{
	static const struct seg_spec s[] = {
		{ PT_NOTE, 0, 0, 0x10, 0x10 },
		LOAD(KERNEL_BASE, 0, 0),	/* loads nothing */
		LOAD(KERNEL_BASE, 0x40, 0x40),
	};
	struct mb_image img;
	struct built b;

	build_elf(false, s, 3, KERNEL_BASE, 0, &b);
	/* A PT_NOTE pointing anywhere is none of our business. */
	poke32(b.phoff + offsetof(struct elf32_phdr, p_offset), 0xfffffff0);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(img.nsegs, 1);

	/* Nothing to load at all. */
	build_elf(false, s, 2, KERNEL_BASE, 0, &b);
	expect_refused(b.len, "no PT_LOAD");
}

static void build_aout(u32 extra_flags, struct multiboot_header *h)
{
	/* A flat binary: 0x400 bytes loaded at 2 MiB, header at 0x40. */
	u32 flags = MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_MEMORY_INFO | extra_flags;

	memset(image, 0, sizeof(image));
	for (size_t j = 0; j < 0x400; j++)
		image[j] = pattern(7, j);
	*h = (struct multiboot_header){
		.magic = MULTIBOOT_HEADER_MAGIC,
		.flags = flags,
		.checksum = -(MULTIBOOT_HEADER_MAGIC + flags),
		.header_addr = 0x200040,
		.load_addr = 0x200000,
		.load_end_addr = 0x200400,
		.bss_end_addr = 0x202000,
		.entry_addr = 0x200080,
	};
}

#define AOUT_HDR_OFF	0x40
#define AOUT_LEN	0x400

static void put_aout(const struct multiboot_header *h)
{
	memcpy(image + AOUT_HDR_OFF, h, sizeof(*h));
}

static void test_aout_kludge_valid(void **state)
{
	struct multiboot_header h;
	struct mb_image img;

	build_aout(0, &h);
	put_aout(&h);
	assert_int_equal(parse(AOUT_LEN, &img), 0);
	assert_true(img.aout_kludge);
	assert_false(img.elf64);
	assert_int_equal(img.entry, 0x200080);
	assert_int_equal(img.nsegs, 1);
	assert_int_equal(img.segs[0].file_offset, 0);
	assert_int_equal(img.segs[0].filesz, 0x400);
	assert_int_equal(img.segs[0].memsz, 0x2000);
	assert_int_equal(img.segs[0].paddr, 0x200000);
	assert_int_equal(img.load_start, 0x200000);
	assert_int_equal(img.load_end, 0x202000);

	/* Text starting after some file prefix; load_end 0 = to EOF; no bss. */
	build_aout(0, &h);
	h.load_addr = 0x200020;
	h.load_end_addr = 0;
	h.bss_end_addr = 0;
	put_aout(&h);
	assert_int_equal(parse(AOUT_LEN, &img), 0);
	assert_int_equal(img.segs[0].file_offset, 0x20);
	assert_int_equal(img.segs[0].filesz, AOUT_LEN - 0x20);
	assert_int_equal(img.segs[0].memsz, AOUT_LEN - 0x20);
	assert_int_equal(img.load_end, 0x200020 + AOUT_LEN - 0x20);
}

static void test_aout_kludge_refused(void **state)
{
	struct multiboot_header h;
	struct mb_image img;

	build_aout(0, &h);
	h.load_addr = 0x200044;
	put_aout(&h);
	expect_refused(AOUT_LEN, "load_addr 0x200044 is above header_addr 0x200040");

	build_aout(0, &h);
	h.load_addr = 0x1fff00;		/* would start 0xc0 bytes before the file */
	put_aout(&h);
	expect_refused(AOUT_LEN, "before the file");

	build_aout(0, &h);
	h.load_end_addr = 0x200401;
	put_aout(&h);
	expect_refused(AOUT_LEN, "load range extends past end of file (offset 0x0 + 0x401 > 0x400)");

	build_aout(0, &h);
	h.load_end_addr = 0x200000;
	put_aout(&h);
	expect_refused(AOUT_LEN, "load_end_addr");

	build_aout(0, &h);
	h.load_end_addr = 0x200040;	/* header not loaded */
	put_aout(&h);
	expect_refused(AOUT_LEN, "not inside the loaded range");

	build_aout(0, &h);
	h.bss_end_addr = 0x2003ff;
	put_aout(&h);
	expect_refused(AOUT_LEN, "bss_end_addr");

	build_aout(0, &h);
	h.entry_addr = 0x202000;
	put_aout(&h);
	expect_refused(AOUT_LEN, "entry point 0x202000 is outside");

	build_aout(0, &h);
	h.entry_addr = 0x1fffff;
	put_aout(&h);
	expect_refused(AOUT_LEN, "entry point");

	/* Just below 4 GiB is fine ... */
	build_aout(0, &h);
	h.header_addr = 0xffffe040;
	h.load_addr = 0xffffe000;
	h.load_end_addr = 0xffffe400;
	h.bss_end_addr = 0;
	h.entry_addr = 0xffffe080;
	put_aout(&h);
	assert_int_equal(parse(AOUT_LEN, &img), 0);
	assert_int_equal(img.load_end, 0xffffe400);

	/* ... but "load to EOF" may run into it: this ends exactly at 4 GiB. */
	h.load_end_addr = 0;
	h.header_addr = 0xfffffc40;
	h.load_addr = 0xfffffc00;
	h.entry_addr = 0xfffffc80;
	put_aout(&h);
	expect_refused(AOUT_LEN, "image at 0xfffffc00 + 0x400 does not end below 4 GiB");
}

/* The kludge wins over the ELF headers, as the specification says. */
static void test_aout_kludge_in_elf(void **state)
{
	struct multiboot_header h;
	struct mb_image img;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, MULTIBOOT_AOUT_KLUDGE, &b);
	memcpy(&h, image + b.mb_off, MB_HEADER_BASE_SIZE);
	h.load_addr = 0x300000;
	h.header_addr = 0x300000 + b.mb_off;
	h.load_end_addr = 0;
	h.bss_end_addr = 0;
	h.entry_addr = 0x300000 + b.data_off[0];
	memcpy(image + b.mb_off, &h, MB_HEADER_AOUT_SIZE);
	assert_int_equal(parse(b.len, &img), 0);
	assert_true(img.aout_kludge);
	assert_int_equal(img.nsegs, 1);
	assert_int_equal(img.segs[0].paddr, 0x300000);
	assert_int_equal(img.segs[0].filesz, b.len);
}

static void test_header_search_window(void **state)
{
	const size_t len = MULTIBOOT_SEARCH + 0x400;

	memset(image, 0, sizeof(image));
	expect_refused(len, "no multiboot header in the first 8192 bytes");
	assert_string_equal(err, "no multiboot header in the first 8192 bytes");

	/* Starts exactly at 8192: too late, and the message says where. */
	put_mb_header(image + MULTIBOOT_SEARCH, 0);
	expect_refused(len, "no multiboot header in the first 8192 bytes (there is one at offset 0x2000");

	/* Straddles the limit: not contained in the first 8192 bytes. */
	memset(image, 0, sizeof(image));
	put_mb_header(image + MULTIBOOT_SEARCH - 8, 0);
	expect_refused(len, "no multiboot header in the first 8192 bytes");

	/* Ends exactly at 8192: found (then refused for not being ELF). */
	memset(image, 0, sizeof(image));
	put_mb_header(image + MULTIBOOT_SEARCH - MB_HEADER_BASE_SIZE, 0);
	expect_refused(len, "not an ELF file");

	/* Found, but its flags need the address fields that are cut off. */
	memset(image, 0, sizeof(image));
	put_mb_header(image + MULTIBOOT_SEARCH - MB_HEADER_BASE_SIZE,
		      MULTIBOOT_AOUT_KLUDGE);
	expect_refused(len, "truncated");

	/* Misaligned: not a header. */
	memset(image, 0, sizeof(image));
	put_mb_header(image + 0x102, 0);
	expect_refused(len, "no multiboot header");

	/* Tiny and empty files. */
	expect_refused(3, "no multiboot header");
	expect_refused(0, "empty");
}

static void test_bad_checksum(void **state)
{
	struct mb_image img;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(b.mb_off + offsetof(struct multiboot_header, checksum), 0x12345678);
	expect_refused(b.len, "bad checksum");
	assert_non_null(strstr(err, "offset 0x"));

	/* A stray magic with a bad checksum before the real header is skipped. */
	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(b.mb_off - 4, MULTIBOOT_HEADER_MAGIC);
	poke32(b.phoff + 3 * b.phentsize, MULTIBOOT_HEADER_MAGIC);
	assert_int_equal(parse(b.len, &img), 0);
}

static void test_header_flags(void **state)
{
	struct mb_image img;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, MULTIBOOT_MEMORY_INFO | BIT(3), &b);
	expect_refused(b.len, "bit 3");
	build_elf(false, three, 3, THREE_ENTRY, BIT(15), &b);
	expect_refused(b.len, "bit 15");

	/* Video: accepted, recorded as not honoured. */
	build_elf(false, three, 3, THREE_ENTRY, MULTIBOOT_VIDEO_MODE, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_true(img.warn_video);

	/* Unknown optional bits (16-31) are fine. */
	build_elf(false, three, 3, THREE_ENTRY, BIT(20) | BIT(31), &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(img.header_flags, BIT(20) | BIT(31));
	assert_false(img.warn_video);
}

/*
 * Cut a valid image at every length: the ELF header, the program headers,
 * the multiboot header and every segment's data.  Each prefix is copied to
 * an exactly-sized heap block so ASan reports any read past the end.
 */
static void truncate_everywhere(size_t full)
{
	u8 *copy_src = malloc(full);

	assert_non_null(copy_src);
	memcpy(copy_src, image, full);
	for (size_t len = 0; len < full; len++) {
		u8 *p = malloc(len ? len : 1);
		struct mb_image img;
		int r;

		assert_non_null(p);
		memcpy(p, copy_src, len);
		err[0] = '\0';
		r = mb_parse_image(p, len, &img, err, sizeof(err));
		if (r != -ENOEXEC || err[0] == '\0')
			print_error("length %zu: %d \"%s\"\n", len, r, err);
		assert_int_equal(r, -ENOEXEC);
		assert_true(err[0] != '\0');
		free(p);
	}
	free(copy_src);
}

static void test_truncated_everywhere(void **state)
{
	static const struct seg_spec s64[] = {
		LOAD(KERNEL_BASE, 0x100, 0x100),
		LOAD(KERNEL_BASE + 0x1000, 0x30, 0x2000),
	};
	struct multiboot_header h;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	truncate_everywhere(b.len);
	build_elf(true, s64, 2, KERNEL_BASE, 0, &b);
	truncate_everywhere(b.len);
	build_aout(0, &h);
	put_aout(&h);
	truncate_everywhere(AOUT_LEN);
}

static void test_truncated_messages(void **state)
{
	struct mb_image img;
	struct built b;

	/*
	 * A file that ends inside its ELF64 header, with the multiboot header
	 * tucked into that header (over e_version and e_entry) so the ELF
	 * check is reached.
	 */
	memset(image, 0, sizeof(image));
	memcpy(image, "\x7f" "ELF", 4);
	image[EI_CLASS] = ELFCLASS64;
	image[EI_DATA] = ELFDATA2LSB;
	image[EI_VERSION] = EV_CURRENT;
	put_mb_header(image + offsetof(struct elf64_hdr, e_version), 0);
	expect_refused(offsetof(struct elf64_hdr, e_version) + MB_HEADER_BASE_SIZE,
		       "ELF header truncated (file is 32 bytes, an ELF64 header needs 64)");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	expect_refused(b.len - 1, "program header 2 extends past end of file");

	/* The message format from the design notes, exactly. */
	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(b.phoff + 2 * b.phentsize + offsetof(struct elf32_phdr, p_offset), 0x1000);
	poke32(b.phoff + 2 * b.phentsize + offsetof(struct elf32_phdr, p_filesz), 0x2000);
	poke32(b.phoff + 2 * b.phentsize + offsetof(struct elf32_phdr, p_memsz), 0x2000);
	assert_int_equal(parse(0x2400, &img), -ENOEXEC);
	assert_string_equal(err, "program header 2 extends past end of file (offset 0x1000 + 0x2000 > 0x2400)");
}

static void test_phdr_table_corrupt(void **state)
{
	struct built b;
	size_t e32_phoff = offsetof(struct elf32_hdr, e_phoff);
	size_t e32_phnum = offsetof(struct elf32_hdr, e_phnum);
	size_t e64_phoff = offsetof(struct elf64_hdr, e_phoff);

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(e32_phoff, 0xfffffff0);
	expect_refused(b.len, "program header table extends past end of file");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(e32_phoff, (u32)b.len - 0x10);	/* starts inside, ends outside */
	expect_refused(b.len, "program header table");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(e32_phnum, 0xfffe);
	expect_refused(b.len, "program header table");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(e32_phnum, PN_XNUM);
	expect_refused(b.len, "PN_XNUM");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(e32_phnum, 0);
	expect_refused(b.len, "no program headers");

	build_elf(true, three, 3, THREE_ENTRY, 0, &b);
	poke64(e64_phoff, ~0ull - 8);		/* phoff + size wraps */
	expect_refused(b.len, "program header table");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(offsetof(struct elf32_hdr, e_phentsize), sizeof(struct elf64_phdr));
	expect_refused(b.len, "e_phentsize 56");

	/* A segment's own offset wrapping around. */
	build_elf(true, three, 3, THREE_ENTRY, 0, &b);
	poke64(b.phoff + sizeof(struct elf64_phdr) + offsetof(struct elf64_phdr, p_offset),
	       ~0ull - 0x10);
	expect_refused(b.len, "program header 1 extends past end of file");
}

static void test_filesz_greater_than_memsz(void **state)
{
	static const struct seg_spec s[] = {
		LOAD(KERNEL_BASE, 0x200, 0x100),
	};
	struct built b;

	build_elf(false, s, 1, KERNEL_BASE, 0, &b);
	expect_refused(b.len, "program header 0: p_filesz 0x200 is larger than p_memsz 0x100");
}

static void test_overlapping_segments(void **state)
{
	static const struct seg_spec s[] = {
		LOAD(KERNEL_BASE, 0x100, 0x2000),
		{ PT_NOTE, 0, 0, 0x10, 0x10 },
		LOAD(KERNEL_BASE + 0x1fff, 0x10, 0x10),
	};
	static const struct seg_spec adjacent[] = {
		LOAD(KERNEL_BASE, 0x100, 0x2000),
		LOAD(KERNEL_BASE + 0x2000, 0x10, 0x10),
	};
	struct mb_image img;
	struct built b;

	build_elf(false, s, 3, KERNEL_BASE, 0, &b);
	expect_refused(b.len, "program headers 0 and 2 overlap");
	build_elf(false, adjacent, 2, KERNEL_BASE, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
}

static void test_elf_identity_refused(void **state)
{
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(offsetof(struct elf32_hdr, e_machine), EM_X86_64);
	expect_refused(b.len, "wrong machine");
	build_elf(true, three, 3, THREE_ENTRY, 0, &b);
	poke16(offsetof(struct elf64_hdr, e_machine), EM_386);
	expect_refused(b.len, "expected EM_X86_64");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	image[EI_DATA] = ELFDATA2MSB;
	expect_refused(b.len, "big-endian");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke16(offsetof(struct elf32_hdr, e_type), ET_DYN);
	expect_refused(b.len, "ET_DYN");
	poke16(offsetof(struct elf32_hdr, e_type), ET_REL);
	expect_refused(b.len, "ET_REL");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	image[EI_CLASS] = 3;
	expect_refused(b.len, "ELF class 3");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	poke32(offsetof(struct elf32_hdr, e_version), 0);
	expect_refused(b.len, "ELF version 0");

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	image[EI_MAG1] = 'e';
	expect_refused(b.len, "not an ELF file");
}

static void test_paddr_past_4gib(void **state)
{
	static const struct seg_spec s32[] = {
		LOAD(0xfffff000, 0x10, 0x2000),
	};
	static const struct seg_spec s32_edge[] = {
		LOAD(0xfffff000, 0x10, 0x1000),	/* ends exactly at 4 GiB */
	};
	static const struct seg_spec s64[] = {
		LOAD(0xffffffffffff0000ull, 0x10, 0x20000),	/* wraps u64 */
	};
	static const struct seg_spec s64_high[] = {
		LOAD(0x100000000ull, 0x10, 0x10),
	};
	struct built b;

	build_elf(false, s32, 1, 0xfffff000, 0, &b);
	expect_refused(b.len, "does not end below 4 GiB");
	build_elf(false, s32_edge, 1, 0xfffff000, 0, &b);
	expect_refused(b.len, "does not end below 4 GiB");
	build_elf(true, s64, 1, 0xffffffffffff0000ull, 0, &b);
	expect_refused(b.len, "does not end below 4 GiB");
	build_elf(true, s64_high, 1, 0x100000000ull, 0, &b);
	expect_refused(b.len, "program header 0: segment at physical address 0x100000000");
}

static void test_too_many_segments(void **state)
{
	struct seg_spec s[MB_MAX_SEGMENTS + 1];
	struct mb_image img;
	struct built b;

	for (unsigned i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = (struct seg_spec)LOAD(KERNEL_BASE + i * 0x1000, 0x10, 0x10);
	build_elf(false, s, MB_MAX_SEGMENTS, KERNEL_BASE, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(img.nsegs, MB_MAX_SEGMENTS);
	build_elf(false, s, MB_MAX_SEGMENTS + 1, KERNEL_BASE, 0, &b);
	expect_refused(b.len, "more than 16 PT_LOAD segments");
}

static void test_check_fits(void **state)
{
	static const struct seg_spec big[] = {
		LOAD(KERNEL_BASE, 0x100, 0x4000000),
	};
	static const struct seg_spec hole[] = {
		LOAD(0x9f000, 0x100, 0x1000),
	};
	static const struct seg_spec rom[] = {
		LOAD(0xf0000, 0x100, 0x100),
	};
	static const struct seg_spec page0[] = {
		LOAD(0x800, 0x100, 0x100),
	};
	static const struct seg_spec low[] = {
		LOAD(0x1000, 0x100, 0x9ec00),	/* ends right at the EBDA */
	};
	struct mb_image img;
	struct built b;

	build_elf(false, big, 1, KERNEL_BASE, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), -ENOMEM);
	assert_string_equal(err, "segment at 0x00100000-0x04100000 does not fit in 32 MiB of guest memory");
	assert_int_equal(mb_check_fits(&img, 0x4100000, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(mb_check_fits(&img, 0x40fffff, err, sizeof(err)), -ENOMEM);
	assert_non_null(strstr(err, "in 68157439 bytes of guest memory"));

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), 0);
	assert_int_equal(mb_check_fits(&img, MIB, err, sizeof(err)), -ENOMEM);
	assert_non_null(strstr(err, "in 1 MiB of guest memory"));

	build_elf(false, hole, 1, 0x9f000, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "reserved area 0x0009fc00-0x00100000"));

	build_elf(false, rom, 1, 0xf0000, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "reserved area"));

	build_elf(false, page0, 1, 0x800, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "page 0"));

	build_elf(false, low, 1, 0x1000, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	assert_int_equal(mb_check_fits(&img, 32 * MIB, err, sizeof(err)), 0);
}

/* Guest memory for mb_load(): a byte array with bounds checks. */
struct fake_mem {
	u8 *mem;
	size_t size;
	int fail_write;
	int fail_zero;
	unsigned writes, zeros;
};

#define FAKE_MEM_SIZE	(4 * MIB)
#define UNTOUCHED	0xa5

static int fake_write(void *ctx, u64 gpa, const void *src, size_t n)
{
	struct fake_mem *m = ctx;

	if (m->fail_write)
		return m->fail_write;
	if (gpa > m->size || n > m->size - gpa)
		return -EFAULT;
	memcpy(m->mem + gpa, src, n);
	m->writes++;
	return 0;
}

static int fake_zero(void *ctx, u64 gpa, size_t n)
{
	struct fake_mem *m = ctx;

	if (m->fail_zero)
		return m->fail_zero;
	if (gpa > m->size || n > m->size - gpa)
		return -EFAULT;
	memset(m->mem + gpa, 0, n);
	m->zeros++;
	return 0;
}

static const struct guest_mem_ops fake_ops = {
	.write = fake_write,
	.zero = fake_zero,
};

static void fake_init(struct fake_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->size = FAKE_MEM_SIZE;
	m->mem = malloc(m->size);
	assert_non_null(m->mem);
	memset(m->mem, UNTOUCHED, m->size);
}

static void test_load_exact_bytes(void **state)
{
	struct mb_image img;
	struct fake_mem m;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	fake_init(&m);
	assert_int_equal(mb_load(&img, image, b.len, &fake_ops, &m, err,
				 sizeof(err)), 0);
	assert_int_equal(m.writes, 3);
	assert_int_equal(m.zeros, 1);
	for (unsigned i = 0; i < 3; i++) {
		const u8 *seg = m.mem + three[i].paddr;

		for (size_t j = 0; j < three[i].filesz; j++)
			assert_int_equal(seg[j], pattern(i, j));
		for (size_t j = three[i].filesz; j < three[i].memsz; j++)
			assert_int_equal(seg[j], 0);
		/* Nothing written past memsz (up to the next segment). */
		assert_int_equal(seg[three[i].memsz], UNTOUCHED);
	}
	/* Every byte outside the segments is as it was. */
	for (size_t a = 0; a < m.size; a++) {
		bool inside = false;

		for (unsigned i = 0; i < 3; i++)
			inside |= a >= three[i].paddr &&
				  a < three[i].paddr + three[i].memsz;
		if (!inside && m.mem[a] != UNTOUCHED)
			fail_msg("guest byte 0x%zx written outside the segments", a);
	}
	free(m.mem);
}

static void test_load_aout(void **state)
{
	struct multiboot_header h;
	struct mb_image img;
	struct fake_mem m;

	build_aout(0, &h);
	put_aout(&h);
	assert_int_equal(parse(AOUT_LEN, &img), 0);
	fake_init(&m);
	assert_int_equal(mb_load(&img, image, AOUT_LEN, &fake_ops, &m, err,
				 sizeof(err)), 0);
	assert_memory_equal(m.mem + 0x200000, image, AOUT_LEN);
	/* The multiboot header is at header_addr in the guest. */
	assert_int_equal(m.mem[0x200040], 0x02);
	for (size_t a = 0x200400; a < 0x202000; a++)
		assert_int_equal(m.mem[a], 0);
	assert_int_equal(m.mem[0x202000], UNTOUCHED);
	free(m.mem);
}

static void test_load_failures(void **state)
{
	struct mb_image img;
	struct fake_mem m;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, 0, &b);
	assert_int_equal(parse(b.len, &img), 0);
	fake_init(&m);

	m.fail_write = -EFAULT;
	assert_int_equal(mb_load(&img, image, b.len, &fake_ops, &m, err,
				 sizeof(err)), -EFAULT);
	assert_non_null(strstr(err, "copying segment 0 (0x300 bytes to 0x00100000)"));

	m.fail_write = 1;	/* positive: reported as -EIO */
	assert_int_equal(mb_load(&img, image, b.len, &fake_ops, &m, err,
				 sizeof(err)), -EIO);

	m.fail_write = 0;
	m.fail_zero = -EFAULT;
	assert_int_equal(mb_load(&img, image, b.len, &fake_ops, &m, err,
				 sizeof(err)), -EFAULT);
	assert_non_null(strstr(err, "bss of segment 2"));

	/* Segments that do not fit guest memory are refused by the callback. */
	m.fail_zero = 0;
	m.size = KERNEL_BASE + 0x1000;
	assert_int_equal(mb_load(&img, image, b.len, &fake_ops, &m, err,
				 sizeof(err)), -EFAULT);
	assert_non_null(strstr(err, "segment 1"));

	/* A shorter buffer than the one parsed. */
	m.size = FAKE_MEM_SIZE;
	assert_int_equal(mb_load(&img, image, b.len - 1, &fake_ops, &m, err,
				 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "segment 2"));
	free(m.mem);
}

static void test_null_err_buffer(void **state)
{
	struct mb_image img;
	struct built b;

	build_elf(false, three, 3, THREE_ENTRY, BIT(4), &b);
	assert_int_equal(mb_parse_image(image, b.len, &img, NULL, 0), -ENOEXEC);
	/* A tiny buffer is truncated, still NUL-terminated. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(mb_parse_image(image, b.len, &img, err, 8), -ENOEXEC);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(mb_parse_image(NULL, 10, &img, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf32_valid),
		cmocka_unit_test(test_elf64_valid_higher_half),
		cmocka_unit_test(test_entry_point),
		cmocka_unit_test(test_non_load_and_empty_segments_ignored),
		cmocka_unit_test(test_aout_kludge_valid),
		cmocka_unit_test(test_aout_kludge_refused),
		cmocka_unit_test(test_aout_kludge_in_elf),
		cmocka_unit_test(test_header_search_window),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_header_flags),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_messages),
		cmocka_unit_test(test_phdr_table_corrupt),
		cmocka_unit_test(test_filesz_greater_than_memsz),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_elf_identity_refused),
		cmocka_unit_test(test_paddr_past_4gib),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_check_fits),
		cmocka_unit_test(test_load_exact_bytes),
		cmocka_unit_test(test_load_aout),
		cmocka_unit_test(test_load_failures),
		cmocka_unit_test(test_null_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
