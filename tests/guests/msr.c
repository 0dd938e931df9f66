/* SPDX-License-Identifier: MIT */
/*
 * msr: RDMSR/WRMSR as the guest sees them.  MSRs whose guest value the VMCS
 * holds pass through (no exit), a few are emulated (they exit, counted by
 * TVX_HC_EXIT_COUNT), and any other MSR raises #GP(0) as on a CPU without
 * it.  SDM Vol. 4 "Model-Specific Registers" for the architectural ones.
 */
#include "guest.h"

#define EXIT_REASON_MSR_READ 31
#define EXIT_REASON_MSR_WRITE 32
#define GP_VECTOR 13
#define SEL_DATA 0x10	/* crt0's flat data segment */

#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_ADJUST 0x3b
#define TSC_ADJUST_STEP 0x100000000ull
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRR_PHYSBASE0 0x200
#define MSR_MTRR_PHYSMASK0 0x201
#define MSR_MTRR_PHYSBASE7 0x20e
#define MSR_MTRR_PHYSBASE8 0x210	/* one pair beyond VCNT = 8 */
#define MSR_MTRR_FIX64K_00000 0x250
#define MSR_MTRR_FIX4K_C0000 0x268
#define MSR_MTRR_FIX4K_F8000 0x26f
#define MSR_IA32_CR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_UNKNOWN_HIGH 0x12345678
#define MSR_UNKNOWN_LOW 0x1234

#define EFER_SCE (1ull << 0)
#define EFER_RESERVED_1 (1ull << 1)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_RESERVED_63 (1ull << 63)

/* What vmx/msr.c reports: fast strings (R/W), BTS and PEBS unavailable
 * (R/O); the rest reads 0 and may not be set. */
#define MISC_ENABLE_FAST_STRING (1ull << 0)
#define MISC_ENABLE_EMON (1ull << 7)
#define MISC_ENABLE_BTS_UNAVAIL (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_MWAIT (1ull << 18)
#define MISC_ENABLE_LIMIT_CPUID (1ull << 22)
#define MISC_ENABLE_XD_DISABLE (1ull << 34)
#define GUEST_MISC_ENABLE (MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | \
			   MISC_ENABLE_PEBS_UNAVAIL)

/* MTRRs (SDM Vol. 3A, "Memory Type Range Registers (MTRRs)") */
#define CPUID_1_EDX_MTRR (1u << 12)
#define MTRRCAP_EXPECTED 0x508ull	/* VCNT 8, FIX, WC, no SMRR */
#define MTRR_TYPE_UC 0ull
#define MTRR_TYPE_WC 1ull
#define MTRR_TYPE_RSVD2 2ull
#define MTRR_TYPE_WT 4ull
#define MTRR_TYPE_WB 6ull
#define MTRR_TYPE_UC_MINUS 7ull	/* a PAT type only */
#define MTRR_DEF_TYPE_FE (1ull << 10)
#define MTRR_DEF_TYPE_E (1ull << 11)
#define MTRR_DEF_TYPE_RSVD_9 (1ull << 9)
#define MTRR_PHYSMASK_V (1ull << 11)
#define MTRR_PHYSBASE_RSVD_8 (1ull << 8)
#define FIXED_ALL_WB 0x0606060606060606ull
#define FIXED_MIXED 0x0006040501060004ull	/* bytes 7..0: UC WB WT WP WC WB UC WT */
#define FIXED_BYTE5_RSVD 0x0606030606060606ull	/* type 3 in byte 5 */
#define RANGE_BASE 0x10000000ull	/* 256 MiB at 256 MiB */
#define RANGE_SIZE 0x10000000ull
#define PAGE_MASK_4K 0xfffull
#define CPUID_EXT_MAX 0x80000000u
#define CPUID_ADDR_SIZES 0x80000008u
#define DEFAULT_MAXPHYADDR 36

/* SDM "IA32_PAT MSR": the power-on value WB, WT, UC-, UC repeated. */
#define PAT_POWER_ON 0x0007040600070406ull
#define PAT_ALL_WB 0x0606060606060606ull
#define PAT_RESERVED_TYPE_2 0x0007040600070402ull
#define PAT_RESERVED_TYPE_3 0x0307040600070406ull	/* in the top entry */
#define PAT_RESERVED_TYPE_8 0x0007040608070406ull
#define PAT_ALL_UC_MINUS 0x0707070707070707ull

#define TSC_WRITE_VALUE (1ull << 40)
#define TSC_WRITE_SLACK 100000000ull	/* instructions between write and read */

static u32 fs_target = 0xfeedface, gs_target = 0xcafebabe;

