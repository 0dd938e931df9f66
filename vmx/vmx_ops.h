/* SPDX-License-Identifier: MIT */
/*
 * VMX instruction wrappers and typed VMCS accessors (hypervisor only).
 *
 * Every VMX instruction reports its outcome in RFLAGS (SDM Vol. 3C,
 * Conventions, in "VMX Instruction Reference"):
 *   VMsucceed      CF = 0, ZF = 0
 *   VMfailInvalid  CF = 1          (no current VMCS, or a bad pointer)
 *   VMfailValid    ZF = 1          (reason in VM_INSTRUCTION_ERROR)
 * The wrappers read the flags through GCC flag outputs ("=@ccc", "=@ccz",
 * "=@cca") so no SETcc/PUSHF sequences are needed.
 *
 * The accessors follow KVM (vmcs_read16/32/64/l, vmcs_write16/32/64/l):
 * the width of a field is encoded in the field number (SDM Vol. 3C, VMREAD,
 * VMWRITE, and Encodings of VMCS Fields), so when the field is a
 * compile-time constant, using the wrong accessor, or writing a read-only
 * (VM-exit information) field, is a build error rather than a truncated or
 * failed VMWRITE found at run time.
 *
 * Faults (#UD when VMX is off, #GP for a bad operand) are not handled here:
 * the callers only issue these instructions in VMX root operation.
 */
#ifndef TVX_VMX_VMX_OPS_H
#define TVX_VMX_VMX_OPS_H

#if defined(TVX_HOST) || !defined(TVX_KERNEL)
#error "vmx/vmx_ops.h executes VMX instructions: include it only in the hypervisor (TVX_KERNEL)"
#endif

#include "tvx/types.h"
#include "vmx/vmcs.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/*
 * Error hooks, implemented by the kernel (they print the field name, the
 * value and VM_INSTRUCTION_ERROR).  Cold: they are off the hot path.
 */
void vmread_error(u32 field) __attribute__((cold));
void vmwrite_error(u32 field, u64 value) __attribute__((cold));
void vmclear_error(u64 phys) __attribute__((cold));
void vmptrld_error(u64 phys) __attribute__((cold));
void invept_error(unsigned long ext, u64 eptp) __attribute__((cold));
void invvpid_error(unsigned long ext, u16 vpid, u64 gva) __attribute__((cold));

/* Outcome of a VMX instruction. */
enum vmx_insn_status {
	VMX_INSN_SUCCEED = 0,
	VMX_INSN_FAIL_INVALID = 1,	/* CF = 1 */
	VMX_INSN_FAIL_VALID = 2,	/* ZF = 1 */
};

static __always_inline enum vmx_insn_status vmx_insn_status(bool cf, bool zf)
{
	if (cf)
		return VMX_INSN_FAIL_INVALID;
	if (zf)
		return VMX_INSN_FAIL_VALID;
	return VMX_INSN_SUCCEED;
}

/*
 * Compile-time misuse check.  The call to a function declared with
 * __attribute__((error)) survives only if the optimizer cannot prove @cond
 * false; each use gets its own declaration (via __COUNTER__) so that each
 * can carry its own message.  Needs optimization (-O1 or more) and
 * always-inline callers so that a constant field reaches the check.
 */
#define __VMX_PASTE2(a, b) a##b
#define __VMX_PASTE(a, b) __VMX_PASTE2(a, b)
#define __vmcs_build_bug_on(cond, msg, fn)					\
	do {									\
		extern void fn(void) __attribute__((error(msg)));		\
		if (cond)							\
			fn();							\
	} while (0)
#define vmcs_build_bug_on(cond, msg)						\
	__vmcs_build_bug_on(cond, msg, __VMX_PASTE(__vmcs_misuse_, __COUNTER__))

#define VMCS_MISUSE "tinyvmx VMCS accessor misuse: "

#define __VMCS_WIDTH(f) (((f) & VMCS_ENC_WIDTH_MASK) >> VMCS_ENC_WIDTH_SHIFT)
#define __VMCS_TYPE(f) (((f) & VMCS_ENC_TYPE_MASK) >> VMCS_ENC_TYPE_SHIFT)
#define __VMCS_IS_HIGH(f) (((f) & VMCS_ENC_ACCESS_HIGH) != 0)

static __always_inline void vmcs_check_encoding(u32 field)
{
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  (field & VMCS_ENC_RESERVED_MASK) != 0,
			  VMCS_MISUSE "reserved bits set in a VMCS field encoding");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) != VMCS_FIELD_WIDTH_U64 &&
			  __VMCS_IS_HIGH(field),
			  VMCS_MISUSE "access-type high on a field that is not 64-bit");
}

static __always_inline void vmcs_check16(u32 field)
{
	vmcs_check_encoding(field);
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U64,
			  VMCS_MISUSE "16-bit accessor on a 64-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U32,
			  VMCS_MISUSE "16-bit accessor on a 32-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_NATURAL,
			  VMCS_MISUSE "16-bit accessor on a natural-width field");
}

