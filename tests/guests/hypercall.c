/* SPDX-License-Identifier: MIT */
/*
 * hypercall: the VMCALL ABI of include/tvx/abi.h.  NOP, an unknown number,
 * CONSOLE_WRITE (its text must reach stdout: TESTS checks it) and its
 * argument checks (buffer outside RAM, straddling the end of RAM, too
 * long), EXIT_COUNT and its range check, and VMCALL from ring 3, which
 * must be refused (TVX_EPERM) even for POWER_OFF.
 */
#include "guest.h"

#define EXIT_REASON_VMCALL 18
#define EXIT_REASON_OUT_OF_RANGE 1000
#define UNKNOWN_HC 0x7777
#define GPA_OUTSIDE_RAM 0xf0000000u
#define KIB 1024u
#define LOW_MEMORY_END (1024u * KIB)	/* mem_upper counts from 1 MiB */
#define MB_INFO_MEM (1u << 0)

/* GDT for ring 3: crt0's flat ring-0 selectors, user code/data, a TSS. */
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_USER_CODE 0x18
#define SEL_USER_DATA 0x20
#define SEL_TSS 0x28
#define RPL3 3
#define GDT_CODE 0x00cf9a000000ffffull
#define GDT_DATA 0x00cf92000000ffffull
#define GDT_USER_CODE 0x00cffa000000ffffull	/* DPL 3 */
#define GDT_USER_DATA 0x00cff2000000ffffull	/* DPL 3 */
#define DESC_TSS32_AVAIL 0x89			/* P=1, DPL 0, type 9 */
#define IDT_INTR_GATE_DPL3 0xee			/* P=1, DPL 3, 32-bit interrupt gate */
#define BP_VECTOR 3
#define STACK_SIZE 4096

struct tss32 {
	u16 link, r0;
	u32 esp0;
	u16 ss0, r1;
	u32 unused[22];
	u16 trap, iomap_base;
} __attribute__((packed));

struct idt_gate {
	u16 off_lo, sel;
	u8 zero, type;
	u16 off_hi;
} __attribute__((packed));

static u64 gdt[6];
static struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) gdt_desc = { sizeof(gdt) - 1, (u32)gdt };
static struct tss32 tss;
static u8 kernel_stack[STACK_SIZE] __attribute__((aligned(16)));
u8 user_stack[STACK_SIZE] __attribute__((aligned(16)));
u32 ring0_esp;

long ring3_vmcall(u32 nr, u32 a0);
void ring3_return(void);

/*
 * ring3_vmcall(nr, a0): IRET to ring 3, VMCALL there, INT3 back.  The INT3
 * gate (DPL 3) lands in ring3_return on the TSS's ring-0 stack; it
 * restores the caller's stack and returns the VMCALL's EAX.
 */
asm(".text\n"
    ".globl ring3_vmcall, ring3_return\n"
    "ring3_vmcall:\n"
    "	pushl %ebp\n"
    "	pushl %ebx\n"
    "	pushl %esi\n"
    "	pushl %edi\n"
    "	movl 20(%esp), %eax\n"		/* nr */
    "	movl 24(%esp), %ebx\n"		/* a0 */
    "	movl %esp, ring0_esp\n"
    "	pushl $0x23\n"			/* SS = SEL_USER_DATA | RPL3 */
    "	pushl $user_stack + 4096\n"
    "	pushfl\n"
    "	pushl $0x1b\n"			/* CS = SEL_USER_CODE | RPL3 */
    "	pushl $1f\n"
    "	iretl\n"
    "1:	vmcall\n"
    "	int3\n"
    "ring3_return:\n"
    /* IRET to ring 3 nulled DS/ES/FS/GS (DPL 0): reload them first. */
    "	movl $0x10, %ecx\n"		/* SEL_DATA */
    "	movw %cx, %ds\n"
    "	movw %cx, %es\n"
    "	movw %cx, %fs\n"
    "	movw %cx, %gs\n"
    "	movl ring0_esp, %esp\n"
    "	popl %edi\n"
    "	popl %esi\n"
    "	popl %ebx\n"
    "	popl %ebp\n"
    "	ret\n");

_Static_assert(((SEL_USER_DATA | RPL3) == 0x23) && ((SEL_USER_CODE | RPL3) == 0x1b) &&
	       SEL_DATA == 0x10 && STACK_SIZE == 4096,
	       "ring3_vmcall's asm spells these selectors and sizes out");

static u64 tss_desc(u32 base, u32 limit)
{
	u32 lo = (limit & 0xffff) | (base << 16);
	u32 hi = ((base >> 16) & 0xff) | (DESC_TSS32_AVAIL << 8) | (limit & 0xf0000) |
		 (base & 0xff000000);

	return ((u64)hi << 32) | lo;
}

