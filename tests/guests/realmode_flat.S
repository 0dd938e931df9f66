/* SPDX-License-Identifier: MIT */
/*
 * realmode_flat: a flat binary started directly in real mode
 * (`tinyvmx run --real-mode-entry ADDR realmode_flat.bin`).  It is linked at
 * offset 0x7c00, so it runs at any ADDR whose low 16 bits are 0x7c00 (the
 * TESTS use 0x7c00 and 0x17c00): the loader's rule is CS = (ADDR >> 4) &
 * 0xf000, IP = ADDR & 0xffff (loader/flat.h).
 *
 * It checks the documented entry state (IP, DS/ES/FS/GS = 0, SS:SP =
 * 9f00:1000, general registers 0, RFLAGS = 0x2, CR0 = ET only, the IVT at 0
 * with limit 0x3ff), that CPUID works in real mode (a CPUID exit from 16-bit
 * code), a real-mode INT through an IVT entry it installs, and string I/O
 * with 16-bit addressing (REP OUTSB from DS:SI to COM1).  It prints
 * PASS:/FAIL: lines on COM1, polling the line status register as the guest
 * library does, then a summary line with its CS:IP, and ends through the
 * isa-debug-exit port: DONE_CODE if every check passed (exit status 33),
 * else FAIL_BASE plus the number of failures.
 */
#define COM1 0x3f8
#define UART_LSR (COM1 + 5)
#define UART_LSR_THRE 0x20
#define DEBUG_EXIT_PORT 0xf4
#define DONE_CODE 0x10			/* status (0x10 << 1) | 1 = 33 */
#define FAIL_BASE 0x40

#define LINK_IP 0x7c00			/* where this binary is linked */
#define STACK_SS 0x9f00			/* loader/flat.h: 9f00:1000 */
#define STACK_SP 0x1000
#define RFLAGS_FIXED 0x0002
#define CR0_ET 0x00000010
#define IVT_LIMIT 0x3ff
#define CPUID_SIG_LEAF 0x40000000
#define SIG_EBX 0x796e6974		/* "tiny" */
#define SIG_ECX 0x00786d76		/* "vmx\0" */
#define TEST_VECTOR 0x80		/* its IVT entry: 0:0x200 */
#define IVT_ENTRY_SIZE 4
#define INT_MARK 0x5a5a

	.code16
	.text
	.globl start
start:
	/* Before anything touches them: the registers as they arrived, kept
	 * through CS (the only segment known to be ours). */
	movl %eax, %cs:entry_regs + 0
	movl %ecx, %cs:entry_regs + 4
	movl %edx, %cs:entry_regs + 8
	movl %ebx, %cs:entry_regs + 12
	movl %ebp, %cs:entry_regs + 16
	movl %esi, %cs:entry_regs + 20
	movl %edi, %cs:entry_regs + 24
	movw %sp, %cs:entry_sp
	movw %ss, %cs:entry_ss
	movw %ds, %cs:entry_seg + 0
	movw %es, %cs:entry_seg + 2
	movw %fs, %cs:entry_seg + 4
	movw %gs, %cs:entry_seg + 6
	pushfw
	popw %cs:entry_flags
	call 1f
1:	popw %cs:entry_ip		/* the offset of 1b, if IP started right */
	movw %cs, %ax
	movw %ax, %ds
	movw %ax, %es

	/* IP: CS.base + IP = ADDR with IP = ADDR & 0xffff = the link offset */
	movw entry_ip, %ax
	cmpw $1b, %ax
	movw $msg_ip, %si
	call check

	/* DS, ES, FS, GS = 0 */
	movw entry_seg + 0, %ax
	orw entry_seg + 2, %ax
	orw entry_seg + 4, %ax
	orw entry_seg + 6, %ax
	cmpw $0, %ax
	movw $msg_seg, %si
	call check

	/* SS:SP = 9f00:1000 */
	cmpw $STACK_SS, entry_ss
	jne 2f
	cmpw $STACK_SP, entry_sp
2:	movw $msg_stack, %si
	call check

	/* general registers 0 */
	xorl %eax, %eax
	movw $entry_regs, %bx
	movw $7, %cx
3:	orl (%bx), %eax
	addw $4, %bx
	loop 3b
	cmpl $0, %eax
	movw $msg_regs, %si
	call check

	/* RFLAGS = 0x2: interrupts off, DF clear */
	cmpw $RFLAGS_FIXED, entry_flags
	movw $msg_flags, %si
	call check

	/* CR0: the guest sees ET only (PE, PG, CD, NW clear) */
	movl %cr0, %eax
	movl %eax, cr0_value
	cmpl $CR0_ET, %eax
	movw $msg_cr0, %si
	call check

	/* IDTR: base 0, limit 0x3ff (the real-mode IVT) */
	sidt idtr
	cmpw $IVT_LIMIT, idtr
	jne 4f
	cmpl $0, idtr + 2