/* 32-bit fields, and the _HIGH halves of 64-bit fields (32-bit accesses). */
static __always_inline void vmcs_check32(u32 field)
{
	vmcs_check_encoding(field);
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U16,
			  VMCS_MISUSE "32-bit accessor on a 16-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U64 &&
			  !__VMCS_IS_HIGH(field),
			  VMCS_MISUSE "32-bit accessor on a 64-bit field, "
			  "use vmcs_read64/vmcs_write64");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_NATURAL,
			  VMCS_MISUSE "32-bit accessor on a natural-width field, "
			  "use vmcs_readl/vmcs_writel");
}

static __always_inline void vmcs_check64(u32 field)
{
	vmcs_check_encoding(field);
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U16,
			  VMCS_MISUSE "64-bit accessor on a 16-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U32,
			  VMCS_MISUSE "64-bit accessor on a 32-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_NATURAL,
			  VMCS_MISUSE "64-bit accessor on a natural-width field, "
			  "use vmcs_readl/vmcs_writel");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U64 &&
			  __VMCS_IS_HIGH(field),
			  VMCS_MISUSE "64-bit accessor on a _HIGH field, "
			  "use vmcs_read32/vmcs_write32");
}

static __always_inline void vmcs_checkl(u32 field)
{
	vmcs_check_encoding(field);
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U16,
			  VMCS_MISUSE "natural-width accessor on a 16-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U32,
			  VMCS_MISUSE "natural-width accessor on a 32-bit field");
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_WIDTH(field) == VMCS_FIELD_WIDTH_U64,
			  VMCS_MISUSE "natural-width accessor on a 64-bit field");
}

/*
 * VM-exit information fields are read-only: VMWRITE to them fails with
 * VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT unless IA32_VMX_MISC allows it,
 * which tinyvmx never relies on.
 */
static __always_inline void vmcs_check_write(u32 field)
{
	vmcs_build_bug_on(__builtin_constant_p(field) &&
			  __VMCS_TYPE(field) == VMCS_FIELD_TYPE_VMEXIT_INFO,
			  VMCS_MISUSE "VMWRITE to a read-only (VM-exit information) field");
}

/*
 * Raw instructions.  They return the status and never call the error hooks;
 * the error hooks themselves use vmx_vmread() to fetch VM_INSTRUCTION_ERROR.
 */
static __always_inline enum vmx_insn_status vmx_vmread(u32 field,
						      unsigned long *value)
{
	unsigned long v;
	bool cf, zf;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm"(v), "=@ccc"(cf), "=@ccz"(zf)
		     : [field] "r"((unsigned long)field));
	*value = v;
	return vmx_insn_status(cf, zf);
}

static __always_inline enum vmx_insn_status vmx_vmwrite(u32 field,
						       unsigned long value)
{
	bool cf, zf;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [field] "r"((unsigned long)field), [value] "rm"(value));
	return vmx_insn_status(cf, zf);
}

/* VMXON/VMCLEAR/VMPTRLD take a memory operand holding a physical address. */
static __always_inline enum vmx_insn_status vmx_vmxon(u64 phys)
{
	bool cf, zf;

	asm volatile("vmxon %[pa]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [pa] "m"(phys)
		     : "memory");
	return vmx_insn_status(cf, zf);
}

static __always_inline enum vmx_insn_status vmx_vmxoff(void)
{
	bool cf, zf;

	asm volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_insn_status(cf, zf);
}

/*
 * "memory" clobbers: VMCLEAR writes the VMCS data back to its region and
 * VMPTRLD may read it, so ordinary stores to the region must not be moved
 * across them.
 */
static __always_inline enum vmx_insn_status vmx_vmclear(u64 phys)
{
	bool cf, zf;

	asm volatile("vmclear %[pa]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [pa] "m"(phys)
		     : "memory");
	return vmx_insn_status(cf, zf);
}

static __always_inline enum vmx_insn_status vmx_vmptrld(u64 phys)
{
	bool cf, zf;

	asm volatile("vmptrld %[pa]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [pa] "m"(phys)
		     : "memory");
	return vmx_insn_status(cf, zf);
}

/* INVEPT types (SDM Vol. 3C, INVEPT). */
#define VMX_EPT_EXTENT_CONTEXT			1
#define VMX_EPT_EXTENT_GLOBAL			2
/* INVVPID types (SDM Vol. 3C, INVVPID). */
#define VMX_VPID_EXTENT_INDIVIDUAL_ADDR		0
#define VMX_VPID_EXTENT_SINGLE_CONTEXT		1
#define VMX_VPID_EXTENT_ALL_CONTEXT		2
#define VMX_VPID_EXTENT_SINGLE_NON_GLOBAL	3

/*
 * The 128-bit INVEPT/INVVPID descriptors; the reserved bits must be zero
 * or the instruction VMfails with VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID.
 */
struct invept_desc {
	u64 eptp;
	u64 reserved;
};
_Static_assert(sizeof(struct invept_desc) == 16, "INVEPT descriptor");

