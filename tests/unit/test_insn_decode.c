/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of vmx/insn_decode.c.  The byte sequences were produced by GNU
 * as and checked with objdump (the AT&T source is in each comment).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/insn_decode.h"

#define NONE	INSN_SEG_NONE
#define TO	INSN_MOV_TO_MEM
#define FROM	INSN_MOV_FROM_MEM
#define ZX	INSN_MOVZX
#define SX	INSN_MOVSX
#define RIP	0x7000ull	/* offset of every test instruction in CS */

struct vec {
	const char *text;
	enum insn_mode mode;
	u8 n;			/* encoded length = expected insn.len */
	u8 bytes[INSN_MAX_LEN];
	enum insn_kind kind;
	u8 mem_size;
	u8 reg;
	bool high;
	u8 dst_size;
	bool has_imm;
	u64 imm;
	u8 seg;			/* effective segment */
	u64 ea;			/* with regs[i] = (i + 1) * 0x100 */
};

static const struct vec vecs[] = {
	/* 64-bit code. */
	{ "mov %eax,0xfee000b0", INSN_MODE_64, 9,
	  { 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 },
	  TO, 4, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0xfee000b0 },
	{ "movb $0x1,(%rdx)", INSN_MODE_64, 3, { 0xc6, 0x02, 0x01 },
	  TO, 1, INSN_REG_RAX, false, 0, true, 1, INSN_SEG_DS, 0x300 },
	{ "mov 0x10(%rbx,%rcx,4),%r9d", INSN_MODE_64, 5,
	  { 0x44, 0x8b, 0x4c, 0x8b, 0x10 },
	  FROM, 4, INSN_REG_R9, false, 4, false, 0, INSN_SEG_DS, 0xc10 },
	{ "movzbl (%rax),%eax", INSN_MODE_64, 3, { 0x0f, 0xb6, 0x00 },
	  ZX, 1, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0x100 },
	{ "movswq 2(%rdi),%rsi", INSN_MODE_64, 5,
	  { 0x48, 0x0f, 0xbf, 0x77, 0x02 },
	  SX, 2, INSN_REG_RSI, false, 8, false, 0, INSN_SEG_DS, 0x802 },
	{ "mov %ah,(%rbx)", INSN_MODE_64, 2, { 0x88, 0x23 },
	  TO, 1, INSN_REG_RAX, true, 0, false, 0, INSN_SEG_DS, 0x400 },
	{ "movabs 0x1122334455667788,%eax", INSN_MODE_64, 9,
	  { 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS,
	  0x1122334455667788ull },
	{ "movabs %al,0xfee00000fee00020", INSN_MODE_64, 9,
	  { 0xa2, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0xe0, 0xfe },
	  TO, 1, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS,
	  0xfee00000fee00020ull },
	{ "movabs %rax,0x1000", INSN_MODE_64, 10,
	  { 0x48, 0xa3, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  TO, 8, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0x1000 },
	{ "addr32 mov 0xfee000b0,%eax", INSN_MODE_64, 6,
	  { 0x67, 0xa1, 0xb0, 0x00, 0xe0, 0xfe },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0xfee000b0 },
	{ "mov %sil,(%rax)", INSN_MODE_64, 3, { 0x40, 0x88, 0x30 },
	  TO, 1, INSN_REG_RSI, false, 0, false, 0, INSN_SEG_DS, 0x100 },
	{ "mov (%r12),%r13b", INSN_MODE_64, 4, { 0x45, 0x8a, 0x2c, 0x24 },
	  FROM, 1, INSN_REG_R13, false, 1, false, 0, INSN_SEG_DS, 0xd00 },
	{ "mov (%r12),%spl", INSN_MODE_64, 4, { 0x41, 0x8a, 0x24, 0x24 },
	  FROM, 1, INSN_REG_RSP, false, 1, false, 0, INSN_SEG_DS, 0xd00 },
	{ "movq $-2,0x8(%r13)", INSN_MODE_64, 8,
	  { 0x49, 0xc7, 0x45, 0x08, 0xfe, 0xff, 0xff, 0xff },
	  TO, 8, INSN_REG_RAX, false, 0, true, 0xfffffffffffffffeull,
	  INSN_SEG_DS, 0xe08 },
	{ "movw $0x1234,(%rax,%rbx,8)", INSN_MODE_64, 6,
	  { 0x66, 0xc7, 0x04, 0xd8, 0x34, 0x12 },
	  TO, 2, INSN_REG_RAX, false, 0, true, 0x1234, INSN_SEG_DS, 0x2100 },
	{ "mov 0x100(%rip),%ecx", INSN_MODE_64, 6,
	  { 0x8b, 0x0d, 0x00, 0x01, 0x00, 0x00 },
	  FROM, 4, INSN_REG_RCX, false, 4, false, 0, INSN_SEG_DS,
	  RIP + 6 + 0x100 },
	{ "mov %r8,-0x80(%rsp)", INSN_MODE_64, 5,
	  { 0x4c, 0x89, 0x44, 0x24, 0x80 },
	  TO, 8, INSN_REG_R8, false, 0, false, 0, INSN_SEG_SS, 0x480 },
	{ "mov (%rax),%bh", INSN_MODE_64, 2, { 0x8a, 0x38 },
	  FROM, 1, INSN_REG_RBX, true, 1, false, 0, INSN_SEG_DS, 0x100 },
	{ "movzwl (%rsi),%edx", INSN_MODE_64, 3, { 0x0f, 0xb7, 0x16 },
	  ZX, 2, INSN_REG_RDX, false, 4, false, 0, INSN_SEG_DS, 0x700 },
	{ "movsbw (%rcx),%ax", INSN_MODE_64, 4, { 0x66, 0x0f, 0xbe, 0x01 },
	  SX, 1, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x200 },
	{ "movsbq (%rdx),%r10", INSN_MODE_64, 4, { 0x4c, 0x0f, 0xbe, 0x12 },
	  SX, 1, INSN_REG_R10, false, 8, false, 0, INSN_SEG_DS, 0x300 },
	{ "movzbw (%rdx),%cx", INSN_MODE_64, 4, { 0x66, 0x0f, 0xb6, 0x0a },
	  ZX, 1, INSN_REG_RCX, false, 2, false, 0, INSN_SEG_DS, 0x300 },
	{ "mov %fs:0x28,%rax", INSN_MODE_64, 9,
	  { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00 },
	  FROM, 8, INSN_REG_RAX, false, 8, false, 0, INSN_SEG_FS, 0x28 },
	{ "mov 0x0(,%rdx,8),%eax", INSN_MODE_64, 7,
	  { 0x8b, 0x04, 0xd5, 0x00, 0x00, 0x00, 0x00 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0x1800 },
	{ "mov (%ebx),%eax", INSN_MODE_64, 3, { 0x67, 0x8b, 0x03 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0x400 },
	{ "mov 0x10(%rbp),%edx", INSN_MODE_64, 3, { 0x8b, 0x55, 0x10 },
	  FROM, 4, INSN_REG_RDX, false, 4, false, 0, INSN_SEG_SS, 0x610 },
	{ "mov 0x0(%r13),%eax", INSN_MODE_64, 4, { 0x41, 0x8b, 0x45, 0x00 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0xe00 },
	{ "mov %eax,(%rax,%r12,2)", INSN_MODE_64, 4, { 0x42, 0x89, 0x04, 0x60 },
	  TO, 4, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0x1b00 },
	{ "mov %gs:(%rax),%dx", INSN_MODE_64, 4, { 0x65, 0x66, 0x8b, 0x10 },
	  FROM, 2, INSN_REG_RDX, false, 2, false, 0, INSN_SEG_GS, 0x100 },
	{ "movabs 0x44332211,%ax", INSN_MODE_64, 10,
	  { 0x66, 0xa1, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x44332211 },
	/* REX then a legacy prefix: the REX is ignored (objdump: rex.W). */
	{ "rex.W; mov %ax,(%rbx)", INSN_MODE_64, 4, { 0x48, 0x66, 0x89, 0x03 },
	  TO, 2, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0x400 },
	/* 66 then REX.W: REX.W wins. */
	{ "data16 mov %rax,(%rbx)", INSN_MODE_64, 4, { 0x66, 0x48, 0x89, 0x03 },
	  TO, 8, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0x400 },

	/* 32-bit code. */
	{ "mov %eax,0xfee000b0", INSN_MODE_32, 5,
	  { 0xa3, 0xb0, 0x00, 0xe0, 0xfe },
	  TO, 4, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0xfee000b0 },
	{ "mov 0xfee00020,%al", INSN_MODE_32, 5,
	  { 0xa0, 0x20, 0x00, 0xe0, 0xfe },
	  FROM, 1, INSN_REG_RAX, false, 1, false, 0, INSN_SEG_DS, 0xfee00020 },
	{ "movl $0x12345678,0xfec00010", INSN_MODE_32, 10,
	  { 0xc7, 0x05, 0x10, 0x00, 0xc0, 0xfe, 0x78, 0x56, 0x34, 0x12 },
	  TO, 4, INSN_REG_RAX, false, 0, true, 0x12345678, INSN_SEG_DS,
	  0xfec00010 },
	{ "movb $0x1,(%edx)", INSN_MODE_32, 3, { 0xc6, 0x02, 0x01 },
	  TO, 1, INSN_REG_RAX, false, 0, true, 1, INSN_SEG_DS, 0x300 },
	{ "mov 0x10(%ebx,%ecx,4),%eax", INSN_MODE_32, 4,
	  { 0x8b, 0x44, 0x8b, 0x10 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0xc10 },
	{ "movswl 0x2(%edi),%esi", INSN_MODE_32, 4, { 0x0f, 0xbf, 0x77, 0x02 },
	  SX, 2, INSN_REG_RSI, false, 4, false, 0, INSN_SEG_DS, 0x802 },
	{ "mov %ah,(%ebx)", INSN_MODE_32, 2, { 0x88, 0x23 },
	  TO, 1, INSN_REG_RAX, true, 0, false, 0, INSN_SEG_DS, 0x400 },
	{ "mov %cx,(%esi)", INSN_MODE_32, 3, { 0x66, 0x89, 0x0e },
	  TO, 2, INSN_REG_RCX, false, 0, false, 0, INSN_SEG_DS, 0x700 },
	{ "mov %es:(%edi),%eax", INSN_MODE_32, 3, { 0x26, 0x8b, 0x07 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_ES, 0x800 },
	{ "mov -0x4(%esp),%ecx", INSN_MODE_32, 4, { 0x8b, 0x4c, 0x24, 0xfc },
	  FROM, 4, INSN_REG_RCX, false, 4, false, 0, INSN_SEG_SS, 0x4fc },
	{ "mov 0x1234(%bx,%si),%ax", INSN_MODE_32, 6,
	  { 0x67, 0x66, 0x8b, 0x80, 0x34, 0x12 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x1d34 },
	{ "addr16 mov 0x1234,%eax", INSN_MODE_32, 4, { 0x67, 0xa1, 0x34, 0x12 },
	  FROM, 4, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0x1234 },
	{ "movw $0xbeef,0xfee00300", INSN_MODE_32, 9,
	  { 0x66, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0xef, 0xbe },
	  TO, 2, INSN_REG_RAX, false, 0, true, 0xbeef, INSN_SEG_DS,
	  0xfee00300 },

	/* 16-bit code. */
	{ "mov %ax,0xb000", INSN_MODE_16, 3, { 0xa3, 0x00, 0xb0 },
	  TO, 2, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0xb000 },
	{ "mov %eax,0xb000", INSN_MODE_16, 4, { 0x66, 0xa3, 0x00, 0xb0 },
	  TO, 4, INSN_REG_RAX, false, 0, false, 0, INSN_SEG_DS, 0xb000 },
	{ "mov 0x10(%bx,%si),%al", INSN_MODE_16, 3, { 0x8a, 0x40, 0x10 },
	  FROM, 1, INSN_REG_RAX, false, 1, false, 0, INSN_SEG_DS, 0xb10 },
	{ "mov %dx,0x0(%bp)", INSN_MODE_16, 3, { 0x89, 0x56, 0x00 },
	  TO, 2, INSN_REG_RDX, false, 0, false, 0, INSN_SEG_SS, 0x600 },
	{ "mov -0x2(%bp,%di),%cx", INSN_MODE_16, 3, { 0x8b, 0x4b, 0xfe },
	  FROM, 2, INSN_REG_RCX, false, 2, false, 0, INSN_SEG_SS, 0xdfe },
	{ "movb $0x5,(%di)", INSN_MODE_16, 3, { 0xc6, 0x05, 0x05 },
	  TO, 1, INSN_REG_RAX, false, 0, true, 5, INSN_SEG_DS, 0x800 },
	{ "movw $0x1234,0x2(%bx)", INSN_MODE_16, 5,
	  { 0xc7, 0x47, 0x02, 0x34, 0x12 },
	  TO, 2, INSN_REG_RAX, false, 0, true, 0x1234, INSN_SEG_DS, 0x402 },
	{ "movl $0x11223344,(%si)", INSN_MODE_16, 7,
	  { 0x66, 0xc7, 0x04, 0x44, 0x33, 0x22, 0x11 },
	  TO, 4, INSN_REG_RAX, false, 0, true, 0x11223344, INSN_SEG_DS,
	  0x700 },
	{ "mov (%eax),%ebx", INSN_MODE_16, 4, { 0x67, 0x66, 0x8b, 0x18 },
	  FROM, 4, INSN_REG_RBX, false, 4, false, 0, INSN_SEG_DS, 0x100 },
	{ "mov 0x100(%ebx,%ecx,2),%dx", INSN_MODE_16, 8,
	  { 0x67, 0x8b, 0x94, 0x4b, 0x00, 0x01, 0x00, 0x00 },
	  FROM, 2, INSN_REG_RDX, false, 2, false, 0, INSN_SEG_DS, 0x900 },
	{ "movzbw (%bx),%ax", INSN_MODE_16, 3, { 0x0f, 0xb6, 0x07 },
	  ZX, 1, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x400 },
	{ "movzbl (%bx),%eax", INSN_MODE_16, 4, { 0x66, 0x0f, 0xb6, 0x07 },
	  ZX, 1, INSN_REG_RAX, false, 4, false, 0, INSN_SEG_DS, 0x400 },
	{ "mov %ss:(%bx),%ax", INSN_MODE_16, 3, { 0x36, 0x8b, 0x07 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_SS, 0x400 },
	{ "mov %ds:0x0(%bp),%ax", INSN_MODE_16, 4, { 0x3e, 0x8b, 0x46, 0x00 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x600 },
	{ "mov 0x1234,%al", INSN_MODE_16, 3, { 0xa0, 0x34, 0x12 },
	  FROM, 1, INSN_REG_RAX, false, 1, false, 0, INSN_SEG_DS, 0x1234 },
	{ "mov 0x1234(%bp,%di),%ax", INSN_MODE_16, 4,
	  { 0x8b, 0x83, 0x34, 0x12 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_SS, 0x2034 },
	{ "mov 0x1234,%ax (modrm disp16)", INSN_MODE_16, 4,
	  { 0x8b, 0x06, 0x34, 0x12 },
	  FROM, 2, INSN_REG_RAX, false, 2, false, 0, INSN_SEG_DS, 0x1234 },
};

static void fill_regs(u64 regs[INSN_NR_REGS])
{
	for (unsigned i = 0; i < INSN_NR_REGS; i++)
		regs[i] = (i + 1) * 0x100ull;
}

static void test_vectors(void **state)
{
	u64 regs[INSN_NR_REGS];

	fill_regs(regs);
	for (size_t i = 0; i < ARRAY_SIZE(vecs); i++) {
		const struct vec *v = &vecs[i];
		struct insn insn;
		char err[128] = "untouched";
		int r;

		memset(&insn, 0xcc, sizeof(insn));
		r = insn_decode(v->bytes, v->n, v->mode, &insn, err,
				sizeof(err));
		if (r)
			print_error("%s: %s\n", v->text, err);
		assert_int_equal(r, 0);
		assert_string_equal(err, "");
		if (insn.len != v->n || insn.kind != v->kind ||
		    insn.mem_size != v->mem_size ||
		    insn.dst_size != v->dst_size ||
		    insn.has_imm != v->has_imm || insn.seg != v->seg ||
		    (!v->has_imm && (insn.reg != v->reg ||
				     insn.reg_is_high_byte != v->high)) ||
		    (v->has_imm && insn.imm != v->imm) ||
		    insn_mem_ea(&insn, regs, RIP) != v->ea)
			print_error("%s: len %u kind %d mem %u dst %u reg %u%s "
				    "imm %d/%llx seg %u ea %llx\n", v->text,
				    insn.len, insn.kind, insn.mem_size,
				    insn.dst_size, insn.reg,
				    insn.reg_is_high_byte ? "h" : "",
				    insn.has_imm,
				    (unsigned long long)insn.imm, insn.seg,
				    (unsigned long long)insn_mem_ea(&insn, regs,
								    RIP));
		assert_int_equal(insn.len, v->n);
		assert_int_equal(insn.kind, v->kind);
		assert_int_equal(insn.mem_size, v->mem_size);
		assert_int_equal(insn.dst_size, v->dst_size);
		assert_int_equal(insn.has_imm, v->has_imm);
		if (v->has_imm)
			assert_int_equal(insn.imm, v->imm);
		else {
			assert_int_equal(insn.reg, v->reg);
			assert_int_equal(insn.reg_is_high_byte, v->high);
		}
		assert_int_equal(insn.seg, v->seg);
		assert_int_equal(insn_mem_ea(&insn, regs, RIP), v->ea);
	}
}

/* Every prefix of a valid encoding is refused as truncated; extra bytes
 * after it are not consumed. */
static void test_truncated_and_trailing(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(vecs); i++) {
		const struct vec *v = &vecs[i];
		u8 buf[INSN_MAX_LEN + 4];
		struct insn insn;
		char err[128];

		for (unsigned avail = 0; avail < v->n; avail++) {
			err[0] = '\0';
			assert_int_equal(insn_decode(v->bytes, avail, v->mode,
						     &insn, err, sizeof(err)),
					 -EFAULT);
			assert_non_null(strstr(err, "truncated"));
		}
		/* Followed by NOPs, with more than 15 bytes offered. */
		memset(buf, 0x90, sizeof(buf));
		memcpy(buf, v->bytes, v->n);
		assert_int_equal(insn_decode(buf, sizeof(buf), v->mode, &insn,
					     NULL, 0), 0);
		assert_int_equal(insn.len, v->n);
	}
}

static void test_details(void **state)
{
	struct insn insn;
	/* mov 0x10(%rbx,%rcx,4),%r9d */
	static const u8 sib[] = { 0x44, 0x8b, 0x4c, 0x8b, 0x10 };
	/* mov %fs:0x28,%rax */
	static const u8 fs[] = { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0 };
	/* mov 0x100(%rip),%ecx */
	static const u8 rip[] = { 0x8b, 0x0d, 0x00, 0x01, 0x00, 0x00 };
	/* movzbl (%rax),%eax */
	static const u8 movzx[] = { 0x0f, 0xb6, 0x00 };

	assert_int_equal(insn_decode(sib, sizeof(sib), INSN_MODE_64, &insn,
				     NULL, 0), 0);
	assert_int_equal(insn.opcode, 0x8b);
	assert_false(insn.two_byte);
	assert_int_equal(insn.rex, 0x44);
	assert_int_equal(insn.op_size, 4);
	assert_int_equal(insn.addr_size, 8);
	assert_true(insn.mem.has_base);
	assert_int_equal(insn.mem.base, INSN_REG_RBX);
	assert_true(insn.mem.has_index);
	assert_int_equal(insn.mem.index, INSN_REG_RCX);
	assert_int_equal(insn.mem.scale, 4);
	assert_int_equal(insn.mem.disp, 0x10);
	assert_false(insn.mem.rip_relative);
	assert_int_equal(insn.seg_override, INSN_SEG_NONE);

	assert_int_equal(insn_decode(fs, sizeof(fs), INSN_MODE_64, &insn,
				     NULL, 0), 0);
	assert_false(insn.mem.has_base);
	assert_false(insn.mem.has_index);
	assert_int_equal(insn.seg_override, INSN_SEG_FS);
	assert_int_equal(insn.op_size, 8);

	assert_int_equal(insn_decode(rip, sizeof(rip), INSN_MODE_64, &insn,
				     NULL, 0), 0);
	assert_true(insn.mem.rip_relative);
	/* The same bytes in 32-bit code are an absolute disp32. */
	assert_int_equal(insn_decode(rip, sizeof(rip), INSN_MODE_32, &insn,
				     NULL, 0), 0);
	assert_false(insn.mem.rip_relative);
	assert_false(insn.mem.has_base);
	assert_int_equal(insn.mem.disp, 0x100);

	assert_int_equal(insn_decode(movzx, sizeof(movzx), INSN_MODE_64,
				     &insn, NULL, 0), 0);
	assert_true(insn.two_byte);
	assert_int_equal(insn.opcode, 0xb6);
}

static void test_ea_truncation(void **state)
{
	u64 regs[INSN_NR_REGS] = { 0 };
	struct insn insn;
	/* 16-bit: mov -0x2(%bp,%di),%cx with BP=0, DI=1 wraps to 0xffff. */
	static const u8 wrap16[] = { 0x8b, 0x4b, 0xfe };
	/* 64-bit, 67 prefix: mov (%ebx),%eax ignores RBX[63:32]. */
	static const u8 a32[] = { 0x67, 0x8b, 0x03 };
	/* Without it the full RBX counts. */
	static const u8 a64[] = { 0x8b, 0x03 };
	/* 64-bit with 67: EIP-relative wraps at 4 GiB. */
	static const u8 eiprel[] = { 0x67, 0x8b, 0x0d, 0x10, 0x00, 0x00, 0x00 };

	regs[INSN_REG_RDI] = 1;
	assert_int_equal(insn_decode(wrap16, sizeof(wrap16), INSN_MODE_16,
				     &insn, NULL, 0), 0);
	assert_int_equal(insn_mem_ea(&insn, regs, 0), 0xffff);

	regs[INSN_REG_RBX] = 0xffffffff00001000ull;
	assert_int_equal(insn_decode(a32, sizeof(a32), INSN_MODE_64, &insn,
				     NULL, 0), 0);
	assert_int_equal(insn.addr_size, 4);
	assert_int_equal(insn_mem_ea(&insn, regs, 0), 0x1000);
	assert_int_equal(insn_decode(a64, sizeof(a64), INSN_MODE_64, &insn,
				     NULL, 0), 0);
	assert_int_equal(insn_mem_ea(&insn, regs, 0), 0xffffffff00001000ull);

	assert_int_equal(insn_decode(eiprel, sizeof(eiprel), INSN_MODE_64,
				     &insn, NULL, 0), 0);
	assert_true(insn.mem.rip_relative);
	assert_int_equal(insn_mem_ea(&insn, regs, 0xfffffff0ull), 0x7);
}

struct bad {
	const char *text;
	enum insn_mode mode;
	u8 n;
	u8 bytes[INSN_MAX_LEN + 1];
	int err;
	const char *msg;
};

static const struct bad bads[] = {
	{ "ud2", INSN_MODE_64, 2, { 0x0f, 0x0b }, -EOPNOTSUPP,
	  "unsupported instruction 0f 0b at byte 0" },
	{ "add %ax,(%bx) (data16)", INSN_MODE_64, 3, { 0x66, 0x01, 0x03 },
	  -EOPNOTSUPP, "unsupported instruction 01 at byte 1" },
	{ "movnti %eax,(%rbx)", INSN_MODE_64, 3, { 0x0f, 0xc3, 0x03 },
	  -EOPNOTSUPP, "unsupported instruction 0f c3 at byte 0" },
	{ "inc %esp (REX byte outside 64-bit mode)", INSN_MODE_32, 5,
	  { 0x44, 0x8b, 0x4c, 0x8b, 0x10 },
	  -EOPNOTSUPP, "unsupported instruction 44 at byte 0" },
	{ "lock mov %eax,(%rbx)", INSN_MODE_64, 3, { 0xf0, 0x89, 0x03 },
	  -EINVAL, "lock prefix on mov 89 at byte 1 (#UD)" },
	{ "rep movsl", INSN_MODE_32, 2, { 0xf3, 0xa5 },
	  -EOPNOTSUPP, "unsupported prefix f3 at byte 0" },
	{ "repne (after 66)", INSN_MODE_32, 4, { 0x66, 0xf2, 0x89, 0x03 },
	  -EOPNOTSUPP, "unsupported prefix f2 at byte 1" },
	{ "mov %eax,%ebx", INSN_MODE_32, 2, { 0x89, 0xc3 },
	  -EOPNOTSUPP,
	  "instruction 89 at byte 0 has no memory operand (modrm c3)" },
	{ "movzbl %al,%eax", INSN_MODE_64, 3, { 0x0f, 0xb6, 0xc0 },
	  -EOPNOTSUPP,
	  "instruction 0f b6 at byte 0 has no memory operand (modrm c0)" },
	{ "xbegin", INSN_MODE_64, 6, { 0xc7, 0xf8, 0, 0, 0, 0 },
	  -EOPNOTSUPP, "unsupported instruction c7 /7 at byte 0" },
	{ "c6 /1 (memory form)", INSN_MODE_32, 3, { 0xc6, 0x08, 0x01 },
	  -EOPNOTSUPP, "unsupported instruction c6 /1 at byte 0" },
	{ "16 bytes: 14 x 66, mov %ax,(%bx)", INSN_MODE_32, 16,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x89, 0x03 },
	  -EINVAL, "instruction longer than 15 bytes" },
	{ "16 bytes: 15 prefixes, fetched 16", INSN_MODE_64, 16,
	  { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	    0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x89 },
	  -EINVAL, "instruction longer than 15 bytes" },
	{ "truncated disp32", INSN_MODE_32, 4, { 0x8b, 0x05, 0x00, 0x10 },
	  -EFAULT, "instruction truncated: needs byte 5, only 4 fetched" },
	{ "nothing fetched", INSN_MODE_64, 0, { 0 },
	  -EFAULT, "instruction truncated: needs byte 0, only 0 fetched" },
};

static void test_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		const struct bad *b = &bads[i];
		struct insn insn;
		char err[128] = "";
		int r;

		memset(&insn, 0x5a, sizeof(insn));
		r = insn_decode(b->bytes, b->n, b->mode, &insn, err,
				sizeof(err));
		if (r != b->err || strcmp(err, b->msg))
			print_error("%s: %d '%s'\n", b->text, r, err);
		assert_int_equal(r, b->err);
		assert_string_equal(err, b->msg);
		/* Without a message buffer the result is the same. */
		assert_int_equal(insn_decode(b->bytes, b->n, b->mode, &insn,
					     NULL, 0), b->err);
		/* A short buffer is truncated, not overrun. */
		memset(err, 'x', sizeof(err));
		insn_decode(b->bytes, b->n, b->mode, &insn, err, 8);
		assert_int_equal(strlen(err), 7);
	}
}

static void test_fifteen_bytes_ok(void **state)
{
	/* 13 x 66 + mov %ax,(%ebx) in 32-bit code: exactly 15 bytes. */
	u8 b[INSN_MAX_LEN];
	struct insn insn;

	memset(b, 0x66, sizeof(b));
	b[13] = 0x89;
	b[14] = 0x03;
	assert_int_equal(insn_decode(b, sizeof(b), INSN_MODE_32, &insn, NULL,
				     0), 0);
	assert_int_equal(insn.len, INSN_MAX_LEN);
	assert_int_equal(insn.mem_size, 2);
}

static struct insn decode_ok(const u8 *b, unsigned n, enum insn_mode mode)
{
	struct insn insn;
	char err[128];

	if (insn_decode(b, n, mode, &insn, err, sizeof(err)))
		fail_msg("%s", err);
	return insn;
}

#define DECODE(mode, ...) ({ \
	static const u8 _b[] = { __VA_ARGS__ }; \
	decode_ok(_b, sizeof(_b), mode); \
})

static void test_reg_merge(void **state)
{
	const u64 old = 0x1122334455667788ull;
	struct insn i;

	/* mov (%rax),%al: 8a 00 */
	i = DECODE(INSN_MODE_64, 0x8a, 0x00);
	assert_int_equal(insn_reg_merge(old, 0xab, &i), 0x11223344556677abull);
	/* Only the low byte of the value counts. */
	assert_int_equal(insn_reg_merge(old, 0xffab, &i),
			 0x11223344556677abull);
	/* mov (%rax),%bh */
	i = DECODE(INSN_MODE_64, 0x8a, 0x38);
	assert_int_equal(insn_reg_merge(old, 0xab, &i), 0x112233445566ab88ull);
	/* mov %gs:(%rax),%dx */
	i = DECODE(INSN_MODE_64, 0x65, 0x66, 0x8b, 0x10);
	assert_int_equal(insn_reg_merge(old, 0xabcd, &i),
			 0x112233445566abcdull);
	/* 32-bit load zero-extends. */
	i = DECODE(INSN_MODE_64, 0x8b, 0x03);
	assert_int_equal(insn_reg_merge(old, 0xdeadbeef, &i), 0xdeadbeefull);
	i = DECODE(INSN_MODE_32, 0x8b, 0x03);
	assert_int_equal(insn_reg_merge(old, 0xdeadbeef, &i), 0xdeadbeefull);
	/* 16-bit code, 16-bit load: merges. */
	i = DECODE(INSN_MODE_16, 0x8b, 0x07);
	assert_int_equal(insn_reg_merge(old, 0x1234, &i),
			 0x1122334455661234ull);
	/* 64-bit load. */
	i = DECODE(INSN_MODE_64, 0x48, 0x8b, 0x03);
	assert_int_equal(insn_reg_merge(old, 0x8000000000000001ull, &i),
			 0x8000000000000001ull);
	/* movzbl (%rax),%eax */
	i = DECODE(INSN_MODE_64, 0x0f, 0xb6, 0x00);
	assert_int_equal(insn_reg_merge(old, 0xff, &i), 0xffull);
	/* movzbw (%rdx),%cx: zero-extended to 16, merged. */
	i = DECODE(INSN_MODE_64, 0x66, 0x0f, 0xb6, 0x0a);
	assert_int_equal(insn_reg_merge(old, 0x80, &i), 0x1122334455660080ull);
	/* movsbw (%rcx),%ax */
	i = DECODE(INSN_MODE_64, 0x66, 0x0f, 0xbe, 0x01);
	assert_int_equal(insn_reg_merge(old, 0x80, &i), 0x112233445566ff80ull);
	/* movsbl: sign-extended to 32, then bits 63:32 cleared. */
	i = DECODE(INSN_MODE_64, 0x0f, 0xbe, 0x01);
	assert_int_equal(insn_reg_merge(old, 0x80, &i), 0xffffff80ull);
	assert_int_equal(insn_reg_merge(old, 0x7f, &i), 0x7full);
	/* movswq 2(%rdi),%rsi */
	i = DECODE(INSN_MODE_64, 0x48, 0x0f, 0xbf, 0x77, 0x02);
	assert_int_equal(insn_reg_merge(old, 0x8000, &i),
			 0xffffffffffff8000ull);
	/* movzwl (%rsi),%edx ignores bits above the 16 read. */
	i = DECODE(INSN_MODE_64, 0x0f, 0xb7, 0x16);
	assert_int_equal(insn_reg_merge(old, 0x12348000, &i), 0x8000ull);
	/* A store leaves the register alone. */
	i = DECODE(INSN_MODE_64, 0x89, 0x03);
	assert_int_equal(insn_reg_merge(old, 0, &i), old);
}

static void test_store_value(void **state)
{
	u64 regs[INSN_NR_REGS];
	struct insn i;

	for (unsigned r = 0; r < INSN_NR_REGS; r++)
		regs[r] = 0x0102030405060708ull + r * 0x1010101010101010ull;

	/* mov %ah,(%rbx) */
	i = DECODE(INSN_MODE_64, 0x88, 0x23);
	assert_int_equal(insn_store_value(regs, &i), 0x07);
	/* mov %sil,(%rax) */
	i = DECODE(INSN_MODE_64, 0x40, 0x88, 0x30);
	assert_int_equal(insn_store_value(regs, &i), regs[INSN_REG_RSI] & 0xff);
	/* mov %cx,(%esi) */
	i = DECODE(INSN_MODE_32, 0x66, 0x89, 0x0e);
	assert_int_equal(insn_store_value(regs, &i),
			 regs[INSN_REG_RCX] & 0xffff);
	/* mov %eax,0xfee000b0 */
	i = DECODE(INSN_MODE_32, 0xa3, 0xb0, 0x00, 0xe0, 0xfe);
	assert_int_equal(insn_store_value(regs, &i),
			 regs[INSN_REG_RAX] & 0xffffffff);
	/* mov %r8,-0x80(%rsp) */
	i = DECODE(INSN_MODE_64, 0x4c, 0x89, 0x44, 0x24, 0x80);
	assert_int_equal(insn_store_value(regs, &i), regs[INSN_REG_R8]);
	/* movq $-2,0x8(%r13): imm32 sign-extended. */
	i = DECODE(INSN_MODE_64, 0x49, 0xc7, 0x45, 0x08, 0xfe, 0xff, 0xff,
		   0xff);
	assert_int_equal(insn_store_value(regs, &i), 0xfffffffffffffffeull);
	/* movl $0x80000000,(%rax): no extension beyond 32 bits. */
	i = DECODE(INSN_MODE_64, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
	assert_int_equal(insn_store_value(regs, &i), 0x80000000ull);
	/* movb $0xff,(%rax) */
	i = DECODE(INSN_MODE_64, 0xc6, 0x00, 0xff);
	assert_int_equal(insn_store_value(regs, &i), 0xff);
	/* A load stores nothing. */
	i = DECODE(INSN_MODE_64, 0x8b, 0x03);
	assert_int_equal(insn_store_value(regs, &i), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_ea_truncation),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_fifteen_bytes_ok),
		cmocka_unit_test(test_reg_merge),
		cmocka_unit_test(test_store_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
