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
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_CR_PAT 0x277
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

/* What vmx/msr.c reports: fast strings, BTS and PEBS unavailable. */
#define MISC_ENABLE_FAST_STRING (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAIL (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define GUEST_MISC_ENABLE (MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | \
			   MISC_ENABLE_PEBS_UNAVAIL)

/* SDM "IA32_PAT MSR": the power-on value WB, WT, UC-, UC repeated. */
#define PAT_POWER_ON 0x0007040600070406ull
#define PAT_ALL_WB 0x0606060606060606ull
#define PAT_RESERVED_TYPE_2 0x0007040600070402ull

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
	f = wrmsr_safe(MSR_IA32_MISC_ENABLE, 0);
	report(f == GP_VECTOR, "writing another IA32_MISC_ENABLE value raises #GP (%d)", f);
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
	f = wrmsr_safe(MSR_IA32_CR_PAT, PAT_RESERVED_TYPE_2);
	report(f == GP_VECTOR, "IA32_PAT with reserved memory type 2 raises #GP (%d)", f);
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
	check_unknown();
	check_efer();
	check_pat();
	check_tsc();
	return 0;
}
