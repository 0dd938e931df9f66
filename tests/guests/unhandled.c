/* SPDX-License-Identifier: MIT */
/*
 * unhandled: a hardware task switch (far JMP to a TSS selector).  Task
 * switches always cause VM exits in VMX non-root operation (SDM Vol. 3C
 * "Instructions That Cause VM Exits Unconditionally") and tinyvmx does not
 * emulate them: the VM ends (status 2) with a report that names the exit
 * (TASK_SWITCH) and the guest RIP, which this guest prints first.
 */
#include "guest.h"

#define SEL_TSS 0x18
#define GDT_CODE 0x00cf9a000000ffffull
#define GDT_DATA 0x00cf92000000ffffull
#define DESC_TSS32_AVAIL 0x89	/* P=1, DPL 0, type 9: available 32-bit TSS */
#define TSS32_SIZE 104

static u8 tss[TSS32_SIZE] __attribute__((aligned(16)));
static u64 gdt[4];
static struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) gdt_desc = { sizeof(gdt) - 1, (u32)gdt };

extern const char task_switch_insn[];

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 base = (u32)tss, limit = TSS32_SIZE - 1;

	gdt[1] = GDT_CODE;
	gdt[2] = GDT_DATA;
	gdt[SEL_TSS >> 3] = ((u64)(((base >> 16) & 0xff) | (DESC_TSS32_AVAIL << 8) |
				   (base & 0xff000000)) << 32) |
			    (limit & 0xffff) | (base << 16);
	asm volatile("lgdt %0" : : "m"(gdt_desc) : "memory");
	printf("unhandled: far jmp to TSS selector %#x at RIP %#x\n", SEL_TSS,
	       (u32)task_switch_insn);
	asm volatile("task_switch_insn: ljmp %0, $0" : : "i"(SEL_TSS) : "memory");
	report(false, "the task switch returned");
	return 0;
}
