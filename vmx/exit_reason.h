/* SPDX-License-Identifier: MIT */
/*
 * VM-exit information: basic exit reasons, the exit-reason field, exit
 * qualifications, interruption information and instruction information,
 * as laid out in SDM Vol. 3C, Basic VM-Exit Information, and SDM Vol. 3D,
 * VMX Basic Exit Reasons.  Exit handlers decode these fields through the
 * unions below instead of shifting and masking by hand.
 *
 * Pure header: usable freestanding and on the host.
 */
#ifndef TVX_VMX_EXIT_REASON_H
#define TVX_VMX_EXIT_REASON_H

#include "tvx/types.h"

/*
 * Basic exit reasons (SDM Vol. 3D, VMX Basic Exit Reasons).  KVM's names
 * where KVM has one.  35, 38, 42, 71, 82 and 83 are not defined.
 */
#define EXIT_REASON_EXCEPTION_NMI		0
#define EXIT_REASON_EXTERNAL_INTERRUPT		1
#define EXIT_REASON_TRIPLE_FAULT		2
#define EXIT_REASON_INIT_SIGNAL			3
#define EXIT_REASON_SIPI_SIGNAL			4
#define EXIT_REASON_IO_SMI			5
#define EXIT_REASON_OTHER_SMI			6
#define EXIT_REASON_INTERRUPT_WINDOW		7
#define EXIT_REASON_NMI_WINDOW			8
#define EXIT_REASON_TASK_SWITCH			9
#define EXIT_REASON_CPUID			10
#define EXIT_REASON_GETSEC			11
#define EXIT_REASON_HLT				12
#define EXIT_REASON_INVD			13
#define EXIT_REASON_INVLPG			14
#define EXIT_REASON_RDPMC			15
#define EXIT_REASON_RDTSC			16
#define EXIT_REASON_RSM				17
#define EXIT_REASON_VMCALL			18
#define EXIT_REASON_VMCLEAR			19
#define EXIT_REASON_VMLAUNCH			20
#define EXIT_REASON_VMPTRLD			21
#define EXIT_REASON_VMPTRST			22
#define EXIT_REASON_VMREAD			23
#define EXIT_REASON_VMRESUME			24
#define EXIT_REASON_VMWRITE			25
#define EXIT_REASON_VMOFF			26
#define EXIT_REASON_VMON			27
#define EXIT_REASON_CR_ACCESS			28
#define EXIT_REASON_DR_ACCESS			29
#define EXIT_REASON_IO_INSTRUCTION		30
#define EXIT_REASON_MSR_READ			31
#define EXIT_REASON_MSR_WRITE			32
#define EXIT_REASON_INVALID_STATE		33	/* VM-entry failure: guest state */
#define EXIT_REASON_MSR_LOAD_FAIL		34	/* VM-entry failure: MSR loading */
#define EXIT_REASON_MWAIT_INSTRUCTION		36
#define EXIT_REASON_MONITOR_TRAP_FLAG		37
#define EXIT_REASON_MONITOR_INSTRUCTION		39
#define EXIT_REASON_PAUSE_INSTRUCTION		40
#define EXIT_REASON_MCE_DURING_VMENTRY		41
#define EXIT_REASON_TPR_BELOW_THRESHOLD		43
#define EXIT_REASON_APIC_ACCESS			44
#define EXIT_REASON_EOI_INDUCED			45
#define EXIT_REASON_GDTR_IDTR			46
#define EXIT_REASON_LDTR_TR			47
#define EXIT_REASON_EPT_VIOLATION		48
#define EXIT_REASON_EPT_MISCONFIG		49
#define EXIT_REASON_INVEPT			50
#define EXIT_REASON_RDTSCP			51
#define EXIT_REASON_PREEMPTION_TIMER		52
#define EXIT_REASON_INVVPID			53
#define EXIT_REASON_WBINVD			54
#define EXIT_REASON_XSETBV			55
#define EXIT_REASON_APIC_WRITE			56
#define EXIT_REASON_RDRAND			57
#define EXIT_REASON_INVPCID			58
#define EXIT_REASON_VMFUNC			59
#define EXIT_REASON_ENCLS			60
#define EXIT_REASON_RDSEED			61
#define EXIT_REASON_PML_FULL			62
#define EXIT_REASON_XSAVES			63
#define EXIT_REASON_XRSTORS			64
#define EXIT_REASON_PCONFIG			65
#define EXIT_REASON_SPP				66	/* SPP-related event */
#define EXIT_REASON_UMWAIT			67
#define EXIT_REASON_TPAUSE			68
#define EXIT_REASON_LOADIWKEY			69
#define EXIT_REASON_ENCLV			70
#define EXIT_REASON_ENQCMD_PASID_FAIL		72	/* PASID translation failure */
#define EXIT_REASON_ENQCMDS_PASID_FAIL		73
#define EXIT_REASON_BUS_LOCK			74
#define EXIT_REASON_NOTIFY			75	/* SDM: instruction timeout */
#define EXIT_REASON_SEAMCALL			76
#define EXIT_REASON_TDCALL			77
#define EXIT_REASON_RDMSRLIST			78
#define EXIT_REASON_WRMSRLIST			79
#define EXIT_REASON_URDMSR			80
#define EXIT_REASON_UWRMSR			81
#define EXIT_REASON_MSR_READ_IMM		84	/* RDMSR with immediate */
#define EXIT_REASON_MSR_WRITE_IMM		85	/* WRMSRNS with immediate */

