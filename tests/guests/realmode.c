/* SPDX-License-Identifier: MIT */
/*
 * realmode: a drop to real mode and back (unrestricted guest).  The 16-bit
 * trampoline in realmode16.S goes from 32-bit protected mode through 16-bit
 * protected mode to real mode (CR0.PE = 0), checks real-mode behaviour there
 * and returns; this side checks what it recorded:
 *
 *   - CR0 read in real mode has PE = 0 and otherwise what the guest wrote
 *     (PE is host-owned: the guest reads the shadow, not the VMCS value)
 *   - CPUID and VMCALL work in real mode (exits from 16-bit code)
 *   - segment arithmetic: 1000:0234 and 1023:0004 are the same byte
 *   - OUT, REP OUTSB and REP INSB with 16-bit addressing (DS:SI, ES:DI, CX)
 *   - INT 0x80 through an IVT entry at 0:0x200; HLT with IF = 1 continues
 *   - big real mode: DS keeps the 4 GiB limit it had in protected mode, so
 *     addr32 accesses reach RAM above 1 MiB and MMIO (pc-testdev memory);
 *     GS keeps its 64 KiB limit, so the same access through it is a #GP
 *     delivered through the real-mode IVT
 *   - back in 32-bit protected mode: CR0.PE = 1, the IDT works again
 *
 * Command line: "triple_fault" ends in a triple fault in real mode (the VM
 * is killed, status 2); "hlt" ends with CLI; HLT in real mode (the same).
 */
#include "guest.h"

#define EXIT_REASON_CPUID 10
#define EXIT_REASON_CR_ACCESS 28
#define CR0_PE (1u << 0)
#define GP_VECTOR 13
#define MSR_NONEXISTENT 0xdeadbeefu

/* Constants shared with realmode16.S (its comments explain them). */
#define RM_MODE_ALL 0
#define RM_MODE_TRIPLE_FAULT 1
#define RM_MODE_HLT 2
#define TRAMP_SEG 0x0800
#define SEG_LINEAR 0x10234	/* 1000:0234 = 1023:0004 */
#define SEG_MAGIC 0x5e6a1234u
#define INS_LINEAR 0x10100	/* 1000:0100 */
#define INS_COUNT 64
#define INS_END_DI 0x0140
#define BIG_ADDR 0x00400000u
#define BIG_MAGIC 0xb16da7a5u
#define TESTDEV_MEM 0xff000000u
#define MMIO_MAGIC 0x3a10c0deu
#define MMIO_BYTE 0x7e

/* realmode16.S's rm_results, in the same order. */
struct rm_results {
	u32 cr0_pm;		/* CR0 in 16-bit protected mode */
	u32 cr0_rm;		/* CR0 read in real mode */
	u32 big_read;		/* read back from BIG_ADDR through DS */
	u32 mmio_read;		/* read back from TESTDEV_MEM */
	u32 seg_read;		/* read through 1023:0004 */
	u32 cpuid[3];		/* EBX, ECX, EDX of leaf 0x40000000 */
	u32 hc;			/* CONSOLE_WRITE's result */
	u16 mmio_byte;		/* MOVZX of the byte written at TESTDEV_MEM + 5 */
	u16 gp;			/* #GP through the IVT */
	u16 outs_si, outs_cx;	/* after REP OUTSB */
	u16 ins_di, ins_cx;	/* after REP INSB */
	u16 int_count, int_cs;	/* INT 0x80 */
	u16 hlt;		/* HLT returned */
	u16 pad;
} __attribute__((packed));

u32 realmode_run(u32 mode, struct rm_results *out);
/* SI after the trampoline's REP OUTSB; its hypercall message's length */
extern const u32 rm_outs_end_si, rm_hc_len;

static u32 mode_from_cmdline(const char *cmd)
{
	if (strstr(cmd, "triple_fault"))
		return RM_MODE_TRIPLE_FAULT;
	if (strstr(cmd, "hlt"))
		return RM_MODE_HLT;
	return RM_MODE_ALL;
}