static void setup_ring3(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) idtr;
	struct idt_gate *idt;
	u32 h = (u32)ring3_return;

	gdt[0] = 0;
	gdt[SEL_CODE >> 3] = GDT_CODE;
	gdt[SEL_DATA >> 3] = GDT_DATA;
	gdt[SEL_USER_CODE >> 3] = GDT_USER_CODE;
	gdt[SEL_USER_DATA >> 3] = GDT_USER_DATA;
	gdt[SEL_TSS >> 3] = tss_desc((u32)&tss, sizeof(tss) - 1);
	tss.ss0 = SEL_DATA;
	tss.esp0 = (u32)kernel_stack + sizeof(kernel_stack);
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	asm volatile("lgdt %0; ltr %w1" : : "m"(gdt_desc), "r"(SEL_TSS) : "memory");

	/* Let ring 3 use INT3 to come back: patch the library's IDT. */
	asm volatile("sidt %0" : "=m"(idtr));
	idt = (struct idt_gate *)idtr.base;
	idt[BP_VECTOR] = (struct idt_gate){ h & 0xffff, SEL_CODE, 0, IDT_INTR_GATE_DPL3,
					    h >> 16 };
}

static void check_basic(void)
{
	long r;

	r = hypercall(TVX_HC_NOP, 0, 0, 0, 0);
	report(r == 0, "NOP returns 0 (%ld)", r);
	r = hypercall(UNKNOWN_HC, 0, 0, 0, 0);
	report(r == TVX_ENOSYS, "unknown hypercall %#x returns %d (%ld)", UNKNOWN_HC, TVX_ENOSYS,
	       r);
}

static void check_console_write(struct multiboot_info *mbi)
{
	static const char msg[] = "hypercall: hello through TVX_HC_CONSOLE_WRITE\n";
	static char big[TVX_CONSOLE_WRITE_MAX + 1];
	u32 ram_end = LOW_MEMORY_END + mbi->mem_upper * KIB;
	long r;

	r = hypercall(TVX_HC_CONSOLE_WRITE, (u32)msg, sizeof(msg) - 1, 0, 0);
	report(r == sizeof(msg) - 1, "CONSOLE_WRITE returns the length %u (%ld)",
	       (u32)sizeof(msg) - 1, r);
	r = hypercall(TVX_HC_CONSOLE_WRITE, (u32)msg, 0, 0, 0);
	report(r == 0, "CONSOLE_WRITE of 0 bytes returns 0 (%ld)", r);
	r = hypercall(TVX_HC_CONSOLE_WRITE, GPA_OUTSIDE_RAM, 16, 0, 0);
	report(r == TVX_EFAULT, "CONSOLE_WRITE from %#x returns %d (%ld)", GPA_OUTSIDE_RAM,
	       TVX_EFAULT, r);
	report(mbi->flags & MB_INFO_MEM, "multiboot memory information present");
	r = hypercall(TVX_HC_CONSOLE_WRITE, ram_end - 8, 16, 0, 0);
	report(r == TVX_EFAULT, "CONSOLE_WRITE straddling the end of RAM (%#x) returns %d (%ld)",
	       ram_end, TVX_EFAULT, r);
	memset(big, 'x', sizeof(big));
	r = hypercall(TVX_HC_CONSOLE_WRITE, (u32)big, TVX_CONSOLE_WRITE_MAX + 1, 0, 0);
	report(r == TVX_EINVAL, "CONSOLE_WRITE of %d bytes returns %d (%ld)",
	       TVX_CONSOLE_WRITE_MAX + 1, TVX_EINVAL, r);
}

static void check_exit_count(void)
{
	long c1, c2, r;

	c1 = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_VMCALL, 0, 0, 0);
	c2 = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_VMCALL, 0, 0, 0);
	report(c1 > 0 && c2 == c1 + 1, "EXIT_COUNT(VMCALL) counts itself (%ld -> %ld)", c1, c2);
	r = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_OUT_OF_RANGE, 0, 0, 0);
	report(r == TVX_EINVAL, "EXIT_COUNT(%d) returns %d (%ld)", EXIT_REASON_OUT_OF_RANGE,
	       TVX_EINVAL, r);
	r = hypercall(TVX_HC_EXIT_COUNT, 0xffffffffu, 0, 0, 0);
	report(r == TVX_EINVAL, "EXIT_COUNT(0xffffffff) returns %d (%ld)", TVX_EINVAL, r);
}

static void check_ring3(void)
{
	long r;

	setup_ring3();
	r = ring3_vmcall(TVX_HC_NOP, 0);
	report(r == TVX_EPERM, "VMCALL NOP from ring 3 returns %d (%ld)", TVX_EPERM, r);
	r = ring3_vmcall(TVX_HC_POWER_OFF, 0);
	report(r == TVX_EPERM, "VMCALL POWER_OFF from ring 3 is refused (%ld)", r);
	r = hypercall(TVX_HC_NOP, 0, 0, 0, 0);
	report(r == 0, "back in ring 0, NOP returns 0 again (%ld)", r);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_basic();
	check_console_write(mbi);
	check_exit_count();
	check_ring3();
	return 0;
}
