/* SPDX-License-Identifier: MIT */
/*
 * The AP side of the smp guest test (tests/guests/smp.c).
 *
 * smp_tramp_start .. smp_tramp_end is copied by the BSP to SMP_TRAMP_BASE
 * (page 0), where a STARTUP IPI with vector SMP_SIPI_VECTOR starts an AP
 * in real mode at CS:IP = (vector << 8):0000, i.e. at the copy's first
 * byte.  It addresses its own data relative to CS (DS = CS), so it would
 * run from any page a vector can name.  It loads a GDT (whose descriptor
 * is part of the copy: real mode reaches only the first 64 KiB through
 * DS), sets CR0.PE and far-jumps to ap_start32 in the kernel at 1 MiB
 * (SDM Vol. 3A, "Switching to Protected Mode").
 *
 * ap_start32 loads the flat data segments, the BSP's IDT (smp.c stores it
 * in bsp_idtr with SIDT: every CPU uses the guest lib's one IDT), takes
 * its stack from ap_stacks[] by its xAPIC ID (no lock needed when APs run
 * at the same time) and calls ap_main(apic_id), which does not return.
 * An AP whose ID is out of range counts itself in ap_bad_id and halts.
 */
#include "smp.h"

#define CR0_PE 0x1

/* Offsets in the trampoline: its copy starts at offset 0 of CS. */
#define OFF(x) ((x) - smp_tramp_start)

	.section .rodata.smp_tramp, "a"
	.code16
	.globl smp_tramp_start, smp_tramp_end, smp_tramp_cs
smp_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	/* For the BSP's check: the CS the STARTUP IPI gave. */
	movw %ax, OFF(smp_tramp_cs)
	lgdtl OFF(tramp_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	/* A 32-bit offset: the target is above 64 KiB. */
	ljmpl $SEL_CODE32, $ap_start32

	.balign 4
tramp_gdt_desc:
	.word ap_gdt_end - ap_gdt - 1
	.long ap_gdt
smp_tramp_cs:
	.word 0xffff
smp_tramp_end:

	.text
	.code32
ap_start32:
	movl $SEL_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss
	lidt bsp_idtr
	movl XAPIC_BASE + APIC_ID, %eax
	shrl $APIC_ID_SHIFT, %eax
	cmpl $SMP_MAX_CPUS, %eax
	jae ap_bad
	/* the top of ap_stacks[id] */
	movl %eax, %ebx
	incl %eax
	shll $AP_STACK_SHIFT, %eax
	addl $ap_stacks, %eax
	movl %eax, %esp
	pushl %ebx
	call ap_main
ap_bad:
	lock incl ap_bad_id
1:	cli
	hlt
	jmp 1b

	.data
	.balign 8
/* The guest lib's layout (crt0.S): flat 32-bit code and data. */
ap_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* SEL_CODE32 */
	.quad 0x00cf92000000ffff	/* SEL_DATA32 */
ap_gdt_end:
	.section .note.GNU-stack, "", @progbits
