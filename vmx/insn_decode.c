/* SPDX-License-Identifier: MIT */
/*
 * MMIO instruction decoder (see insn_decode.h).  The byte layout is SDM
 * Vol. 2A, Instruction Format: legacy prefixes, REX (64-bit mode only),
 * opcode, ModR/M, SIB, displacement, immediate.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vmx/insn_decode.h"

/* Legacy prefixes (SDM Vol. 2A, Instruction Prefixes). */
#define PFX_OPSIZE		0x66
#define PFX_ADDRSIZE		0x67
#define PFX_ES			0x26
#define PFX_CS			0x2e
#define PFX_SS			0x36
#define PFX_DS			0x3e
#define PFX_FS			0x64
#define PFX_GS			0x65
#define PFX_LOCK		0xf0
#define PFX_REPNE		0xf2
#define PFX_REP			0xf3

/* REX prefix 0100WRXB (SDM Vol. 2A, REX Prefixes). */
#define REX_MASK		0xf0
#define REX_PREFIX		0x40
#define REX_W			BIT(3)	/* 64-bit operand size */
#define REX_R			BIT(2)	/* extends ModRM.reg */
#define REX_X			BIT(1)	/* extends SIB.index */
#define REX_B			BIT(0)	/* extends ModRM.rm / SIB.base */
#define REX_EXT_SHIFT		3	/* the REX bit becomes register bit 3 */

/* Opcodes. */
#define OP_TWO_BYTE		0x0f
#define OP_MOV_RM8_R8		0x88
#define OP_MOV_RM_R		0x89
#define OP_MOV_R8_RM8		0x8a
#define OP_MOV_R_RM		0x8b
#define OP_MOV_AL_MOFFS		0xa0
#define OP_MOV_AX_MOFFS		0xa1
#define OP_MOV_MOFFS_AL		0xa2
#define OP_MOV_MOFFS_AX		0xa3
#define OP_MOV_RM8_IMM8		0xc6	/* group 11, /0 */
#define OP_MOV_RM_IMM		0xc7	/* group 11, /0 */
#define OP2_MOVZX_R_RM8		0xb6
#define OP2_MOVZX_R_RM16	0xb7
#define OP2_MOVSX_R_RM8		0xbe
#define OP2_MOVSX_R_RM16	0xbf
#define GRP11_MOV		0	/* ModRM.reg selecting MOV in C6/C7 */

/* ModR/M and SIB fields. */
#define MODRM_MOD(b)		((b) >> 6)
#define MODRM_REG(b)		(((b) >> 3) & 7)
#define MODRM_RM(b)		((b) & 7)
#define SIB_SCALE(b)		((b) >> 6)
#define SIB_INDEX(b)		(((b) >> 3) & 7)
#define SIB_BASE(b)		((b) & 7)
#define MOD_NO_DISP		0
#define MOD_DISP8		1
#define MOD_DISP_FULL		2	/* disp16 or disp32 */
#define MOD_REGISTER		3
#define RM_SIB			4	/* 32/64-bit: a SIB byte follows */
#define RM_DISP32		5	/* 32/64-bit, mod 00: disp32 or RIP */
#define SIB_NO_INDEX		4	/* index 100 (without REX.X): none */
#define SIB_BASE_DISP32		5	/* base 101, mod 00: disp32, no base */
#define RM16_DISP16		6	/* 16-bit with mod 00: disp16 only */

/* C6/C7 immediates are at most 32 bits, sign-extended for 64-bit stores. */
#define IMM_MAX_SIZE		4u

/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
#define HIGH_BYTE_FIRST		4
#define HIGH_BYTE_SHIFT		8

struct decoder {
	const u8 *bytes;
	unsigned avail;
	unsigned pos;
	char *err;
	size_t errlen;
};

static __printf(2, 3) void set_err(struct decoder *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->err || !d->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
}

/* Make sure @n more bytes are there, within INSN_MAX_LEN and @avail. */
static int need(struct decoder *d, unsigned n)
{
	if (d->pos + n > INSN_MAX_LEN) {
		set_err(d, "instruction longer than %u bytes", INSN_MAX_LEN);
		return -EINVAL;
	}
	if (d->pos + n > d->avail) {
		set_err(d,
			"instruction truncated: needs byte %u, only %u fetched",
			d->pos + n - 1, d->avail);
		return -EFAULT;
	}
	return 0;
}

