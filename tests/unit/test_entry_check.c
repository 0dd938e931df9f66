/* SPDX-License-Identifier: MIT */
/*
 * Software VM-entry checks (vmx/entry_check.c).  Two valid guests (32-bit
 * protected mode under "unrestricted guest", 64-bit long mode) with the
 * capability MSRs of Bochs's tigerlake model must pass; then each test breaks
 * one thing and asserts the field and the rule reported.  The rule texts are
 * repeated here on purpose: a report that names the wrong rule fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/x86.h"
#include "vmx/entry_check.h"
#include "vmx/exit_reason.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"

/* Capability MSRs of Bochs 2.7 "tigerlake" (/work/shared/notes/bochs.md). */
#define TGL_BASIC		0x01d8100000000004ull
#define TGL_MISC		0x00000000600401e0ull
#define TGL_CR0_FIXED0		0x0000000080000021ull
#define TGL_CR0_FIXED1		0x00000000ffffffffull
#define TGL_CR4_FIXED0		0x0000000000002000ull
#define TGL_CR4_FIXED1		0x0000000000f72fffull
#define TGL_TRUE_PINBASED	0x0000007f00000016ull
#define TGL_TRUE_PROCBASED	0xfff9fffe04006172ull
#define TGL_PROCBASED2		0x02977fff00000000ull
#define TGL_TRUE_EXIT		0x107fffff00036dfbull
#define TGL_TRUE_ENTRY		0x0010ffff000011fbull
#define TGL_EPT_VPID_CAP	0x00000f0106b34141ull
#define TEST_MAXPHYADDR		40

/* Access rights, VMCS format. */
#define AR_CODE32	0xc09bu		/* G, D, P, S, type 11 (exec/read, accessed) */
#define AR_DATA32	0xc093u		/* G, D, P, S, type 3 (read/write, accessed) */
#define AR_CODE64	0xa09bu		/* G, L, P, S, type 11 */
#define AR_CODE16	0x009bu		/* P, S, type 11, byte granular */
#define AR_DATA16	0x0093u		/* P, S, type 3, byte granular */
#define AR_V86		0x00f3u		/* P, DPL 3, S, type 3 */
#define AR_TSS_BUSY	0x008bu		/* P, type 11 (busy 32/64-bit TSS) */
#define AR_TSS_AVAIL	0x0089u		/* P, type 9 (available TSS) */
#define AR_TSS16_BUSY	0x0083u		/* P, type 3 (busy 16-bit TSS) */
#define AR_LDT		0x0082u		/* P, type 2 */
#define AR_UNUSABLE	0x10000u
#define AR_DPL3		(3u << 5)
#define AR_L		BIT(13)
#define AR_DB		BIT(14)
#define AR_G		BIT(15)
#define AR_S		BIT(4)
#define AR_P		BIT(7)

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18
#define SEL_RPL3	3u
#define SEL_TI		BIT(2)
#define LIMIT_4G	0xffffffffu
#define LIMIT_TSS	0x67u
#define LIMIT_64K	0xffffu

#define EPTP_WB_4LEVEL	0x1eull		/* memory type 6 (WB), walk length 4 */
#define EPT_PML4_ADDR	0x200000ull
#define GUEST_RIP32	0x00100000ull
#define GUEST_RIP64	0xffffffff80100000ull
#define NON_CANONICAL	0x0000800000000000ull
#define LINK_NONE	(~0ull)
#define PAT_DEFAULT	0x0007040600070406ull
#define INTR_VALID	BIT(31)
#define INTR_TYPE(t)	((u32)(t) << INTR_INFO_INTR_TYPE_SHIFT)
#define PENDING_BS	BIT_ULL(14)
#define RFLAGS_FIXED	X86_EFLAGS_FIXED

static const char *const SEG = "Checks on Guest Segment Registers";
static const char *const CRS = "Checks on Guest Control Registers, Debug Registers, and MSRs";
static const char *const NONREG = "Checks on Guest Non-Register State";

static struct vmx_entry_check_caps tgl_caps(void)
{
	struct vmx_entry_check_caps caps = {
		.basic = TGL_BASIC,
		.misc = TGL_MISC,
		.cr0_fixed0 = TGL_CR0_FIXED0,
		.cr0_fixed1 = TGL_CR0_FIXED1,
		.cr4_fixed0 = TGL_CR4_FIXED0,
		.cr4_fixed1 = TGL_CR4_FIXED1,
		.pinbased_ctls = TGL_TRUE_PINBASED,
		.procbased_ctls = TGL_TRUE_PROCBASED,
		.procbased_ctls2 = TGL_PROCBASED2,
		.exit_ctls = TGL_TRUE_EXIT,
		.entry_ctls = TGL_TRUE_ENTRY,
		.ept_vpid_cap = TGL_EPT_VPID_CAP,
		.maxphyaddr = TEST_MAXPHYADDR,
		.linear_addr_bits = 48,
	};
	return caps;
}

static struct vmx_seg seg(u16 selector, u64 base, u32 limit, u32 ar)
{
	struct vmx_seg s = { .selector = selector, .base = base, .limit = limit, .ar = ar };
	return s;
}

/* Flat 32-bit protected mode, paging off, under "unrestricted guest". */
static struct vmx_guest_state pm32_state(void)
{
	struct vmx_guest_state gs;

	memset(&gs, 0, sizeof(gs));
	gs.caps = tgl_caps();
	gs.ctls.pin = (u32)TGL_TRUE_PINBASED | PIN_BASED_EXT_INTR_MASK |
		      PIN_BASED_NMI_EXITING;
	gs.ctls.cpu_based = (u32)TGL_TRUE_PROCBASED | CPU_BASED_HLT_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	gs.ctls.secondary = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST;
	gs.ctls.exit = (u32)TGL_TRUE_EXIT | VM_EXIT_HOST_ADDR_SPACE_SIZE;
	gs.ctls.entry = (u32)TGL_TRUE_ENTRY;
	gs.ctls.ept_pointer = EPT_PML4_ADDR | EPTP_WB_4LEVEL;
	gs.ctls.vpid = 1;

	gs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
	gs.cr4 = X86_CR4_VMXE;
	gs.dr7 = 0x400;
	gs.cs = seg(SEL_CODE, 0, LIMIT_4G, AR_CODE32);
	gs.ss = seg(SEL_DATA, 0, LIMIT_4G, AR_DATA32);
	gs.ds = gs.ss;
	gs.es = gs.ss;
	gs.fs = gs.ss;
	gs.gs = gs.ss;
	gs.tr = seg(SEL_TSS, 0, LIMIT_TSS, AR_TSS_BUSY);
	gs.ldtr = seg(0, 0, 0, AR_UNUSABLE);
	gs.gdtr_limit = 0x1f;
	gs.idtr_limit = 0;
	gs.rip = GUEST_RIP32;
	gs.rflags = RFLAGS_FIXED;
	gs.activity_state = GUEST_ACTIVITY_ACTIVE;
	gs.vmcs_link_pointer = LINK_NONE;
	return gs;
}

