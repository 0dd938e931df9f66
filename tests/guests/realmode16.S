/* SPDX-License-Identifier: MIT */
/*
 * The 16-bit half of the realmode guest test (tests/guests/realmode.c):
 * u32 realmode_run(u32 mode, struct rm_results *out) copies the trampoline
 * below to TRAMP_BASE (real mode reaches only the first MiB; the guest
 * kernel lives at 1 MiB), loads a GDT with 16-bit descriptors, and walks:
 *
 *   32-bit protected mode -> 16-bit protected mode (CS base TRAMP_BASE)
 *   -> CR0.PE = 0 -> far jump: real mode, CS = TRAMP_SEG
 *   -> the checks (results in rm_results, copied back to *out)
 *   -> CR0.PE = 1 -> far jump to 32-bit code -> return to C.
 *
 * DS is loaded with a 4 GiB-limit descriptor before PE is cleared and not
 * reloaded until the big-real-mode checks are done: real mode keeps the
 * cached limit ("big real mode"), so 32-bit addresses (addr32 prefix) reach
 * all of memory, MMIO included.  GS keeps a 64 KiB limit, so the same
 * access through GS must raise #GP, delivered through the real-mode IVT.
 *
 * SDM Vol. 3A, "Switching Back to Real-Address Mode" and "Real-Address
 * Mode Operation"; SDM Vol. 3C, "Unrestricted Guests".
 *
 * Modes (realmode.c's RM_MODE_*): 0 all checks and back, 1 then a triple
 * fault in real mode (LIDT with limit 0, INT3), 2 then CLI; HLT in real mode.
 */
#include "tvx/abi.h"

#define TRAMP_BASE	0x8000		/* below 1 MiB, above the IVT and BDA */
#define TRAMP_SEG	(TRAMP_BASE >> 4)
#define RM_STACK_TOP	0x2000		/* SS:SP = TRAMP_SEG:0x2000, linear 0xa000 */

#define SEL_CODE32	0x08		/* as crt0's GDT: the lib's IDT uses it */
#define SEL_DATA32	0x10
#define SEL_CODE16	0x18		/* base TRAMP_BASE, 64 KiB, 16-bit */
#define SEL_DATA16	0x20		/* base TRAMP_BASE, 64 KiB */
#define SEL_BIG		0x28		/* base 0, 4 GiB (G = 1), 16-bit */

#define CR0_PE		0x1
#define IVT_ENTRY_SIZE	4
#define GP_VECTOR	13
#define INT_VECTOR	0x80		/* its IVT entry is at 0:0x200 */
#define UNASSIGNED_PORT	0x80		/* reads 0xff */
#define COM1		TVX_PORT_COM1
#define UART_LSR	(COM1 + 5)
#define UART_LSR_THRE	0x20

#define RM_MODE_TRIPLE_FAULT	1
#define RM_MODE_HLT		2

/* Segment arithmetic: SEG_A:OFF_A and SEG_B:OFF_B are the same byte. */
#define SEG_A		0x1000
#define OFF_A		0x0234
#define SEG_B		0x1023
#define OFF_B		0x0004
#define SEG_MAGIC	0x5e6a1234
/* String input: INS_SEG:INS_OFF, INS_COUNT bytes. */
#define INS_SEG		0x1000
#define INS_OFF		0x0100
#define INS_COUNT	64
/* Big real mode: RAM above 1 MiB and the pc-testdev memory (MMIO). */
#define BIG_ADDR	0x00400000
#define BIG_MAGIC	0xb16da7a5
#define TESTDEV_MEM	0xff000000
#define MMIO_MAGIC	0x3a10c0de
#define MMIO_BYTE_OFF	5
#define MMIO_BYTE	0x7e
#define BEYOND_64K	0x10000

/* Offsets in the trampoline: its segment base is TRAMP_BASE. */
#define OFF(x)		((x) - tramp_start)

	.text
	.code32
	.globl realmode_run
/* u32 realmode_run(u32 mode, struct rm_results *out): returns 0. */
realmode_run:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, saved_esp
	sidt saved_idt
	sgdt saved_gdt
	/* the trampoline goes below 1 MiB; its mode word with it */
	movl $tramp_start, %esi
	movl $TRAMP_BASE, %edi
	movl $(tramp_end - tramp_start), %ecx
	cld
	rep movsb
	movl 20(%esp), %eax		/* mode */
	movl %eax, TRAMP_BASE + OFF(rm_mode)
	lgdt gdt_desc
	ljmp $SEL_CODE16, $OFF(pm16)