/* Little-endian @n-byte field at the current position. */
static int fetch(struct decoder *d, unsigned n, u64 *v)
{
	int r = need(d, n);
	unsigned i;

	if (r)
		return r;
	*v = 0;
	for (i = 0; i < n; i++)
		*v |= (u64)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

static int fetch_u8(struct decoder *d, u8 *b)
{
	u64 v = 0;
	int r = fetch(d, 1, &v);

	*b = v;
	return r;
}

static s64 sign_extend(u64 v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;

	return (s64)(v << shift) >> shift;
}

static u64 size_mask(unsigned bytes)
{
	return bytes >= sizeof(u64) ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static void format_opcode(char *buf, size_t len, const struct insn *insn)
{
	if (insn->two_byte)
		snprintf(buf, len, "%02x %02x", OP_TWO_BYTE, insn->opcode);
	else
		snprintf(buf, len, "%02x", insn->opcode);
}

/*
 * 16-bit ModR/M addressing (SDM Vol. 2A, 16-Bit Addressing Forms with the
 * ModR/M Byte): r/m picks one of eight base/index pairs, no SIB.
 */
static const struct {
	u8 base;
	s8 index;	/* -1: none */
} rm16_forms[8] = {
	{ INSN_REG_RBX, INSN_REG_RSI },	/* [BX+SI] */
	{ INSN_REG_RBX, INSN_REG_RDI },	/* [BX+DI] */
	{ INSN_REG_RBP, INSN_REG_RSI },	/* [BP+SI] */
	{ INSN_REG_RBP, INSN_REG_RDI },	/* [BP+DI] */
	{ INSN_REG_RSI, -1 },		/* [SI] */
	{ INSN_REG_RDI, -1 },		/* [DI] */
	{ INSN_REG_RBP, -1 },		/* [BP], or disp16 with mod 00 */
	{ INSN_REG_RBX, -1 },		/* [BX] */
};

static int decode_modrm16(struct decoder *d, struct insn *insn, u8 modrm)
{
	unsigned mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	u64 disp = 0;
	int r = 0;

	insn->mem.scale = 1;
	if (mod == MOD_NO_DISP && rm == RM16_DISP16) {
		r = fetch(d, 2, &disp);
		insn->mem.disp = sign_extend(disp, 2);
		return r;
	}
	insn->mem.has_base = true;
	insn->mem.base = rm16_forms[rm].base;
	if (rm16_forms[rm].index >= 0) {
		insn->mem.has_index = true;
		insn->mem.index = rm16_forms[rm].index;
	}
	/*
	 * BP-based forms default to SS (SDM Vol. 1, Default Segment
	 * Selection Rules).
	 */
	if (insn->mem.base == INSN_REG_RBP)
		insn->seg = INSN_SEG_SS;
	if (mod == MOD_DISP8) {
		r = fetch(d, 1, &disp);
		insn->mem.disp = sign_extend(disp, 1);
	} else if (mod == MOD_DISP_FULL) {
		r = fetch(d, 2, &disp);
		insn->mem.disp = sign_extend(disp, 2);
	}
	return r;
}

/*
 * 32/64-bit ModR/M addressing (SDM Vol. 2A, 32-Bit Addressing Forms with
 * the ModR/M Byte and with the SIB Byte; REX Prefixes, Special Cases of
 * REX Encodings: r/m 100 and 101 keep their meaning whatever REX.B says).
 */
static int decode_modrm32(struct decoder *d, struct insn *insn, u8 modrm,
			  enum insn_mode mode)
{
	unsigned mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	unsigned rex_b = insn->rex & REX_B ? BIT(REX_EXT_SHIFT) : 0;
	unsigned rex_x = insn->rex & REX_X ? BIT(REX_EXT_SHIFT) : 0;
	bool disp32_only = false;
	u64 disp = 0;
	int r;

	insn->mem.scale = 1;
	if (rm == RM_SIB) {
		u8 sib;

		r = fetch_u8(d, &sib);
		if (r)
			return r;
		insn->mem.scale = 1u << SIB_SCALE(sib);
		if ((SIB_INDEX(sib) | rex_x) != SIB_NO_INDEX) {
			insn->mem.has_index = true;
			insn->mem.index = SIB_INDEX(sib) | rex_x;
		}
		if (mod == MOD_NO_DISP && SIB_BASE(sib) == SIB_BASE_DISP32) {
			disp32_only = true;
		} else {
			insn->mem.has_base = true;
			insn->mem.base = SIB_BASE(sib) | rex_b;
		}
	} else if (mod == MOD_NO_DISP && rm == RM_DISP32) {
		disp32_only = true;
		/* In 64-bit mode this form is RIP-relative, not absolute. */
		insn->mem.rip_relative = mode == INSN_MODE_64;
	} else {
		insn->mem.has_base = true;
		insn->mem.base = rm | rex_b;
	}

	/* ESP/EBP-based addresses default to SS. */
	if (insn->mem.has_base && (insn->mem.base == INSN_REG_RSP ||
				   insn->mem.base == INSN_REG_RBP))
		insn->seg = INSN_SEG_SS;

	if (mod == MOD_DISP8) {
		r = fetch(d, 1, &disp);
		insn->mem.disp = sign_extend(disp, 1);
	} else if (mod == MOD_DISP_FULL || disp32_only) {
		r = fetch(d, 4, &disp);
		insn->mem.disp = sign_extend(disp, 4);
	} else {
		r = 0;
	}
	return r;
}

/*
 * ModR/M instruction: the reg field names the register operand (extended
 * by REX.R) and r/m must be memory, since only a memory access can cause
 * the exit being emulated.
 */
static int decode_modrm(struct decoder *d, struct insn *insn, u8 modrm,
			enum insn_mode mode, unsigned op_start)
{
	char op[8];

	if (MODRM_MOD(modrm) == MOD_REGISTER) {
		format_opcode(op, sizeof(op), insn);
		set_err(d,
			"instruction %s at byte %u has no memory operand (modrm %02x)",
			op, op_start, modrm);
		return -EOPNOTSUPP;
	}
	insn->reg = MODRM_REG(modrm) |
		    (insn->rex & REX_R ? BIT(REX_EXT_SHIFT) : 0);
	if (insn->addr_size == 2)
		return decode_modrm16(d, insn, modrm);
	return decode_modrm32(d, insn, modrm, mode);
}

static u8 seg_of_prefix(u8 b)
{
	switch (b) {
	case PFX_ES:
		return INSN_SEG_ES;
	case PFX_CS:
		return INSN_SEG_CS;
	case PFX_SS:
		return INSN_SEG_SS;
	case PFX_DS:
		return INSN_SEG_DS;
	case PFX_FS:
		return INSN_SEG_FS;
	case PFX_GS:
		return INSN_SEG_GS;
	}
	return INSN_SEG_NONE;
}

int insn_decode(const u8 *bytes, unsigned avail, enum insn_mode mode,
		struct insn *out, char *err, size_t errlen)
{
	struct decoder d = {
		.bytes = bytes,
		.avail = MIN(avail, (unsigned)INSN_MAX_LEN),
		.err = err,
		.errlen = errlen,
	};
	struct insn insn = {
		.seg_override = INSN_SEG_NONE,
		.seg = INSN_SEG_DS,
	};
	bool opsize_prefix = false, addrsize_prefix = false, lock = false;
	bool byte_op = false, has_modrm = true, high_byte_reg = false;
	unsigned op_start, imm_size;
	char op[8];
	u8 b, modrm = 0;
	int r;

	if (err && errlen)
		err[0] = '\0';

	/*
	 * Prefixes.  A REX prefix counts only right before the opcode: a
	 * legacy prefix after it makes it ignored (SDM Vol. 2A, REX Prefixes).
	 */
	for (;;) {
		u8 seg;

		r = need(&d, 1);
		if (r)
			return r;
		b = bytes[d.pos];
		seg = seg_of_prefix(b);
		if (mode == INSN_MODE_64 && (b & REX_MASK) == REX_PREFIX) {
			insn.rex = b;
			d.pos++;
			continue;
		}
		if (b == PFX_OPSIZE) {
			opsize_prefix = true;
		} else if (b == PFX_ADDRSIZE) {
			addrsize_prefix = true;
		} else if (b == PFX_LOCK) {
			lock = true;
		} else if (seg != INSN_SEG_NONE) {
			insn.seg_override = seg; /* the last one wins */
		} else if (b == PFX_REP || b == PFX_REPNE) {
			set_err(&d, "unsupported prefix %02x at byte %u", b,
				d.pos);
			return -EOPNOTSUPP;
		} else {
			break;
		}
		insn.rex = 0;
		d.pos++;
	}

	/*
	 * Operand and address size (SDM Vol. 2A, Operand-Size and
	 * Address-Size Attributes).
	 */
	if (mode == INSN_MODE_16) {
		insn.op_size = opsize_prefix ? 4 : 2;
		insn.addr_size = addrsize_prefix ? 4 : 2;
	} else {
		insn.op_size = opsize_prefix ? 2 : 4;
		if (mode == INSN_MODE_64) {
			if (insn.rex & REX_W)
				insn.op_size = 8;	/* REX.W beats 66 */
			insn.addr_size = addrsize_prefix ? 4 : 8;
		} else {
			insn.addr_size = addrsize_prefix ? 2 : 4;
		}
	}

	op_start = d.pos;
	r = fetch_u8(&d, &b);
	if (r)
		return r;
	if (b == OP_TWO_BYTE) {
		insn.two_byte = true;
		r = fetch_u8(&d, &b);
		if (r)
			return r;
	}
	insn.opcode = b;
	insn.reg = INSN_REG_RAX;

	if (!insn.two_byte) {
		switch (b) {
		case OP_MOV_RM8_R8:
			byte_op = high_byte_reg = true;
			/* fall through */
		case OP_MOV_RM_R:
			insn.kind = INSN_MOV_TO_MEM;
			break;
		case OP_MOV_R8_RM8:
			byte_op = high_byte_reg = true;
			/* fall through */
		case OP_MOV_R_RM:
			insn.kind = INSN_MOV_FROM_MEM;
			break;
		case OP_MOV_RM8_IMM8:
			byte_op = true;
			/* fall through */
		case OP_MOV_RM_IMM:
			insn.kind = INSN_MOV_TO_MEM;
			insn.has_imm = true;
			break;
		case OP_MOV_AL_MOFFS:
			byte_op = true;
			/* fall through */
		case OP_MOV_AX_MOFFS:
			insn.kind = INSN_MOV_FROM_MEM;
			has_modrm = false;
			break;
		case OP_MOV_MOFFS_AL:
			byte_op = true;
			/* fall through */
		case OP_MOV_MOFFS_AX:
			insn.kind = INSN_MOV_TO_MEM;
			has_modrm = false;
			break;
		default:
			goto unsupported;
		}
		insn.mem_size = byte_op ? 1 : insn.op_size;
	} else {
		switch (b) {
		case OP2_MOVZX_R_RM8:
		case OP2_MOVZX_R_RM16:
			insn.kind = INSN_MOVZX;
			break;
		case OP2_MOVSX_R_RM8:
		case OP2_MOVSX_R_RM16:
			insn.kind = INSN_MOVSX;
			break;
		default:
			goto unsupported;
		}
		insn.mem_size = (b == OP2_MOVZX_R_RM8 ||
				 b == OP2_MOVSX_R_RM8) ? 1 : 2;
	}

	if (has_modrm) {
		r = fetch_u8(&d, &modrm);
		if (r)
			return r;
		/*
		 * C6/C7 are opcode group 11: only /0 is MOV (C6 F8 and
		 * C7 F8 are XABORT and XBEGIN).
		 */
		if (insn.has_imm && MODRM_REG(modrm) != GRP11_MOV) {
			set_err(&d,
				"unsupported instruction %02x /%u at byte %u",
				b, MODRM_REG(modrm), op_start);
			return -EOPNOTSUPP;
		}
		r = decode_modrm(&d, &insn, modrm, mode, op_start);
		if (r)
			return r;
		if (insn.has_imm)
			insn.reg = INSN_REG_RAX; /* no register operand */
	} else {
		u64 moffs;

		/* moffs: an address-size offset, no ModR/M. */
		r = fetch(&d, insn.addr_size, &moffs);
		if (r)
			return r;
		insn.mem.disp = (s64)moffs;
		insn.mem.scale = 1;
	}

	/* AH..BH: byte registers 4-7 without any REX prefix. */
	if (high_byte_reg && !insn.rex && insn.reg >= HIGH_BYTE_FIRST) {
		insn.reg -= HIGH_BYTE_FIRST;
		insn.reg_is_high_byte = true;
	}

	if (insn.has_imm) {
		u64 imm;

		/* imm8, imm16, or imm32 (sign-extended for 64-bit operands). */
		imm_size = MIN(insn.mem_size, IMM_MAX_SIZE);
		r = fetch(&d, imm_size, &imm);
		if (r)
			return r;
		insn.imm = (u64)sign_extend(imm, imm_size) &
			   size_mask(insn.mem_size);
	}

	switch (insn.kind) {
	case INSN_MOV_TO_MEM:
		insn.dst_size = 0;
		break;
	case INSN_MOV_FROM_MEM:
		insn.dst_size = insn.mem_size;
		break;
	case INSN_MOVZX:
	case INSN_MOVSX:
		insn.dst_size = insn.op_size;
		break;
	}

	if (insn.seg_override != INSN_SEG_NONE)
		insn.seg = insn.seg_override;

	/*
	 * LOCK is only legal on some read-modify-write instructions, not
	 * on MOV (SDM Vol. 2A, LOCK—Assert LOCK# Signal Prefix).
	 */
	if (lock) {
		format_opcode(op, sizeof(op), &insn);
		set_err(&d, "lock prefix on mov %s at byte %u (#UD)", op,
			op_start);
		return -EINVAL;
	}

	insn.len = d.pos;
	*out = insn;
	return 0;

unsupported:
	format_opcode(op, sizeof(op), &insn);
	set_err(&d, "unsupported instruction %s at byte %u", op, op_start);
	return -EOPNOTSUPP;
}

u64 insn_mem_ea(const struct insn *insn, const u64 regs[INSN_NR_REGS],
		u64 rip)
{
	u64 ea = (u64)insn->mem.disp;

	if (insn->mem.rip_relative)
		ea += rip + insn->len;
	if (insn->mem.has_base)
		ea += regs[insn->mem.base];
	if (insn->mem.has_index)
		ea += regs[insn->mem.index] * insn->mem.scale;
	return ea & size_mask(insn->addr_size);
}

/* Write the low @size bytes of @value into @old as an x86 register write. */
static u64 reg_write(u64 old, u64 value, unsigned size, bool high_byte)
{
	u64 mask;

	if (high_byte) {
		mask = size_mask(1) << HIGH_BYTE_SHIFT;
		return (old & ~mask) | ((value << HIGH_BYTE_SHIFT) & mask);
	}
	/* 32-bit writes zero-extend; 8- and 16-bit writes merge. */
	if (size >= 4)
		return value & size_mask(size);
	mask = size_mask(size);
	return (old & ~mask) | (value & mask);
}

u64 insn_reg_merge(u64 old_reg, u64 value, const struct insn *insn)
{
	u64 v = value & size_mask(insn->mem_size);

	switch (insn->kind) {
	case INSN_MOV_TO_MEM:
		return old_reg;
	case INSN_MOVSX:
		v = (u64)sign_extend(v, insn->mem_size);
		break;
	case INSN_MOV_FROM_MEM:
	case INSN_MOVZX:
		break;
	}
	return reg_write(old_reg, v, insn->dst_size, insn->reg_is_high_byte);
}

u64 insn_store_value(const u64 regs[INSN_NR_REGS], const struct insn *insn)
{
	if (insn->kind != INSN_MOV_TO_MEM)
		return 0;
	if (insn->has_imm)
		return insn->imm;
	if (insn->reg_is_high_byte)
		return (regs[insn->reg] >> HIGH_BYTE_SHIFT) & size_mask(1);
	return regs[insn->reg] & size_mask(insn->mem_size);
}