static long exits(u32 reason)
{
	return hypercall(TVX_HC_EXIT_COUNT, reason, 0, 0, 0);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	static struct rm_results r;
	u32 mode = mode_from_cmdline(guest_cmdline(mbi));
	u32 cr0 = read_cr0(), a, b, c, d;
	u64 v;
	long cpuid_before, cr_before;
	bool ins_ok = true;

	cpuid(TVX_CPUID_SIGNATURE_LEAF, 0, &a, &b, &c, &d);
	/* what the real-mode checks compare with */
	*(volatile u32 *)SEG_LINEAR = 0;
	*(volatile u32 *)BIG_ADDR = 0;
	memset((void *)(INS_LINEAR - 1), 0, INS_COUNT + 2);
	cpuid_before = exits(EXIT_REASON_CPUID);
	cr_before = exits(EXIT_REASON_CR_ACCESS);
	printf("realmode: dropping to real mode (CR0 %#x)%s\n", cr0,
	       mode == RM_MODE_TRIPLE_FAULT ? ", then a triple fault" :
	       mode == RM_MODE_HLT ? ", then cli; hlt" : "");

	realmode_run(mode, &r);

	report(r.cr0_pm == cr0, "CR0 in 16-bit protected mode is the same %#x", r.cr0_pm);
	report(r.cr0_rm == (cr0 & ~CR0_PE),
	       "CR0 read in real mode is %#x: PE clear, the rest as written", r.cr0_rm);
	report(exits(EXIT_REASON_CR_ACCESS) - cr_before == 2,
	       "two CR_ACCESS exits: clearing and setting CR0.PE (%ld)",
	       exits(EXIT_REASON_CR_ACCESS) - cr_before);
	report(r.cpuid[0] == b && r.cpuid[1] == c && r.cpuid[2] == d &&
	       b == TVX_CPUID_SIG_EBX,
	       "CPUID 0x40000000 in real mode gives the signature of protected mode");
	report(exits(EXIT_REASON_CPUID) - cpuid_before == 1,
	       "... through one CPUID exit from 16-bit code");
	report(r.hc == rm_hc_len, "CONSOLE_WRITE hypercall from real mode returned %u",
	       r.hc);
	report(r.seg_read == SEG_MAGIC && *(volatile u32 *)SEG_LINEAR == SEG_MAGIC,
	       "segment arithmetic: 1000:0234 and 1023:0004 are linear %#x (%#x)",
	       SEG_LINEAR, r.seg_read);
	report(r.outs_cx == 0 && r.outs_si == rm_outs_end_si,
	       "REP OUTSB with 16-bit addressing: CX %u, SI advanced to %#x",
	       r.outs_cx, r.outs_si);
	for (u32 i = 0; i < INS_COUNT; i++)
		ins_ok &= ((volatile u8 *)INS_LINEAR)[i] == 0xff;
	ins_ok &= ((volatile u8 *)INS_LINEAR)[-1] == 0 &&
		  ((volatile u8 *)INS_LINEAR)[INS_COUNT] == 0;
	report(ins_ok && r.ins_di == INS_END_DI && r.ins_cx == 0,
	       "REP INSB to ES:DI 1000:0100: %u bytes at %#x, DI %#x, CX %u",
	       INS_COUNT, INS_LINEAR, r.ins_di, r.ins_cx);
	report(r.int_count == 1 && r.int_cs == TRAMP_SEG,
	       "INT 0x80 through the IVT entry at 0:0x200 (handler saw CS %#x)",
	       r.int_cs);
	report(r.hlt == 1, "HLT with interrupts enabled and nothing pending continues");
	report(r.big_read == BIG_MAGIC && *(volatile u32 *)BIG_ADDR == BIG_MAGIC,
	       "big real mode: addr32 DS:%#x (above 1 MiB) written and read back", BIG_ADDR);
	report(r.mmio_read == MMIO_MAGIC && mmio_read32(TESTDEV_MEM) == MMIO_MAGIC,
	       "big real mode: 32-bit MMIO at %#x read back %#x", TESTDEV_MEM,
	       r.mmio_read);
	report(r.mmio_byte == MMIO_BYTE, "big real mode: MOVZX of an MMIO byte gives %#x",
	       r.mmio_byte);
	report(r.gp == 1,
	       "GS kept its 64 KiB limit: addr32 GS:0x10000 raised #GP through the IVT");
	report(read_cr0() == cr0, "back in 32-bit protected mode, CR0 %#x", read_cr0());
	report(rdmsr_safe(MSR_NONEXISTENT, &v) == GP_VECTOR,
	       "the protected-mode IDT works again (#GP from RDMSR)");
	return test_failures;
}