realmode_back:
	/* 32-bit protected mode again, CS = SEL_CODE32 */
	movl $SEL_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss
	movl saved_esp, %esp
	lgdt saved_gdt
	lidt saved_idt
	/* the results, out of the trampoline's copy */
	movl $(TRAMP_BASE + OFF(rm_results)), %esi
	movl 24(%esp), %edi		/* out */
	movl $(rm_results_end - rm_results), %ecx
	cld
	rep movsb
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	xorl %eax, %eax
	ret

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* SEL_CODE32: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* SEL_DATA32: flat data */
	.quad 0x00009b008000ffff	/* SEL_CODE16: base 0x8000, exec/read, 16-bit */
	.quad 0x000093008000ffff	/* SEL_DATA16: base 0x8000, read/write */
	.quad 0x008f93000000ffff	/* SEL_BIG: base 0, limit 0xfffff pages, B = 0 */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
/* For realmode.c's checks: where SI ends after REP OUTSB, the length of
 * the hypercall's message. */
	.globl rm_outs_end_si, rm_hc_len
rm_outs_end_si:	.long OFF(msg_outs_end)
rm_hc_len:	.long msg_hc_end - msg_hc
saved_esp:	.long 0
saved_idt:	.fill 6, 1, 0
saved_gdt:	.fill 6, 1, 0

/*
 * The trampoline: copied to TRAMP_BASE and run there, so every address in
 * it is an offset from tramp_start (OFF()).  It is data for the 32-bit
 * kernel, hence .rodata.
 */
	.section .rodata.realmode, "a"
	.code16
tramp_start:
pm16:
	/* 16-bit protected mode: CS base TRAMP_BASE, D = 0 */
	movw $SEL_DATA16, %ax
	movw %ax, %ss
	movw $RM_STACK_TOP, %sp
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs			/* 64 KiB limit: kept into real mode */
	movw $SEL_BIG, %ax
	movw %ax, %ds			/* 4 GiB limit: kept into real mode */
	lidt %es:OFF(rm_idtr)		/* the IVT at 0 */
	movl %cr0, %eax
	movl %eax, %es:OFF(res_cr0_pm)
	andl $~CR0_PE, %eax
	movl %eax, %cr0			/* a CR_ACCESS exit: PE is host-owned */
	ljmp $TRAMP_SEG, $OFF(rm)

rm:
	/* real mode: CS = TRAMP_SEG; SS, ES: base TRAMP_BASE like before */
	movw $TRAMP_SEG, %ax
	movw %ax, %ss
	movw %ax, %es
	movl %cr0, %eax			/* the read shadow: PE as written */
	movl %eax, %es:OFF(res_cr0_rm)

	/* Big real mode: DS still has base 0 and a 4 GiB limit. */
	movl $BIG_ADDR, %ebx
	movl $BIG_MAGIC, %eax
	addr32 movl %eax, (%ebx)
	addr32 movl (%ebx), %ecx
	movl %ecx, %es:OFF(res_big_read)
	/* ... and MMIO: the decoder sees 16-bit code with 0x66/0x67 */
	movl $TESTDEV_MEM, %ebx
	movl $MMIO_MAGIC, %eax
	addr32 movl %eax, (%ebx)
	addr32 movl (%ebx), %ecx
	movl %ecx, %es:OFF(res_mmio_read)
	movb $MMIO_BYTE, %al
	addr32 movb %al, MMIO_BYTE_OFF(%ebx)
	addr32 movzbw MMIO_BYTE_OFF(%ebx), %cx
	movw %cx, %es:OFF(res_mmio_byte)

	/* GS kept its 64 KiB limit: the same kind of access faults (#GP
	 * through the IVT; the handler resumes at gp_resume). */
	movw $OFF(gp_handler), GP_VECTOR * IVT_ENTRY_SIZE	/* DS base 0 */
	movw $TRAMP_SEG, GP_VECTOR * IVT_ENTRY_SIZE + 2
	movl $BEYOND_64K, %ebx
	addr32 movl %gs:(%ebx), %eax