/* One past the largest defined basic exit reason (sizes dispatch tables). */
#define EXIT_REASON_MAX				86

/* "EPT_VIOLATION" for 48; NULL for undefined or out-of-range numbers. */
const char *vmx_exit_reason_name(u32 basic);

/*
 * The exit-reason field (SDM Vol. 3C, Basic VM-Exit Information).  Bit 31 set
 * means VM entry failed and the exit reason is 33, 34 or 41.
 */
union vmx_exit_reason {
	struct {
		u32 basic:16;
		u32 reserved16:1;	/* always 0 */
		u32 reserved17:9;
		u32 bus_lock_detected:1;	/* 26 */
		u32 enclave_mode:1;	/* 27: exit from enclave mode */
		u32 smi_pending_mtf:1;	/* 28: pending MTF VM exit (SMM) */
		u32 smi_from_vmx_root:1;	/* 29: SMI exit from VMX root */
		u32 reserved30:1;
		u32 failed_vmentry:1;	/* 31 */
	};
	u32 full;
};
_Static_assert(sizeof(union vmx_exit_reason) == 4, "exit reason is 32 bits");

#define VMX_EXIT_REASONS_FAILED_VMENTRY	BIT(31)

/*
 * Exit qualification for control-register accesses (SDM Vol. 3C, Exit
 * Qualification for Control-Register Accesses).
 */
#define CR_ACCESS_TYPE_MOV_TO_CR	0
#define CR_ACCESS_TYPE_MOV_FROM_CR	1
#define CR_ACCESS_TYPE_CLTS		2
#define CR_ACCESS_TYPE_LMSW		3

#define LMSW_OPERAND_TYPE_REGISTER	0
#define LMSW_OPERAND_TYPE_MEMORY	1

union exit_qual_cr {
	struct {
		u64 cr:4;		/* 3:0 control register number */
		u64 access_type:2;	/* 5:4 CR_ACCESS_TYPE_* */
		u64 lmsw_operand_type:1;	/* 6 LMSW_OPERAND_TYPE_* */
		u64 reserved7:1;
		u64 gpr:4;		/* 11:8 MOV CR register, 0 = RAX */
		u64 reserved12:4;
		u64 lmsw_source_data:16;	/* 31:16 */
		u64 reserved32:32;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_cr) == 8, "qualification is 64 bits");