/* 64-bit long mode, IA32_EFER loaded on entry. */
static struct vmx_guest_state lm64_state(void)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.entry |= VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_EFER;
	gs.efer = EFER_LME | EFER_LMA | EFER_SCE | EFER_NX;
	gs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
	gs.cr4 = X86_CR4_PAE | X86_CR4_VMXE;
	gs.cr3 = 0x1000;
	gs.cs = seg(SEL_CODE, 0, LIMIT_4G, AR_CODE64);
	/* A 64-bit kernel runs with a null SS. */
	gs.ss = seg(0, 0, 0, AR_UNUSABLE);
	gs.fs = seg(0, 0xffff888000000000ull, 0, AR_UNUSABLE);
	gs.gs = seg(0, 0xffff888000001000ull, 0, AR_UNUSABLE);
	gs.tr = seg(SEL_TSS, 0xffffffff80200000ull, LIMIT_TSS, AR_TSS_BUSY);
	gs.gdtr_base = 0xffffffff80201000ull;
	gs.idtr_base = 0xffffffff80202000ull;
	gs.idtr_limit = 0xfff;
	gs.rip = GUEST_RIP64;
	return gs;
}

/* 32-bit paged protected mode without "unrestricted guest". */
static struct vmx_guest_state restricted_state(void)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.secondary &= ~SECONDARY_EXEC_UNRESTRICTED_GUEST;
	gs.cr0 |= X86_CR0_PG;
	gs.cr3 = 0x1000;
	return gs;
}

/* Real-address mode under "unrestricted guest" (CS type 3, CR0.PE 0). */
static struct vmx_guest_state real_mode_state(void)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cr0 = X86_CR0_ET | X86_CR0_NE;
	gs.cs = seg(0xf000, 0xf0000, LIMIT_64K, AR_DATA16);
	gs.ss = seg(0, 0, LIMIT_64K, AR_DATA16);
	gs.ds = gs.ss;
	gs.es = gs.ss;
	gs.fs = gs.ss;
	gs.gs = gs.ss;
	gs.tr = seg(0, 0, LIMIT_64K, AR_TSS_BUSY);
	gs.gdtr_limit = LIMIT_64K;
	gs.idtr_limit = 0x3ff;
	gs.rip = 0xfff0;
	return gs;
}

/* Virtual-8086 mode: RFLAGS.VM with real-mode-style segments. */
static struct vmx_guest_state v86_state(void)
{
	struct vmx_guest_state gs = pm32_state();
	struct vmx_seg *segs[] = { &gs.cs, &gs.ss, &gs.ds, &gs.es, &gs.fs, &gs.gs };

	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		*segs[i] = seg(0x1000 + i, (0x1000 + i) << 4, LIMIT_64K, AR_V86);
	gs.rflags = RFLAGS_FIXED | X86_EFLAGS_VM | X86_EFLAGS_IF;
	gs.rip = 0x100;
	return gs;
}

static struct vmx_host_state host_state(void)
{
	struct vmx_host_state hs = {
		.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG,
		.cr3 = 0x100000,
		.cr4 = X86_CR4_PAE | X86_CR4_VMXE,
		.cs_selector = SEL_CODE,
		.ss_selector = SEL_DATA,
		.ds_selector = SEL_DATA,
		.es_selector = SEL_DATA,
		.tr_selector = SEL_TSS,
		.tr_base = 0xffffffff80300000ull,
		.gdtr_base = 0xffffffff80301000ull,
		.idtr_base = 0xffffffff80302000ull,
		.rsp = 0xffffffff80400000ull,
		.rip = 0xffffffff80100000ull,
	};
	return hs;
}

/* ---- assertion helpers ---------------------------------------------- */

static void expect_guest_ok(const struct vmx_guest_state *gs)
{
	struct vmx_check_failure f = { 0 };
	int ret = vmx_check_guest_state(gs, &f);

	if (ret)
		print_message("unexpected failure: %s: %s\n", f.field, f.rule);
	assert_int_equal(ret, 0);
}

static void expect_failure(int ret, const struct vmx_check_failure *f,
			   const char *field, const char *rule,
			   const char *section)
{
	assert_int_equal(ret, -EINVAL);
	assert_non_null(f->field);
	assert_non_null(f->rule);
	assert_non_null(f->section);
	assert_string_equal(f->field, field);
	assert_string_equal(f->rule, rule);
	if (section)
		assert_string_equal(f->section, section);
}

static void expect_guest_fail(const struct vmx_guest_state *gs,
			      const char *field, const char *rule,
			      const char *section)
{
	struct vmx_check_failure f = { 0 };

	expect_failure(vmx_check_guest_state(gs, &f), &f, field, rule, section);
}

static void expect_controls_fail(const struct vmx_guest_state *gs,
				 const char *field, const char *rule)
{
	struct vmx_check_failure f = { 0 };

	expect_failure(vmx_check_controls(gs, &f), &f, field, rule, NULL);
}

static void expect_host_fail(const struct vmx_host_state *hs,
			     const struct vmx_guest_state *gs,
			     const char *field, const char *rule)
{
	struct vmx_check_failure f = { 0 };

	expect_failure(vmx_check_host_state(hs, gs, &f), &f, field, rule, NULL);
}

/* ---- valid states ---------------------------------------------------- */

static void test_valid_states_pass(void **state)
{
	struct vmx_guest_state pm = pm32_state(), lm = lm64_state();
	struct vmx_guest_state rs = restricted_state(), rm = real_mode_state();
	struct vmx_guest_state v86 = v86_state();
	struct vmx_host_state hs = host_state();
	struct vmx_check_failure f = { 0 };

	expect_guest_ok(&pm);
	expect_guest_ok(&lm);
	expect_guest_ok(&rs);
	expect_guest_ok(&rm);
	expect_guest_ok(&v86);
	assert_int_equal(vmx_check_vm_entry(&pm, &hs, &f), 0);
	assert_int_equal(vmx_check_vm_entry(&lm, &hs, &f), 0);
}

/* Settings the SDM explicitly leaves unchecked must pass. */
static void test_unchecked_settings_pass(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	/* CR0.NW and CR0.CD are never checked (GRUB hands over CD|NW). */
	gs.cr0 |= X86_CR0_NW | X86_CR0_CD;
	expect_guest_ok(&gs);

	/* An unusable register's type, S, P and base bits 63:32 are ignored. */
	gs = lm64_state();
	gs.ss.ar = AR_UNUSABLE | 0x5;
	gs.ds = seg(0, 0xdead00000000ull, 0, AR_UNUSABLE);
	expect_guest_ok(&gs);

	/* DR7 bits 63:32 only matter when debug controls are loaded. */
	gs = pm32_state();
	gs.dr7 = BIT_ULL(32);
	expect_guest_ok(&gs);

	/* A 4-GByte-style limit 0xfffff with G=1: limit bits 11:0 are ones. */
	gs = pm32_state();
	gs.ds.limit = 0x000fffff;
	expect_guest_ok(&gs);
}

/* ---- control registers and MSRs ------------------------------------- */

static void test_cr0_pg_without_pe(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cr0 = (gs.cr0 & ~(u64)X86_CR0_PE) | X86_CR0_PG;
	expect_guest_fail(&gs, "GUEST_CR0", "CR0.PE must be 1 when CR0.PG is 1", CRS);
}

static void test_cr0_pe_needed_without_unrestricted(void **state)
{
	struct vmx_guest_state gs = restricted_state();

	gs.cr0 &= ~(u64)X86_CR0_PE;
	expect_guest_fail(&gs, "GUEST_CR0",
			  "CR0.PE must be 1 (IA32_VMX_CR0_FIXED0) unless \"unrestricted guest\" is 1",
			  CRS);
}

static void test_cr0_ne_clear(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cr0 &= ~(u64)X86_CR0_NE;
	expect_guest_fail(&gs, "GUEST_CR0", "CR0.NE must be 1 (IA32_VMX_CR0_FIXED0)", CRS);
}

static void test_cr4_without_vmxe(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cr4 &= ~(u64)X86_CR4_VMXE;
	expect_guest_fail(&gs, "GUEST_CR4", "CR4.VMXE must be 1 (IA32_VMX_CR4_FIXED0)", CRS);
}

