/* SPDX-License-Identifier: MIT */
/*
 * Software VM-entry checks (SDM Vol. 3C, chapter "VM Entries"): the checks on
 * the VMX controls, on the host-state area and on the guest-state area, each
 * reporting the first rule, in the SDM's order, that a VMCS snapshot breaks.
 * See entry_check.h for what is and is not checked.
 *
 * Pure logic.
 */
#include "vmx/entry_check.h"

#include <stdio.h>
#include <string.h>

#include "tvx/types.h"
#include "kernel/x86.h"
#include "vmx/exit_reason.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"

/* ---- architectural bits the checks name ------------------------------ */

/*
 * CR0/CR4/RFLAGS/EFER bits and exception vectors come from kernel/x86.h
 * (its constants are pure); these are the ones it does not name.
 */
#define X86_CR4_CET		BIT(23)	/* control-flow enforcement */
/* RFLAGS bits 63:22, 15, 5 and 3 are reserved and must be 0. */
#define X86_EFLAGS_RESERVED_ZERO \
	(~0ull << 22 | BIT_ULL(15) | BIT_ULL(5) | BIT_ULL(3))
/* IA32_EFER bits other than SCE, LME, LMA and NXE are reserved on Intel. */
#define EFER_RESERVED		(~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))

/*
 * IA32_DEBUGCTL (SDM Vol. 3B, IA32_DEBUGCTL MSR): bits 63:16 and 5:3 are
 * reserved on every processor that supports VMX.
 */
#define DEBUGCTLMSR_BTF		BIT_ULL(1)
#define DEBUGCTL_RESERVED	(~0ull << 16 | 0x7ull << 3)

/* DR7 bits 63:32 are reserved (SDM Vol. 3B, Debug Control Register). */
#define DR7_RESERVED_HIGH	(~0ull << 32)

/* IA32_BNDCFGS: bits 11:2 reserved, bits 63:12 a linear address. */
#define BNDCFGS_RESERVED	(0x3ffull << 2)
#define BNDCFGS_BASE_MASK	(~0ull << 12)

/* IA32_PAT: eight one-byte entries (SDM Vol. 3A, IA32_PAT MSR). */
#define PAT_ENTRIES		8
#define PAT_ENTRY_BITS		8
#define PAT_ENTRY_MASK		0xffull
#define PAT_TYPE_UC		0
#define PAT_TYPE_WC		1
#define PAT_TYPE_WT		4
#define PAT_TYPE_WP		5
#define PAT_TYPE_WB		6
#define PAT_TYPE_UC_MINUS	7

/* Segment selector (SDM Vol. 3A, Segment Selectors). */
#define SEGMENT_RPL_MASK	0x3u
#define SEGMENT_TI_MASK		BIT(2)
/* Real-address and virtual-8086 base = selector * 16. */
#define SEGMENT_V86_BASE_SHIFT	4
#define SEGMENT_V86_LIMIT	0xffffu
#define SEGMENT_V86_AR		0xf3u	/* P, DPL 3, S, type 3 */

/*
 * Access-rights field of a guest segment register, VMCS format (SDM Vol. 3C,
 * Guest Register State).  kernel/x86.h names the descriptor bits (VMX_AR_*);
 * these are the rest.
 */
#define VMX_AR_TYPE_READABLE	VMX_AR_TYPE_WRITEABLE	/* bit 1 of a code type */
#define VMX_AR_TYPE_CONFORMING	BIT(2)			/* code types only */
#define VMX_AR_DPL_MASK		(0x3u << VMX_AR_DPL_SHIFT)
#define VMX_AR_RESERVED_11_8	(0xfu << 8)
#define VMX_AR_RESERVED_31_17	(~0u << 17)

/* Segment types (SDM Vol. 3A, Segment-Descriptor Types). */
#define SEG_TYPE_DATA_RW_ACCESSED	3
#define SEG_TYPE_DATA_RW_DOWN_ACCESSED	7
#define SEG_TYPE_CODE_ACCESSED		9	/* execute-only, accessed */
#define SEG_TYPE_CODE_RX_ACCESSED	11
#define SEG_TYPE_CODE_CONF_ACCESSED	13
#define SEG_TYPE_CODE_CONF_RX_ACCESSED	15
#define SEG_TYPE_LDT			2
#define SEG_TYPE_TSS16_BUSY		3
#define SEG_TYPE_TSS_BUSY		11	/* 32-bit, or 64-bit in IA-32e mode */

/* Limit bits a G=1 limit always has set, and bits only G=1 can set. */
#define SEG_LIMIT_PAGE_LOW	0xfffu
#define SEG_LIMIT_HIGH		0xfff00000u

/* GDTR/IDTR limit bits 31:16 must be 0. */
#define DTR_LIMIT_RESERVED	0xffff0000u

/* Pending debug exceptions (SDM Vol. 3C, Guest Non-Register State). */
#define PENDING_DBG_ENABLED_BP	BIT_ULL(12)
#define PENDING_DBG_BS		BIT_ULL(14)
#define PENDING_DBG_RTM		BIT_ULL(16)
/* Bits 11:4, 13, 15 and 63:17 are reserved. */
#define PENDING_DBG_RESERVED \
	(0xffull << 4 | BIT_ULL(13) | BIT_ULL(15) | ~0ull << 17)

/* Interruptibility state: bits 31:5 are reserved. */
#define GUEST_INTR_STATE_RESERVED	(~0u << 5)

/* PAE-paging PDPTE (SDM Vol. 3A, PAE Paging): present and reserved bits. */
#define PDPTE_PRESENT		BIT_ULL(0)
#define PDPTE_RESERVED_LOW	(0x3ull << 1 | 0xfull << 5)

/* VM-entry interruption-information field, beyond exit_reason.h. */
#define INTR_INFO_RESERVED_MASK	(0x7ffffu << 12)	/* bits 30:12 */
#define INTR_TYPE_RESERVED	1
/* Error code bits 31:16 must be 0 when one is delivered. */
#define ENTRY_ERROR_CODE_RESERVED	0xffff0000u
#define ENTRY_INSTRUCTION_LEN_MAX	15

/* Hardware exceptions use vectors 0-31. */
#define LAST_EXCEPTION_VECTOR	31
/* The "other event" vector that means "pending MTF VM exit". */
#define OTHER_EVENT_PENDING_MTF	0

/* EPT pointer (SDM Vol. 3C, Extended-Page-Table Pointer (EPTP)). */
#define EPTP_MT_MASK		0x7ull
#define EPTP_MT_UC		0ull
#define EPTP_MT_WB		6ull
#define EPTP_PWL_SHIFT		3
#define EPTP_PWL_MASK		(0x7ull << EPTP_PWL_SHIFT)
#define EPTP_PWL_4		(3ull << EPTP_PWL_SHIFT)	/* walk length - 1 */
#define EPTP_PWL_5		(4ull << EPTP_PWL_SHIFT)
#define EPTP_AD_ENABLE		BIT_ULL(6)
#define EPTP_RESERVED_LOW	(0x1full << 7)		/* bits 11:7 */

/* Posted-interrupt descriptor is 64-byte aligned; the vector is 8 bits. */
#define POSTED_INTR_DESC_ALIGN	64
#define POSTED_INTR_NV_RESERVED	0xff00u
/* Bits 31:4 of the TPR threshold must be 0 without virtual-interrupt delivery. */
#define TPR_THRESHOLD_RESERVED	(~0u << 4)
/* VM-exit/VM-entry MSR areas: 16-byte entries, 16-byte aligned. */
#define MSR_AREA_ENTRY_SIZE	16
#define MSR_AREA_ALIGN		16

#define DEFAULT_MAXPHYADDR	36
#define DEFAULT_LINEAR_BITS	48
/* CR3 bits 63:52 are reserved whatever the physical-address width. */
#define CR3_MAX_PHYS_BITS	52
/* CR3 bits below 32 are never checked against MAXPHYADDR. */
#define CR3_MIN_CHECKED_BIT	32

#define VMCS_LINK_POINTER_NONE	(~0ull)

/* ---- SDM section titles ---------------------------------------------- */

#define SDM_EXEC_CONTROLS	"Checks on VM-Execution Control Fields"
#define SDM_EXIT_CONTROLS	"Checks on VM-Exit Control Fields"
#define SDM_ENTRY_CONTROLS	"Checks on VM-Entry Control Fields"
#define SDM_HOST_CR_MSR		"Checks on Host Control Registers, MSRs, and SSP"
#define SDM_HOST_SEG		"Checks on Host Segment and Descriptor-Table Registers"
#define SDM_HOST_ADDR_SIZE	"Checks Related to Address-Space Size"
#define SDM_GUEST_CR_MSR	"Checks on Guest Control Registers, Debug Registers, and MSRs"
#define SDM_GUEST_SEG		"Checks on Guest Segment Registers"
#define SDM_GUEST_DTR		"Checks on Guest Descriptor-Table Registers"
#define SDM_GUEST_RIP_RFLAGS	"Checks on Guest RIP, RFLAGS, and SSP"
#define SDM_GUEST_NON_REG	"Checks on Guest Non-Register State"
#define SDM_GUEST_PDPTE		"Checks on Guest Page-Directory-Pointer-Table Entries"

/* ---- reporting ------------------------------------------------------- */

struct checker {
	const struct vmx_guest_state *gs;
	struct vmx_check_failure *f;
	const char *section;
};

static int fail(struct checker *c, const char *field, u64 value,
		const char *rule)
{
	c->f->field = field;
	c->f->value = value;
	c->f->rule = rule;
	c->f->section = c->section;
	return -EINVAL;
}

/* Report @rule against @field unless @cond holds. */
#define REQUIRE(c, cond, field, value, rule)				\
	do {								\
		if (!(cond))						\
			return fail((c), (field), (value), (rule));	\
	} while (0)

/* Propagate the first failure of a sub-check. */
#define RUN(expr)							\
	do {								\
		int __ret = (expr);					\
		if (__ret)						\
			return __ret;					\
	} while (0)

/* ---- helpers --------------------------------------------------------- */

static unsigned int maxphyaddr(const struct vmx_guest_state *gs)
{
	return gs->caps.maxphyaddr ? gs->caps.maxphyaddr : DEFAULT_MAXPHYADDR;
}

/*
 * Width for the addresses of structures a VMCS points to (bitmaps, APIC
 * pages, MSR areas, link pointer): IA32_VMX_BASIC bit 48 limits them to 32
 * bits (SDM Vol. 3D, Basic VMX Information).
 */
static unsigned int vmx_struct_width(const struct vmx_guest_state *gs)
{
	unsigned int width = maxphyaddr(gs);

	if (gs->caps.basic & VMX_BASIC_32BIT_PHYS_ADDR_ONLY)
		width = MIN(width, 32u);
	return width;
}

static unsigned int linear_bits(const struct vmx_guest_state *gs)
{
	return gs->caps.linear_addr_bits ? gs->caps.linear_addr_bits :
					   DEFAULT_LINEAR_BITS;
}

/* Bits 63:N sign-extend bit N-1 (SDM Vol. 1, Canonical Addressing). */
static bool is_canonical(u64 addr, unsigned int bits)
{
	unsigned int shift = 64 - bits;

	if (bits >= 64)
		return true;
	return (u64)((s64)(addr << shift) >> shift) == addr;
}