/* Exit qualification for MOV DR (SDM Vol. 3C, Exit Qualification for MOV DR). */
#define DR_ACCESS_DIRECTION_MOV_TO_DR	0
#define DR_ACCESS_DIRECTION_MOV_FROM_DR	1

union exit_qual_dr {
	struct {
		u64 dr:3;		/* 2:0 debug register number */
		u64 reserved3:1;
		u64 direction:1;	/* 4 DR_ACCESS_DIRECTION_* */
		u64 reserved5:3;
		u64 gpr:4;		/* 11:8 */
		u64 reserved12:52;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_dr) == 8, "qualification is 64 bits");

/*
 * Exit qualification for I/O instructions (SDM Vol. 3C, Exit Qualification
 * for I/O Instructions).  size is the access size minus one: 0, 1 or 3.
 */
#define IO_DIRECTION_OUT		0
#define IO_DIRECTION_IN			1
#define IO_OPERAND_ENCODING_DX		0
#define IO_OPERAND_ENCODING_IMM		1

union exit_qual_io {
	struct {
		u64 size:3;		/* 2:0 bytes - 1 */
		u64 in:1;		/* 3 IO_DIRECTION_* */
		u64 string:1;		/* 4 INS/OUTS */
		u64 rep:1;		/* 5 REP prefix */
		u64 imm:1;		/* 6 IO_OPERAND_ENCODING_* */
		u64 reserved7:9;
		u64 port:16;		/* 31:16 */
		u64 reserved32:32;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_io) == 8, "qualification is 64 bits");

/*
 * Exit qualification for EPT violations (SDM Vol. 3C, Exit Qualification
 * for EPT Violations).  Bits 3-5 are the AND of the permission bits of the
 * EPT paging-structure entries walked; bits 9-11 are only valid with the
 * "advanced VM-exit information for EPT violations" capability.
 */
union exit_qual_ept_violation {
	struct {
		u64 read:1;		/* 0 data read */
		u64 write:1;		/* 1 data write */
		u64 fetch:1;		/* 2 instruction fetch */
		u64 readable:1;		/* 3 */
		u64 writable:1;		/* 4 */
		u64 executable:1;	/* 5 (supervisor-mode with MBEC) */
		u64 user_executable:1;	/* 6 with MBEC */
		u64 gla_valid:1;	/* 7 guest linear address valid */
		u64 gla_is_translation:1;	/* 8 0 = paging-structure access */
		u64 user:1;		/* 9 U/S of the linear address */
		u64 rw:1;		/* 10 R/W of the linear address */
		u64 xd:1;		/* 11 execute-disable of the linear address */
		u64 nmi_unblocking:1;	/* 12 NMI unblocking due to IRET */
		u64 shadow_stack:1;	/* 13 shadow-stack access */
		u64 supervisor_shadow_stack:1;	/* 14 SSS bit of the EPT entry */
		u64 guest_paging_verification:1;	/* 15 HLAT */
		u64 asynchronous:1;	/* 16 asynchronous to instruction execution */
		u64 reserved17:47;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_ept_violation) == 8,
	       "qualification is 64 bits");

/*
 * Exit qualification for task switches (SDM Vol. 3C, Exit Qualification for
 * Task Switches).
 */
#define TASK_SWITCH_CALL		0
#define TASK_SWITCH_IRET		1
#define TASK_SWITCH_JMP			2
#define TASK_SWITCH_GATE		3	/* task gate in the IDT */

union exit_qual_task_switch {
	struct {
		u64 selector:16;	/* 15:0 new TSS selector */
		u64 reserved16:14;
		u64 source:2;		/* 31:30 TASK_SWITCH_* */
		u64 reserved32:32;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_task_switch) == 8,
	       "qualification is 64 bits");

/*
 * Exit qualification for APIC-access VM exits (SDM Vol. 3C, Exit
 * Qualification for APIC-Access VM Exits).
 */