static void test_cr4_fixed1(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	/* SMXE (bit 14) is 0 in tigerlake's IA32_VMX_CR4_FIXED1. */
	gs.cr4 |= X86_CR4_SMXE;
	expect_guest_fail(&gs, "GUEST_CR4",
			  "CR4 must clear every bit IA32_VMX_CR4_FIXED1 reports as 0", CRS);
}

static void test_ia32e_needs_pae(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.cr4 &= ~(u64)X86_CR4_PAE;
	expect_guest_fail(&gs, "GUEST_CR4",
			  "CR4.PAE must be 1 when \"IA-32e mode guest\" is 1", CRS);
}

static void test_pcide_outside_ia32e(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cr4 |= X86_CR4_PCIDE;
	expect_guest_fail(&gs, "GUEST_CR4",
			  "CR4.PCIDE must be 0 when \"IA-32e mode guest\" is 0", CRS);
}

static void test_cr3_beyond_maxphyaddr(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.cr3 |= BIT_ULL(TEST_MAXPHYADDR);
	expect_guest_fail(&gs, "GUEST_CR3",
			  "CR3 bits 63:52 and bits 51:32 beyond the physical-address width must be 0",
			  CRS);
}

static void test_dr7_and_debugctl_with_debug_controls(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.entry |= VM_ENTRY_LOAD_DEBUG_CONTROLS;
	gs.dr7 = BIT_ULL(32) | 0x400;
	expect_guest_fail(&gs, "GUEST_DR7",
			  "DR7 bits 63:32 must be 0 when \"load debug controls\" is 1", CRS);

	gs.dr7 = 0x400;
	gs.debugctl = BIT_ULL(16);
	expect_guest_fail(&gs, "GUEST_IA32_DEBUGCTL",
			  "reserved bits of IA32_DEBUGCTL must be 0 when \"load debug controls\" is 1",
			  CRS);
}

static void test_sysenter_esp_canonical(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.sysenter_esp = NON_CANONICAL;
	expect_guest_fail(&gs, "GUEST_SYSENTER_ESP",
			  "IA32_SYSENTER_ESP must be canonical", CRS);
}

static void test_pat_memory_types(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.ctls.entry |= VM_ENTRY_LOAD_IA32_PAT;
	gs.pat = PAT_DEFAULT;
	expect_guest_ok(&gs);
	gs.pat = (PAT_DEFAULT & ~0xffull) | 2;	/* entry 0: type 2 is reserved */
	expect_guest_fail(&gs, "GUEST_IA32_PAT",
			  "every byte of IA32_PAT must be 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-)",
			  CRS);
}

static void test_ia32e_without_efer_lma(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.efer &= ~(u64)EFER_LMA;
	expect_guest_fail(&gs, "GUEST_IA32_EFER",
			  "IA32_EFER.LMA must equal the \"IA-32e mode guest\" VM-entry control",
			  CRS);
}

static void test_efer_lme_mismatch(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.efer &= ~(u64)EFER_LME;
	expect_guest_fail(&gs, "GUEST_IA32_EFER",
			  "IA32_EFER.LME must equal IA32_EFER.LMA when CR0.PG is 1", CRS);
	gs.efer = EFER_LME | EFER_LMA | BIT_ULL(20);
	expect_guest_fail(&gs, "GUEST_IA32_EFER",
			  "reserved bits of IA32_EFER must be 0", CRS);
}

/* ---- segment registers ---------------------------------------------- */

static void test_tr_type_not_busy(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.tr.ar = AR_TSS_AVAIL;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES",
			  "TR type must be 3 (busy 16-bit TSS) or 11 (busy 32-bit TSS) outside IA-32e mode",
			  SEG);
}

static void test_tr_type_16bit_in_ia32e(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.tr.ar = AR_TSS16_BUSY;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES",
			  "TR type must be 11 (busy 64-bit TSS) in IA-32e mode", SEG);
	/* ... though a busy 16-bit TSS is fine outside IA-32e mode. */
	gs = pm32_state();
	gs.tr.ar = AR_TSS16_BUSY;
	expect_guest_ok(&gs);
}

static void test_tr_other_rules(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.tr.ar = AR_TSS_BUSY | AR_S;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES", "TR.S must be 0 (system segment)", SEG);
	gs.tr.ar = AR_TSS_BUSY & ~AR_P;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES", "TR.P must be 1", SEG);
	gs.tr.ar = AR_TSS_BUSY | AR_UNUSABLE;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES",
			  "TR must be usable (access-rights bit 16 must be 0)", SEG);
	gs = pm32_state();
	gs.tr.selector |= SEL_TI;
	expect_guest_fail(&gs, "GUEST_TR_SELECTOR",
			  "TR selector TI flag (bit 2) must be 0", SEG);
}

static void test_ldtr_usable_type(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ldtr = seg(0x20, 0, 0xfff, AR_LDT);
	expect_guest_ok(&gs);
	gs.ldtr.ar = AR_TSS16_BUSY;
	expect_guest_fail(&gs, "GUEST_LDTR_AR_BYTES",
			  "LDTR type must be 2 (LDT) when LDTR is usable", SEG);
}

static void test_ss_rpl_vs_cs_rpl(void **state)
{
	struct vmx_guest_state gs = restricted_state();

	gs.ss.selector |= SEL_RPL3;
	expect_guest_fail(&gs, "GUEST_SS_SELECTOR",
			  "SS selector RPL must equal CS selector RPL unless virtual-8086 or \"unrestricted guest\"",
			  SEG);
}

static void test_fs_base_non_canonical(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.fs.base = NON_CANONICAL;
	expect_guest_fail(&gs, "GUEST_FS_BASE", "FS base must be canonical", SEG);
}

static void test_cs_base_high(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.cs.base = BIT_ULL(32);
	expect_guest_fail(&gs, "GUEST_CS_BASE", "CS base bits 63:32 must be 0", SEG);
}

static void test_cs_type_data_without_unrestricted(void **state)
{
	struct vmx_guest_state gs = restricted_state();

	gs.cs.ar = AR_DATA32;
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES",
			  "CS type must be 9, 11, 13 or 15 (accessed code segment)", SEG);
}

static void test_cs_type_under_unrestricted(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cs.ar = AR_CODE32 & ~VMX_AR_TYPE_ACCESSED;
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES",
			  "CS type must be 3 (accessed data) or 9, 11, 13, 15 (accessed code) under \"unrestricted guest\"",
			  SEG);
}

static void test_ss_type(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ss.ar = (AR_DATA32 & ~VMX_AR_TYPE_MASK) | 5;	/* read-only, expand-down */
	expect_guest_fail(&gs, "GUEST_SS_AR_BYTES",
			  "SS type must be 3 or 7 (read/write accessed data) when SS is usable", SEG);
}

static void test_data_segment_type_bits(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ds.ar = AR_DATA32 & ~VMX_AR_TYPE_ACCESSED;
	expect_guest_fail(&gs, "GUEST_DS_AR_BYTES",
			  "DS type bit 0 (accessed) must be 1 when DS is usable", SEG);
	gs = pm32_state();
	gs.es.ar = (AR_DATA32 & ~VMX_AR_TYPE_MASK) | 9;	/* execute-only code */
	expect_guest_fail(&gs, "GUEST_ES_AR_BYTES",
			  "ES must be readable (type bit 1) when it is a usable code segment", SEG);
}

static void test_gs_system_segment(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.gs.ar = AR_DATA32 & ~AR_S;
	expect_guest_fail(&gs, "GUEST_GS_AR_BYTES", "GS.S must be 1 (code or data segment)", SEG);
}