static long msr_reads(void)
{
	return hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_MSR_READ, 0, 0, 0);
}

static long msr_writes(void)
{
	return hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_MSR_WRITE, 0, 0, 0);
}

static void check_pass_through(void)
{
	long r0, w0, r1, w1;
	u64 fs = 0, gs = 0, after = ~0ull;
	u32 via_fs = 0, via_gs = 0;
	int f1, f2, f3, f4;

	r0 = msr_reads();
	w0 = msr_writes();
	f1 = wrmsr_safe(MSR_FS_BASE, (u32)&fs_target);
	f2 = rdmsr_safe(MSR_FS_BASE, &fs);
	f3 = wrmsr_safe(MSR_GS_BASE, (u32)&gs_target);
	f4 = rdmsr_safe(MSR_GS_BASE, &gs);
	/* The bases are live: FS:0 and GS:0 now read the targets. */
	asm volatile("movl %%fs:0, %0" : "=r"(via_fs));
	asm volatile("movl %%gs:0, %0" : "=r"(via_gs));
	r1 = msr_reads();
	w1 = msr_writes();
	/* Reloading the selector reloads the base from the GDT. */
	asm volatile("movw %w0, %%fs; movw %w0, %%gs" : : "r"(SEL_DATA));
	rdmsr_safe(MSR_FS_BASE, &after);

	report(f1 < 0 && f2 < 0 && f3 < 0 && f4 < 0, "FS/GS base MSR accesses do not fault");
	report(fs == (u32)&fs_target && gs == (u32)&gs_target,
	       "IA32_FS_BASE/IA32_GS_BASE read back %#llx/%#llx", fs, gs);
	report(via_fs == fs_target && via_gs == gs_target,
	       "%%fs:0 and %%gs:0 read through the written bases (%#x, %#x)", via_fs, via_gs);
	report(r1 == r0 && w1 == w0,
	       "FS/GS base pass through: MSR_READ %ld -> %ld, MSR_WRITE %ld -> %ld", r0, r1, w0,
	       w1);
	report(after == 0, "mov to %%fs reloads the base from the GDT (%#llx)", after);
}

static void check_misc_enable(void)
{
	static const struct {
		u64 flip;
		const char *what;
	} ro[] = {
		{ MISC_ENABLE_BTS_UNAVAIL, "clearing BTS unavailable (R/O)" },
		{ MISC_ENABLE_PEBS_UNAVAIL, "clearing PEBS unavailable (R/O)" },
		{ MISC_ENABLE_EMON, "setting perfmon available (R/O)" },
		{ MISC_ENABLE_MWAIT, "setting MONITOR FSM (no MONITOR)" },
		{ MISC_ENABLE_LIMIT_CPUID, "setting limit CPUID maxval" },
		{ MISC_ENABLE_XD_DISABLE, "setting XD bit disable" },
	};
	long r0, r1;
	u64 v = 0;
	int f;

	r0 = msr_reads();
	f = rdmsr_safe(MSR_IA32_MISC_ENABLE, &v);
	r1 = msr_reads();
	report(f < 0 && v == GUEST_MISC_ENABLE, "IA32_MISC_ENABLE reads %#llx (expected %#llx)", v,
	       GUEST_MISC_ENABLE);
	report(r1 == r0 + 1, "IA32_MISC_ENABLE is emulated: MSR_READ %ld -> %ld", r0, r1);
	report(wrmsr_safe(MSR_IA32_MISC_ENABLE, GUEST_MISC_ENABLE) < 0,
	       "writing IA32_MISC_ENABLE's own value is accepted");

	/* fast strings is the one writable bit */
	f = wrmsr_safe(MSR_IA32_MISC_ENABLE, GUEST_MISC_ENABLE & ~MISC_ENABLE_FAST_STRING);
	rdmsr_safe(MSR_IA32_MISC_ENABLE, &v);
	report(f < 0 && v == (GUEST_MISC_ENABLE & ~MISC_ENABLE_FAST_STRING),
	       "IA32_MISC_ENABLE fast strings clears (%#llx)", v);
	f = wrmsr_safe(MSR_IA32_MISC_ENABLE, GUEST_MISC_ENABLE);
	rdmsr_safe(MSR_IA32_MISC_ENABLE, &v);
	report(f < 0 && v == GUEST_MISC_ENABLE, "IA32_MISC_ENABLE fast strings sets again (%#llx)",
	       v);

	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		f = wrmsr_safe(MSR_IA32_MISC_ENABLE, GUEST_MISC_ENABLE ^ ro[i].flip);
		report(f == GP_VECTOR, "IA32_MISC_ENABLE %s raises #GP (%d)", ro[i].what, f);
	}
	f = wrmsr_safe(MSR_IA32_MISC_ENABLE, 0);
	report(f == GP_VECTOR, "writing 0 to IA32_MISC_ENABLE raises #GP (%d)", f);
	rdmsr_safe(MSR_IA32_MISC_ENABLE, &v);
	report(v == GUEST_MISC_ENABLE, "IA32_MISC_ENABLE unchanged by the faulting writes (%#llx)",
	       v);
}

