/* SPDX-License-Identifier: MIT */
/*
 * Decoder for the few x86 instructions that touch memory-mapped device
 * registers.
 *
 * An EPT violation on MMIO gives the guest-physical address of the access
 * but neither its size, nor the register involved, nor the instruction
 * length (the VM-exit instruction-length field is only defined for exits
 * caused by instructions, SDM Vol. 3C, VM-Exit Instruction Length).  The
 * hypervisor therefore fetches the bytes at CS:RIP and decodes them here.
 * Only the MOV family that compilers emit for volatile device accesses is
 * accepted; everything else is refused with a message, so the caller can
 * report the instruction rather than emulate it wrongly.  KVM does the same
 * job with its full emulator (arch/x86/kvm/emulate.c, x86_decode_insn).
 *
 * Encodings: SDM Vol. 2A, Instruction Format (prefixes, ModR/M, SIB,
 * displacement, immediate) and REX Prefixes; the instructions are MOV,
 * MOVZX and MOVSX in SDM Vol. 2.
 *
 * Pure logic.
 */
#ifndef TVX_VMX_INSN_DECODE_H
#define TVX_VMX_INSN_DECODE_H

#include "tvx/types.h"

/* Longest legal instruction (SDM Vol. 2A, Instruction Format). */
#define INSN_MAX_LEN	15

/* Code-segment mode: CS.L (64-bit, in IA-32e mode) else CS.D (32 vs 16). */
enum insn_mode {
	INSN_MODE_16,
	INSN_MODE_32,
	INSN_MODE_64,
};

enum insn_kind {
	INSN_MOV_TO_MEM,	/* 88, 89, C6 /0, C7 /0, A2, A3: a store */
	INSN_MOV_FROM_MEM,	/* 8A, 8B, A0, A1: a load */
	INSN_MOVZX,		/* 0F B6, 0F B7: a zero-extending load */
	INSN_MOVSX,		/* 0F BE, 0F BF: a sign-extending load */
};

/*
 * General-purpose registers in encoding order (SDM Vol. 2A, Register Codes
 * / ModR/M reg field, REX.R/X/B supplying bit 3).  The hypervisor's guest
 * register array uses the same order, so a decoded number indexes it.
 */
enum insn_reg {
	INSN_REG_RAX, INSN_REG_RCX, INSN_REG_RDX, INSN_REG_RBX,
	INSN_REG_RSP, INSN_REG_RBP, INSN_REG_RSI, INSN_REG_RDI,
	INSN_REG_R8, INSN_REG_R9, INSN_REG_R10, INSN_REG_R11,
	INSN_REG_R12, INSN_REG_R13, INSN_REG_R14, INSN_REG_R15,
	INSN_NR_REGS,
};

/* Segment registers in the encoding order of the Sreg field. */
enum insn_seg {
	INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS,
	INSN_SEG_DS, INSN_SEG_FS, INSN_SEG_GS,
	INSN_SEG_NONE = 0xff,	/* seg_override only: no prefix */
};

/*
 * The memory operand: effective address = disp [+ base] [+ index * scale]
 * [+ address of the next instruction if rip_relative], truncated to
 * addr_size.  moffs forms (A0-A3) have neither base nor index.
 */
struct insn_mem {
	bool has_base;
	u8 base;		/* enum insn_reg */
	bool has_index;
	u8 index;		/* enum insn_reg */
	u8 scale;		/* 1, 2, 4, 8 */
	bool rip_relative;	/* 64-bit mode, ModRM mod=00 r/m=101 */
	s64 disp;		/* sign-extended; moffs zero-extended */
};

struct insn {
	u8 len;			/* total length, prefixes included */
	u8 opcode;		/* opcode byte (after 0F if two_byte) */
	bool two_byte;		/* opcode escape 0F */
	enum insn_kind kind;
	u8 mem_size;		/* bytes accessed in memory: 1, 2, 4, 8 */
	u8 reg;			/* register operand, enum insn_reg */
	bool reg_is_high_byte;	/* AH, CH, DH, BH: bits 15:8 of reg 0..3 */
	u8 dst_size;		/* loads: bytes of reg written; stores: 0 */
	u8 op_size;		/* operand-size attribute: 2, 4, 8 */
	u8 addr_size;		/* address-size attribute: 2, 4, 8 */
	bool has_imm;
	u64 imm;		/* value stored, sized to mem_size */
	u8 rex;			/* REX prefix byte, 0 if none */
	u8 seg_override;	/* prefix's insn_seg, or INSN_SEG_NONE */
	u8 seg;			/* segment used: override, else DS or SS */
	struct insn_mem mem;
};

/*
 * Decode the instruction at @bytes, of which @avail bytes could be fetched
 * (more than INSN_MAX_LEN are ignored), in code mode @mode.
 *
 *   0            *out describes the instruction.
 *  -EOPNOTSUPP   a valid instruction this decoder does not handle (other
 *                opcodes, REP/REPNE prefixes, register-only forms).
 *  -EINVAL       not a valid instruction: LOCK on MOV (#UD), or longer than
 *                INSN_MAX_LEN (#GP).
 *  -EFAULT       the instruction runs past @avail: the caller could not
 *                fetch the rest (e.g. the next page is not mapped).
 *
 * On error @err (if non-NULL) receives a message naming the bytes, e.g.
 * "unsupported instruction 0f 0b at byte 0".
 */
int insn_decode(const u8 *bytes, unsigned avail, enum insn_mode mode,
		struct insn *out, char *err, size_t errlen);

/*
 * Effective address (offset within insn->seg) of the memory operand, given
 * the guest registers and @rip, the offset of the instruction's first byte
 * in CS.  The segment base is the caller's business: in 64-bit mode only FS
 * and GS have one.
 */
u64 insn_mem_ea(const struct insn *insn, const u64 regs[INSN_NR_REGS],
		u64 rip);

/*
 * What the destination register insn->reg holds after a load that read
 * @value (the low mem_size bytes count) from memory, given its @old_reg
 * contents.  8- and 16-bit writes keep the rest of the register (a high-byte
 * write only bits 15:8); 32-bit writes zero bits 63:32, as in 64-bit mode
 * (outside it those bits are undefined, SDM Vol. 1, General-Purpose
 * Registers in 64-Bit Mode, so zeroing is fine); MOVZX/MOVSX extend first.
 * Stores return @old_reg.
 */
u64 insn_reg_merge(u64 old_reg, u64 value, const struct insn *insn);

/*
 * The mem_size-byte value a store writes: the immediate, or the register
 * operand (bits 15:8 for AH..BH).  Loads return 0.
 */
u64 insn_store_value(const u64 regs[INSN_NR_REGS], const struct insn *insn);

#endif