static void test_unusable_ss_dpl_still_checked(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	/* SS.DPL is the CPL, so it is checked even when SS is unusable. */
	gs.ss.ar = AR_UNUSABLE | AR_DPL3;
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES",
			  "CS.DPL must equal SS.DPL for a non-conforming code segment (type 9 or 11)",
			  SEG);
}

static void test_ss_dpl_in_real_mode(void **state)
{
	struct vmx_guest_state gs = real_mode_state();

	gs.ss.ar = AR_DATA16 | AR_DPL3;
	expect_guest_fail(&gs, "GUEST_SS_AR_BYTES",
			  "SS.DPL must be 0 when CS type is 3 or CR0.PE is 0", SEG);
}

static void test_ds_dpl_below_rpl(void **state)
{
	struct vmx_guest_state gs = restricted_state();

	gs.ds.selector |= SEL_RPL3;
	expect_guest_fail(&gs, "GUEST_DS_AR_BYTES",
			  "DS.DPL must not be less than the selector RPL for a usable data or non-conforming code segment",
			  SEG);
	/* Conforming code (types 12-15) is exempt. */
	gs = restricted_state();
	gs.es = seg(SEL_CODE | SEL_RPL3, 0, LIMIT_4G, AR_CODE32 | 0x4);
	expect_guest_ok(&gs);
	/* "Unrestricted guest" lifts the rule. */
	gs = pm32_state();
	gs.ds.selector |= SEL_RPL3;
	expect_guest_ok(&gs);
}

static void test_fs_not_present(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.fs.ar = AR_DATA32 & ~AR_P;
	expect_guest_fail(&gs, "GUEST_FS_AR_BYTES", "FS.P must be 1", SEG);
	/* CS is checked even when marked unusable. */
	gs = pm32_state();
	gs.cs.ar = (AR_CODE32 & ~AR_P) | AR_UNUSABLE;
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES", "CS.P must be 1", SEG);
}

static void test_ar_reserved_bits(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ds.ar = AR_DATA32 | BIT(8);
	expect_guest_fail(&gs, "GUEST_DS_AR_BYTES", "DS access-rights bits 11:8 must be 0", SEG);
	gs = pm32_state();
	gs.cs.ar = AR_CODE32 | BIT(17);
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES", "CS access-rights bits 31:17 must be 0", SEG);
}

static void test_cs_l_with_d_in_ia32e(void **state)
{
	struct vmx_guest_state gs = lm64_state();

	gs.cs.ar = AR_CODE64 | AR_DB;
	expect_guest_fail(&gs, "GUEST_CS_AR_BYTES",
			  "CS.D/B must be 0 when CS.L is 1 in IA-32e mode", SEG);
}

static void test_limit_granularity(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	/* G=1 needs limit bits 11:0 all ones. */
	gs.ds.limit = 0x000ff000;
	expect_guest_fail(&gs, "GUEST_DS_AR_BYTES",
			  "DS.G must be 0 when any of limit bits 11:0 is 0", SEG);
	/* A limit above 1 MByte needs G=1. */
	gs = pm32_state();
	gs.ss.ar = AR_DATA32 & ~AR_G;
	expect_guest_fail(&gs, "GUEST_SS_AR_BYTES",
			  "SS.G must be 1 when any of limit bits 31:20 is 1", SEG);
	gs = pm32_state();
	gs.tr.limit = 0x1000;
	gs.tr.ar |= AR_G;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES",
			  "TR.G must be 0 when any of limit bits 11:0 is 0", SEG);
}

static void test_v86_segments(void **state)
{
	struct vmx_guest_state gs = v86_state();

	gs.es.base += 1;
	expect_guest_fail(&gs, "GUEST_ES_BASE",
			  "ES base must be the selector shifted left 4 bits in virtual-8086 mode", SEG);
	gs = v86_state();
	gs.gs.limit = LIMIT_4G;
	expect_guest_fail(&gs, "GUEST_GS_LIMIT",
			  "GS limit must be 0000FFFFH in virtual-8086 mode", SEG);
	gs = v86_state();
	gs.ss.ar = AR_DATA16;
	expect_guest_fail(&gs, "GUEST_SS_AR_BYTES",
			  "SS access rights must be 000000F3H in virtual-8086 mode", SEG);
}

/* ---- descriptor tables, RIP, RFLAGS --------------------------------- */

static void test_descriptor_tables(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.gdtr_limit = 0x10000;
	expect_guest_fail(&gs, "GUEST_GDTR_LIMIT", "GDTR limit bits 31:16 must be 0",
			  "Checks on Guest Descriptor-Table Registers");
	gs = lm64_state();
	gs.idtr_base = NON_CANONICAL;
	expect_guest_fail(&gs, "GUEST_IDTR_BASE", "IDTR base must be canonical",
			  "Checks on Guest Descriptor-Table Registers");
}

static void test_rip(void **state)
{
	const char *section = "Checks on Guest RIP, RFLAGS, and SSP";
	struct vmx_guest_state gs = pm32_state();

	gs.rip = BIT_ULL(32);
	expect_guest_fail(&gs, "GUEST_RIP",
			  "RIP bits 63:32 must be 0 outside 64-bit mode (\"IA-32e mode guest\" 0 or CS.L 0)",
			  section);
	/* Compatibility mode (IA-32e, CS.L 0) has 32-bit RIP too. */
	gs = lm64_state();
	gs.cs.ar = AR_CODE32;
	expect_guest_fail(&gs, "GUEST_RIP",
			  "RIP bits 63:32 must be 0 outside 64-bit mode (\"IA-32e mode guest\" 0 or CS.L 0)",
			  section);
	gs = lm64_state();
	gs.rip = NON_CANONICAL;
	expect_guest_fail(&gs, "GUEST_RIP", "RIP must be canonical in 64-bit mode", section);
}

static void test_rflags(void **state)
{
	const char *section = "Checks on Guest RIP, RFLAGS, and SSP";
	struct vmx_guest_state gs = pm32_state();

	gs.rflags = 0;
	expect_guest_fail(&gs, "GUEST_RFLAGS", "RFLAGS reserved bit 1 must be 1", section);
	gs.rflags = RFLAGS_FIXED | BIT_ULL(15);
	expect_guest_fail(&gs, "GUEST_RFLAGS",
			  "RFLAGS reserved bits 63:22, 15, 5 and 3 must be 0", section);

	/* VM with CR0.PE 0: segments are v86-consistent, so RFLAGS is first. */
	gs = v86_state();
	gs.cr0 &= ~(u64)X86_CR0_PE;
	expect_guest_fail(&gs, "GUEST_RFLAGS",
			  "RFLAGS.VM must be 0 in IA-32e mode or when CR0.PE is 0", section);
}

static void test_if_when_injecting_external_interrupt(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_EXT_INTR) | 0x20;
	expect_guest_fail(&gs, "GUEST_RFLAGS",
			  "RFLAGS.IF must be 1 when injecting an external interrupt",
			  "Checks on Guest RIP, RFLAGS, and SSP");
	gs.rflags |= X86_EFLAGS_IF;
	expect_guest_ok(&gs);
}

/* ---- non-register state --------------------------------------------- */

static void test_hlt_with_ss_dpl3(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.cs = seg(0x1b, 0, LIMIT_4G, AR_CODE32 | AR_DPL3);
	gs.ss = seg(0x23, 0, LIMIT_4G, AR_DATA32 | AR_DPL3);
	expect_guest_ok(&gs);
	gs.activity_state = GUEST_ACTIVITY_HLT;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "activity state must not be HLT when SS.DPL is not 0", NONREG);
}