struct invvpid_desc {
	u64 vpid:16;
	u64 reserved:48;
	u64 gva;
};
_Static_assert(sizeof(struct invvpid_desc) == 16, "INVVPID descriptor");

static __always_inline enum vmx_insn_status vmx_invept(unsigned long ext,
						      u64 eptp)
{
	struct invept_desc desc = { .eptp = eptp, .reserved = 0 };
	bool cf, zf;

	asm volatile("invept %[desc], %[ext]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [desc] "m"(desc), [ext] "r"(ext)
		     : "memory");
	return vmx_insn_status(cf, zf);
}

static __always_inline enum vmx_insn_status vmx_invvpid(unsigned long ext,
						       u16 vpid, u64 gva)
{
	struct invvpid_desc desc = { .vpid = vpid, .reserved = 0, .gva = gva };
	bool cf, zf;

	asm volatile("invvpid %[desc], %[ext]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [desc] "m"(desc), [ext] "r"(ext)
		     : "memory");
	return vmx_insn_status(cf, zf);
}

/* Status-returning wrappers: 0 on VMsucceed, -EIO on either VMfail. */
static inline int __vmx_on(u64 phys)
{
	return vmx_vmxon(phys) == VMX_INSN_SUCCEED ? 0 : -EIO;
}

static inline int __vmx_off(void)
{
	return vmx_vmxoff() == VMX_INSN_SUCCEED ? 0 : -EIO;
}

static inline int __vmclear(u64 phys)
{
	return vmx_vmclear(phys) == VMX_INSN_SUCCEED ? 0 : -EIO;
}

static inline int __vmptrld(u64 phys)
{
	return vmx_vmptrld(phys) == VMX_INSN_SUCCEED ? 0 : -EIO;
}

/* VMPTRST cannot VMfail; all ones means "no current VMCS". */
#define VMCS_PTR_INVALID (~0ull)

static inline u64 __vmptrst(void)
{
	u64 phys;

	asm volatile("vmptrst %[pa]" : [pa] "=m"(phys) : : "memory");
	return phys;
}

/* Error-reporting wrappers (KVM names). */
static inline void vmcs_clear(u64 phys)
{
	if (unlikely(vmx_vmclear(phys) != VMX_INSN_SUCCEED))
		vmclear_error(phys);
}

static inline void vmcs_load(u64 phys)
{
	if (unlikely(vmx_vmptrld(phys) != VMX_INSN_SUCCEED))
		vmptrld_error(phys);
}

static inline void __invept(unsigned long ext, u64 eptp)
{
	if (unlikely(vmx_invept(ext, eptp) != VMX_INSN_SUCCEED))
		invept_error(ext, eptp);
}

static inline void __invvpid(unsigned long ext, u16 vpid, u64 gva)
{
	if (unlikely(vmx_invvpid(ext, vpid, gva) != VMX_INSN_SUCCEED))
		invvpid_error(ext, vpid, gva);
}

/*
 * Hot path: one VMREAD/VMWRITE and one "JA" (CF = 0 and ZF = 0) to the cold
 * error call.  A failed VMREAD returns 0.
 */
static __always_inline unsigned long __vmcs_readl(u32 field)
{
	unsigned long value;
	bool ok;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm"(value), "=@cca"(ok)
		     : [field] "r"((unsigned long)field));
	if (unlikely(!ok)) {
		vmread_error(field);
		return 0;
	}
	return value;
}

static __always_inline void __vmcs_writel(u32 field, unsigned long value)
{
	bool ok;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@cca"(ok)
		     : [field] "r"((unsigned long)field), [value] "rm"(value));
	if (unlikely(!ok))
		vmwrite_error(field, value);
}

static __always_inline u16 vmcs_read16(u32 field)
{
	vmcs_check16(field);
	return (u16)__vmcs_readl(field);
}

static __always_inline u32 vmcs_read32(u32 field)
{
	vmcs_check32(field);
	return (u32)__vmcs_readl(field);
}

/* In 64-bit mode VMREAD of a full 64-bit field returns all 64 bits. */
static __always_inline u64 vmcs_read64(u32 field)
{
	vmcs_check64(field);
	return __vmcs_readl(field);
}

static __always_inline unsigned long vmcs_readl(u32 field)
{
	vmcs_checkl(field);
	return __vmcs_readl(field);
}

static __always_inline void vmcs_write16(u32 field, u16 value)
{
	vmcs_check16(field);
	vmcs_check_write(field);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write32(u32 field, u32 value)
{
	vmcs_check32(field);
	vmcs_check_write(field);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write64(u32 field, u64 value)
{
	vmcs_check64(field);
	vmcs_check_write(field);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_writel(u32 field, unsigned long value)
{
	vmcs_checkl(field);
	vmcs_check_write(field);
	__vmcs_writel(field, value);
}

/* Read-modify-write of 32-bit control fields (KVM's vmcs_set/clear_bits). */
static __always_inline void vmcs_set_bits(u32 field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) | mask);
}

static __always_inline void vmcs_clear_bits(u32 field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) & ~mask);
}

#endif /* TVX_VMX_VMX_OPS_H */