#define APIC_ACCESS_TYPE_LINEAR_READ		0
#define APIC_ACCESS_TYPE_LINEAR_WRITE		1
#define APIC_ACCESS_TYPE_LINEAR_FETCH		2
#define APIC_ACCESS_TYPE_LINEAR_EVENT_DELIVERY	3
#define APIC_ACCESS_TYPE_PHYS_EVENT_DELIVERY	10
#define APIC_ACCESS_TYPE_PHYS_FETCH_OR_EXEC	15

union exit_qual_apic_access {
	struct {
		u64 offset:12;		/* 11:0 page offset (linear accesses) */
		u64 access_type:4;	/* 15:12 APIC_ACCESS_TYPE_* */
		u64 asynchronous:1;	/* 16 */
		u64 reserved17:47;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_apic_access) == 8,
	       "qualification is 64 bits");

/*
 * Exit qualification of an APIC-write VM exit: the page offset of the
 * register written (SDM Vol. 3C, "APIC-Write VM Exits"), and of an
 * EOI-induced VM exit: the vector whose EOI was virtualized (SDM Vol. 3C,
 * "EOI Virtualization").
 */
union exit_qual_apic_write {
	struct {
		u64 offset:12;		/* 11:0 */
		u64 reserved12:52;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_apic_write) == 8,
	       "qualification is 64 bits");

union exit_qual_eoi_induced {
	struct {
		u64 vector:8;		/* 7:0 */
		u64 reserved8:56;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_eoi_induced) == 8,
	       "qualification is 64 bits");

/*
 * Exit qualification of a failed VM entry (SDM Vol. 3C, VM-Entry Failures
 * During or After Loading Guest State): for EXIT_REASON_INVALID_STATE, info
 * is an ENTRY_FAIL_* code; for EXIT_REASON_MSR_LOAD_FAIL, it is the 1-based
 * index of the VM-entry MSR-load entry that failed.
 */
#define ENTRY_FAIL_DEFAULT		0	/* not further specified */
#define ENTRY_FAIL_PDPTE		2	/* PDPTE loading */
#define ENTRY_FAIL_NMI			3	/* NMI injection blocked */
#define ENTRY_FAIL_VMCS_LINK_PTR	4	/* invalid VMCS link pointer */

union exit_qual_entry_fail {
	struct {
		u64 info:32;
		u64 reserved32:32;
	};
	u64 raw;
};
_Static_assert(sizeof(union exit_qual_entry_fail) == 8,
	       "qualification is 64 bits");

/*
 * VM-entry interruption information, VM-exit interruption information and
 * IDT-vectoring information share one layout (SDM Vol. 3C, VM-Entry Controls
 * for Event Injection; Information for VM Exits Due to Vectored Events).
 * nmi_unblocking is only meaningful in the VM-exit interruption info.
 */
#define INTR_TYPE_EXT_INTR		0
#define INTR_TYPE_NMI			2
#define INTR_TYPE_HARD_EXCEPTION	3
#define INTR_TYPE_SOFT_INTR		4
#define INTR_TYPE_PRIV_SW_EXCEPTION	5	/* INT1 (ICEBP) */
#define INTR_TYPE_SOFT_EXCEPTION	6	/* INT3, INTO */
#define INTR_TYPE_OTHER_EVENT		7	/* MTF on entry; FRED/SYSCALL */

#define INTR_INFO_VECTOR_MASK		0xffu
#define INTR_INFO_INTR_TYPE_SHIFT	8
#define INTR_INFO_INTR_TYPE_MASK	(0x7u << INTR_INFO_INTR_TYPE_SHIFT)
#define INTR_INFO_DELIVER_CODE_MASK	BIT(11)
#define INTR_INFO_UNBLOCK_NMI		BIT(12)
#define INTR_INFO_VALID_MASK		BIT(31)

union vmx_intr_info {
	struct {
		u32 vector:8;		/* 7:0 */
		u32 type:3;		/* 10:8 INTR_TYPE_* */
		u32 error_code_valid:1;	/* 11 deliver / has error code */
		u32 nmi_unblocking:1;	/* 12 NMI unblocking due to IRET */
		u32 reserved13:18;
		u32 valid:1;		/* 31 */
	};
	u32 raw;
};
_Static_assert(sizeof(union vmx_intr_info) == 4, "interruption info is 32 bits");

