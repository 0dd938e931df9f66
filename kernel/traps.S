/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs.  Vectors that push no error code get a zero so every
 * frame has the same layout (struct trap_frame in kernel/desc.h).  Which
 * vectors push one: SDM Vol. 3A "Exception and Interrupt Reference".
 */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.macro trap_stub vec
	.align 16
trap_\vec:
	.if !HAS_ERROR_CODE(\vec)
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.altmacro
	.set v, 0
	.rept 32
	trap_stub %v
	.set v, v + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	call trap_handler
1:	cli
	hlt
	jmp 1b

	.macro trap_addr vec
	.quad trap_\vec
	.endm
	.section .rodata
	.globl trap_entry_table
	.align 8
trap_entry_table:
	.set v, 0
	.rept 32
	trap_addr %v
	.set v, v + 1
	.endr
	.section .note.GNU-stack, "", @progbits
