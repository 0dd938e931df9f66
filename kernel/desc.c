/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "kernel/desc.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"

#define GDT_ENTRIES 5	/* null, code, data, TSS (two slots) */
#define IDT_ENTRIES 256
#define NR_EXCEPTIONS 32
#define IST_STACK_SIZE 8192
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

/* Descriptor fields (SDM Vol. 3A "Segment Descriptors"). */
#define DESC_CODE64 0x00af9a000000ffffull
#define DESC_DATA 0x00cf92000000ffffull
#define SYS_DESC_TYPE_TSS_AVAIL 0x9
#define DESC_PRESENT BIT(15)
#define GATE_TYPE_INTERRUPT 0xe

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

static u64 gdt[GDT_ENTRIES] __aligned(16);
static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
struct tss64 boot_tss __aligned(16);
static u8 ist_stacks[3][IST_STACK_SIZE] __aligned(16);

extern const u64 trap_entry_table[NR_EXCEPTIONS];

static const char *const exception_names[NR_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization exception",
	"#CP control protection",
};

static void set_gate(int vec, u64 handler, int ist)
{
	idt[vec] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = 0x80 | GATE_TYPE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void desc_init(void)
{
	u64 tss = (u64)&boot_tss;
	u64 limit = sizeof(boot_tss) - 1;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (u64)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (u64)idt };

	gdt[0] = 0;
	gdt[1] = DESC_CODE64;
	gdt[2] = DESC_DATA;
	/* 64-bit TSS descriptor: 16 bytes (SDM "TSS Descriptor in 64-bit mode"). */
	gdt[3] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
		 ((u64)SYS_DESC_TYPE_TSS_AVAIL << 40) | ((u64)DESC_PRESENT << 32) |
		 (((limit >> 16) & 0xf) << 48) | (((tss >> 24) & 0xff) << 56);
	gdt[4] = tss >> 32;

	memset(&boot_tss, 0, sizeof(boot_tss));
	boot_tss.ist[IST_DOUBLE_FAULT - 1] = (u64)ist_stacks[0] + IST_STACK_SIZE;
	boot_tss.ist[IST_NMI - 1] = (u64)ist_stacks[1] + IST_STACK_SIZE;
	boot_tss.ist[IST_MACHINE_CHECK - 1] = (u64)ist_stacks[2] + IST_STACK_SIZE;
	/* No I/O permission bitmap: the base points past the limit. */
	boot_tss.iomap_base = sizeof(boot_tss);

	for (int v = 0; v < NR_EXCEPTIONS; v++)
		set_gate(v, trap_entry_table[v],
			 v == DF_VECTOR    ? IST_DOUBLE_FAULT :
			 v == NMI_VECTOR   ? IST_NMI :
			 v == MC_VECTOR    ? IST_MACHINE_CHECK : 0);

	asm volatile("lgdt %0" : : "m"(gdtr));
	asm volatile("pushq %[cs]\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %[ds], %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     : : [cs] "i"(KERNEL_CS), [ds] "i"(KERNEL_DS) : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(KERNEL_TSS));
	asm volatile("lidt %0" : : "m"(idtr));
}

/* Called from kernel/traps.S: a fault in the hypervisor itself is fatal. */
void trap_handler(struct trap_frame *f);
void trap_handler(struct trap_frame *f)
{
	const char *name = f->vector < NR_EXCEPTIONS && exception_names[f->vector]
				   ? exception_names[f->vector] : "unknown";

	printk("\ntinyvmx: hypervisor exception %llu (%s), error code %#llx\n",
	       f->vector, name, f->error_code);
	printk("  RIP %04llx:%016llx RFLAGS %016llx RSP %04llx:%016llx\n",
	       f->cs, f->rip, f->rflags, f->ss, f->rsp);
	if (f->vector == PF_VECTOR)
		printk("  CR2 %016llx (faulting address)\n", read_cr2());
	printk("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
	       f->rax, f->rbx, f->rcx, f->rdx);
	printk("  RSI %016llx RDI %016llx RBP %016llx R8  %016llx\n",
	       f->rsi, f->rdi, f->rbp, f->r8);
	printk("  R9  %016llx R10 %016llx R11 %016llx R12 %016llx\n",
	       f->r9, f->r10, f->r11, f->r12);
	printk("  R13 %016llx R14 %016llx R15 %016llx\n", f->r13, f->r14, f->r15);
	printk("  CR0 %016llx CR3 %016llx CR4 %016llx\n", read_cr0(), read_cr3(),
	       read_cr4());
	panic("unexpected exception in the hypervisor");
}