static void test_activity_state_supported(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.activity_state = 4;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "activity state must be 0-3 and supported per IA32_VMX_MISC bits 8:6",
			  NONREG);
	gs.activity_state = GUEST_ACTIVITY_SHUTDOWN;
	expect_guest_ok(&gs);
	gs.caps.misc &= ~VMX_MISC_ACTIVITY_SHUTDOWN;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "activity state must be 0-3 and supported per IA32_VMX_MISC bits 8:6",
			  NONREG);
}

static void test_activity_vs_blocking_and_injection(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.rflags |= X86_EFLAGS_IF;
	gs.interruptibility = GUEST_INTR_STATE_STI;
	gs.activity_state = GUEST_ACTIVITY_HLT;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "activity state must be active when blocking by STI or MOV SS is set",
			  NONREG);

	gs.interruptibility = 0;
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_HARD_EXCEPTION) |
				  INTR_INFO_DELIVER_CODE_MASK | GP_VECTOR;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "the injected event must be one the activity state does not block",
			  NONREG);
	/* A machine check may be injected into HLT. */
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_HARD_EXCEPTION) |
				  MC_VECTOR;
	expect_guest_ok(&gs);
	/* Shutdown lets only NMIs and machine checks through. */
	gs.activity_state = GUEST_ACTIVITY_SHUTDOWN;
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_NMI) | NMI_VECTOR;
	expect_guest_ok(&gs);
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_EXT_INTR) | 0x20;
	expect_guest_fail(&gs, "GUEST_ACTIVITY_STATE",
			  "the injected event must be one the activity state does not block",
			  NONREG);
}

static void test_sti_blocking_with_if_clear(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.interruptibility = GUEST_INTR_STATE_STI;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by STI must be 0 when RFLAGS.IF is 0", NONREG);
}

static void test_interruptibility_rules(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.rflags |= X86_EFLAGS_IF;
	gs.interruptibility = GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by STI and blocking by MOV SS must not both be 1", NONREG);
	gs.interruptibility = BIT(5);
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "interruptibility-state bits 31:5 must be 0", NONREG);
	gs.interruptibility = GUEST_INTR_STATE_MOV_SS;
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_EXT_INTR) | 0x20;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by STI and by MOV SS must be 0 when injecting an external interrupt",
			  NONREG);
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_NMI) | NMI_VECTOR;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by MOV SS must be 0 when injecting an NMI", NONREG);
	gs.interruptibility = GUEST_INTR_STATE_NMI;
	expect_guest_ok(&gs);
	gs.ctls.pin |= PIN_BASED_VIRTUAL_NMIS;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by NMI must be 0 when injecting an NMI with \"virtual NMIs\" 1",
			  NONREG);
	gs.ctls.entry_intr_info = 0;
	gs.interruptibility = GUEST_INTR_STATE_SMI;
	expect_guest_fail(&gs, "GUEST_INTERRUPTIBILITY_INFO",
			  "blocking by SMI must be 0 outside SMM", NONREG);
}

static void test_pending_debug_bs_vs_tf(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	/* Single-stepping across STI: the #DB must be pending (BS). */
	gs.rflags |= X86_EFLAGS_IF | X86_EFLAGS_TF;
	gs.interruptibility = GUEST_INTR_STATE_STI;
	expect_guest_fail(&gs, "GUEST_PENDING_DBG_EXCEPTIONS",
			  "BS (bit 14) must be 1 when RFLAGS.TF is 1 and IA32_DEBUGCTL.BTF is 0 with STI/MOV SS blocking or HLT",
			  NONREG);
	gs.pending_dbg_exceptions = PENDING_BS;
	expect_guest_ok(&gs);
	/* With IA32_DEBUGCTL.BTF, TF means "trap on branch": no BS. */
	gs.debugctl = BIT_ULL(1);
	expect_guest_fail(&gs, "GUEST_PENDING_DBG_EXCEPTIONS",
			  "BS (bit 14) must be 0 when RFLAGS.TF is 0 or IA32_DEBUGCTL.BTF is 1 with STI/MOV SS blocking or HLT",
			  NONREG);
	gs.pending_dbg_exceptions = 0;
	expect_guest_ok(&gs);
	gs.debugctl = 0;
	gs.pending_dbg_exceptions = PENDING_BS;
	gs.rflags &= ~(u64)X86_EFLAGS_TF;
	expect_guest_fail(&gs, "GUEST_PENDING_DBG_EXCEPTIONS",
			  "BS (bit 14) must be 0 when RFLAGS.TF is 0 or IA32_DEBUGCTL.BTF is 1 with STI/MOV SS blocking or HLT",
			  NONREG);
	gs.pending_dbg_exceptions = BIT_ULL(4);
	expect_guest_fail(&gs, "GUEST_PENDING_DBG_EXCEPTIONS",
			  "pending debug exceptions bits 11:4, 13, 15 and 63:17 must be 0", NONREG);
}

static void test_vmcs_link_pointer(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.vmcs_link_pointer = 0;
	expect_guest_fail(&gs, "VMCS_LINK_POINTER",
			  "VMCS link pointer must be FFFFFFFF_FFFFFFFFH unless \"VMCS shadowing\" is 1",
			  NONREG);
	gs.vmcs_link_pointer = 0x1234;
	expect_guest_fail(&gs, "VMCS_LINK_POINTER",
			  "VMCS link pointer must be FFFFFFFF_FFFFFFFFH or 4-KByte aligned within the physical-address width",
			  NONREG);
}

static void test_pdptes(void **state)
{
	struct vmx_guest_state gs = restricted_state();

	/* PAE paging with EPT: the PDPTEs come from the VMCS. */
	gs.cr4 |= X86_CR4_PAE;
	gs.pdpte[0] = 0x3000 | 1;
	gs.pdpte[2] = 0x5000 | 1 | BIT_ULL(1);
	expect_guest_fail(&gs, "GUEST_PDPTR2",
			  "a present PDPTE must have bits 2:1, 8:5 and bits beyond the physical-address width 0",
			  "Checks on Guest Page-Directory-Pointer-Table Entries");
	/* Not-present entries are not checked. */
	gs.pdpte[2] &= ~1ull;
	expect_guest_ok(&gs);
}

static void test_first_violation_in_sdm_order(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	/* Three faults: the control-register one comes first in the SDM. */
	gs.tr.ar = AR_TSS_AVAIL;
	gs.rflags = 0;
	gs.cr4 = 0;
	expect_guest_fail(&gs, "GUEST_CR4", "CR4.VMXE must be 1 (IA32_VMX_CR4_FIXED0)", CRS);
	gs.cr4 = X86_CR4_VMXE;
	expect_guest_fail(&gs, "GUEST_TR_AR_BYTES",
			  "TR type must be 3 (busy 16-bit TSS) or 11 (busy 32-bit TSS) outside IA-32e mode",
			  SEG);
}

/* ---- controls -------------------------------------------------------- */

static void test_controls_reserved_bits(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.pin = 0;
	expect_controls_fail(&gs, "PIN_BASED_VM_EXEC_CONTROL",
			     "pin-based controls must set every bit the capability MSR reports as allowed-0 = 1");
	gs = pm32_state();
	gs.ctls.secondary |= BIT(15);	/* not allowed-1 on tigerlake */
	expect_controls_fail(&gs, "SECONDARY_VM_EXEC_CONTROL",
			     "secondary processor-based controls must clear every bit IA32_VMX_PROCBASED_CTLS2 reports as allowed-1 = 0");
	/* Without "activate secondary controls" the field is ignored. */
	gs.ctls.cpu_based &= ~CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	{
		struct vmx_check_failure f = { 0 };

		assert_int_equal(vmx_check_controls(&gs, &f), 0);
	}
	gs = pm32_state();
	gs.ctls.entry &= ~BIT(0);
	expect_controls_fail(&gs, "VM_ENTRY_CONTROLS",
			     "VM-entry controls must set every bit the capability MSR reports as allowed-0 = 1");
}

