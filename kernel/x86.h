/* SPDX-License-Identifier: MIT */
/*
 * x86 architectural names (SDM Vol. 3A "Control Registers", "EFLAGS",
 * "Model-Specific Registers") and the inline instructions the hypervisor
 * uses.  The constants are pure and may be used by host builds; the inline
 * instructions only exist in the freestanding build.
 */
#ifndef TVX_X86_H
#define TVX_X86_H

#include "tvx/types.h"

/* CR0 */
#define X86_CR0_PE BIT(0)
#define X86_CR0_MP BIT(1)
#define X86_CR0_EM BIT(2)
#define X86_CR0_TS BIT(3)
#define X86_CR0_ET BIT(4)
#define X86_CR0_NE BIT(5)
#define X86_CR0_WP BIT(16)
#define X86_CR0_AM BIT(18)
#define X86_CR0_NW BIT(29)
#define X86_CR0_CD BIT(30)
#define X86_CR0_PG BIT(31)

/* CR4 */
#define X86_CR4_VME BIT(0)
#define X86_CR4_PVI BIT(1)
#define X86_CR4_TSD BIT(2)
#define X86_CR4_DE BIT(3)
#define X86_CR4_PSE BIT(4)
#define X86_CR4_PAE BIT(5)
#define X86_CR4_MCE BIT(6)
#define X86_CR4_PGE BIT(7)
#define X86_CR4_PCE BIT(8)
#define X86_CR4_OSFXSR BIT(9)
#define X86_CR4_OSXMMEXCPT BIT(10)
#define X86_CR4_UMIP BIT(11)
#define X86_CR4_LA57 BIT(12)
#define X86_CR4_VMXE BIT(13)
#define X86_CR4_SMXE BIT(14)
#define X86_CR4_FSGSBASE BIT(16)
#define X86_CR4_PCIDE BIT(17)
#define X86_CR4_OSXSAVE BIT(18)
#define X86_CR4_SMEP BIT(20)
#define X86_CR4_SMAP BIT(21)
#define X86_CR4_PKE BIT(22)

/* RFLAGS */
#define X86_EFLAGS_CF BIT(0)
#define X86_EFLAGS_FIXED BIT(1)
#define X86_EFLAGS_PF BIT(2)
#define X86_EFLAGS_ZF BIT(6)
#define X86_EFLAGS_TF BIT(8)
#define X86_EFLAGS_IF BIT(9)
#define X86_EFLAGS_DF BIT(10)
#define X86_EFLAGS_VM BIT(17)

/* MSRs */
#define MSR_IA32_TSC 0x00000010
#define MSR_IA32_PLATFORM_ID 0x00000017
#define MSR_IA32_APICBASE 0x0000001b
#define MSR_IA32_TSC_ADJUST 0x0000003b
#define MSR_IA32_SPEC_CTRL 0x00000048
#define MSR_IA32_BIOS_SIGN_ID 0x0000008b
#define MSR_IA32_MTRRCAP 0x000000fe
#define MSR_IA32_SYSENTER_CS 0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_MCG_CAP 0x00000179
#define MSR_IA32_MCG_STATUS 0x0000017a
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_IA32_DEBUGCTLMSR 0x000001d9
#define MSR_MTRR_PHYSBASE0 0x00000200
#define MSR_MTRR_FIX64K_00000 0x00000250
#define MSR_IA32_CR_PAT 0x00000277
#define MSR_MTRR_DEF_TYPE 0x000002ff
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* IA32_EFER */
#define EFER_SCE BIT(0)
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NX BIT(11)

/* CPUID.1:ECX */
#define CPUID_1_ECX_VMX BIT(5)
#define CPUID_1_ECX_XSAVE BIT(26)
#define CPUID_1_ECX_OSXSAVE BIT(27)
#define CPUID_1_ECX_HYPERVISOR BIT(31)

/* Exception vectors */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define DR6_BS BIT(14)	/* single-step (SDM "Debug Status Register (DR6)") */
#define NMI_VECTOR 2
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#define VE_VECTOR 20
#define CP_VECTOR 21

/* Segment descriptor access rights as VMX stores them (SDM "Format of the
 * Guest-State Area", access-rights format). */
#define VMX_AR_TYPE_MASK 0x0f
#define VMX_AR_TYPE_ACCESSED BIT(0)
#define VMX_AR_TYPE_WRITEABLE BIT(1)
#define VMX_AR_TYPE_CODE BIT(3)
#define VMX_AR_S BIT(4)
#define VMX_AR_DPL_SHIFT 5
#define VMX_AR_P BIT(7)
#define VMX_AR_L BIT(13)
#define VMX_AR_DB BIT(14)
#define VMX_AR_G BIT(15)
#define VMX_AR_UNUSABLE BIT(16)
#define VMX_AR_TYPE_BUSY_32_TSS 11
#define VMX_AR_TYPE_LDT 2

#ifdef TVX_KERNEL
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
		     : "memory");
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

/* Extended leaves: the highest in EAX of leaf 0x80000000; MAXPHYADDR in
 * EAX[7:0] of 0x80000008, 36 where that leaf is missing on a processor
 * with PAE (SDM Vol. 3A, "Enumeration of Paging Features by CPUID"). */
#define CPUID_EXT_MAX_LEAF		0x80000000u
#define CPUID_ADDR_SIZES_LEAF		0x80000008u
#define CPUID_80000008_EAX_PHYS_BITS	0xffu
#define CPUID_DEFAULT_MAXPHYADDR	36

static inline u32 cpuid_ext_max_leaf(void)
{
	u32 a, b, c, d;

	cpuid_count(CPUID_EXT_MAX_LEAF, 0, &a, &b, &c, &d);
	return a;
}

/* The physical-address width, the host's and so the guest's (the CPUID
 * model passes leaf 0x80000008 through). */
static inline unsigned cpuid_maxphyaddr(void)
{
	u32 a, b, c, d;

	if (cpuid_ext_max_leaf() < CPUID_ADDR_SIZES_LEAF)
		return CPUID_DEFAULT_MAXPHYADDR;
	cpuid_count(CPUID_ADDR_SIZES_LEAF, 0, &a, &b, &c, &d);
	return a & CPUID_80000008_EAX_PHYS_BITS;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                          \
	static inline u64 read_cr##n(void)                              \
	{                                                               \
		u64 v;                                                  \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));           \
		return v;                                               \
	}                                                               \
	static inline void write_cr##n(u64 v)                           \
	{                                                               \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");  \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause");
}

static inline __noreturn void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static inline void store_gdt(struct desc_ptr *p)
{
	asm volatile("sgdt %0" : "=m"(*p));
}
static inline void store_idt(struct desc_ptr *p)
{
	asm volatile("sidt %0" : "=m"(*p));
}
static inline u16 read_tr(void)
{
	u16 v;

	asm volatile("str %0" : "=r"(v));
	return v;
}
#define read_segment(seg)                                            \
	({                                                           \
		u16 __v;                                             \
		asm volatile("mov %%" #seg ", %0" : "=r"(__v));      \
		__v;                                                 \
	})

static inline u64 xgetbv(u32 idx)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((u64)hi << 32) | lo;
}

static inline void xsetbv(u32 idx, u64 value)
{
	asm volatile("xsetbv" : : "c"(idx), "a"((u32)value),
		     "d"((u32)(value >> 32)));
}
#endif /* TVX_KERNEL */

#endif