static unsigned guest_maxphyaddr(void)
{
	u32 a, b, c, d;

	cpuid(CPUID_EXT_MAX, 0, &a, &b, &c, &d);
	if (a < CPUID_ADDR_SIZES)
		return DEFAULT_MAXPHYADDR;
	cpuid(CPUID_ADDR_SIZES, 0, &a, &b, &c, &d);
	return a & 0xff;
}

/* A write that must raise #GP and leave @msr as it was. */
static void expect_gp(u32 msr, u64 val, const char *what)
{
	u64 before = 0, after = ~0ull;
	int f;

	rdmsr_safe(msr, &before);
	f = wrmsr_safe(msr, val);
	rdmsr_safe(msr, &after);
	report(f == GP_VECTOR && fault_error_code == 0 && after == before,
	       "%s raises #GP(0) (vector %d, %#llx stays %#llx)", what, f, before, after);
}

/* A write that must be accepted and read back. */
static void expect_rw(u32 msr, u64 val, const char *what)
{
	u64 v = ~val;
	int f = wrmsr_safe(msr, val);

	rdmsr_safe(msr, &v);
	report(f < 0 && v == val, "%s reads back (%#llx)", what, v);
}

static void check_mtrr(void)
{
	u32 a, b, c, d;
	unsigned maxphy = guest_maxphyaddr();
	u64 phys_mask = ((1ull << maxphy) - 1) & ~PAGE_MASK_4K;
	u64 v = ~0ull;
	int f;

	cpuid(1, 0, &a, &b, &c, &d);
	report(d & CPUID_1_EDX_MTRR, "CPUID.1:EDX.MTRR is set (%#x)", d);

	/* IA32_MTRRCAP: read-only */
	f = rdmsr_safe(MSR_IA32_MTRRCAP, &v);
	report(f < 0 && v == MTRRCAP_EXPECTED,
	       "IA32_MTRRCAP reads %#llx (VCNT 8, FIX, WC, no SMRR)", v);
	f = wrmsr_safe(MSR_IA32_MTRRCAP, v);
	report(f == GP_VECTOR, "writing IA32_MTRRCAP raises #GP (%d)", f);

	/* power-on: everything 0, MTRRs disabled */
	rdmsr_safe(MSR_MTRR_DEF_TYPE, &v);
	report(v == 0, "IA32_MTRR_DEF_TYPE is 0 at power-on (%#llx)", v);
	v = ~0ull;
	rdmsr_safe(MSR_MTRR_FIX4K_F8000, &v);
	report(v == 0, "IA32_MTRR_FIX4K_F8000 is 0 at power-on (%#llx)", v);
	v = ~0ull;
	rdmsr_safe(MSR_MTRR_PHYSBASE7 + 1, &v);
	report(v == 0, "IA32_MTRR_PHYSMASK7 is 0 at power-on (%#llx)", v);

	/* IA32_MTRR_DEF_TYPE */
	expect_rw(MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_TYPE_WB,
		  "IA32_MTRR_DEF_TYPE E|FE|WB");
	expect_gp(MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_TYPE_RSVD2,
		  "IA32_MTRR_DEF_TYPE with reserved type 2");
	expect_gp(MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_TYPE_UC_MINUS,
		  "IA32_MTRR_DEF_TYPE with PAT-only type 7");
	expect_gp(MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_RSVD_9 | MTRR_TYPE_WB,
		  "IA32_MTRR_DEF_TYPE with reserved bit 9");

	/* fixed ranges: each byte a valid type */
	expect_rw(MSR_MTRR_FIX64K_00000, FIXED_ALL_WB, "IA32_MTRR_FIX64K_00000 all WB");
	expect_rw(MSR_MTRR_FIX4K_C0000, FIXED_MIXED, "IA32_MTRR_FIX4K_C0000 mixed types");
	rdmsr_safe(MSR_MTRR_FIX64K_00000, &v);
	report(v == FIXED_ALL_WB, "IA32_MTRR_FIX64K_00000 kept its value (%#llx)", v);
	expect_gp(MSR_MTRR_FIX4K_C0000, FIXED_BYTE5_RSVD,
		  "IA32_MTRR_FIX4K_C0000 with reserved type 3 in byte 5");

	/* a variable range: 256 MiB at 256 MiB, write-combining */
	expect_rw(MSR_MTRR_PHYSBASE0, RANGE_BASE | MTRR_TYPE_WC, "IA32_MTRR_PHYSBASE0");
	expect_rw(MSR_MTRR_PHYSMASK0, (phys_mask & ~(RANGE_SIZE - 1)) | MTRR_PHYSMASK_V,
		  "IA32_MTRR_PHYSMASK0 (valid)");
	expect_rw(MSR_MTRR_PHYSBASE7, RANGE_BASE | MTRR_TYPE_WT, "IA32_MTRR_PHYSBASE7");
	rdmsr_safe(MSR_MTRR_PHYSBASE0, &v);
	report(v == (RANGE_BASE | MTRR_TYPE_WC), "IA32_MTRR_PHYSBASE0 kept its value (%#llx)", v);
	expect_gp(MSR_MTRR_PHYSBASE0, RANGE_BASE | MTRR_TYPE_UC_MINUS,
		  "IA32_MTRR_PHYSBASE0 with PAT-only type 7");
	expect_gp(MSR_MTRR_PHYSBASE0, RANGE_BASE | MTRR_PHYSBASE_RSVD_8 | MTRR_TYPE_WB,
		  "IA32_MTRR_PHYSBASE0 with reserved bit 8");
	if (maxphy < 64)
		expect_gp(MSR_MTRR_PHYSBASE0, (1ull << maxphy) | MTRR_TYPE_WB,
			  "IA32_MTRR_PHYSBASE0 with the bit at MAXPHYADDR");
	expect_gp(MSR_MTRR_PHYSMASK0, (phys_mask & ~(RANGE_SIZE - 1)) | MTRR_PHYSMASK_V | 1,
		  "IA32_MTRR_PHYSMASK0 with reserved bit 0");
	f = wrmsr_safe(MSR_MTRR_PHYSBASE8, MTRR_TYPE_WB);
	report(f == GP_VECTOR, "IA32_MTRR_PHYSBASE8 (beyond VCNT) raises #GP (%d)", f);

	/* back to power-on */
	wrmsr_safe(MSR_MTRR_PHYSBASE0, 0);
	wrmsr_safe(MSR_MTRR_PHYSMASK0, 0);
	wrmsr_safe(MSR_MTRR_PHYSBASE7, 0);
	wrmsr_safe(MSR_MTRR_FIX64K_00000, 0);
	wrmsr_safe(MSR_MTRR_FIX4K_C0000, 0);
	wrmsr_safe(MSR_MTRR_DEF_TYPE, MTRR_TYPE_UC);
}