gp_resume:
	/* Plain real mode from here: DS = TRAMP_SEG. */
	movw $TRAMP_SEG, %ax
	movw %ax, %ds

	/* Segment arithmetic: two seg:off pairs, one linear address. */
	movw $SEG_A, %ax
	movw %ax, %fs
	movl $SEG_MAGIC, %fs:OFF_A
	movw $SEG_B, %ax
	movw %ax, %fs
	movl %fs:OFF_B, %eax
	movl %eax, OFF(res_seg_read)

	/* CPUID: a CPUID exit from 16-bit code */
	movl $TVX_CPUID_SIGNATURE_LEAF, %eax
	xorl %ecx, %ecx
	cpuid
	movl %ebx, OFF(res_cpuid) + 0
	movl %ecx, OFF(res_cpuid) + 4
	movl %edx, OFF(res_cpuid) + 8

	/* OUT to the console, polling the UART like the guest library */
	movw $OFF(msg_hello), %si
	call puts

	/* OUTS with 16-bit addressing: DS:SI and CX */
	movw $OFF(msg_outs), %si
	movw $(msg_outs_end - msg_outs), %cx
	movw $COM1, %dx
	cld
	rep outsb
	movw %si, OFF(res_outs_si)
	movw %cx, OFF(res_outs_cx)

	/* INS with 16-bit addressing into ES:DI = INS_SEG:INS_OFF */
	movw $INS_SEG, %ax
	movw %ax, %es
	movw $INS_OFF, %di
	movw $INS_COUNT, %cx
	movw $UNASSIGNED_PORT, %dx
	rep insb
	movw %di, OFF(res_ins_di)
	movw %cx, OFF(res_ins_cx)
	movw $TRAMP_SEG, %ax
	movw %ax, %es

	/* VMCALL from real mode: the console hypercall (CPL 0) */
	movl $TVX_HC_CONSOLE_WRITE, %eax
	movl $(TRAMP_BASE + OFF(msg_hc)), %ebx
	movl $(msg_hc_end - msg_hc), %ecx
	vmcall
	movl %eax, OFF(res_hc)

	/* INT through an IVT entry installed at 0:0x200 */
	xorw %ax, %ax
	movw %ax, %fs
	movw $OFF(int_handler), %fs:INT_VECTOR * IVT_ENTRY_SIZE
	movw $TRAMP_SEG, %fs:INT_VECTOR * IVT_ENTRY_SIZE + 2
	int $INT_VECTOR

	/* HLT with interrupts enabled and nothing pending: continues */
	sti
	hlt
	cli
	incw OFF(res_hlt)

	cmpw $RM_MODE_TRIPLE_FAULT, OFF(rm_mode)
	je triple_fault
	cmpw $RM_MODE_HLT, OFF(rm_mode)
	je halt_forever

	/* Back: PE = 1 (the GDTR survived real mode), then a 32-bit CS */
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $realmode_back

triple_fault:
	/* no vector fits in the IVT: INT3 -> #GP -> #DF -> shutdown */
	movw $OFF(msg_triple), %si
	call puts
	lidt OFF(empty_idtr)
	int3
	jmp .

halt_forever:
	movw $OFF(msg_halt), %si
	call puts
	cli
	hlt
	jmp .

/* #GP in real mode: no error code; resume after the faulting access. */
gp_handler:
	pushw %bp
	movw %sp, %bp
	movw $OFF(gp_resume), 2(%bp)	/* the saved IP */
	incw %cs:OFF(res_gp)
	popw %bp
	iret

/* INT 0x80: count, and note the CS the CPU pushed. */
int_handler:
	pushw %bp
	movw %sp, %bp
	pushw %ax
	movw 4(%bp), %ax		/* IP, CS, FLAGS */
	movw %ax, %cs:OFF(res_int_cs)
	incw %cs:OFF(res_int)
	popw %ax
	popw %bp
	iret

/* Print the NUL-terminated string at DS:SI on COM1. */
puts:
	pushw %ax
	pushw %dx
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %ah
	movw $UART_LSR, %dx
2:	inb %dx, %al
	testb $UART_LSR_THRE, %al
	jz 2b
	movb %ah, %al
	movw $COM1, %dx
	outb %al, %dx
	jmp 1b
3:	popw %dx
	popw %ax
	ret

msg_hello:	.asciz "realmode: hello from real mode (OUT to COM1)\n"
msg_outs:	.ascii "realmode: REP OUTSB from real mode\n"
msg_outs_end:
msg_hc:		.ascii "realmode: CONSOLE_WRITE hypercall from real mode\n"
msg_hc_end:
msg_triple:	.asciz "realmode: LIDT with limit 0 and INT3 in real mode\n"
msg_halt:	.asciz "realmode: CLI; HLT in real mode\n"

	.balign 4
rm_idtr:	.word 0x3ff		/* 256 vectors of 4 bytes at 0 */
		.long 0
empty_idtr:	.word 0
		.long 0
rm_mode:	.long 0

/* struct rm_results in realmode.c: the same order. */
	.balign 4
rm_results:
res_cr0_pm:	.long 0
res_cr0_rm:	.long 0
res_big_read:	.long 0
res_mmio_read:	.long 0
res_seg_read:	.long 0
res_cpuid:	.fill 3, 4, 0
res_hc:		.long 0
res_mmio_byte:	.word 0
res_gp:		.word 0
res_outs_si:	.word 0
res_outs_cx:	.word 0
res_ins_di:	.word 0
res_ins_cx:	.word 0
res_int:	.word 0
res_int_cs:	.word 0
res_hlt:	.word 0
		.word 0
rm_results_end:
tramp_end:
	.section .note.GNU-stack, "", @progbits