static void test_controls_cross_rules(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.secondary &= ~SECONDARY_EXEC_ENABLE_EPT;
	expect_controls_fail(&gs, "SECONDARY_VM_EXEC_CONTROL",
			     "\"enable EPT\" must be 1 when \"unrestricted guest\" is 1");
	gs = pm32_state();
	gs.ctls.vpid = 0;
	expect_controls_fail(&gs, "VIRTUAL_PROCESSOR_ID",
			     "VPID must not be 0 when \"enable VPID\" is 1");
	gs = pm32_state();
	gs.ctls.ept_pointer = EPT_PML4_ADDR | (EPTP_WB_4LEVEL & ~0x7ull) | 1;
	expect_controls_fail(&gs, "EPT_POINTER",
			     "EPTP memory type (bits 2:0) must be UC or WB as IA32_VMX_EPT_VPID_CAP allows");
	gs = pm32_state();
	gs.ctls.pin = (gs.ctls.pin & ~PIN_BASED_NMI_EXITING) | PIN_BASED_VIRTUAL_NMIS;
	expect_controls_fail(&gs, "PIN_BASED_VM_EXEC_CONTROL",
			     "\"virtual NMIs\" must be 0 when \"NMI exiting\" is 0");
	gs = pm32_state();
	gs.ctls.exit |= VM_EXIT_SAVE_VMX_PREEMPTION_TIMER;
	expect_controls_fail(&gs, "VM_EXIT_CONTROLS",
			     "\"save VMX-preemption timer value\" must be 0 when \"activate VMX-preemption timer\" is 0");
	gs = pm32_state();
	gs.ctls.entry |= VM_ENTRY_SMM;
	expect_controls_fail(&gs, "VM_ENTRY_CONTROLS", "\"entry to SMM\" must be 0 outside SMM");
}

static void test_event_injection(void **state)
{
	struct vmx_guest_state gs = pm32_state();

	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_NMI) | 3;
	expect_controls_fail(&gs, "VM_ENTRY_INTR_INFO_FIELD", "an NMI must have vector 2");
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(1);
	expect_controls_fail(&gs, "VM_ENTRY_INTR_INFO_FIELD", "interruption type 1 is reserved");

	/* #GP needs an error code unless IA32_VMX_BASIC bit 56 relaxes it. */
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_HARD_EXCEPTION) | GP_VECTOR;
	{
		struct vmx_check_failure f = { 0 };

		assert_int_equal(vmx_check_controls(&gs, &f), 0);
	}
	gs.caps.basic &= ~VMX_BASIC_NO_HW_ERRCODE_CC;
	expect_controls_fail(&gs, "VM_ENTRY_INTR_INFO_FIELD",
			     "deliver-error-code must be 1 for #DF, #TS, #NP, #SS, #GP, #PF, #AC and #CP in protected mode");
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_HARD_EXCEPTION) |
				  INTR_INFO_DELIVER_CODE_MASK | UD_VECTOR;
	expect_controls_fail(&gs, "VM_ENTRY_INTR_INFO_FIELD",
			     "deliver-error-code must be 0 unless a hardware exception with an error code is injected in protected mode");
	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_HARD_EXCEPTION) |
				  INTR_INFO_DELIVER_CODE_MASK | GP_VECTOR;
	gs.ctls.entry_exception_error_code = 0x10000;
	expect_controls_fail(&gs, "VM_ENTRY_EXCEPTION_ERROR_CODE",
			     "VM-entry exception error code bits 31:16 must be 0");

	gs.ctls.entry_intr_info = INTR_VALID | INTR_TYPE(INTR_TYPE_SOFT_INTR) | 0x80;
	gs.ctls.entry_instruction_len = 16;
	expect_controls_fail(&gs, "VM_ENTRY_INSTRUCTION_LEN",
			     "VM-entry instruction length must be 0-15 for software interrupts and exceptions");
}

/* ---- host state ------------------------------------------------------ */

static void test_host_state(void **state)
{
	struct vmx_guest_state gs = lm64_state();
	struct vmx_host_state hs = host_state();

	hs.tr_selector = 0;
	expect_host_fail(&hs, &gs, "HOST_TR_SELECTOR", "host TR selector must not be 0000H");
	hs = host_state();
	hs.cs_selector |= SEL_RPL3;
	expect_host_fail(&hs, &gs, "HOST_CS_SELECTOR", "host CS selector RPL and TI must be 0");
	hs = host_state();
	hs.cr4 &= ~(u64)X86_CR4_VMXE;
	expect_host_fail(&hs, &gs, "HOST_CR4",
			 "host CR4 must set every bit IA32_VMX_CR4_FIXED0 reports as 1");
	hs = host_state();
	hs.gs_base = NON_CANONICAL;
	expect_host_fail(&hs, &gs, "HOST_GS_BASE", "host GS base must be canonical");
	hs = host_state();
	hs.rip = NON_CANONICAL;
	expect_host_fail(&hs, &gs, "HOST_RIP",
			 "host RIP must be canonical when \"host address-space size\" is 1");
	hs = host_state();
	gs.ctls.exit &= ~VM_EXIT_HOST_ADDR_SPACE_SIZE;
	expect_host_fail(&hs, &gs, "VM_EXIT_CONTROLS",
			 "\"host address-space size\" must be 1 when VM entry starts in IA-32e mode");
	gs = lm64_state();
	gs.ctls.exit |= VM_EXIT_LOAD_IA32_EFER;
	hs.efer = EFER_LME;
	expect_host_fail(&hs, &gs, "HOST_IA32_EFER",
			 "host IA32_EFER.LMA must equal the \"host address-space size\" VM-exit control");
}

static void test_vm_entry_order(void **state)
{
	struct vmx_guest_state gs = pm32_state();
	struct vmx_host_state hs = host_state();
	struct vmx_check_failure f = { 0 };

	/* Controls are checked before host state, host before guest. */
	gs.tr.ar = AR_TSS_AVAIL;
	hs.tr_selector = 0;
	gs.ctls.vpid = 0;
	expect_failure(vmx_check_vm_entry(&gs, &hs, &f), &f, "VIRTUAL_PROCESSOR_ID",
		       "VPID must not be 0 when \"enable VPID\" is 1",
		       "Checks on VM-Execution Control Fields");
	gs.ctls.vpid = 1;
	expect_failure(vmx_check_vm_entry(&gs, &hs, &f), &f, "HOST_TR_SELECTOR",
		       "host TR selector must not be 0000H",
		       "Checks on Host Segment and Descriptor-Table Registers");
	hs.tr_selector = SEL_TSS;
	expect_failure(vmx_check_vm_entry(&gs, &hs, &f), &f, "GUEST_TR_AR_BYTES",
		       "TR type must be 3 (busy 16-bit TSS) or 11 (busy 32-bit TSS) outside IA-32e mode",
		       SEG);
}

/* ---- reading the VMCS and formatting --------------------------------- */

/* A fake VMCS: fields written by encoding, reads of unknown fields counted. */
#define FAKE_VMCS_SLOTS 128

struct fake_vmcs {
	u32 field[FAKE_VMCS_SLOTS];
	u64 value[FAKE_VMCS_SLOTS];
	size_t n;
	unsigned int unknown_reads;
	u32 last_unknown;
};