/*
 * CR3 checks cover bits 63:52 and the bits of 51:32 beyond the
 * physical-address width; bits below 32 are never checked.
 */
static unsigned int cr3_check_width(const struct vmx_guest_state *gs)
{
	return MIN(MAX(maxphyaddr(gs), CR3_MIN_CHECKED_BIT), CR3_MAX_PHYS_BITS);
}

/* No bit at or above the physical-address width is set. */
static bool fits_phys(u64 addr, unsigned int width)
{
	return width >= 64 || (addr >> width) == 0;
}

/* 4-KByte aligned and within the physical-address width. */
static bool page_addr_ok(u64 addr, unsigned int width)
{
	return IS_ALIGNED(addr, PAGE_SIZE) && fits_phys(addr, width);
}

/* Secondary controls count only when "activate secondary controls" is 1. */
static u32 secondary_controls(const struct vmx_guest_state *gs)
{
	if (!(gs->ctls.cpu_based & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return 0;
	return gs->ctls.secondary;
}

static bool unrestricted_guest(const struct vmx_guest_state *gs)
{
	return secondary_controls(gs) & SECONDARY_EXEC_UNRESTRICTED_GUEST;
}

static bool ia32e_mode_guest(const struct vmx_guest_state *gs)
{
	return gs->ctls.entry & VM_ENTRY_IA32E_MODE;
}

static bool intr_info_valid(const struct vmx_guest_state *gs)
{
	return gs->ctls.entry_intr_info & INTR_INFO_VALID_MASK;
}

static unsigned int intr_info_type(const struct vmx_guest_state *gs)
{
	return (gs->ctls.entry_intr_info & INTR_INFO_INTR_TYPE_MASK) >>
	       INTR_INFO_INTR_TYPE_SHIFT;
}

static unsigned int intr_info_vector(const struct vmx_guest_state *gs)
{
	return gs->ctls.entry_intr_info & INTR_INFO_VECTOR_MASK;
}

/* Injecting an event of interruption type @type? */
static bool injecting(const struct vmx_guest_state *gs, unsigned int type)
{
	return intr_info_valid(gs) && intr_info_type(gs) == type;
}

/* Each byte of a PAT value is UC, WC, WT, WP, WB or UC-. */
static bool pat_valid(u64 pat)
{
	for (unsigned int i = 0; i < PAT_ENTRIES; i++) {
		switch ((pat >> (i * PAT_ENTRY_BITS)) & PAT_ENTRY_MASK) {
		case PAT_TYPE_UC:
		case PAT_TYPE_WC:
		case PAT_TYPE_WT:
		case PAT_TYPE_WP:
		case PAT_TYPE_WB:
		case PAT_TYPE_UC_MINUS:
			break;
		default:
			return false;
		}
	}
	return true;
}

/* Allowed-0 settings (bits that must be 1) of a capability MSR value. */
static u32 ctls_must_be_one(u64 cap)
{
	return (u32)cap;
}

/* Allowed-1 settings (bits that may be 1) of a capability MSR value. */
static u32 ctls_may_be_one(u64 cap)
{
	return (u32)(cap >> 32);
}

/*
 * Fixed-bit rules: a bit that IA32_VMX_CRx_FIXED0 reports 1 must be 1, a bit
 * that IA32_VMX_CRx_FIXED1 reports 0 must be 0 (SDM Vol. 3D, VMX-Fixed Bits
 * in CR0 / CR4).  Named rules for the bits people get wrong, a generic one
 * for the rest.
 */
struct fixed_bit_rule {
	u64 bit;
	const char *rule;
};

static const char *fixed_bit_rule(const struct fixed_bit_rule *rules,
				  size_t n, u64 bad, const char *fallback)
{
	for (size_t i = 0; i < n; i++)
		if (bad & rules[i].bit)
			return rules[i].rule;
	return fallback;
}

static const struct fixed_bit_rule cr0_fixed0_rules[] = {
	{ X86_CR0_PE, "CR0.PE must be 1 (IA32_VMX_CR0_FIXED0) unless \"unrestricted guest\" is 1" },
	{ X86_CR0_PG, "CR0.PG must be 1 (IA32_VMX_CR0_FIXED0) unless \"unrestricted guest\" is 1" },
	{ X86_CR0_NE, "CR0.NE must be 1 (IA32_VMX_CR0_FIXED0)" },
};

static const struct fixed_bit_rule cr4_fixed0_rules[] = {
	{ X86_CR4_VMXE, "CR4.VMXE must be 1 (IA32_VMX_CR4_FIXED0)" },
};

/*
 * Returns the rule @cr breaks, or NULL.  @ignore: bits not checked.
 */
static const char *check_fixed_bits(u64 cr, u64 fixed0, u64 fixed1, u64 ignore,
				    const struct fixed_bit_rule *rules,
				    size_t nrules, const char *fixed0_rule,
				    const char *fixed1_rule)
{
	u64 missing = fixed0 & ~cr & ~ignore;

	if (missing)
		return fixed_bit_rule(rules, nrules, missing, fixed0_rule);
	if (cr & ~fixed1 & ~ignore)
		return fixed1_rule;
	return NULL;
}

/* ================================================================== */
/* Checks on VMX Controls                                              */
/* ================================================================== */

static int check_exec_controls(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	const struct vmx_controls *ctl = &gs->ctls;
	const struct vmx_entry_check_caps *caps = &gs->caps;
	unsigned int phys = vmx_struct_width(gs);
	unsigned int ept_phys = maxphyaddr(gs);
	u32 sec = secondary_controls(gs);
	u32 max_cr3_targets;

	c->section = SDM_EXEC_CONTROLS;

	REQUIRE(c, (ctl->pin & ctls_must_be_one(caps->pinbased_ctls)) ==
			   ctls_must_be_one(caps->pinbased_ctls),
		"PIN_BASED_VM_EXEC_CONTROL", ctl->pin,
		"pin-based controls must set every bit the capability MSR reports as allowed-0 = 1");
	REQUIRE(c, !(ctl->pin & ~ctls_may_be_one(caps->pinbased_ctls)),
		"PIN_BASED_VM_EXEC_CONTROL", ctl->pin,
		"pin-based controls must clear every bit the capability MSR reports as allowed-1 = 0");
	REQUIRE(c, (ctl->cpu_based & ctls_must_be_one(caps->procbased_ctls)) ==
			   ctls_must_be_one(caps->procbased_ctls),
		"CPU_BASED_VM_EXEC_CONTROL", ctl->cpu_based,
		"primary processor-based controls must set every bit the capability MSR reports as allowed-0 = 1");
	REQUIRE(c, !(ctl->cpu_based & ~ctls_may_be_one(caps->procbased_ctls)),
		"CPU_BASED_VM_EXEC_CONTROL", ctl->cpu_based,
		"primary processor-based controls must clear every bit the capability MSR reports as allowed-1 = 0");
	if (ctl->cpu_based & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		REQUIRE(c, (sec & ctls_must_be_one(caps->procbased_ctls2)) ==
				   ctls_must_be_one(caps->procbased_ctls2),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"secondary processor-based controls must set every bit IA32_VMX_PROCBASED_CTLS2 reports as allowed-0 = 1");
		REQUIRE(c, !(sec & ~ctls_may_be_one(caps->procbased_ctls2)),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"secondary processor-based controls must clear every bit IA32_VMX_PROCBASED_CTLS2 reports as allowed-1 = 0");
	}

	max_cr3_targets = (caps->misc >> VMX_MISC_CR3_TARGET_SHIFT) &
			  VMX_MISC_CR3_TARGET_MASK;
	REQUIRE(c, ctl->cr3_target_count <= max_cr3_targets,
		"CR3_TARGET_COUNT", ctl->cr3_target_count,
		"CR3-target count must not exceed the number IA32_VMX_MISC bits 24:16 report");

	if (ctl->cpu_based & CPU_BASED_USE_IO_BITMAPS) {
		REQUIRE(c, page_addr_ok(ctl->io_bitmap_a, phys), "IO_BITMAP_A",
			ctl->io_bitmap_a,
			"I/O-bitmap A address must be 4-KByte aligned and within the physical-address width");
		REQUIRE(c, page_addr_ok(ctl->io_bitmap_b, phys), "IO_BITMAP_B",
			ctl->io_bitmap_b,
			"I/O-bitmap B address must be 4-KByte aligned and within the physical-address width");
	}
	if (ctl->cpu_based & CPU_BASED_USE_MSR_BITMAPS)
		REQUIRE(c, page_addr_ok(ctl->msr_bitmap, phys), "MSR_BITMAP",
			ctl->msr_bitmap,
			"MSR-bitmap address must be 4-KByte aligned and within the physical-address width");

	if (ctl->cpu_based & CPU_BASED_TPR_SHADOW) {
		REQUIRE(c, page_addr_ok(ctl->virtual_apic_page_addr, phys),
			"VIRTUAL_APIC_PAGE_ADDR", ctl->virtual_apic_page_addr,
			"virtual-APIC address must be 4-KByte aligned and within the physical-address width");
		if (!(sec & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY))
			REQUIRE(c, !(ctl->tpr_threshold & TPR_THRESHOLD_RESERVED),
				"TPR_THRESHOLD", ctl->tpr_threshold,
				"TPR threshold bits 31:4 must be 0 when \"virtual-interrupt delivery\" is 0");
	} else {
		REQUIRE(c, !(sec & SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"virtualize x2APIC mode\" must be 0 when \"use TPR shadow\" is 0");
		REQUIRE(c, !(sec & SECONDARY_EXEC_APIC_REGISTER_VIRT),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"APIC-register virtualization\" must be 0 when \"use TPR shadow\" is 0");
		REQUIRE(c, !(sec & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"virtual-interrupt delivery\" must be 0 when \"use TPR shadow\" is 0");
	}

	if (!(ctl->pin & PIN_BASED_NMI_EXITING))
		REQUIRE(c, !(ctl->pin & PIN_BASED_VIRTUAL_NMIS),
			"PIN_BASED_VM_EXEC_CONTROL", ctl->pin,
			"\"virtual NMIs\" must be 0 when \"NMI exiting\" is 0");
	if (!(ctl->pin & PIN_BASED_VIRTUAL_NMIS))
		REQUIRE(c, !(ctl->cpu_based & CPU_BASED_NMI_WINDOW_EXITING),
			"CPU_BASED_VM_EXEC_CONTROL", ctl->cpu_based,
			"\"NMI-window exiting\" must be 0 when \"virtual NMIs\" is 0");

	if (sec & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES)
		REQUIRE(c, page_addr_ok(ctl->apic_access_addr, phys),
			"APIC_ACCESS_ADDR", ctl->apic_access_addr,
			"APIC-access address must be 4-KByte aligned and within the physical-address width");
	if (sec & SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE)
		REQUIRE(c, !(sec & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES),
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"virtualize APIC accesses\" must be 0 when \"virtualize x2APIC mode\" is 1");
	if (sec & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)
		REQUIRE(c, ctl->pin & PIN_BASED_EXT_INTR_MASK,
			"PIN_BASED_VM_EXEC_CONTROL", ctl->pin,
			"\"external-interrupt exiting\" must be 1 when \"virtual-interrupt delivery\" is 1");

	if (ctl->pin & PIN_BASED_POSTED_INTR) {
		REQUIRE(c, sec & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY,
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"virtual-interrupt delivery\" must be 1 when \"process posted interrupts\" is 1");
		REQUIRE(c, ctl->exit & VM_EXIT_ACK_INTR_ON_EXIT,
			"VM_EXIT_CONTROLS", ctl->exit,
			"\"acknowledge interrupt on exit\" must be 1 when \"process posted interrupts\" is 1");
		REQUIRE(c, !(ctl->posted_intr_nv & POSTED_INTR_NV_RESERVED),
			"POSTED_INTR_NV", ctl->posted_intr_nv,
			"posted-interrupt notification vector bits 15:8 must be 0");
		REQUIRE(c, IS_ALIGNED(ctl->posted_intr_desc_addr, POSTED_INTR_DESC_ALIGN) &&
				   fits_phys(ctl->posted_intr_desc_addr, phys),
			"POSTED_INTR_DESC_ADDR", ctl->posted_intr_desc_addr,
			"posted-interrupt descriptor address must be 64-byte aligned and within the physical-address width");
	}

	if (sec & SECONDARY_EXEC_ENABLE_VPID)
		REQUIRE(c, ctl->vpid != 0, "VIRTUAL_PROCESSOR_ID", ctl->vpid,
			"VPID must not be 0 when \"enable VPID\" is 1");

	if (sec & SECONDARY_EXEC_ENABLE_EPT) {
		u64 eptp = ctl->ept_pointer;
		u64 mt = eptp & EPTP_MT_MASK;
		u64 pwl = eptp & EPTP_PWL_MASK;

		REQUIRE(c, (mt == EPTP_MT_UC && (caps->ept_vpid_cap & VMX_EPTP_UC_BIT)) ||
				   (mt == EPTP_MT_WB && (caps->ept_vpid_cap & VMX_EPTP_WB_BIT)),
			"EPT_POINTER", eptp,
			"EPTP memory type (bits 2:0) must be UC or WB as IA32_VMX_EPT_VPID_CAP allows");
		REQUIRE(c, (pwl == EPTP_PWL_4 && (caps->ept_vpid_cap & VMX_EPT_PAGE_WALK_4_BIT)) ||
				   (pwl == EPTP_PWL_5 && (caps->ept_vpid_cap & VMX_EPT_PAGE_WALK_5_BIT)),
			"EPT_POINTER", eptp,
			"EPTP bits 5:3 must be the EPT page-walk length minus 1 (3 or 4) as IA32_VMX_EPT_VPID_CAP allows");
		if (!(caps->ept_vpid_cap & VMX_EPT_AD_BIT))
			REQUIRE(c, !(eptp & EPTP_AD_ENABLE), "EPT_POINTER", eptp,
				"EPTP bit 6 (accessed and dirty flags) must be 0 when IA32_VMX_EPT_VPID_CAP bit 21 is 0");
		REQUIRE(c, !(eptp & EPTP_RESERVED_LOW) && fits_phys(eptp, ept_phys),
			"EPT_POINTER", eptp,
			"EPTP reserved bits 11:7 and bits beyond the physical-address width must be 0");
	}

	if (sec & SECONDARY_EXEC_ENABLE_PML) {
		REQUIRE(c, sec & SECONDARY_EXEC_ENABLE_EPT,
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"enable EPT\" must be 1 when \"enable PML\" is 1");
		REQUIRE(c, page_addr_ok(ctl->pml_address, phys), "PML_ADDRESS",
			ctl->pml_address,
			"PML address must be 4-KByte aligned and within the physical-address width");
	}
	if (sec & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		REQUIRE(c, sec & SECONDARY_EXEC_ENABLE_EPT,
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"enable EPT\" must be 1 when \"unrestricted guest\" is 1");
	if (sec & SECONDARY_EXEC_MODE_BASED_EPT_EXEC)
		REQUIRE(c, sec & SECONDARY_EXEC_ENABLE_EPT,
			"SECONDARY_VM_EXEC_CONTROL", sec,
			"\"enable EPT\" must be 1 when \"mode-based execute control for EPT\" is 1");
	if (sec & SECONDARY_EXEC_SHADOW_VMCS) {
		REQUIRE(c, page_addr_ok(ctl->vmread_bitmap, phys),
			"VMREAD_BITMAP", ctl->vmread_bitmap,
			"VMREAD-bitmap address must be 4-KByte aligned and within the physical-address width");
		REQUIRE(c, page_addr_ok(ctl->vmwrite_bitmap, phys),
			"VMWRITE_BITMAP", ctl->vmwrite_bitmap,
			"VMWRITE-bitmap address must be 4-KByte aligned and within the physical-address width");
	}
	if (sec & SECONDARY_EXEC_EPT_VIOLATION_VE)
		REQUIRE(c, page_addr_ok(ctl->ve_info_addr, phys),
			"VE_INFORMATION_ADDRESS", ctl->ve_info_addr,
			"virtualization-exception information address must be 4-KByte aligned and within the physical-address width");
	return 0;
}

/* An MSR-load/store area: 16-byte aligned, first and last byte addressable. */
static bool msr_area_ok(u64 addr, u32 count, unsigned int phys)
{
	if (!count)
		return true;
	return IS_ALIGNED(addr, MSR_AREA_ALIGN) && fits_phys(addr, phys) &&
	       fits_phys(addr + (u64)count * MSR_AREA_ENTRY_SIZE - 1, phys);
}

static int check_exit_controls(struct checker *c)
{
	const struct vmx_controls *ctl = &c->gs->ctls;
	const struct vmx_entry_check_caps *caps = &c->gs->caps;
	unsigned int phys = vmx_struct_width(c->gs);

	c->section = SDM_EXIT_CONTROLS;
	REQUIRE(c, (ctl->exit & ctls_must_be_one(caps->exit_ctls)) ==
			   ctls_must_be_one(caps->exit_ctls),
		"VM_EXIT_CONTROLS", ctl->exit,
		"VM-exit controls must set every bit the capability MSR reports as allowed-0 = 1");
	REQUIRE(c, !(ctl->exit & ~ctls_may_be_one(caps->exit_ctls)),
		"VM_EXIT_CONTROLS", ctl->exit,
		"VM-exit controls must clear every bit the capability MSR reports as allowed-1 = 0");
	if (!(ctl->pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		REQUIRE(c, !(ctl->exit & VM_EXIT_SAVE_VMX_PREEMPTION_TIMER),
			"VM_EXIT_CONTROLS", ctl->exit,
			"\"save VMX-preemption timer value\" must be 0 when \"activate VMX-preemption timer\" is 0");
	REQUIRE(c, msr_area_ok(ctl->exit_msr_store_addr, ctl->exit_msr_store_count, phys),
		"VM_EXIT_MSR_STORE_ADDR", ctl->exit_msr_store_addr,
		"VM-exit MSR-store address must be 16-byte aligned and the whole area within the physical-address width");
	REQUIRE(c, msr_area_ok(ctl->exit_msr_load_addr, ctl->exit_msr_load_count, phys),
		"VM_EXIT_MSR_LOAD_ADDR", ctl->exit_msr_load_addr,
		"VM-exit MSR-load address must be 16-byte aligned and the whole area within the physical-address width");
	return 0;
}

/* Does exception @vector push an error code (SDM Vol. 3A, Exception and Interrupt Reference)? */
static bool exception_has_error_code(unsigned int vector)
{
	switch (vector) {
	case DF_VECTOR:
	case TS_VECTOR:
	case NP_VECTOR:
	case SS_VECTOR:
	case GP_VECTOR:
	case PF_VECTOR:
	case AC_VECTOR:
	case CP_VECTOR:
		return true;
	default:
		return false;
	}
}

static int check_event_injection(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	const struct vmx_controls *ctl = &gs->ctls;
	u32 info = ctl->entry_intr_info;
	unsigned int type = intr_info_type(gs);
	unsigned int vector = intr_info_vector(gs);
	bool deliver = info & INTR_INFO_DELIVER_CODE_MASK;
	bool relaxed = gs->caps.basic & VMX_BASIC_NO_HW_ERRCODE_CC;
	bool pe = gs->cr0 & X86_CR0_PE;

	if (!intr_info_valid(gs))
		return 0;

	REQUIRE(c, type != INTR_TYPE_RESERVED, "VM_ENTRY_INTR_INFO_FIELD", info,
		"interruption type 1 is reserved");
	if (type == INTR_TYPE_OTHER_EVENT)
		REQUIRE(c, ctls_may_be_one(gs->caps.procbased_ctls) & CPU_BASED_MONITOR_TRAP_FLAG,
			"VM_ENTRY_INTR_INFO_FIELD", info,
			"interruption type 7 (other event) is reserved without support for \"monitor trap flag\"");
	if (type == INTR_TYPE_NMI)
		REQUIRE(c, vector == NMI_VECTOR, "VM_ENTRY_INTR_INFO_FIELD", info,
			"an NMI must have vector 2");
	if (type == INTR_TYPE_HARD_EXCEPTION)
		REQUIRE(c, vector <= LAST_EXCEPTION_VECTOR,
			"VM_ENTRY_INTR_INFO_FIELD", info,
			"a hardware exception must have a vector of at most 31");
	if (type == INTR_TYPE_OTHER_EVENT)
		REQUIRE(c, vector == OTHER_EVENT_PENDING_MTF,
			"VM_ENTRY_INTR_INFO_FIELD", info,
			"an other event must have vector 0 (pending MTF VM exit)");

	if (type == INTR_TYPE_HARD_EXCEPTION && pe && !relaxed &&
	    exception_has_error_code(vector))
		REQUIRE(c, deliver, "VM_ENTRY_INTR_INFO_FIELD", info,
			"deliver-error-code must be 1 for #DF, #TS, #NP, #SS, #GP, #PF, #AC and #CP in protected mode");
	if (type != INTR_TYPE_HARD_EXCEPTION || !pe ||
	    (!relaxed && !exception_has_error_code(vector)))
		REQUIRE(c, !deliver, "VM_ENTRY_INTR_INFO_FIELD", info,
			"deliver-error-code must be 0 unless a hardware exception with an error code is injected in protected mode");

	REQUIRE(c, !(info & INTR_INFO_RESERVED_MASK), "VM_ENTRY_INTR_INFO_FIELD",
		info, "VM-entry interruption-information bits 30:12 must be 0");
	if (deliver)
		REQUIRE(c, !(ctl->entry_exception_error_code & ENTRY_ERROR_CODE_RESERVED),
			"VM_ENTRY_EXCEPTION_ERROR_CODE", ctl->entry_exception_error_code,
			"VM-entry exception error code bits 31:16 must be 0");
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SOFT_EXCEPTION) {
		REQUIRE(c, ctl->entry_instruction_len <= ENTRY_INSTRUCTION_LEN_MAX,
			"VM_ENTRY_INSTRUCTION_LEN", ctl->entry_instruction_len,
			"VM-entry instruction length must be 0-15 for software interrupts and exceptions");
		if (!(gs->caps.misc & VMX_MISC_ZERO_LEN_INS))
			REQUIRE(c, ctl->entry_instruction_len != 0,
				"VM_ENTRY_INSTRUCTION_LEN", ctl->entry_instruction_len,
				"VM-entry instruction length 0 needs IA32_VMX_MISC bit 30");
	}
	return 0;
}

static int check_entry_controls(struct checker *c)
{
	const struct vmx_controls *ctl = &c->gs->ctls;
	const struct vmx_entry_check_caps *caps = &c->gs->caps;

	c->section = SDM_ENTRY_CONTROLS;
	REQUIRE(c, (ctl->entry & ctls_must_be_one(caps->entry_ctls)) ==
			   ctls_must_be_one(caps->entry_ctls),
		"VM_ENTRY_CONTROLS", ctl->entry,
		"VM-entry controls must set every bit the capability MSR reports as allowed-0 = 1");
	REQUIRE(c, !(ctl->entry & ~ctls_may_be_one(caps->entry_ctls)),
		"VM_ENTRY_CONTROLS", ctl->entry,
		"VM-entry controls must clear every bit the capability MSR reports as allowed-1 = 0");
	RUN(check_event_injection(c));
	REQUIRE(c, msr_area_ok(ctl->entry_msr_load_addr, ctl->entry_msr_load_count,
			       vmx_struct_width(c->gs)),
		"VM_ENTRY_MSR_LOAD_ADDR", ctl->entry_msr_load_addr,
		"VM-entry MSR-load address must be 16-byte aligned and the whole area within the physical-address width");
	/* tinyvmx never executes VM entry in SMM. */
	REQUIRE(c, !(ctl->entry & VM_ENTRY_SMM), "VM_ENTRY_CONTROLS", ctl->entry,
		"\"entry to SMM\" must be 0 outside SMM");
	REQUIRE(c, !(ctl->entry & VM_ENTRY_DEACT_DUAL_MONITOR),
		"VM_ENTRY_CONTROLS", ctl->entry,
		"\"deactivate dual-monitor treatment\" must be 0 outside SMM");
	return 0;
}

int vmx_check_controls(const struct vmx_guest_state *gs,
		       struct vmx_check_failure *f)
{
	struct checker c = { .gs = gs, .f = f };

	RUN(check_exec_controls(&c));
	RUN(check_exit_controls(&c));
	return check_entry_controls(&c);
}

/* ================================================================== */
/* Checks on the Host-State Area                                       */
/* ================================================================== */

static int check_host_cr_msr(struct checker *c, const struct vmx_host_state *hs)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int lin = linear_bits(gs);
	bool host_64 = gs->ctls.exit & VM_EXIT_HOST_ADDR_SPACE_SIZE;
	const char *rule;

	c->section = SDM_HOST_CR_MSR;
	/* As for the guest, CR0.NW and CR0.CD are not checked. */
	rule = check_fixed_bits(hs->cr0, gs->caps.cr0_fixed0, gs->caps.cr0_fixed1,
				X86_CR0_NW | X86_CR0_CD, NULL, 0,
				"host CR0 must set every bit IA32_VMX_CR0_FIXED0 reports as 1",
				"host CR0 must clear every bit IA32_VMX_CR0_FIXED1 reports as 0");
	REQUIRE(c, !rule, "HOST_CR0", hs->cr0, rule);
	rule = check_fixed_bits(hs->cr4, gs->caps.cr4_fixed0, gs->caps.cr4_fixed1,
				0, NULL, 0,
				"host CR4 must set every bit IA32_VMX_CR4_FIXED0 reports as 1",
				"host CR4 must clear every bit IA32_VMX_CR4_FIXED1 reports as 0");
	REQUIRE(c, !rule, "HOST_CR4", hs->cr4, rule);
	if (hs->cr4 & X86_CR4_CET)
		REQUIRE(c, hs->cr0 & X86_CR0_WP, "HOST_CR0", hs->cr0,
			"host CR0.WP must be 1 when host CR4.CET is 1");
	REQUIRE(c, fits_phys(hs->cr3, cr3_check_width(gs)), "HOST_CR3", hs->cr3,
		"host CR3 bits 63:52 and bits 51:32 beyond the physical-address width must be 0");
	REQUIRE(c, is_canonical(hs->sysenter_esp, lin), "HOST_IA32_SYSENTER_ESP",
		hs->sysenter_esp, "host IA32_SYSENTER_ESP must be canonical");
	REQUIRE(c, is_canonical(hs->sysenter_eip, lin), "HOST_IA32_SYSENTER_EIP",
		hs->sysenter_eip, "host IA32_SYSENTER_EIP must be canonical");
	if (gs->ctls.exit & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)
		REQUIRE(c, !(hs->perf_global_ctrl & gs->caps.perf_global_ctrl_reserved),
			"HOST_IA32_PERF_GLOBAL_CTRL", hs->perf_global_ctrl,
			"reserved bits of host IA32_PERF_GLOBAL_CTRL must be 0");
	if (gs->ctls.exit & VM_EXIT_LOAD_IA32_PAT)
		REQUIRE(c, pat_valid(hs->pat), "HOST_IA32_PAT", hs->pat,
			"every byte of host IA32_PAT must be 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-)");
	if (gs->ctls.exit & VM_EXIT_LOAD_IA32_EFER) {
		REQUIRE(c, !(hs->efer & EFER_RESERVED), "HOST_IA32_EFER", hs->efer,
			"reserved bits of host IA32_EFER must be 0");
		REQUIRE(c, !(hs->efer & EFER_LMA) == !host_64, "HOST_IA32_EFER",
			hs->efer,
			"host IA32_EFER.LMA must equal the \"host address-space size\" VM-exit control");
		REQUIRE(c, !(hs->efer & EFER_LME) == !host_64, "HOST_IA32_EFER",
			hs->efer,
			"host IA32_EFER.LME must equal the \"host address-space size\" VM-exit control");
	}
	return 0;
}

static int check_host_segments(struct checker *c, const struct vmx_host_state *hs)
{
	static const struct {
		const char *field;
		size_t offset;
		const char *rule;
	} sels[] = {
#define HOST_SEL(S, s)							\
		{ "HOST_" #S "_SELECTOR",				\
		  offsetof(struct vmx_host_state, s##_selector),	\
		  "host " #S " selector RPL and TI must be 0" }
		HOST_SEL(ES, es), HOST_SEL(CS, cs), HOST_SEL(SS, ss),
		HOST_SEL(DS, ds), HOST_SEL(FS, fs), HOST_SEL(GS, gs),
		HOST_SEL(TR, tr),
#undef HOST_SEL
	};
	unsigned int lin = linear_bits(c->gs);

	c->section = SDM_HOST_SEG;
	for (size_t i = 0; i < ARRAY_SIZE(sels); i++) {
		u16 sel;

		memcpy(&sel, (const char *)hs + sels[i].offset, sizeof(sel));
		REQUIRE(c, !(sel & (SEGMENT_RPL_MASK | SEGMENT_TI_MASK)),
			sels[i].field, sel, sels[i].rule);
	}
	REQUIRE(c, hs->cs_selector != 0, "HOST_CS_SELECTOR", hs->cs_selector,
		"host CS selector must not be 0000H");
	REQUIRE(c, hs->tr_selector != 0, "HOST_TR_SELECTOR", hs->tr_selector,
		"host TR selector must not be 0000H");
	if (!(c->gs->ctls.exit & VM_EXIT_HOST_ADDR_SPACE_SIZE))
		REQUIRE(c, hs->ss_selector != 0, "HOST_SS_SELECTOR", hs->ss_selector,
			"host SS selector must not be 0000H when \"host address-space size\" is 0");
	REQUIRE(c, is_canonical(hs->fs_base, lin), "HOST_FS_BASE", hs->fs_base,
		"host FS base must be canonical");
	REQUIRE(c, is_canonical(hs->gs_base, lin), "HOST_GS_BASE", hs->gs_base,
		"host GS base must be canonical");
	REQUIRE(c, is_canonical(hs->gdtr_base, lin), "HOST_GDTR_BASE", hs->gdtr_base,
		"host GDTR base must be canonical");
	REQUIRE(c, is_canonical(hs->idtr_base, lin), "HOST_IDTR_BASE", hs->idtr_base,
		"host IDTR base must be canonical");
	REQUIRE(c, is_canonical(hs->tr_base, lin), "HOST_TR_BASE", hs->tr_base,
		"host TR base must be canonical");
	return 0;
}

static int check_host_addr_space(struct checker *c, const struct vmx_host_state *hs)
{
	const struct vmx_controls *ctl = &c->gs->ctls;

	c->section = SDM_HOST_ADDR_SIZE;
	/*
	 * tinyvmx is a 64-bit hypervisor: IA32_EFER.LMA is 1 whenever it
	 * executes VMLAUNCH/VMRESUME, so the processor demands a 64-bit host.
	 */
	REQUIRE(c, ctl->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE, "VM_EXIT_CONTROLS",
		ctl->exit,
		"\"host address-space size\" must be 1 when VM entry starts in IA-32e mode");
	REQUIRE(c, hs->cr4 & X86_CR4_PAE, "HOST_CR4", hs->cr4,
		"host CR4.PAE must be 1 when \"host address-space size\" is 1");
	REQUIRE(c, is_canonical(hs->rip, linear_bits(c->gs)), "HOST_RIP", hs->rip,
		"host RIP must be canonical when \"host address-space size\" is 1");
	return 0;
}

int vmx_check_host_state(const struct vmx_host_state *hs,
			 const struct vmx_guest_state *gs,
			 struct vmx_check_failure *f)
{
	struct checker c = { .gs = gs, .f = f };

	RUN(check_host_cr_msr(&c, hs));
	RUN(check_host_segments(&c, hs));
	return check_host_addr_space(&c, hs);
}

/* ================================================================== */
/* Checks on the Guest State Area                                      */
/* ================================================================== */

static int check_guest_cr_msr(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	const struct vmx_controls *ctl = &gs->ctls;
	unsigned int lin = linear_bits(gs);
	/* NW and CD are never checked: VM entry does not change them. */
	u64 cr0_ignore = X86_CR0_NW | X86_CR0_CD;
	bool ia32e = ia32e_mode_guest(gs);
	const char *rule;

	c->section = SDM_GUEST_CR_MSR;
	if (unrestricted_guest(gs))
		cr0_ignore |= X86_CR0_PE | X86_CR0_PG;
	rule = check_fixed_bits(gs->cr0, gs->caps.cr0_fixed0, gs->caps.cr0_fixed1,
				cr0_ignore, cr0_fixed0_rules,
				ARRAY_SIZE(cr0_fixed0_rules),
				"CR0 must set every bit IA32_VMX_CR0_FIXED0 reports as 1",
				"CR0 must clear every bit IA32_VMX_CR0_FIXED1 reports as 0");
	REQUIRE(c, !rule, "GUEST_CR0", gs->cr0, rule);
	if (gs->cr0 & X86_CR0_PG)
		REQUIRE(c, gs->cr0 & X86_CR0_PE, "GUEST_CR0", gs->cr0,
			"CR0.PE must be 1 when CR0.PG is 1");
	rule = check_fixed_bits(gs->cr4, gs->caps.cr4_fixed0, gs->caps.cr4_fixed1,
				0, cr4_fixed0_rules, ARRAY_SIZE(cr4_fixed0_rules),
				"CR4 must set every bit IA32_VMX_CR4_FIXED0 reports as 1",
				"CR4 must clear every bit IA32_VMX_CR4_FIXED1 reports as 0");
	REQUIRE(c, !rule, "GUEST_CR4", gs->cr4, rule);
	if (gs->cr4 & X86_CR4_CET)
		REQUIRE(c, gs->cr0 & X86_CR0_WP, "GUEST_CR0", gs->cr0,
			"CR0.WP must be 1 when CR4.CET is 1");
	if (ctl->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS)
		REQUIRE(c, !(gs->debugctl & DEBUGCTL_RESERVED),
			"GUEST_IA32_DEBUGCTL", gs->debugctl,
			"reserved bits of IA32_DEBUGCTL must be 0 when \"load debug controls\" is 1");

	if (ia32e) {
		REQUIRE(c, gs->cr0 & X86_CR0_PG, "GUEST_CR0", gs->cr0,
			"CR0.PG must be 1 when \"IA-32e mode guest\" is 1");
		REQUIRE(c, gs->cr4 & X86_CR4_PAE, "GUEST_CR4", gs->cr4,
			"CR4.PAE must be 1 when \"IA-32e mode guest\" is 1");
	} else {
		REQUIRE(c, !(gs->cr4 & X86_CR4_PCIDE), "GUEST_CR4", gs->cr4,
			"CR4.PCIDE must be 0 when \"IA-32e mode guest\" is 0");
	}
	REQUIRE(c, fits_phys(gs->cr3, cr3_check_width(gs)),
		"GUEST_CR3", gs->cr3,
		"CR3 bits 63:52 and bits 51:32 beyond the physical-address width must be 0");
	if (ctl->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS)
		REQUIRE(c, !(gs->dr7 & DR7_RESERVED_HIGH), "GUEST_DR7", gs->dr7,
			"DR7 bits 63:32 must be 0 when \"load debug controls\" is 1");
	REQUIRE(c, is_canonical(gs->sysenter_esp, lin), "GUEST_SYSENTER_ESP",
		gs->sysenter_esp, "IA32_SYSENTER_ESP must be canonical");
	REQUIRE(c, is_canonical(gs->sysenter_eip, lin), "GUEST_SYSENTER_EIP",
		gs->sysenter_eip, "IA32_SYSENTER_EIP must be canonical");

	if (ctl->entry & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)
		REQUIRE(c, !(gs->perf_global_ctrl & gs->caps.perf_global_ctrl_reserved),
			"GUEST_IA32_PERF_GLOBAL_CTRL", gs->perf_global_ctrl,
			"reserved bits of IA32_PERF_GLOBAL_CTRL must be 0 when \"load IA32_PERF_GLOBAL_CTRL\" is 1");
	if (ctl->entry & VM_ENTRY_LOAD_IA32_PAT)
		REQUIRE(c, pat_valid(gs->pat), "GUEST_IA32_PAT", gs->pat,
			"every byte of IA32_PAT must be 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-)");
	if (ctl->entry & VM_ENTRY_LOAD_IA32_EFER) {
		REQUIRE(c, !(gs->efer & EFER_RESERVED), "GUEST_IA32_EFER", gs->efer,
			"reserved bits of IA32_EFER must be 0");
		REQUIRE(c, !(gs->efer & EFER_LMA) == !ia32e, "GUEST_IA32_EFER",
			gs->efer,
			"IA32_EFER.LMA must equal the \"IA-32e mode guest\" VM-entry control");
		if (gs->cr0 & X86_CR0_PG)
			REQUIRE(c, !(gs->efer & EFER_LMA) == !(gs->efer & EFER_LME),
				"GUEST_IA32_EFER", gs->efer,
				"IA32_EFER.LME must equal IA32_EFER.LMA when CR0.PG is 1");
	}
	if (ctl->entry & VM_ENTRY_LOAD_BNDCFGS) {
		REQUIRE(c, !(gs->bndcfgs & BNDCFGS_RESERVED), "GUEST_BNDCFGS",
			gs->bndcfgs, "reserved bits 11:2 of IA32_BNDCFGS must be 0");
		REQUIRE(c, is_canonical(gs->bndcfgs & BNDCFGS_BASE_MASK, lin),
			"GUEST_BNDCFGS", gs->bndcfgs,
			"the linear address in IA32_BNDCFGS bits 63:12 must be canonical");
	}
	return 0;
}

/*
 * Per-register names and rule texts for the segment checks, built from the
 * register name at compile time so that every report names its register.
 */
struct seg_desc {
	size_t offset;			/* of the struct vmx_seg in vmx_guest_state */
	const char *selector, *base, *limit, *ar;	/* VMCS field names */
	const char *v86_base, *v86_limit, *v86_ar;
	const char *base_canonical, *base_high;
	const char *type_accessed, *type_readable;
	const char *s, *dpl_rpl, *p, *rsvd_11_8, *g_low, *g_high, *rsvd_31_17;
};

#define SEG_DESC(S, reg) {						\
	.offset = offsetof(struct vmx_guest_state, reg),			\
	.selector = "GUEST_" #S "_SELECTOR",				\
	.base = "GUEST_" #S "_BASE",					\
	.limit = "GUEST_" #S "_LIMIT",					\
	.ar = "GUEST_" #S "_AR_BYTES",					\
	.v86_base = #S " base must be the selector shifted left 4 bits in virtual-8086 mode", \
	.v86_limit = #S " limit must be 0000FFFFH in virtual-8086 mode", \
	.v86_ar = #S " access rights must be 000000F3H in virtual-8086 mode", \
	.base_canonical = #S " base must be canonical",		\
	.base_high = #S " base bits 63:32 must be 0",			\
	.type_accessed = #S " type bit 0 (accessed) must be 1 when " #S " is usable", \
	.type_readable = #S " must be readable (type bit 1) when it is a usable code segment", \
	.s = #S ".S must be 1 (code or data segment)",			\
	.dpl_rpl = #S ".DPL must not be less than the selector RPL for a usable data or non-conforming code segment", \
	.p = #S ".P must be 1",						\
	.rsvd_11_8 = #S " access-rights bits 11:8 must be 0",		\
	.g_low = #S ".G must be 0 when any of limit bits 11:0 is 0",	\
	.g_high = #S ".G must be 1 when any of limit bits 31:20 is 1",	\
	.rsvd_31_17 = #S " access-rights bits 31:17 must be 0",		\
}

enum { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_TR, SEG_LDTR, SEG_COUNT };

/* CS, SS, DS, ES, FS, GS: the order in which the SDM lists the registers. */
static const struct seg_desc seg_descs[SEG_COUNT] = {
	[SEG_CS] = SEG_DESC(CS, cs),
	[SEG_SS] = SEG_DESC(SS, ss),
	[SEG_DS] = SEG_DESC(DS, ds),
	[SEG_ES] = SEG_DESC(ES, es),
	[SEG_FS] = SEG_DESC(FS, fs),
	[SEG_GS] = SEG_DESC(GS, gs),
	[SEG_TR] = SEG_DESC(TR, tr),
	[SEG_LDTR] = SEG_DESC(LDTR, ldtr),
};

/* The six registers that have the code/data rules. */
#define SEG_FIRST_CODE_DATA	SEG_CS
#define SEG_LAST_CODE_DATA	SEG_GS

static const struct vmx_seg *seg_of(const struct vmx_guest_state *gs, int i)
{
	return (const struct vmx_seg *)((const char *)gs + seg_descs[i].offset);
}

static bool seg_usable(const struct vmx_seg *s)
{
	return !(s->ar & VMX_AR_UNUSABLE);
}

static unsigned int seg_type(const struct vmx_seg *s)
{
	return s->ar & VMX_AR_TYPE_MASK;
}

static unsigned int seg_dpl(const struct vmx_seg *s)
{
	return (s->ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT;
}

static unsigned int seg_rpl(const struct vmx_seg *s)
{
	return s->selector & SEGMENT_RPL_MASK;
}

/* The "register is CS or the register is usable" condition of the SDM. */
static bool seg_checked(const struct vmx_seg *s, int i)
{
	return i == SEG_CS || seg_usable(s);
}

/* The two G-bit rules shared by every register. */
static int check_seg_granularity(struct checker *c, const struct vmx_seg *s,
				 const struct seg_desc *d)
{
	if ((s->limit & SEG_LIMIT_PAGE_LOW) != SEG_LIMIT_PAGE_LOW)
		REQUIRE(c, !(s->ar & VMX_AR_G), d->ar, s->ar, d->g_low);
	if (s->limit & SEG_LIMIT_HIGH)
		REQUIRE(c, s->ar & VMX_AR_G, d->ar, s->ar, d->g_high);
	return 0;
}

static int check_guest_selectors(struct checker *c, bool v86, bool ug)
{
	const struct vmx_guest_state *gs = c->gs;

	REQUIRE(c, !(gs->tr.selector & SEGMENT_TI_MASK), "GUEST_TR_SELECTOR",
		gs->tr.selector, "TR selector TI flag (bit 2) must be 0");
	if (seg_usable(&gs->ldtr))
		REQUIRE(c, !(gs->ldtr.selector & SEGMENT_TI_MASK),
			"GUEST_LDTR_SELECTOR", gs->ldtr.selector,
			"LDTR selector TI flag (bit 2) must be 0 when LDTR is usable");
	if (!v86 && !ug)
		REQUIRE(c, seg_rpl(&gs->ss) == seg_rpl(&gs->cs), "GUEST_SS_SELECTOR",
			gs->ss.selector,
			"SS selector RPL must equal CS selector RPL unless virtual-8086 or \"unrestricted guest\"");
	return 0;
}

static int check_guest_seg_bases(struct checker *c, bool v86)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int lin = linear_bits(gs);
	static const int canonical[] = { SEG_TR, SEG_FS, SEG_GS };
	static const int low_only[] = { SEG_SS, SEG_DS, SEG_ES };

	if (v86) {
		for (int i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
			const struct vmx_seg *s = seg_of(gs, i);

			REQUIRE(c, s->base == (u64)s->selector << SEGMENT_V86_BASE_SHIFT,
				seg_descs[i].base, s->base, seg_descs[i].v86_base);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(canonical); i++) {
		const struct vmx_seg *s = seg_of(gs, canonical[i]);

		REQUIRE(c, is_canonical(s->base, lin), seg_descs[canonical[i]].base,
			s->base, seg_descs[canonical[i]].base_canonical);
	}
	if (seg_usable(&gs->ldtr))
		REQUIRE(c, is_canonical(gs->ldtr.base, lin), "GUEST_LDTR_BASE",
			gs->ldtr.base, "LDTR base must be canonical when LDTR is usable");
	REQUIRE(c, !(gs->cs.base >> 32), "GUEST_CS_BASE", gs->cs.base,
		seg_descs[SEG_CS].base_high);
	for (size_t i = 0; i < ARRAY_SIZE(low_only); i++) {
		const struct vmx_seg *s = seg_of(gs, low_only[i]);

		if (seg_usable(s))
			REQUIRE(c, !(s->base >> 32), seg_descs[low_only[i]].base,
				s->base, seg_descs[low_only[i]].base_high);
	}
	return 0;
}

/* Access rights of CS, SS, DS, ES, FS, GS outside virtual-8086 mode. */
static int check_guest_code_data_ar(struct checker *c, bool ug, bool ia32e)
{
	const struct vmx_guest_state *gs = c->gs;
	const struct vmx_seg *cs = &gs->cs, *ss = &gs->ss;
	unsigned int cs_type = seg_type(cs);
	int i;

	/* Bits 3:0 (Type). */
	if (ug)
		REQUIRE(c, cs_type == SEG_TYPE_DATA_RW_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_RX_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_CONF_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_CONF_RX_ACCESSED,
			"GUEST_CS_AR_BYTES", cs->ar,
			"CS type must be 3 (accessed data) or 9, 11, 13, 15 (accessed code) under \"unrestricted guest\"");
	else
		REQUIRE(c, cs_type == SEG_TYPE_CODE_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_RX_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_CONF_ACCESSED ||
				   cs_type == SEG_TYPE_CODE_CONF_RX_ACCESSED,
			"GUEST_CS_AR_BYTES", cs->ar,
			"CS type must be 9, 11, 13 or 15 (accessed code segment)");
	if (seg_usable(ss))
		REQUIRE(c, seg_type(ss) == SEG_TYPE_DATA_RW_ACCESSED ||
				   seg_type(ss) == SEG_TYPE_DATA_RW_DOWN_ACCESSED,
			"GUEST_SS_AR_BYTES", ss->ar,
			"SS type must be 3 or 7 (read/write accessed data) when SS is usable");
	for (i = SEG_DS; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (!seg_usable(s))
			continue;
		REQUIRE(c, s->ar & VMX_AR_TYPE_ACCESSED, seg_descs[i].ar, s->ar,
			seg_descs[i].type_accessed);
		if (s->ar & VMX_AR_TYPE_CODE)
			REQUIRE(c, s->ar & VMX_AR_TYPE_READABLE, seg_descs[i].ar,
				s->ar, seg_descs[i].type_readable);
	}

	/* Bit 4 (S). */
	for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (seg_checked(s, i))
			REQUIRE(c, s->ar & VMX_AR_S, seg_descs[i].ar, s->ar,
				seg_descs[i].s);
	}

	/* Bits 6:5 (DPL). */
	if (cs_type == SEG_TYPE_DATA_RW_ACCESSED)
		REQUIRE(c, seg_dpl(cs) == 0, "GUEST_CS_AR_BYTES", cs->ar,
			"CS.DPL must be 0 when CS type is 3 (real-address mode under \"unrestricted guest\")");
	else if (!(cs_type & VMX_AR_TYPE_CONFORMING))
		REQUIRE(c, seg_dpl(cs) == seg_dpl(ss), "GUEST_CS_AR_BYTES", cs->ar,
			"CS.DPL must equal SS.DPL for a non-conforming code segment (type 9 or 11)");
	else
		REQUIRE(c, seg_dpl(cs) <= seg_dpl(ss), "GUEST_CS_AR_BYTES", cs->ar,
			"CS.DPL must not be greater than SS.DPL for a conforming code segment (type 13 or 15)");
	if (!ug)
		REQUIRE(c, seg_dpl(ss) == seg_rpl(ss), "GUEST_SS_AR_BYTES", ss->ar,
			"SS.DPL must equal the SS selector RPL unless \"unrestricted guest\" is 1");
	if (cs_type == SEG_TYPE_DATA_RW_ACCESSED || !(gs->cr0 & X86_CR0_PE))
		REQUIRE(c, seg_dpl(ss) == 0, "GUEST_SS_AR_BYTES", ss->ar,
			"SS.DPL must be 0 when CS type is 3 or CR0.PE is 0");
	if (!ug) {
		for (i = SEG_DS; i <= SEG_LAST_CODE_DATA; i++) {
			const struct vmx_seg *s = seg_of(gs, i);

			if (seg_usable(s) && seg_type(s) <= SEG_TYPE_CODE_RX_ACCESSED)
				REQUIRE(c, seg_dpl(s) >= seg_rpl(s), seg_descs[i].ar,
					s->ar, seg_descs[i].dpl_rpl);
		}
	}

	/* Bit 7 (P), bits 11:8 (reserved). */
	for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (seg_checked(s, i))
			REQUIRE(c, s->ar & VMX_AR_P, seg_descs[i].ar, s->ar,
				seg_descs[i].p);
	}
	for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (seg_checked(s, i))
			REQUIRE(c, !(s->ar & VMX_AR_RESERVED_11_8), seg_descs[i].ar,
				s->ar, seg_descs[i].rsvd_11_8);
	}

	/* Bit 14 (D/B): 64-bit code has a 32-bit default operand size. */
	if (ia32e && (cs->ar & VMX_AR_L))
		REQUIRE(c, !(cs->ar & VMX_AR_DB), "GUEST_CS_AR_BYTES", cs->ar,
			"CS.D/B must be 0 when CS.L is 1 in IA-32e mode");

	/* Bit 15 (G), bits 31:17 (reserved). */
	for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (seg_checked(s, i))
			RUN(check_seg_granularity(c, s, &seg_descs[i]));
	}
	for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
		const struct vmx_seg *s = seg_of(gs, i);

		if (seg_checked(s, i))
			REQUIRE(c, !(s->ar & VMX_AR_RESERVED_31_17), seg_descs[i].ar,
				s->ar, seg_descs[i].rsvd_31_17);
	}
	return 0;
}

static int check_guest_tr_ldtr_ar(struct checker *c, bool ia32e)
{
	const struct vmx_guest_state *gs = c->gs;
	const struct vmx_seg *tr = &gs->tr, *ldtr = &gs->ldtr;

	if (ia32e)
		REQUIRE(c, seg_type(tr) == SEG_TYPE_TSS_BUSY, "GUEST_TR_AR_BYTES",
			tr->ar, "TR type must be 11 (busy 64-bit TSS) in IA-32e mode");
	else
		REQUIRE(c, seg_type(tr) == SEG_TYPE_TSS16_BUSY ||
				   seg_type(tr) == SEG_TYPE_TSS_BUSY,
			"GUEST_TR_AR_BYTES", tr->ar,
			"TR type must be 3 (busy 16-bit TSS) or 11 (busy 32-bit TSS) outside IA-32e mode");
	REQUIRE(c, !(tr->ar & VMX_AR_S), "GUEST_TR_AR_BYTES", tr->ar,
		"TR.S must be 0 (system segment)");
	REQUIRE(c, tr->ar & VMX_AR_P, "GUEST_TR_AR_BYTES", tr->ar,
		"TR.P must be 1");
	REQUIRE(c, !(tr->ar & VMX_AR_RESERVED_11_8), "GUEST_TR_AR_BYTES", tr->ar,
		seg_descs[SEG_TR].rsvd_11_8);
	RUN(check_seg_granularity(c, tr, &seg_descs[SEG_TR]));
	REQUIRE(c, seg_usable(tr), "GUEST_TR_AR_BYTES", tr->ar,
		"TR must be usable (access-rights bit 16 must be 0)");
	REQUIRE(c, !(tr->ar & VMX_AR_RESERVED_31_17), "GUEST_TR_AR_BYTES", tr->ar,
		seg_descs[SEG_TR].rsvd_31_17);

	if (!seg_usable(ldtr))
		return 0;
	REQUIRE(c, seg_type(ldtr) == SEG_TYPE_LDT, "GUEST_LDTR_AR_BYTES", ldtr->ar,
		"LDTR type must be 2 (LDT) when LDTR is usable");
	REQUIRE(c, !(ldtr->ar & VMX_AR_S), "GUEST_LDTR_AR_BYTES", ldtr->ar,
		"LDTR.S must be 0 (system segment) when LDTR is usable");
	REQUIRE(c, ldtr->ar & VMX_AR_P, "GUEST_LDTR_AR_BYTES", ldtr->ar,
		"LDTR.P must be 1 when LDTR is usable");
	REQUIRE(c, !(ldtr->ar & VMX_AR_RESERVED_11_8), "GUEST_LDTR_AR_BYTES",
		ldtr->ar, seg_descs[SEG_LDTR].rsvd_11_8);
	RUN(check_seg_granularity(c, ldtr, &seg_descs[SEG_LDTR]));
	REQUIRE(c, !(ldtr->ar & VMX_AR_RESERVED_31_17), "GUEST_LDTR_AR_BYTES",
		ldtr->ar, seg_descs[SEG_LDTR].rsvd_31_17);
	return 0;
}

static int check_guest_segments(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	/* The guest will be virtual-8086 if RFLAGS.VM is 1. */
	bool v86 = gs->rflags & X86_EFLAGS_VM;
	bool ug = unrestricted_guest(gs);
	bool ia32e = ia32e_mode_guest(gs);
	int i;

	c->section = SDM_GUEST_SEG;
	RUN(check_guest_selectors(c, v86, ug));
	RUN(check_guest_seg_bases(c, v86));
	if (v86) {
		for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
			const struct vmx_seg *s = seg_of(gs, i);

			REQUIRE(c, s->limit == SEGMENT_V86_LIMIT, seg_descs[i].limit,
				s->limit, seg_descs[i].v86_limit);
		}
		for (i = SEG_FIRST_CODE_DATA; i <= SEG_LAST_CODE_DATA; i++) {
			const struct vmx_seg *s = seg_of(gs, i);

			REQUIRE(c, s->ar == SEGMENT_V86_AR, seg_descs[i].ar, s->ar,
				seg_descs[i].v86_ar);
		}
	} else {
		RUN(check_guest_code_data_ar(c, ug, ia32e));
	}
	return check_guest_tr_ldtr_ar(c, ia32e);
}

static int check_guest_dtr(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int lin = linear_bits(gs);

	c->section = SDM_GUEST_DTR;
	REQUIRE(c, is_canonical(gs->gdtr_base, lin), "GUEST_GDTR_BASE",
		gs->gdtr_base, "GDTR base must be canonical");
	REQUIRE(c, is_canonical(gs->idtr_base, lin), "GUEST_IDTR_BASE",
		gs->idtr_base, "IDTR base must be canonical");
	REQUIRE(c, !(gs->gdtr_limit & DTR_LIMIT_RESERVED), "GUEST_GDTR_LIMIT",
		gs->gdtr_limit, "GDTR limit bits 31:16 must be 0");
	REQUIRE(c, !(gs->idtr_limit & DTR_LIMIT_RESERVED), "GUEST_IDTR_LIMIT",
		gs->idtr_limit, "IDTR limit bits 31:16 must be 0");
	return 0;
}

static int check_guest_rip_rflags(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	bool ia32e = ia32e_mode_guest(gs);
	bool cs_l = gs->cs.ar & VMX_AR_L;

	c->section = SDM_GUEST_RIP_RFLAGS;
	if (!ia32e || !cs_l)
		REQUIRE(c, !(gs->rip >> 32), "GUEST_RIP", gs->rip,
			"RIP bits 63:32 must be 0 outside 64-bit mode (\"IA-32e mode guest\" 0 or CS.L 0)");
	else
		REQUIRE(c, is_canonical(gs->rip, linear_bits(gs)), "GUEST_RIP",
			gs->rip, "RIP must be canonical in 64-bit mode");

	REQUIRE(c, !(gs->rflags & X86_EFLAGS_RESERVED_ZERO), "GUEST_RFLAGS",
		gs->rflags, "RFLAGS reserved bits 63:22, 15, 5 and 3 must be 0");
	REQUIRE(c, gs->rflags & X86_EFLAGS_FIXED, "GUEST_RFLAGS", gs->rflags,
		"RFLAGS reserved bit 1 must be 1");
	if (ia32e || !(gs->cr0 & X86_CR0_PE))
		REQUIRE(c, !(gs->rflags & X86_EFLAGS_VM), "GUEST_RFLAGS", gs->rflags,
			"RFLAGS.VM must be 0 in IA-32e mode or when CR0.PE is 0");
	if (injecting(gs, INTR_TYPE_EXT_INTR))
		REQUIRE(c, gs->rflags & X86_EFLAGS_IF, "GUEST_RFLAGS", gs->rflags,
			"RFLAGS.IF must be 1 when injecting an external interrupt");
	return 0;
}

/* May an event of this type and vector be injected in activity state @state? */
static bool injection_allowed_in(unsigned int state, unsigned int type,
				 unsigned int vector)
{
	switch (state) {
	case GUEST_ACTIVITY_HLT:
		return type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI ||
		       (type == INTR_TYPE_HARD_EXCEPTION &&
			(vector == DB_VECTOR || vector == MC_VECTOR)) ||
		       (type == INTR_TYPE_OTHER_EVENT &&
			vector == OTHER_EVENT_PENDING_MTF);
	case GUEST_ACTIVITY_SHUTDOWN:
		return type == INTR_TYPE_NMI ||
		       (type == INTR_TYPE_HARD_EXCEPTION && vector == MC_VECTOR);
	case GUEST_ACTIVITY_WAIT_SIPI:
		return false;
	default:
		return true;
	}
}

static bool activity_state_supported(const struct vmx_guest_state *gs)
{
	switch (gs->activity_state) {
	case GUEST_ACTIVITY_ACTIVE:
		return true;
	case GUEST_ACTIVITY_HLT:
		return gs->caps.misc & VMX_MISC_ACTIVITY_HLT;
	case GUEST_ACTIVITY_SHUTDOWN:
		return gs->caps.misc & VMX_MISC_ACTIVITY_SHUTDOWN;
	case GUEST_ACTIVITY_WAIT_SIPI:
		return gs->caps.misc & VMX_MISC_ACTIVITY_WAIT_SIPI;
	default:
		return false;
	}
}

static int check_guest_non_register(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	u32 state = gs->activity_state;
	u32 intr = gs->interruptibility;
	u64 pdbg = gs->pending_dbg_exceptions;
	unsigned int phys = vmx_struct_width(gs);

	c->section = SDM_GUEST_NON_REG;

	/* Activity state. */
	REQUIRE(c, activity_state_supported(gs), "GUEST_ACTIVITY_STATE", state,
		"activity state must be 0-3 and supported per IA32_VMX_MISC bits 8:6");
	if (state == GUEST_ACTIVITY_HLT)
		REQUIRE(c, seg_dpl(&gs->ss) == 0, "GUEST_ACTIVITY_STATE", state,
			"activity state must not be HLT when SS.DPL is not 0");
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		REQUIRE(c, state == GUEST_ACTIVITY_ACTIVE, "GUEST_ACTIVITY_STATE",
			state,
			"activity state must be active when blocking by STI or MOV SS is set");
	if (intr_info_valid(gs))
		REQUIRE(c, injection_allowed_in(state, intr_info_type(gs),
						intr_info_vector(gs)),
			"GUEST_ACTIVITY_STATE", state,
			"the injected event must be one the activity state does not block");
	if (gs->ctls.entry & VM_ENTRY_SMM)
		REQUIRE(c, state != GUEST_ACTIVITY_WAIT_SIPI,
			"GUEST_ACTIVITY_STATE", state,
			"activity state must not be wait-for-SIPI when \"entry to SMM\" is 1");

	/* Interruptibility state. */
	REQUIRE(c, !(intr & GUEST_INTR_STATE_RESERVED),
		"GUEST_INTERRUPTIBILITY_INFO", intr,
		"interruptibility-state bits 31:5 must be 0");
	REQUIRE(c, (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) !=
			   (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS),
		"GUEST_INTERRUPTIBILITY_INFO", intr,
		"blocking by STI and blocking by MOV SS must not both be 1");
	if (!(gs->rflags & X86_EFLAGS_IF))
		REQUIRE(c, !(intr & GUEST_INTR_STATE_STI),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by STI must be 0 when RFLAGS.IF is 0");
	if (injecting(gs, INTR_TYPE_EXT_INTR))
		REQUIRE(c, !(intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by STI and by MOV SS must be 0 when injecting an external interrupt");
	if (injecting(gs, INTR_TYPE_NMI))
		REQUIRE(c, !(intr & GUEST_INTR_STATE_MOV_SS),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by MOV SS must be 0 when injecting an NMI");
	/* tinyvmx never executes VM entry in SMM. */
	REQUIRE(c, !(intr & GUEST_INTR_STATE_SMI), "GUEST_INTERRUPTIBILITY_INFO",
		intr, "blocking by SMI must be 0 outside SMM");
	if (gs->ctls.entry & VM_ENTRY_SMM)
		REQUIRE(c, intr & GUEST_INTR_STATE_SMI,
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by SMI must be 1 when \"entry to SMM\" is 1");
	if ((gs->ctls.pin & PIN_BASED_VIRTUAL_NMIS) && injecting(gs, INTR_TYPE_NMI))
		REQUIRE(c, !(intr & GUEST_INTR_STATE_NMI),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by NMI must be 0 when injecting an NMI with \"virtual NMIs\" 1");
	if (intr & GUEST_INTR_STATE_ENCLAVE_INTR) {
		REQUIRE(c, !(intr & GUEST_INTR_STATE_MOV_SS),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by MOV SS must be 0 when enclave interruption (bit 4) is 1");
		REQUIRE(c, gs->caps.has_sgx, "GUEST_INTERRUPTIBILITY_INFO", intr,
			"enclave interruption (bit 4) requires SGX support");
	}

	/* Pending debug exceptions. */
	REQUIRE(c, !(pdbg & PENDING_DBG_RESERVED), "GUEST_PENDING_DBG_EXCEPTIONS",
		pdbg, "pending debug exceptions bits 11:4, 13, 15 and 63:17 must be 0");
	if ((intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) ||
	    state == GUEST_ACTIVITY_HLT) {
		bool tf = gs->rflags & X86_EFLAGS_TF;
		bool btf = gs->debugctl & DEBUGCTLMSR_BTF;

		if (tf && !btf)
			REQUIRE(c, pdbg & PENDING_DBG_BS,
				"GUEST_PENDING_DBG_EXCEPTIONS", pdbg,
				"BS (bit 14) must be 1 when RFLAGS.TF is 1 and IA32_DEBUGCTL.BTF is 0 with STI/MOV SS blocking or HLT");
		else
			REQUIRE(c, !(pdbg & PENDING_DBG_BS),
				"GUEST_PENDING_DBG_EXCEPTIONS", pdbg,
				"BS (bit 14) must be 0 when RFLAGS.TF is 0 or IA32_DEBUGCTL.BTF is 1 with STI/MOV SS blocking or HLT");
	}
	if (pdbg & PENDING_DBG_RTM) {
		REQUIRE(c, !(pdbg & ~(PENDING_DBG_RTM | PENDING_DBG_ENABLED_BP)) &&
				   (pdbg & PENDING_DBG_ENABLED_BP),
			"GUEST_PENDING_DBG_EXCEPTIONS", pdbg,
			"with RTM (bit 16) set, bit 12 must be 1 and every other bit 0");
		REQUIRE(c, gs->caps.has_rtm, "GUEST_PENDING_DBG_EXCEPTIONS", pdbg,
			"RTM (bit 16) requires RTM support");
		REQUIRE(c, !(intr & GUEST_INTR_STATE_MOV_SS),
			"GUEST_INTERRUPTIBILITY_INFO", intr,
			"blocking by MOV SS must be 0 when pending debug exceptions RTM (bit 16) is 1");
	}

	/* VMCS link pointer. */
	if (gs->vmcs_link_pointer != VMCS_LINK_POINTER_NONE) {
		REQUIRE(c, IS_ALIGNED(gs->vmcs_link_pointer, PAGE_SIZE) &&
				   fits_phys(gs->vmcs_link_pointer, phys),
			"VMCS_LINK_POINTER", gs->vmcs_link_pointer,
			"VMCS link pointer must be FFFFFFFF_FFFFFFFFH or 4-KByte aligned within the physical-address width");
		/*
		 * A link pointer other than all-ones must name a VMCS whose
		 * shadow-VMCS indicator matches "VMCS shadowing".  Without
		 * shadowing, a forgotten field (0) is by far the likeliest
		 * cause, and the memory behind it is not ours to read.
		 */
		REQUIRE(c, secondary_controls(gs) & SECONDARY_EXEC_SHADOW_VMCS,
			"VMCS_LINK_POINTER", gs->vmcs_link_pointer,
			"VMCS link pointer must be FFFFFFFF_FFFFFFFFH unless \"VMCS shadowing\" is 1");
	}
	return 0;
}

static int check_guest_pdptes(struct checker *c)
{
	const struct vmx_guest_state *gs = c->gs;
	unsigned int phys = maxphyaddr(gs);
	static const char *const fields[] = {
		"GUEST_PDPTR0", "GUEST_PDPTR1", "GUEST_PDPTR2", "GUEST_PDPTR3",
	};

	c->section = SDM_GUEST_PDPTE;
	/*
	 * Only PAE paging with EPT loads the PDPTEs from the VMCS; without
	 * EPT they come from the memory CR3 references, which we cannot see.
	 */
	if (!(gs->cr0 & X86_CR0_PG) || !(gs->cr4 & X86_CR4_PAE) ||
	    ia32e_mode_guest(gs) ||
	    !(secondary_controls(gs) & SECONDARY_EXEC_ENABLE_EPT))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(gs->pdpte); i++) {
		u64 e = gs->pdpte[i];

		if (e & PDPTE_PRESENT)
			REQUIRE(c, !(e & PDPTE_RESERVED_LOW) && fits_phys(e, phys),
				fields[i], e,
				"a present PDPTE must have bits 2:1, 8:5 and bits beyond the physical-address width 0");
	}
	return 0;
}

int vmx_check_guest_state(const struct vmx_guest_state *gs,
			  struct vmx_check_failure *f)
{
	struct checker c = { .gs = gs, .f = f };

	RUN(check_guest_cr_msr(&c));
	RUN(check_guest_segments(&c));
	RUN(check_guest_dtr(&c));
	RUN(check_guest_rip_rflags(&c));
	RUN(check_guest_non_register(&c));
	return check_guest_pdptes(&c);
}

int vmx_check_vm_entry(const struct vmx_guest_state *gs,
		       const struct vmx_host_state *hs,
		       struct vmx_check_failure *f)
{
	RUN(vmx_check_controls(gs, f));
	RUN(vmx_check_host_state(hs, gs, f));
	return vmx_check_guest_state(gs, f);
}

int vmx_check_failure_format(const struct vmx_check_failure *f, char *buf,
			     size_t size)
{
	return snprintf(buf, size, "%s = %#llx: %s (SDM Vol. 3C, %s)",
			f->field ? f->field : "?", (unsigned long long)f->value,
			f->rule ? f->rule : "?", f->section ? f->section : "?");
}

/* ================================================================== */
/* Reading the VMCS                                                    */
/* ================================================================== */

static void read_seg(struct vmx_seg *s, vmx_vmread_fn vmread, void *ctx,
		     u32 selector, u32 base, u32 limit, u32 ar)
{
	s->selector = (u16)vmread(ctx, selector);
	s->base = vmread(ctx, base);
	s->limit = (u32)vmread(ctx, limit);
	s->ar = (u32)vmread(ctx, ar);
}

#define READ_SEG(gs, s, S, vmread, ctx)					\
	read_seg(&(gs)->s, vmread, ctx, GUEST_##S##_SELECTOR,		\
		 GUEST_##S##_BASE, GUEST_##S##_LIMIT, GUEST_##S##_AR_BYTES)

static void read_controls(struct vmx_controls *ctl,
			  const struct vmx_entry_check_caps *caps,
			  vmx_vmread_fn vmread, void *ctx)
{
	u32 sec;

	memset(ctl, 0, sizeof(*ctl));
	ctl->pin = (u32)vmread(ctx, PIN_BASED_VM_EXEC_CONTROL);
	ctl->cpu_based = (u32)vmread(ctx, CPU_BASED_VM_EXEC_CONTROL);
	if ((ctl->cpu_based & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) &&
	    ctls_may_be_one(caps->procbased_ctls2))
		ctl->secondary = (u32)vmread(ctx, SECONDARY_VM_EXEC_CONTROL);
	sec = (ctl->cpu_based & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ?
		      ctl->secondary : 0;
	ctl->exit = (u32)vmread(ctx, VM_EXIT_CONTROLS);
	ctl->entry = (u32)vmread(ctx, VM_ENTRY_CONTROLS);
	ctl->entry_intr_info = (u32)vmread(ctx, VM_ENTRY_INTR_INFO_FIELD);
	ctl->entry_exception_error_code =
		(u32)vmread(ctx, VM_ENTRY_EXCEPTION_ERROR_CODE);
	ctl->entry_instruction_len = (u32)vmread(ctx, VM_ENTRY_INSTRUCTION_LEN);
	ctl->cr3_target_count = (u32)vmread(ctx, CR3_TARGET_COUNT);
	if (ctl->cpu_based & CPU_BASED_USE_IO_BITMAPS) {
		ctl->io_bitmap_a = vmread(ctx, IO_BITMAP_A);
		ctl->io_bitmap_b = vmread(ctx, IO_BITMAP_B);
	}
	if (ctl->cpu_based & CPU_BASED_USE_MSR_BITMAPS)
		ctl->msr_bitmap = vmread(ctx, MSR_BITMAP);
	if (ctl->cpu_based & CPU_BASED_TPR_SHADOW) {
		ctl->virtual_apic_page_addr = vmread(ctx, VIRTUAL_APIC_PAGE_ADDR);
		ctl->tpr_threshold = (u32)vmread(ctx, TPR_THRESHOLD);
	}
	if (sec & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES)
		ctl->apic_access_addr = vmread(ctx, APIC_ACCESS_ADDR);
	if (ctl->pin & PIN_BASED_POSTED_INTR) {
		ctl->posted_intr_nv = (u16)vmread(ctx, POSTED_INTR_NV);
		ctl->posted_intr_desc_addr = vmread(ctx, POSTED_INTR_DESC_ADDR);
	}
	if (sec & SECONDARY_EXEC_ENABLE_VPID)
		ctl->vpid = (u16)vmread(ctx, VIRTUAL_PROCESSOR_ID);
	if (sec & SECONDARY_EXEC_ENABLE_EPT)
		ctl->ept_pointer = vmread(ctx, EPT_POINTER);
	if (sec & SECONDARY_EXEC_ENABLE_PML)
		ctl->pml_address = vmread(ctx, PML_ADDRESS);
	if (sec & SECONDARY_EXEC_SHADOW_VMCS) {
		ctl->vmread_bitmap = vmread(ctx, VMREAD_BITMAP);
		ctl->vmwrite_bitmap = vmread(ctx, VMWRITE_BITMAP);
	}
	if (sec & SECONDARY_EXEC_EPT_VIOLATION_VE)
		ctl->ve_info_addr = vmread(ctx, VE_INFORMATION_ADDRESS);
	ctl->exit_msr_store_count = (u32)vmread(ctx, VM_EXIT_MSR_STORE_COUNT);
	if (ctl->exit_msr_store_count)
		ctl->exit_msr_store_addr = vmread(ctx, VM_EXIT_MSR_STORE_ADDR);
	ctl->exit_msr_load_count = (u32)vmread(ctx, VM_EXIT_MSR_LOAD_COUNT);
	if (ctl->exit_msr_load_count)
		ctl->exit_msr_load_addr = vmread(ctx, VM_EXIT_MSR_LOAD_ADDR);
	ctl->entry_msr_load_count = (u32)vmread(ctx, VM_ENTRY_MSR_LOAD_COUNT);
	if (ctl->entry_msr_load_count)
		ctl->entry_msr_load_addr = vmread(ctx, VM_ENTRY_MSR_LOAD_ADDR);
}

void vmx_guest_state_read(struct vmx_guest_state *gs, vmx_vmread_fn vmread,
			  void *ctx, const struct vmx_entry_check_caps *caps)
{
	struct vmx_entry_check_caps saved = caps ? *caps : gs->caps;
	u32 entry;

	memset(gs, 0, sizeof(*gs));
	gs->caps = saved;
	read_controls(&gs->ctls, &gs->caps, vmread, ctx);
	entry = gs->ctls.entry;

	gs->cr0 = vmread(ctx, GUEST_CR0);
	gs->cr3 = vmread(ctx, GUEST_CR3);
	gs->cr4 = vmread(ctx, GUEST_CR4);
	gs->dr7 = vmread(ctx, GUEST_DR7);
	if (entry & VM_ENTRY_LOAD_DEBUG_CONTROLS)
		gs->debugctl = vmread(ctx, GUEST_IA32_DEBUGCTL);
	if (entry & VM_ENTRY_LOAD_IA32_EFER)
		gs->efer = vmread(ctx, GUEST_IA32_EFER);
	if (entry & VM_ENTRY_LOAD_IA32_PAT)
		gs->pat = vmread(ctx, GUEST_IA32_PAT);
	if (entry & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)
		gs->perf_global_ctrl = vmread(ctx, GUEST_IA32_PERF_GLOBAL_CTRL);
	if (entry & VM_ENTRY_LOAD_BNDCFGS)
		gs->bndcfgs = vmread(ctx, GUEST_BNDCFGS);
	gs->sysenter_cs = (u32)vmread(ctx, GUEST_SYSENTER_CS);
	gs->sysenter_esp = vmread(ctx, GUEST_SYSENTER_ESP);
	gs->sysenter_eip = vmread(ctx, GUEST_SYSENTER_EIP);

	READ_SEG(gs, es, ES, vmread, ctx);
	READ_SEG(gs, cs, CS, vmread, ctx);
	READ_SEG(gs, ss, SS, vmread, ctx);
	READ_SEG(gs, ds, DS, vmread, ctx);
	READ_SEG(gs, fs, FS, vmread, ctx);
	READ_SEG(gs, gs, GS, vmread, ctx);
	READ_SEG(gs, ldtr, LDTR, vmread, ctx);
	READ_SEG(gs, tr, TR, vmread, ctx);
	gs->gdtr_base = vmread(ctx, GUEST_GDTR_BASE);
	gs->gdtr_limit = (u32)vmread(ctx, GUEST_GDTR_LIMIT);
	gs->idtr_base = vmread(ctx, GUEST_IDTR_BASE);
	gs->idtr_limit = (u32)vmread(ctx, GUEST_IDTR_LIMIT);

	gs->rsp = vmread(ctx, GUEST_RSP);
	gs->rip = vmread(ctx, GUEST_RIP);
	gs->rflags = vmread(ctx, GUEST_RFLAGS);
	gs->activity_state = (u32)vmread(ctx, GUEST_ACTIVITY_STATE);
	gs->interruptibility = (u32)vmread(ctx, GUEST_INTERRUPTIBILITY_INFO);
	gs->pending_dbg_exceptions = vmread(ctx, GUEST_PENDING_DBG_EXCEPTIONS);
	gs->vmcs_link_pointer = vmread(ctx, VMCS_LINK_POINTER);
	/* The PDPTE fields exist only on processors with EPT. */
	if (secondary_controls(gs) & SECONDARY_EXEC_ENABLE_EPT) {
		gs->pdpte[0] = vmread(ctx, GUEST_PDPTR0);
		gs->pdpte[1] = vmread(ctx, GUEST_PDPTR1);
		gs->pdpte[2] = vmread(ctx, GUEST_PDPTR2);
		gs->pdpte[3] = vmread(ctx, GUEST_PDPTR3);
	}
}

void vmx_host_state_read(struct vmx_host_state *hs,
			 const struct vmx_controls *ctls, vmx_vmread_fn vmread,
			 void *ctx)
{
	memset(hs, 0, sizeof(*hs));
	hs->cr0 = vmread(ctx, HOST_CR0);
	hs->cr3 = vmread(ctx, HOST_CR3);
	hs->cr4 = vmread(ctx, HOST_CR4);
	hs->es_selector = (u16)vmread(ctx, HOST_ES_SELECTOR);
	hs->cs_selector = (u16)vmread(ctx, HOST_CS_SELECTOR);
	hs->ss_selector = (u16)vmread(ctx, HOST_SS_SELECTOR);
	hs->ds_selector = (u16)vmread(ctx, HOST_DS_SELECTOR);
	hs->fs_selector = (u16)vmread(ctx, HOST_FS_SELECTOR);
	hs->gs_selector = (u16)vmread(ctx, HOST_GS_SELECTOR);
	hs->tr_selector = (u16)vmread(ctx, HOST_TR_SELECTOR);
	hs->fs_base = vmread(ctx, HOST_FS_BASE);
	hs->gs_base = vmread(ctx, HOST_GS_BASE);
	hs->tr_base = vmread(ctx, HOST_TR_BASE);
	hs->gdtr_base = vmread(ctx, HOST_GDTR_BASE);
	hs->idtr_base = vmread(ctx, HOST_IDTR_BASE);
	hs->sysenter_cs = (u32)vmread(ctx, HOST_IA32_SYSENTER_CS);
	hs->sysenter_esp = vmread(ctx, HOST_IA32_SYSENTER_ESP);
	hs->sysenter_eip = vmread(ctx, HOST_IA32_SYSENTER_EIP);
	if (ctls->exit & VM_EXIT_LOAD_IA32_EFER)
		hs->efer = vmread(ctx, HOST_IA32_EFER);
	if (ctls->exit & VM_EXIT_LOAD_IA32_PAT)
		hs->pat = vmread(ctx, HOST_IA32_PAT);
	if (ctls->exit & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)
		hs->perf_global_ctrl = vmread(ctx, HOST_IA32_PERF_GLOBAL_CTRL);
	hs->rsp = vmread(ctx, HOST_RSP);
	hs->rip = vmread(ctx, HOST_RIP);
}
