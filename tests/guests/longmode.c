/* SPDX-License-Identifier: MIT */
/*
 * longmode: a 32-bit multiboot guest switches itself to 64-bit mode the
 * way an OS does (SDM Vol. 3A "Initializing IA-32e Mode"): 4-level page
 * tables with 2 MiB pages identity-mapping the first 5 GiB, CR4.PAE,
 * EFER.LME, then CR0.PG (the hypervisor sets EFER.LMA and the "IA-32e mode
 * guest" entry control), and a far jump to a 64-bit code segment.
 *
 * In 64-bit mode: CPUID, hypercalls with full 64-bit RAX (number and
 * result), MMIO reads of 8 and 4 bytes at guest-physical addresses beyond
 * RAM (one above 4 GiB), IN with a 64-bit RAX, and REP OUTSB with 64-bit
 * RSI/RCX.  The 64-bit code stores what it saw and returns to
 * compatibility mode, where the C code reports; the guest then powers off
 * from 64-bit mode after a last TVX_HC_CONSOLE_WRITE.  With EFER.LMA = 1
 * the IDT would need 64-bit gates, so nothing here may fault.
 */
#include "guest.h"

#define XSTR(x) STR(x)
#define STR(x) #x

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18
#define GDT_CODE32 0x00cf9a000000ffffull	/* G, D, P, DPL 0, code r/x */
#define GDT_DATA 0x00cf92000000ffffull		/* G, B, P, DPL 0, data r/w */
#define GDT_CODE64 0x00af9a000000ffffull	/* G, L, P, DPL 0, code r/x */

#define MSR_EFER 0xc0000080
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)

#define PAGE_SIZE 4096u
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PDE_PS (1ull << 7)
#define PD_SHIFT_2M 21
#define PT_ENTRIES 512
#define NR_PD 5			/* 5 GiB: RAM, the MMIO hole, and 4 GiB + */

#define UNASSIGNED_PORT 0x80
/* (no integer suffixes: these go into the assembler too) */
#define WIDE_NOP_NR 0x100000000	/* NOP's number with bit 32 set */
#define UPPER_GARBAGE 0xdeadbeef00000000
#define PATTERN64 0x1234567812345678

static u64 gdt[4] __attribute__((aligned(8))) = { 0, GDT_CODE32, GDT_DATA, GDT_CODE64 };
static struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) gdt_desc = { sizeof(gdt) - 1, (u32)gdt };