static void check_unknown(void)
{
	static const u32 msrs[] = { MSR_UNKNOWN_HIGH, MSR_UNKNOWN_LOW };

	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		u64 v = 0;
		int f = rdmsr_safe(msrs[i], &v);

		report(f == GP_VECTOR && fault_error_code == 0,
		       "rdmsr %#x raises #GP(0) (vector %d, error code %#x)", msrs[i], f,
		       fault_error_code);
		f = wrmsr_safe(msrs[i], 0);
		report(f == GP_VECTOR && fault_error_code == 0,
		       "wrmsr %#x raises #GP(0) (vector %d)", msrs[i], f);
	}
}

static void check_efer(void)
{
	u64 efer0 = ~0ull, v = ~0ull;
	long w0, w1;
	int f;

	f = rdmsr_safe(MSR_EFER, &efer0);
	report(f < 0 && efer0 == 0, "EFER is 0 at entry (%#llx)", efer0);

	f = wrmsr_safe(MSR_EFER, efer0 | EFER_RESERVED_1);
	report(f == GP_VECTOR, "EFER write with reserved bit 1 raises #GP (%d)", f);
	f = wrmsr_safe(MSR_EFER, efer0 | EFER_RESERVED_63);
	report(f == GP_VECTOR, "EFER write with reserved bit 63 raises #GP (%d)", f);
	rdmsr_safe(MSR_EFER, &v);
	report(v == efer0, "EFER unchanged by the faulting writes (%#llx)", v);

	w0 = msr_writes();
	f = wrmsr_safe(MSR_EFER, efer0 | EFER_SCE);
	w1 = msr_writes();
	rdmsr_safe(MSR_EFER, &v);
	report(f < 0 && v == (efer0 | EFER_SCE), "EFER.SCE write reads back (%#llx)", v);
	report(w1 == w0 + 1, "EFER writes are emulated: MSR_WRITE %ld -> %ld", w0, w1);

	/* LMA is read-only: a write of 1 with paging off keeps it 0. */
	f = wrmsr_safe(MSR_EFER, efer0 | EFER_LME | EFER_LMA);
	rdmsr_safe(MSR_EFER, &v);
	report(f < 0 && v == (efer0 | EFER_LME), "EFER.LME sets with paging off, LMA stays 0 (%#llx)",
	       v);
	wrmsr_safe(MSR_EFER, efer0);
	rdmsr_safe(MSR_EFER, &v);
	report(v == efer0, "EFER restored (%#llx)", v);
}

