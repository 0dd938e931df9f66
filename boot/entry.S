/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 entry: GRUB leaves us in 32-bit protected mode, paging off,
 * EAX = 0x36d76289, EBX = physical address of the boot information.  We build
 * boot page tables (identity map of the low 4 GiB with 2 MiB pages, and the
 * kernel image at KERNEL_VMA), enter long mode and call kmain() on the
 * higher-half stack.  See "Multiboot2 Specification: Machine state" and
 * SDM Vol. 3A "Initializing IA-32e Mode".
 */
#define KERNEL_VMA		0xffffffff80000000
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_ARCH_I386		0
#define PTE_P			0x1
#define PTE_W			0x2
#define PTE_PS			0x80
#define CR0_PE			0x1
#define CR0_MP			0x2
#define CR0_NE			0x20
#define CR0_WP			0x10000
#define CR0_PG			0x80000000
#define CR4_PAE			0x20
#define CR4_OSFXSR		0x200
#define MSR_EFER		0xc0000080
#define EFER_LME		0x100
#define EFER_NXE		0x800
#define BOOT_STACK_SIZE		16384

	.section .multiboot2, "a"
	.align 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.align 8
	.word 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, %edi			/* multiboot2 magic -> 1st argument */
	movl %ebx, %esi			/* info address     -> 2nd argument */

	/* PML4[0] -> identity PDPT, PML4[511] -> kernel PDPT */
	movl $boot_pdpt_low, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pml4
	movl $boot_pdpt_high, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pml4 + 511 * 8

	/* identity PDPT[0..3] -> four page directories (0-4 GiB) */
	movl $boot_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	xorl %ecx, %ecx
1:	movl %eax, boot_pdpt_low(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	/* kernel PDPT[510] -> first page directory (KERNEL_VMA + 0..1 GiB) */
	movl $boot_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pdpt_high + 510 * 8

	/* 2048 x 2 MiB pages: physical 0..4 GiB */
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	xorl %edx, %edx
	xorl %ecx, %ecx
2:	movl %eax, boot_pd(, %ecx, 8)
	movl %edx, boot_pd + 4(, %ecx, 8)
	addl $0x200000, %eax
	adcl $0, %edx
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	/*
	 * GRUB hands over with CR0.CD/NW set; clear them (caching off would make
	 * the hypervisor crawl on real hardware) and turn paging on.
	 */
	movl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0
	lgdt boot_gdt_desc
	ljmp $0x08, $long_mode_entry

	.code64
long_mode_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .boot.bss, "aw", @nobits
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4096 * 4
boot_stack:	.skip 4096
boot_stack_top:

	.text
higher_half:
	movabsq $kernel_stack_top, %rsp
	xorl %ebp, %ebp
	/* %edi = magic, %esi = info physical address (zero-extended) */
	movl %esi, %esi
	call kmain
3:	cli
	hlt
	jmp 3b

	.bss
	.align 4096
	.globl kernel_stack, kernel_stack_top
kernel_stack:	.skip 65536
kernel_stack_top:
	.section .note.GNU-stack, "", @progbits