/*
 * VM-exit instruction-information field (SDM Vol. 3C, VM-Exit
 * Instruction-Information Field).
 */
#define INSN_INFO_ADDR_SIZE_16		0
#define INSN_INFO_ADDR_SIZE_32		1
#define INSN_INFO_ADDR_SIZE_64		2

#define INSN_INFO_SEG_ES		0
#define INSN_INFO_SEG_CS		1
#define INSN_INFO_SEG_SS		2
#define INSN_INFO_SEG_DS		3
#define INSN_INFO_SEG_FS		4
#define INSN_INFO_SEG_GS		5

/* INS and OUTS: only the address size and (OUTS) segment are defined. */
union vmx_insn_info_ins_outs {
	struct {
		u32 undefined0:7;
		u32 addr_size:3;	/* 9:7 INSN_INFO_ADDR_SIZE_* */
		u32 undefined10:5;
		u32 segment:3;		/* 17:15 INSN_INFO_SEG_* */
		u32 undefined18:14;
	};
	u32 raw;
};
_Static_assert(sizeof(union vmx_insn_info_ins_outs) == 4,
	       "instruction info is 32 bits");

/*
 * The common layout of the memory-operand exits: LIDT/LGDT/SIDT/SGDT,
 * LLDT/LTR/SLDT/STR, INVEPT/INVVPID/INVPCID, VMCLEAR/VMPTRLD/VMPTRST/VMXON,
 * VMREAD/VMWRITE, RDRAND/RDSEED, ...  Which fields are defined depends on the
 * instruction (the SDM table per group); the effective address is
 * segment:base + index * (1 << scaling) + displacement (in
 * EXIT_QUALIFICATION).  reg2 holds the register operand of
 * INVEPT/INVVPID/INVPCID and VMREAD/VMWRITE; for the descriptor-table exits
 * its low two bits are the instruction identity (INSN_INFO_DT_*).
 */
#define INSN_INFO_DT_SGDT		0
#define INSN_INFO_DT_SIDT		1
#define INSN_INFO_DT_LGDT		2
#define INSN_INFO_DT_LIDT		3
#define INSN_INFO_TR_SLDT		0
#define INSN_INFO_TR_STR		1
#define INSN_INFO_TR_LLDT		2
#define INSN_INFO_TR_LTR		3

union vmx_insn_info {
	struct {
		u32 scaling:2;		/* 1:0 */
		u32 undefined2:1;
		u32 reg1:4;		/* 6:3 register operand (VMREAD/VMWRITE, LLDT...) */
		u32 addr_size:3;	/* 9:7 INSN_INFO_ADDR_SIZE_* */
		u32 is_reg:1;		/* 10 0 = memory operand, 1 = register */
		u32 operand_size:1;	/* 11 SGDT/SIDT...: 0 = 16-bit, 1 = 32-bit */
		u32 undefined12:3;
		u32 segment:3;		/* 17:15 INSN_INFO_SEG_* */
		u32 index_reg:4;	/* 21:18 */
		u32 index_invalid:1;	/* 22 */
		u32 base_reg:4;		/* 26:23 */
		u32 base_invalid:1;	/* 27 */
		u32 reg2:4;		/* 31:28 */
	};
	u32 raw;
};
_Static_assert(sizeof(union vmx_insn_info) == 4, "instruction info is 32 bits");

/* Guest activity state (SDM Vol. 3C, Guest Non-Register State). */
#define GUEST_ACTIVITY_ACTIVE		0
#define GUEST_ACTIVITY_HLT		1
#define GUEST_ACTIVITY_SHUTDOWN		2
#define GUEST_ACTIVITY_WAIT_SIPI	3

