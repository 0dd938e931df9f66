/* SPDX-License-Identifier: MIT */
/*
 * Entry of the guest test kernels: a multiboot (v1) header, then 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the multiboot information
 * ("Multiboot Specification: Machine state").  Sets up a stack, a flat GDT
 * and an IDT whose stubs (exceptions and interrupts, all 256 vectors) call
 * guest_exception(), then
 * guest_main(magic, info).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003	/* page-align modules, memory information */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	movl $stack_top, %esp
	movl %eax, entry_eax
	movl %ebx, entry_ebx
	/* The guest's first instruction counts for bench: RDTSC now. */
	rdtsc
	movl %eax, entry_tsc
	movl %edx, entry_tsc + 4
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	call idt_setup
	pushl entry_ebx
	pushl entry_eax
	call guest_main
	pushl %eax
	call guest_exit
2:	hlt
	jmp 2b

	/* Exception stubs: push a dummy error code where the CPU does not. */
	.macro stub vec
stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	pushl $0
	.endif
	pushl $\vec
	jmp stub_common
	.endm
	.altmacro
	.set v, 0
	.rept 256
	stub %v
	.set v, v + 1
	.endr

stub_common:
	pushal
	pushl %esp		/* struct guest_frame * */
	call guest_exception
	addl $4, %esp
	popal
	addl $8, %esp		/* vector, error code */
	iretl

	.macro stubaddr vec
	.long stub_\vec
	.endm
	.section .rodata
	.globl guest_stub_table
guest_stub_table:
	.set v, 0
	.rept 256
	stubaddr %v
	.set v, v + 1
	.endr

	.data
	.align 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* flat 32-bit code */
	.quad 0x00cf92000000ffff	/* flat data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.globl entry_eax, entry_ebx, entry_tsc
entry_eax:	.long 0
entry_ebx:	.long 0
	.align 8
entry_tsc:	.quad 0

	.bss
	.align 16
	.skip 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
