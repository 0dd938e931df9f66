/* SPDX-License-Identifier: MIT */
/*
 * VM entry and exit (KVM's vmenter.S, written anew).
 *
 * __vmx_vcpu_run: %rdi = regs, %sil = launched, %rdx = &host_rsp_cache;
 * returns 0 (VM exit) or 1 (VM entry failed) in %eax.
 *
 * The calling convention is not the C one: only %rsp and %rbp survive, every
 * other general-purpose register is clobbered.  The one caller,
 * vmx_vcpu_enter_exit() in vmx_run.c, calls it from inline assembly that
 * declares those clobbers, so the compiler saves the host's callee-saved
 * registers once per vmx_vcpu_run() instead of this code pushing and popping
 * six of them on every entry (the CPUID round trip is on the order of a
 * hundred instructions, so a dozen matter).
 *
 * It records the stack pointer in HOST_RSP when it changed, loads the
 * guest's general-purpose registers from
 * regs[] (KVM order: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15; RSP itself is in
 * the VMCS) and executes VMLAUNCH or VMRESUME.
 *
 * On a VM exit the CPU loads HOST_RSP/HOST_RIP, so execution continues at
 * vmx_vmexit with the stack as it was at entry; the guest registers are
 * stored back and 0 is returned.  If the VM entry instruction itself fails
 * (VMfailInvalid: CF=1, VMfailValid: ZF=1) it returns 1 and the caller reads
 * VM_INSTRUCTION_ERROR.  The guest's CR2 is not switched: the host never
 * takes a page fault it survives, so CR2 keeps the guest's value.
 */
#define HOST_RSP_FIELD 0x6c14

#define REG_RAX 0
#define REG_RCX 1
#define REG_RDX 2
#define REG_RBX 3
#define REG_RBP 5
#define REG_RSI 6
#define REG_RDI 7
#define REG_R8 8
#define REG_R9 9
#define REG_R10 10
#define REG_R11 11
#define REG_R12 12
#define REG_R13 13
#define REG_R14 14
#define REG_R15 15
#define R(n) ((n) * 8)

	.text
	.globl __vmx_vcpu_run
__vmx_vcpu_run:
	pushq %rbp
	pushq %rdi		/* regs: found again at 0(%rsp) on exit */

	/* HOST_RSP only changes if the caller's stack depth does. */
	cmpq (%rdx), %rsp
	je 1f
	movq %rsp, (%rdx)
	movq $HOST_RSP_FIELD, %rax
	vmwrite %rsp, %rax
1:
	movb %sil, %bl		/* launched? (rbx is loaded last) */

	movq %rdi, %rax
	movq R(REG_RCX)(%rax), %rcx
	movq R(REG_RDX)(%rax), %rdx
	movq R(REG_RBP)(%rax), %rbp
	movq R(REG_RSI)(%rax), %rsi
	movq R(REG_RDI)(%rax), %rdi
	movq R(REG_R8)(%rax), %r8
	movq R(REG_R9)(%rax), %r9
	movq R(REG_R10)(%rax), %r10
	movq R(REG_R11)(%rax), %r11
	movq R(REG_R12)(%rax), %r12
	movq R(REG_R13)(%rax), %r13
	movq R(REG_R14)(%rax), %r14
	movq R(REG_R15)(%rax), %r15
	testb %bl, %bl
	movq R(REG_RBX)(%rax), %rbx
	movq R(REG_RAX)(%rax), %rax
	jnz 2f
	vmlaunch
	jmp vmx_fail
2:	vmresume
	jmp vmx_fail

	.globl vmx_vmexit
vmx_vmexit:
	pushq %rax		/* guest RAX */
	movq 8(%rsp), %rax	/* regs */
	movq %rcx, R(REG_RCX)(%rax)
	movq %rdx, R(REG_RDX)(%rax)
	movq %rbx, R(REG_RBX)(%rax)
	movq %rbp, R(REG_RBP)(%rax)
	movq %rsi, R(REG_RSI)(%rax)
	movq %rdi, R(REG_RDI)(%rax)
	movq %r8, R(REG_R8)(%rax)
	movq %r9, R(REG_R9)(%rax)
	movq %r10, R(REG_R10)(%rax)
	movq %r11, R(REG_R11)(%rax)
	movq %r12, R(REG_R12)(%rax)
	movq %r13, R(REG_R13)(%rax)
	movq %r14, R(REG_R14)(%rax)
	movq %r15, R(REG_R15)(%rax)
	popq R(REG_RAX)(%rax)
	xorl %eax, %eax
	jmp 3f

vmx_fail:
	/* Guest registers were never live: nothing to save. */
	movl $1, %eax
3:	addq $8, %rsp		/* regs */
	popq %rbp
	ret
	.section .note.GNU-stack, "", @progbits