static void check_pat(void)
{
	u64 v = 0;
	int f;

	rdmsr_safe(MSR_IA32_CR_PAT, &v);
	report(v == PAT_POWER_ON, "IA32_PAT has its power-on value (%#llx)", v);
	f = wrmsr_safe(MSR_IA32_CR_PAT, PAT_ALL_WB);
	rdmsr_safe(MSR_IA32_CR_PAT, &v);
	report(f < 0 && v == PAT_ALL_WB, "IA32_PAT write reads back (%#llx)", v);
	expect_gp(MSR_IA32_CR_PAT, PAT_RESERVED_TYPE_2, "IA32_PAT with reserved memory type 2");
	expect_gp(MSR_IA32_CR_PAT, PAT_RESERVED_TYPE_3,
		  "IA32_PAT with reserved memory type 3 in PA7");
	expect_gp(MSR_IA32_CR_PAT, PAT_RESERVED_TYPE_8, "IA32_PAT with memory type 8 in PA3");
	expect_rw(MSR_IA32_CR_PAT, PAT_ALL_UC_MINUS, "IA32_PAT all UC-");
	wrmsr_safe(MSR_IA32_CR_PAT, PAT_POWER_ON);
}

static void check_tsc(void)
{
	u64 t1, t2, m = 0, t3;
	long r0, r1;
	int f;

	r0 = msr_reads();
	t1 = rdtsc();
	f = rdmsr_safe(MSR_IA32_TSC, &m);
	t2 = rdtsc();
	r1 = msr_reads();
	report(f < 0 && t1 < m && m < t2, "IA32_TSC (%#llx) lies between two rdtsc (%#llx, %#llx)",
	       m, t1, t2);
	report(r1 == r0, "IA32_TSC reads pass through: MSR_READ %ld -> %ld", r0, r1);
	/* the VM's TSC started at 0 with its vCPU: well under a second of
	 * Bochs instructions by now */
	report(entry_tsc < 100000000ull, "guest TSC started near 0 (%#llx at entry)", entry_tsc);
	f = rdmsr_safe(MSR_IA32_TSC_ADJUST, &m);
	report(f < 0 && m == 0, "IA32_TSC_ADJUST reads 0 before any write (%#llx)", m);

	f = wrmsr_safe(MSR_IA32_TSC, TSC_WRITE_VALUE);
	t3 = rdtsc();
	report(f < 0 && t3 >= TSC_WRITE_VALUE && t3 < TSC_WRITE_VALUE + TSC_WRITE_SLACK,
	       "writing IA32_TSC moves rdtsc there (%#llx)", t3);
	rdmsr_safe(MSR_IA32_TSC, &m);
	t2 = rdtsc();
	report(t3 < m && m < t2, "IA32_TSC and rdtsc agree after the write (%#llx)", m);

	/* SDM "Time-Stamp Counter Adjustment": the write moved
	 * IA32_TSC_ADJUST by the same delta, and writing IA32_TSC_ADJUST
	 * moves the TSC */
	rdmsr_safe(MSR_IA32_TSC_ADJUST, &m);
	report(m > TSC_WRITE_VALUE - t1 - TSC_WRITE_SLACK && m < TSC_WRITE_VALUE - t1 + TSC_WRITE_SLACK,
	       "IA32_TSC_ADJUST followed the IA32_TSC write (%#llx)", m);
	t1 = rdtsc();
	wrmsr_safe(MSR_IA32_TSC_ADJUST, m + TSC_ADJUST_STEP);
	t2 = rdtsc();
	report(t2 - t1 >= TSC_ADJUST_STEP && t2 - t1 < TSC_ADJUST_STEP + TSC_WRITE_SLACK,
	       "adding %#llx to IA32_TSC_ADJUST moved rdtsc by %#llx", TSC_ADJUST_STEP, t2 - t1);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_pass_through();
	check_misc_enable();
	check_mtrr();
	check_unknown();
	check_efer();
	check_pat();
	check_tsc();
	return 0;
}