static u64 pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 pdpt[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 pd[NR_PD][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* What the 64-bit code saw (written by the asm below). */
u32 r64_cpuid_ebx;
u64 r64_nop, r64_enosys, r64_wide_nr, r64_mmio, r64_mmio_4g, r64_mmio32, r64_inl;
u64 r64_rsi, r64_rcx, r64_rsp;
extern const char msg64[], msg64_end[];

void run64(void);
void finish64(u32 failures) __attribute__((noreturn));

/*
 * run64: called (cdecl) in compatibility mode; jumps to 64-bit code, runs
 * the checks and comes back with a far return to the 32-bit code segment.
 */
asm(".text\n"
    ".globl run64\n"
    "run64:\n"
    ".code32\n"
    "	pushl %ebx\n"
    "	pushl %esi\n"
    "	pushl %edi\n"
    "	pushl %ebp\n"
    "	ljmp $" XSTR(SEL_CODE64) ", $1f\n"
    ".code64\n"
    /* RSP[63:32] are undefined after the mode switch: make them 0.
     * Variables are addressed RIP-relative (an ELF32 object has no
     * sign-extended absolute relocation). */
    "1:	movl %esp, %esp\n"
    "	movq %rsp, r64_rsp(%rip)\n"
    "	movl $" XSTR(TVX_CPUID_SIGNATURE_LEAF) ", %eax\n"
    "	xorl %ecx, %ecx\n"
    "	cpuid\n"
    "	movl %ebx, r64_cpuid_ebx(%rip)\n"
    /* NOP: RAX = 0; garbage in the argument registers' upper halves. */
    "	xorl %eax, %eax\n"
    "	movabsq $" XSTR(UPPER_GARBAGE) ", %rbx\n"
    "	movq %rbx, %rcx\n"
    "	vmcall\n"
    "	movq %rax, r64_nop(%rip)\n"
    /* Unknown number: the result is sign-extended to 64 bits. */
    "	movl $0x7777, %eax\n"
    "	vmcall\n"
    "	movq %rax, r64_enosys(%rip)\n"
    /* All 64 bits of the number count in 64-bit mode. */
    "	movabsq $" XSTR(WIDE_NOP_NR) ", %rax\n"
    "	vmcall\n"
    "	movq %rax, r64_wide_nr(%rip)\n"
    /* MMIO: 8-byte reads at 3 GiB and at 4 GiB, nothing behind them. */
    "	movl $0xc0000000, %ebx\n"
    "	xorl %eax, %eax\n"
    "	movq (%rbx), %rax\n"
    "	movq %rax, r64_mmio(%rip)\n"
    "	movabsq $0x100000000, %rbx\n"
    "	xorl %eax, %eax\n"
    "	movq (%rbx), %rax\n"
    "	movq %rax, r64_mmio_4g(%rip)\n"
    /* A 4-byte load into a 32-bit register clears bits 63:32. */
    "	movabsq $" XSTR(PATTERN64) ", %rcx\n"
    "	movl (%rbx), %ecx\n"
    "	movq %rcx, r64_mmio32(%rip)\n"
    /* IN EAX zero-extends into RAX. */
    "	movabsq $" XSTR(PATTERN64) ", %rax\n"
    "	inl $" XSTR(UNASSIGNED_PORT) ", %eax\n"
    "	movq %rax, r64_inl(%rip)\n"
    /* REP OUTSB with 64-bit address size. */
    "	movl $msg64, %esi\n"
    "	movl $(msg64_end - msg64), %ecx\n"
    "	movw $" XSTR(TVX_PORT_COM1) ", %dx\n"
    "	cld\n"
    "	rep outsb\n"
    "	movq %rsi, r64_rsi(%rip)\n"
    "	movq %rcx, r64_rcx(%rip)\n"
    /* Far return to the 32-bit code segment: compatibility mode. */
    "	pushq $" XSTR(SEL_CODE32) "\n"
    "	movl $2f, %eax\n"		/* zero-extended: no 32S relocation in ELF32 */
    "	pushq %rax\n"
    "	lretq\n"
    ".code32\n"
    "2:	popl %ebp\n"
    "	popl %edi\n"
    "	popl %esi\n"
    "	popl %ebx\n"
    "	ret\n"
    /* finish64(failures): say goodbye and power off from 64-bit mode. */
    ".globl finish64\n"
    "finish64:\n"
    "	movl 4(%esp), %edi\n"
    "	ljmp $" XSTR(SEL_CODE64) ", $3f\n"
    ".code64\n"
    "3:	movl %esp, %esp\n"
    "	movl $" XSTR(TVX_HC_CONSOLE_WRITE) ", %eax\n"
    "	movl $bye64, %ebx\n"
    "	movl $(bye64_end - bye64), %ecx\n"
    "	vmcall\n"
    "	cmpq $(bye64_end - bye64), %rax\n"
    "	je 4f\n"
    "	incl %edi\n"		/* a wrong length counts as a failure */
    "4:	movl $" XSTR(TVX_HC_POWER_OFF) ", %eax\n"
    "	movl %edi, %ebx\n"
    "	vmcall\n"
    "5:	hlt\n"
    "	jmp 5b\n"
    ".code32\n"
    ".pushsection .rodata\n"
    "msg64:	.ascii \"longmode: rep outsb from 64-bit mode\\n\"\n"
    "msg64_end:\n"
    "bye64:	.ascii \"longmode: CONSOLE_WRITE from 64-bit mode, powering off\\n\"\n"
    "bye64_end:\n"
    ".popsection\n");

static inline void write_cr3(u32 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static void build_page_tables(void)
{
	for (u32 d = 0; d < NR_PD; d++) {
		for (u32 i = 0; i < PT_ENTRIES; i++)
			pd[d][i] = ((u64)(d * PT_ENTRIES + i) << PD_SHIFT_2M) | PTE_P | PTE_RW |
				   PDE_PS;
		pdpt[d] = (u32)pd[d] | PTE_P | PTE_RW;
	}
	pml4[0] = (u32)pdpt | PTE_P | PTE_RW;
}

static void enter_ia32e(void)
{
	u64 efer = 0;

	asm volatile("lgdt %0" : : "m"(gdt_desc) : "memory");
	build_page_tables();
	write_cr4(read_cr4() | CR4_PAE);
	write_cr3((u32)pml4);
	rdmsr_safe(MSR_EFER, &efer);
	report(wrmsr_safe(MSR_EFER, efer | EFER_LME) < 0, "EFER.LME set");
	write_cr0(read_cr0() | CR0_PG);
	/* From here on no exception may happen: the IDT has 32-bit gates. */
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u64 efer = 0;
	u32 msg_len = msg64_end - msg64;

	enter_ia32e();
	rdmsr_safe(MSR_EFER, &efer);
	report(efer & EFER_LMA, "EFER.LMA = 1 after CR0.PG (EFER %#llx)", efer);
	report(read_cr0() & CR0_PG, "compatibility mode: CR0.PG = 1, printing still works");
	report(hypercall(TVX_HC_NOP, 0, 0, 0, 0) == 0, "compatibility mode: hypercall NOP");

	run64();
	report(r64_rsp >> 32 == 0, "back from 64-bit mode (RSP was %#llx)", r64_rsp);
	report(r64_cpuid_ebx == TVX_CPUID_SIG_EBX, "64-bit CPUID 0x40000000 EBX %#x", r64_cpuid_ebx);
	report(r64_nop == 0, "64-bit hypercall NOP returns 0 in all of RAX (%#llx)", r64_nop);
	report(r64_enosys == (u64)(long long)TVX_ENOSYS,
	       "64-bit unknown hypercall returns -1000 sign-extended (%#llx)", r64_enosys);
	report(r64_wide_nr == (u64)(long long)TVX_ENOSYS,
	       "64-bit hypercall number %#llx is not NOP (%#llx)", (u64)WIDE_NOP_NR, r64_wide_nr);
	report(r64_mmio == ~0ull, "64-bit MMIO read at 0xc0000000 is all ones (%#llx)", r64_mmio);
	report(r64_mmio_4g == ~0ull, "64-bit MMIO read at 4 GiB is all ones (%#llx)", r64_mmio_4g);
	report(r64_mmio32 == 0xffffffffull,
	       "32-bit MMIO load into ECX zero-extends RCX (%#llx)", r64_mmio32);
	report(r64_inl == 0xffffffffull, "inl in 64-bit mode zero-extends RAX (%#llx)", r64_inl);
	report(r64_rcx == 0 && r64_rsi == (u32)msg64 + msg_len,
	       "64-bit rep outsb: RCX %#llx, RSI advanced by %u", r64_rcx,
	       (u32)(r64_rsi - (u32)msg64));

	printf("longmode: %d failure(s) so far, finishing in 64-bit mode\n", test_failures);
	finish64(test_failures);
}
