/* SPDX-License-Identifier: MIT */
/*
 * hlt: HLT with interrupts enabled returns.  No device of the machine can
 * raise an interrupt yet, so the hypervisor resumes a HLT with RFLAGS.IF = 1
 * at once (as if woken); each HLT is one HLT exit.
 */
#include "guest.h"

#define EXIT_REASON_HLT 12
#define EFLAGS_IF (1u << 9)
#define NR_HALTS 3

static u32 read_eflags(void)
{
	u32 f;

	asm volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	long before, after;
	u32 marker = 0;

	before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_HLT, 0, 0, 0);
	/* STI's interrupt shadow covers the HLT; the marker proves the
	 * instruction after HLT ran. */
	asm volatile("sti; hlt; movl $1, %0; cli" : "=m"(marker) : : "memory");
	after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_HLT, 0, 0, 0);
	report(marker == 1, "sti; hlt returned to the next instruction");
	report(before >= 0 && after == before + 1, "HLT exit count went up by one (%ld -> %ld)",
	       before, after);
	report(!(read_eflags() & EFLAGS_IF), "IF is clear again after cli");

	before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_HLT, 0, 0, 0);
	asm volatile("sti");
	for (int i = 0; i < NR_HALTS; i++)
		asm volatile("hlt" : : : "memory");
	asm volatile("cli");
	after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_HLT, 0, 0, 0);
	report(after == before + NR_HALTS, "%d HLTs with IF = 1 are %d HLT exits (%ld -> %ld)",
	       NR_HALTS, NR_HALTS, before, after);
	return 0;
}
