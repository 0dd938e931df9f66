/* SPDX-License-Identifier: MIT */
/*
 * singlestep: a guest single-stepping (RFLAGS.TF) over instructions the
 * hypervisor emulates (CPUID, OUT, IN, RDMSR) still gets its #DB trap
 * right after each of them, with DR6.BS set and EIP at the next
 * instruction; and a non-canonical FS_BASE raises #GP.
 */
#include "guest.h"

#define EFLAGS_TF (1u << 8)
#define DR6_BS (1u << 14)
#define DB_VECTOR 1
#define MSR_IA32_TSC_AUX 0xc0000103
#define MSR_EFER 0xc0000080

static volatile u32 db_count, db_eip, db_dr6;

static void db_handler(struct guest_frame *f)
{
	u32 dr6;

	asm volatile("mov %%dr6, %0" : "=r"(dr6));
	db_count++;
	db_eip = f->eip;
	db_dr6 = dr6;
	asm volatile("mov %0, %%dr6" : : "r"(0u));
	f->eflags &= ~EFLAGS_TF;	/* one step only */
}

/*
 * Set TF with POPF, run @insn (the trap comes after it, at label 2),
 * report.  The instruction after POPF is the first one that traps.
 */
#define STEP(name, insn, ...)                                                \
	do {                                                                 \
		u32 after;                                                   \
		db_count = 0;                                                \
		asm volatile("pushf; orl %[tf], (%%esp); popf\n\t"           \
			     insn "\n\t"                                     \
			     "2: movl $2b, %[after]"                         \
			     : [after] "=m"(after) __VA_ARGS__);             \
		report(db_count == 1 && db_eip == after && (db_dr6 & DR6_BS), \
		       "TF over %s: one #DB at EIP %#x (after it: %#x), DR6 %#x", \
		       name, db_eip, after, db_dr6);                         \
	} while (0)

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a = 0, c = 0, d = 0;
	u64 v;

	puts("singlestep: TF over emulated instructions\n");
	set_exception_handler(DB_VECTOR, db_handler);
	STEP("CPUID", "cpuid", , "+a"(a), "+c"(c), "=d"(d) : [tf] "i"(EFLAGS_TF) : "ebx");
	STEP("OUT", "outb %%al, $0x80", : [tf] "i"(EFLAGS_TF), "a"(0));
	STEP("IN", "inb $0x80, %%al", , "=a"(a) : [tf] "i"(EFLAGS_TF));
	c = MSR_EFER;
	STEP("RDMSR", "rdmsr", , "=a"(a), "=d"(d) : [tf] "i"(EFLAGS_TF), "c"(c));
	set_exception_handler(DB_VECTOR, 0);

	report(wrmsr_safe(0xc0000100, 0x0000800000000000ull) == 13,
	       "non-canonical IA32_FS_BASE raises #GP");
	report(rdmsr_safe(0xc0000100, &v) < 0, "IA32_FS_BASE still readable");
	return 0;
}