static void fake_set(struct fake_vmcs *v, u32 field, u64 value)
{
	assert_true(v->n < FAKE_VMCS_SLOTS);
	v->field[v->n] = field;
	v->value[v->n] = value;
	v->n++;
}

static u64 fake_vmread(void *ctx, u32 field)
{
	struct fake_vmcs *v = ctx;

	for (size_t i = 0; i < v->n; i++)
		if (v->field[i] == field)
			return v->value[i];
	v->unknown_reads++;
	v->last_unknown = field;
	return 0;
}

static void fake_set_seg(struct fake_vmcs *v, u32 sel, u32 base, u32 limit,
			 u32 ar, const struct vmx_seg *s)
{
	fake_set(v, sel, s->selector);
	fake_set(v, base, s->base);
	fake_set(v, limit, s->limit);
	fake_set(v, ar, s->ar);
}

/* Write every field vmx_guest_state_read() may read for @gs. */
static void fake_load_guest(struct fake_vmcs *v, const struct vmx_guest_state *gs)
{
	fake_set(v, PIN_BASED_VM_EXEC_CONTROL, gs->ctls.pin);
	fake_set(v, CPU_BASED_VM_EXEC_CONTROL, gs->ctls.cpu_based);
	fake_set(v, SECONDARY_VM_EXEC_CONTROL, gs->ctls.secondary);
	fake_set(v, VM_EXIT_CONTROLS, gs->ctls.exit);
	fake_set(v, VM_ENTRY_CONTROLS, gs->ctls.entry);
	fake_set(v, VM_ENTRY_INTR_INFO_FIELD, gs->ctls.entry_intr_info);
	fake_set(v, VM_ENTRY_EXCEPTION_ERROR_CODE, gs->ctls.entry_exception_error_code);
	fake_set(v, VM_ENTRY_INSTRUCTION_LEN, gs->ctls.entry_instruction_len);
	fake_set(v, CR3_TARGET_COUNT, gs->ctls.cr3_target_count);
	fake_set(v, VIRTUAL_PROCESSOR_ID, gs->ctls.vpid);
	fake_set(v, EPT_POINTER, gs->ctls.ept_pointer);
	fake_set(v, VM_EXIT_MSR_STORE_COUNT, 0);
	fake_set(v, VM_EXIT_MSR_LOAD_COUNT, 0);
	fake_set(v, VM_ENTRY_MSR_LOAD_COUNT, 0);
	fake_set(v, GUEST_CR0, gs->cr0);
	fake_set(v, GUEST_CR3, gs->cr3);
	fake_set(v, GUEST_CR4, gs->cr4);
	fake_set(v, GUEST_DR7, gs->dr7);
	fake_set(v, GUEST_IA32_EFER, gs->efer);
	fake_set(v, GUEST_SYSENTER_CS, gs->sysenter_cs);
	fake_set(v, GUEST_SYSENTER_ESP, gs->sysenter_esp);
	fake_set(v, GUEST_SYSENTER_EIP, gs->sysenter_eip);
	fake_set_seg(v, GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES, &gs->es);
	fake_set_seg(v, GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES, &gs->cs);
	fake_set_seg(v, GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES, &gs->ss);
	fake_set_seg(v, GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES, &gs->ds);
	fake_set_seg(v, GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES, &gs->fs);
	fake_set_seg(v, GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES, &gs->gs);
	fake_set_seg(v, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES, &gs->ldtr);
	fake_set_seg(v, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES, &gs->tr);
	fake_set(v, GUEST_GDTR_BASE, gs->gdtr_base);
	fake_set(v, GUEST_GDTR_LIMIT, gs->gdtr_limit);
	fake_set(v, GUEST_IDTR_BASE, gs->idtr_base);
	fake_set(v, GUEST_IDTR_LIMIT, gs->idtr_limit);
	fake_set(v, GUEST_RSP, gs->rsp);
	fake_set(v, GUEST_RIP, gs->rip);
	fake_set(v, GUEST_RFLAGS, gs->rflags);
	fake_set(v, GUEST_ACTIVITY_STATE, gs->activity_state);
	fake_set(v, GUEST_INTERRUPTIBILITY_INFO, gs->interruptibility);
	fake_set(v, GUEST_PENDING_DBG_EXCEPTIONS, gs->pending_dbg_exceptions);
	fake_set(v, VMCS_LINK_POINTER, gs->vmcs_link_pointer);
	fake_set(v, GUEST_PDPTR0, gs->pdpte[0]);
	fake_set(v, GUEST_PDPTR1, gs->pdpte[1]);
	fake_set(v, GUEST_PDPTR2, gs->pdpte[2]);
	fake_set(v, GUEST_PDPTR3, gs->pdpte[3]);
}

static void test_guest_state_read(void **state)
{
	struct vmx_guest_state want = lm64_state(), got;
	struct vmx_entry_check_caps caps = tgl_caps();
	struct fake_vmcs *v = test_calloc(1, sizeof(*v));
	struct vmx_check_failure f = { 0 };

	fake_load_guest(v, &want);
	memset(&got, 0xa5, sizeof(got));
	vmx_guest_state_read(&got, fake_vmread, v, &caps);
	assert_int_equal(v->unknown_reads, 0);
	assert_int_equal(got.caps.basic, caps.basic);
	assert_int_equal(got.caps.cr4_fixed1, caps.cr4_fixed1);
	assert_int_equal(got.caps.maxphyaddr, caps.maxphyaddr);
	assert_int_equal(got.cr0, want.cr0);
	assert_int_equal(got.cr4, want.cr4);
	assert_int_equal(got.efer, want.efer);
	assert_int_equal(got.cs.ar, want.cs.ar);
	assert_int_equal(got.tr.base, want.tr.base);
	assert_int_equal(got.fs.base, want.fs.base);
	assert_int_equal(got.idtr_limit, want.idtr_limit);
	assert_int_equal(got.rip, want.rip);
	assert_int_equal(got.vmcs_link_pointer, LINK_NONE);
	assert_int_equal(got.ctls.entry, want.ctls.entry);
	assert_int_equal(got.ctls.secondary, want.ctls.secondary);
	assert_int_equal(got.ctls.ept_pointer, want.ctls.ept_pointer);
	assert_int_equal(vmx_check_guest_state(&got, &f), 0);

	/* A corrupted VMCS field shows up in the report. */
	for (size_t i = 0; i < v->n; i++)
		if (v->field[i] == GUEST_TR_AR_BYTES)
			v->value[i] = AR_TSS_AVAIL;
	vmx_guest_state_read(&got, fake_vmread, v, NULL);
	/* NULL caps keeps the ones already in the struct. */
	assert_int_equal(got.caps.entry_ctls, caps.entry_ctls);
	expect_guest_fail(&got, "GUEST_TR_AR_BYTES",
			  "TR type must be 11 (busy 64-bit TSS) in IA-32e mode", SEG);
	test_free(v);
}