4:	movw $msg_idt, %si
	call check

	/* CPUID in real mode: a CPUID exit from 16-bit code */
	movl $CPUID_SIG_LEAF, %eax
	xorl %ecx, %ecx
	cpuid
	cmpl $SIG_EBX, %ebx
	jne 5f
	cmpl $SIG_ECX, %ecx
5:	movw $msg_cpuid, %si
	call check

	/* INT through an IVT entry installed here; the handler sees our CS */
	xorw %ax, %ax
	movw %ax, %es
	movw $int_handler, %es:TEST_VECTOR * IVT_ENTRY_SIZE
	movw %cs, %es:TEST_VECTOR * IVT_ENTRY_SIZE + 2
	movw %cs, %ax
	movw %ax, %es
	xorw %bx, %bx
	int $TEST_VECTOR
	cmpw $INT_MARK, %bx
	movw $msg_int, %si
	call check

	/* REP OUTSB with 16-bit addressing: DS:SI walks, CX counts down */
	movw $rep_line, %si
	movw $(rep_line_end - rep_line), %cx
	movw $COM1, %dx
	cld
	rep outsb
	cmpw $rep_line_end, %si
	jne 6f
	cmpw $0, %cx
6:	movw $msg_outs, %si
	call check

	/* summary: "realmode-flat: CS:IP cccc:iiii, N failed" */
	movw $msg_sum1, %si
	call puts
	movw %cs, %ax
	call puthex16
	movb $':', %al
	call putc
	movw entry_ip, %ax
	subw $(1b - start), %ax		/* back to the entry point */
	call puthex16
	movw $msg_sum2, %si
	call puts
	movw failures, %ax
	call puthex16
	movw $msg_sum3, %si
	call puts

	movb $DONE_CODE, %al
	cmpw $0, failures
	je 7f
	movb failures, %al
	addb $FAIL_BASE, %al
7:	outb %al, $DEBUG_EXIT_PORT
8:	cli
	hlt
	jmp 8b

int_handler:
	/* the frame: IP, CS, FLAGS; CS must be the caller's */
	pushw %bp
	movw %sp, %bp
	movw 4(%bp), %ax		/* pushed CS */
	movw %cs, %dx
	cmpw %ax, %dx
	jne 9f
	movw $INT_MARK, %bx
9:	popw %bp
	iret

/* ZF set: print "PASS: " and the message at SI; else "FAIL: " and count. */
check:
	pushw %si
	jne 1f
	movw $msg_pass, %si
	jmp 2f
1:	incw failures
	movw $msg_fail, %si
2:	call puts
	popw %si
	call puts
	movb $'\n', %al
	call putc
	ret

/* Print the NUL-terminated string at DS:SI. */
puts:
	pushw %ax
1:	lodsb
	testb %al, %al
	jz 2f
	call putc
	jmp 1b
2:	popw %ax
	ret

/* Print AL on COM1 once the transmitter holding register is empty. */
putc:
	pushw %dx
	pushw %ax
	movw $UART_LSR, %dx
1:	inb %dx, %al
	testb $UART_LSR_THRE, %al
	jz 1b
	popw %ax
	movw $COM1, %dx
	outb %al, %dx
	popw %dx
	ret

/* Print AX as four hex digits. */
puthex16:
	pushw %cx
	pushw %bx
	movw %ax, %bx
	movw $4, %cx
1:	rolw $4, %bx
	movb %bl, %al
	andb $0xf, %al
	addb $'0', %al
	cmpb $'9', %al
	jbe 2f
	addb $('a' - '9' - 1), %al
2:	call putc
	loop 1b
	popw %bx
	popw %cx
	ret

msg_pass:	.asciz "PASS: "
msg_fail:	.asciz "FAIL: "
msg_ip:		.asciz "IP is the low 16 bits of the load address"
msg_seg:	.asciz "DS, ES, FS, GS are 0"
msg_stack:	.asciz "SS:SP is 9f00:1000"
msg_regs:	.asciz "general registers are 0"
msg_flags:	.asciz "RFLAGS is 0x2"
msg_cr0:	.asciz "CR0 reads 0x10 (ET only)"
msg_idt:	.asciz "IDTR is the real-mode IVT (base 0, limit 0x3ff)"
msg_cpuid:	.asciz "CPUID 0x40000000 says tinyvmx in real mode"
msg_int:	.asciz "INT 0x80 through the IVT entry at 0:0x200"
msg_outs:	.asciz "REP OUTSB with 16-bit SI and CX"
msg_sum1:	.asciz "realmode-flat: CS:IP "
msg_sum2:	.asciz ", failures "
msg_sum3:	.asciz "\n"
rep_line:	.ascii "realmode-flat: this line came through rep outsb\n"
rep_line_end:

	.balign 4
entry_regs:	.fill 7, 4, 0
cr0_value:	.long 0
idtr:		.fill 6, 1, 0
entry_sp:	.word 0
entry_ss:	.word 0
entry_seg:	.fill 4, 2, 0
entry_flags:	.word 0
entry_ip:	.word 0
failures:	.word 0
	.section .note.GNU-stack, "", @progbits