/* Guest interruptibility state (SDM Vol. 3C, Guest Non-Register State). */
#define GUEST_INTR_STATE_STI		BIT(0)
#define GUEST_INTR_STATE_MOV_SS		BIT(1)
#define GUEST_INTR_STATE_SMI		BIT(2)
#define GUEST_INTR_STATE_NMI		BIT(3)
#define GUEST_INTR_STATE_ENCLAVE_INTR	BIT(4)

/*
 * Exits caused by the guest executing an instruction (SDM Vol. 3C,
 * "Instructions That Cause VM Exits").  Such an exit happens while the
 * instruction executes, never while an event is being delivered through
 * the IDT, so the IDT-vectoring information field is invalid for it (SDM
 * Vol. 3C, "Information for VM Exits That Occur During Event Delivery") and
 * the run loop need not read it.  Reasons 64 and above are left out: reading
 * the field is always correct, skipping it is only an optimisation.
 */
#define EXIT_REASONS_INSTRUCTION                                          \
	(BIT_ULL(EXIT_REASON_CPUID) | BIT_ULL(EXIT_REASON_GETSEC) |       \
	 BIT_ULL(EXIT_REASON_HLT) | BIT_ULL(EXIT_REASON_INVD) |           \
	 BIT_ULL(EXIT_REASON_INVLPG) | BIT_ULL(EXIT_REASON_RDPMC) |       \
	 BIT_ULL(EXIT_REASON_RDTSC) | BIT_ULL(EXIT_REASON_RSM) |          \
	 BIT_ULL(EXIT_REASON_VMCALL) | BIT_ULL(EXIT_REASON_VMCLEAR) |     \
	 BIT_ULL(EXIT_REASON_VMLAUNCH) | BIT_ULL(EXIT_REASON_VMPTRLD) |   \
	 BIT_ULL(EXIT_REASON_VMPTRST) | BIT_ULL(EXIT_REASON_VMREAD) |     \
	 BIT_ULL(EXIT_REASON_VMRESUME) | BIT_ULL(EXIT_REASON_VMWRITE) |   \
	 BIT_ULL(EXIT_REASON_VMOFF) | BIT_ULL(EXIT_REASON_VMON) |         \
	 BIT_ULL(EXIT_REASON_CR_ACCESS) | BIT_ULL(EXIT_REASON_DR_ACCESS) | \
	 BIT_ULL(EXIT_REASON_IO_INSTRUCTION) |                            \
	 BIT_ULL(EXIT_REASON_MSR_READ) | BIT_ULL(EXIT_REASON_MSR_WRITE) | \
	 BIT_ULL(EXIT_REASON_MWAIT_INSTRUCTION) |                         \
	 BIT_ULL(EXIT_REASON_MONITOR_INSTRUCTION) |                       \
	 BIT_ULL(EXIT_REASON_PAUSE_INSTRUCTION) |                         \
	 BIT_ULL(EXIT_REASON_GDTR_IDTR) | BIT_ULL(EXIT_REASON_LDTR_TR) |  \
	 BIT_ULL(EXIT_REASON_INVEPT) | BIT_ULL(EXIT_REASON_RDTSCP) |      \
	 BIT_ULL(EXIT_REASON_INVVPID) | BIT_ULL(EXIT_REASON_WBINVD) |     \
	 BIT_ULL(EXIT_REASON_XSETBV) | BIT_ULL(EXIT_REASON_RDRAND) |      \
	 BIT_ULL(EXIT_REASON_INVPCID) | BIT_ULL(EXIT_REASON_VMFUNC) |     \
	 BIT_ULL(EXIT_REASON_ENCLS) | BIT_ULL(EXIT_REASON_RDSEED) |       \
	 BIT_ULL(EXIT_REASON_XSAVES))

static inline bool exit_reason_is_instruction(u32 basic)
{
	return basic < 64 && (EXIT_REASONS_INSTRUCTION & BIT_ULL(basic));
}

#endif /* TVX_VMX_EXIT_REASON_H */