/* Optional fields are not read when the controls that use them are 0. */
static void test_guest_state_read_skips_optional_fields(void **state)
{
	struct vmx_guest_state want = pm32_state(), got;
	struct vmx_entry_check_caps caps = tgl_caps();
	struct fake_vmcs *v = test_calloc(1, sizeof(*v));

	want.ctls.cpu_based &= ~CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	want.ctls.entry &= ~VM_ENTRY_LOAD_IA32_EFER;
	fake_load_guest(v, &want);
	/* Poison the fields that must not be read. */
	for (size_t i = 0; i < v->n; i++) {
		switch (v->field[i]) {
		case SECONDARY_VM_EXEC_CONTROL:
		case EPT_POINTER:
		case VIRTUAL_PROCESSOR_ID:
		case GUEST_IA32_EFER:
		case GUEST_PDPTR0:
			v->value[i] = ~0ull;
			break;
		}
	}
	vmx_guest_state_read(&got, fake_vmread, v, &caps);
	assert_int_equal(got.ctls.secondary, 0);
	assert_int_equal(got.ctls.ept_pointer, 0);
	assert_int_equal(got.ctls.vpid, 0);
	assert_int_equal(got.efer, 0);
	assert_int_equal(got.pdpte[0], 0);
	assert_int_equal(v->unknown_reads, 0);
	test_free(v);
}

static void test_host_state_read(void **state)
{
	struct vmx_host_state want = host_state(), got;
	struct vmx_guest_state gs = lm64_state();
	struct fake_vmcs *v = test_calloc(1, sizeof(*v));
	struct vmx_check_failure f = { 0 };

	fake_set(v, HOST_CR0, want.cr0);
	fake_set(v, HOST_CR3, want.cr3);
	fake_set(v, HOST_CR4, want.cr4);
	fake_set(v, HOST_ES_SELECTOR, want.es_selector);
	fake_set(v, HOST_CS_SELECTOR, want.cs_selector);
	fake_set(v, HOST_SS_SELECTOR, want.ss_selector);
	fake_set(v, HOST_DS_SELECTOR, want.ds_selector);
	fake_set(v, HOST_FS_SELECTOR, want.fs_selector);
	fake_set(v, HOST_GS_SELECTOR, want.gs_selector);
	fake_set(v, HOST_TR_SELECTOR, want.tr_selector);
	fake_set(v, HOST_FS_BASE, want.fs_base);
	fake_set(v, HOST_GS_BASE, want.gs_base);
	fake_set(v, HOST_TR_BASE, want.tr_base);
	fake_set(v, HOST_GDTR_BASE, want.gdtr_base);
	fake_set(v, HOST_IDTR_BASE, want.idtr_base);
	fake_set(v, HOST_IA32_SYSENTER_CS, want.sysenter_cs);
	fake_set(v, HOST_IA32_SYSENTER_ESP, want.sysenter_esp);
	fake_set(v, HOST_IA32_SYSENTER_EIP, want.sysenter_eip);
	fake_set(v, HOST_RSP, want.rsp);
	fake_set(v, HOST_RIP, want.rip);
	vmx_host_state_read(&got, &gs.ctls, fake_vmread, v);
	assert_int_equal(v->unknown_reads, 0);
	assert_int_equal(got.cr0, want.cr0);
	assert_int_equal(got.cr4, want.cr4);
	assert_int_equal(got.cs_selector, want.cs_selector);
	assert_int_equal(got.tr_selector, want.tr_selector);
	assert_int_equal(got.tr_base, want.tr_base);
	assert_int_equal(got.idtr_base, want.idtr_base);
	assert_int_equal(got.rip, want.rip);
	assert_int_equal(got.efer, 0);	/* "load IA32_EFER" is 0: not read */
	assert_int_equal(vmx_check_host_state(&got, &gs, &f), 0);
	test_free(v);
}

static void test_failure_format(void **state)
{
	struct vmx_guest_state gs = pm32_state();
	struct vmx_check_failure f = { 0 };
	char buf[256], small[16];
	int n;

	gs.tr.ar = AR_TSS_AVAIL;
	assert_int_equal(vmx_check_guest_state(&gs, &f), -EINVAL);
	assert_int_equal(f.value, AR_TSS_AVAIL);
	n = vmx_check_failure_format(&f, buf, sizeof(buf));
	assert_string_equal(buf,
			    "GUEST_TR_AR_BYTES = 0x89: TR type must be 3 (busy 16-bit TSS) or "
			    "11 (busy 32-bit TSS) outside IA-32e mode (SDM Vol. 3C, Checks on "
			    "Guest Segment Registers)");
	assert_int_equal(n, (int)strlen(buf));
	/* Truncation keeps snprintf's contract. */
	assert_int_equal(vmx_check_failure_format(&f, small, sizeof(small)), n);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_states_pass),
		cmocka_unit_test(test_unchecked_settings_pass),
		cmocka_unit_test(test_cr0_pg_without_pe),
		cmocka_unit_test(test_cr0_pe_needed_without_unrestricted),
		cmocka_unit_test(test_cr0_ne_clear),
		cmocka_unit_test(test_cr4_without_vmxe),
		cmocka_unit_test(test_cr4_fixed1),
		cmocka_unit_test(test_ia32e_needs_pae),
		cmocka_unit_test(test_pcide_outside_ia32e),
		cmocka_unit_test(test_cr3_beyond_maxphyaddr),
		cmocka_unit_test(test_dr7_and_debugctl_with_debug_controls),
		cmocka_unit_test(test_sysenter_esp_canonical),
		cmocka_unit_test(test_pat_memory_types),
		cmocka_unit_test(test_ia32e_without_efer_lma),
		cmocka_unit_test(test_efer_lme_mismatch),
		cmocka_unit_test(test_tr_type_not_busy),
		cmocka_unit_test(test_tr_type_16bit_in_ia32e),
		cmocka_unit_test(test_tr_other_rules),
		cmocka_unit_test(test_ldtr_usable_type),
		cmocka_unit_test(test_ss_rpl_vs_cs_rpl),
		cmocka_unit_test(test_fs_base_non_canonical),
		cmocka_unit_test(test_cs_base_high),
		cmocka_unit_test(test_cs_type_data_without_unrestricted),
		cmocka_unit_test(test_cs_type_under_unrestricted),
		cmocka_unit_test(test_ss_type),
		cmocka_unit_test(test_data_segment_type_bits),
		cmocka_unit_test(test_gs_system_segment),
		cmocka_unit_test(test_unusable_ss_dpl_still_checked),
		cmocka_unit_test(test_ss_dpl_in_real_mode),
		cmocka_unit_test(test_ds_dpl_below_rpl),
		cmocka_unit_test(test_fs_not_present),
		cmocka_unit_test(test_ar_reserved_bits),
		cmocka_unit_test(test_cs_l_with_d_in_ia32e),
		cmocka_unit_test(test_limit_granularity),
		cmocka_unit_test(test_v86_segments),
		cmocka_unit_test(test_descriptor_tables),
		cmocka_unit_test(test_rip),
		cmocka_unit_test(test_rflags),
		cmocka_unit_test(test_if_when_injecting_external_interrupt),
		cmocka_unit_test(test_hlt_with_ss_dpl3),
		cmocka_unit_test(test_activity_state_supported),
		cmocka_unit_test(test_activity_vs_blocking_and_injection),
		cmocka_unit_test(test_sti_blocking_with_if_clear),
		cmocka_unit_test(test_interruptibility_rules),
		cmocka_unit_test(test_pending_debug_bs_vs_tf),
		cmocka_unit_test(test_vmcs_link_pointer),
		cmocka_unit_test(test_pdptes),
		cmocka_unit_test(test_first_violation_in_sdm_order),
		cmocka_unit_test(test_controls_reserved_bits),
		cmocka_unit_test(test_controls_cross_rules),
		cmocka_unit_test(test_event_injection),
		cmocka_unit_test(test_host_state),
		cmocka_unit_test(test_vm_entry_order),
		cmocka_unit_test(test_guest_state_read),
		cmocka_unit_test(test_guest_state_read_skips_optional_fields),
		cmocka_unit_test(test_host_state_read),
		cmocka_unit_test(test_failure_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
