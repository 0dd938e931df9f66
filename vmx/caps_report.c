/* SPDX-License-Identifier: MIT */
/*
 * The VMX capability report: what the CPU offers (capability MSRs), what
 * setup_vmcs_config() asked for, what it got, and why a requested control
 * is off.  Pure: lines go to an output callback, one call per line, each
 * at most 79 columns wide except for long error text that cannot wrap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tvx/types.h"
#include "vmx/capabilities.h"
#include "vmx/vmx_controls.h"

#define REPORT_WIDTH	79
#define LINE_MAX	160

/* ---- Drop reasons in words ------------------------------------------- */

static const char *const drop_short[VMX_DROP_NR] = {
	[VMX_DROP_NONE]			= "",
	[VMX_DROP_NOT_ALLOWED]		= "not allowed by CPU",
	[VMX_DROP_SECONDARY_OFF]	= "no secondary ctls",
	[VMX_DROP_NO_TPR_SHADOW]	= "no TPR shadow",
	[VMX_DROP_EPT_NO_CR3_EXITING]	= "EPT rule",
	[VMX_DROP_TPR_SHADOW_CR8]	= "TPR-shadow rule",
	[VMX_DROP_NO_VID_NO_POSTED]	= "no intr delivery",
	[VMX_DROP_PREEMPTION_ERRATUM]	= "timer erratum",
	[VMX_DROP_PERF_GLOBAL_ERRATUM]	= "perf erratum",
};

static const char *const drop_text[VMX_DROP_NR] = {
	[VMX_DROP_NONE]			= "",
	[VMX_DROP_NOT_ALLOWED] =
		"the allowed-1 setting in the capability MSR is 0: this CPU "
		"cannot turn the control on.",
	[VMX_DROP_SECONDARY_OFF] =
		"the CPU cannot activate the secondary controls, so none of "
		"them is used.",
	[VMX_DROP_NO_TPR_SHADOW] =
		"APIC-register virtualization, x2APIC-mode virtualization and "
		"virtual-interrupt delivery work on the virtual-APIC page of "
		"the TPR shadow, which is off.",
	[VMX_DROP_EPT_NO_CR3_EXITING] =
		"dropped - EPT makes CR3-load/store and INVLPG exiting "
		"unnecessary: the guest owns its page tables and TLB.",
	[VMX_DROP_TPR_SHADOW_CR8] =
		"with the TPR shadow, MOV to/from CR8 uses the virtual-APIC "
		"page, so CR8-load/store exiting is not needed.",
	[VMX_DROP_NO_VID_NO_POSTED] =
		"posted-interrupt processing needs virtual-interrupt "
		"delivery, which is off.",
	[VMX_DROP_PREEMPTION_ERRATUM] =
		"this CPU's VMX-preemption timer does not count down at the "
		"rate IA32_VMX_MISC reports (erratum).",
	[VMX_DROP_PERF_GLOBAL_ERRATUM] =
		"on this CPU model a VM exit may clear "
		"IA32_PERF_GLOBAL_CTRL[34:32] (erratum); the MSR-load lists "
		"switch it instead.",
};

const char *vmx_drop_reason_short(enum vmx_drop_reason why)
{
	return (unsigned int)why < VMX_DROP_NR ? drop_short[why] : "?";
}

const char *vmx_drop_reason_text(enum vmx_drop_reason why)
{
	return (unsigned int)why < VMX_DROP_NR ? drop_text[why] : "?";
}

/* ---- Output helpers -------------------------------------------------- */

struct report {
	void (*out)(void *ctx, const char *line);
	void *ctx;
};

static void emit(struct report *r, const char *fmt, ...) __printf(2, 3);

static void emit(struct report *r, const char *fmt, ...)
{
	char line[LINE_MAX];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Table rows with an empty last column end in padding. */
	len = strlen(line);
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	r->out(r->ctx, line);
}

/*
 * Print @prefix then @text, wrapped at word boundaries to REPORT_WIDTH,
 * continuation lines indented by @indent spaces.
 */
static void emit_wrapped(struct report *r, const char *prefix,
			 unsigned int indent, const char *text)
{
	char line[LINE_MAX];
	size_t len = strlen(prefix), word;
	const char *p = text;

	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	memcpy(line, prefix, len);
	while (*p) {
		while (*p == ' ')
			p++;
		for (word = 0; p[word] && p[word] != ' '; word++)
			;
		if (!word)
			break;
		if (len > indent && len + 1 + word > REPORT_WIDTH) {
			line[len] = '\0';
			r->out(r->ctx, line);
			memset(line, ' ', indent);
			len = indent;
		}
		if (len && line[len - 1] != ' ' && len < sizeof(line) - 1)
			line[len++] = ' ';
		if (word > sizeof(line) - 1 - len)
			word = sizeof(line) - 1 - len;
		memcpy(line + len, p, word);
		len += word;
		p += word;
	}
	line[len] = '\0';
	r->out(r->ctx, line);
}

/* Names of set bits of @val from a 32- or 64-entry table, space-separated. */
static void bit_names(char *buf, size_t size, u64 val,
		      const char *const *names, unsigned int nbits)
{
	size_t used = 0;
	unsigned int bit;

	buf[0] = '\0';
	for (bit = 0; bit < nbits && used < size; bit++) {
		if (!(val & BIT_ULL(bit)) || !names[bit])
			continue;
		used += snprintf(buf + used, size - used, "%s%s",
				 used ? " " : "", names[bit]);
	}
	if (!used)
		snprintf(buf, size, "(none)");
}

/* ---- Sections -------------------------------------------------------- */

static void report_cpu(struct report *r, const struct vmx_msrs *m)
{
	u32 sig = m->cpuid_1_eax;

	emit(r, "CPU signature 0x%08x: family %u, model %u (0x%x), "
	     "stepping %u; SGX %s", sig, vmx_sig_family(sig),
	     vmx_sig_model(sig), vmx_sig_model(sig), vmx_sig_stepping(sig),
	     m->has_sgx ? "yes" : "no");
}

static const char *mem_type_name(u32 type)
{
	switch (type) {
	case VMX_BASIC_MEM_TYPE_UC:
		return "uncacheable";
	case VMX_BASIC_MEM_TYPE_WB:
		return "write-back";
	default:
		return "reserved";
	}
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void report_basic(struct report *r, const struct vmx_msrs *m)
{
	u64 b = m->basic;

	emit(r, "%s", "");
	emit(r, "IA32_VMX_BASIC = 0x%016llx", (unsigned long long)b);
	emit(r, "  VMCS revision id          %u",
	     vmx_basic_vmcs_revision_id(b));
	emit(r, "  VMCS region size          %u bytes", vmx_basic_vmcs_size(b));
	emit(r, "  VMCS memory type          %u (%s)",
	     vmx_basic_vmcs_mem_type(b),
	     mem_type_name(vmx_basic_vmcs_mem_type(b)));
	emit(r, "  32-bit VMCS addresses     %s",
	     yes_no(b & VMX_BASIC_32BIT_PHYS_ADDR_ONLY));
	emit(r, "  dual-monitor SMM          %s",
	     yes_no(b & VMX_BASIC_DUAL_MONITOR));
	emit(r, "  INS/OUTS exit info        %s", yes_no(b & VMX_BASIC_INOUT));
	emit(r, "  TRUE controls available   %s%s",
	     yes_no(vmx_basic_true_ctls(b)),
	     vmx_has_true_ctls(m) ? " (IA32_VMX_TRUE_*_CTLS used)" : "");
	emit(r, "  any vector error code     %s",
	     yes_no(b & VMX_BASIC_NO_HW_ERRCODE_CC));
}

static void report_control(struct report *r, const struct vmx_msrs *m,
			   const struct vmx_negotiation_log *log,
			   enum vmx_ctl_field f)
{
	const struct vmx_ctl_field_info *info = &vmx_ctl_fields[f];
	const struct vmx_ctl_log *c = &log->ctl[f];
	u32 msr, allowed0, allowed1, named = 0, used_reasons = 0;
	u64 cap = vmx_control_cap(m, f, &msr);
	unsigned int bit, why;

	allowed0 = vmx_ctl_allowed0(cap);
	allowed1 = vmx_ctl_allowed1(cap);

	emit(r, "%s", "");
	emit(r, "%s", info->title);
	if (!msr) {
		emit(r, "  %s does not exist on this CPU",
		     vmx_msr_name(info->msr));
	} else {
		emit(r, "  %s = 0x%016llx", vmx_msr_name(msr),
		     (unsigned long long)cap);
	}
	if (c->negotiated)
		emit(r, "  min 0x%08x  opt 0x%08x  result 0x%08x", c->min,
		     c->opt, c->result);
	else if (c->min | c->opt)
		emit(r, "  min 0x%08x  opt 0x%08x  not negotiated", c->min,
		     c->opt);
	else
		emit(r, "  not negotiated (setup stopped earlier)");
	if (!msr && !(c->min | c->opt))
		return;
	emit(r, "bit name                                    0 1 req on  "
	     "note");

	for (bit = 0; bit < VMX_CTL_BITS; bit++) {
		const char *name = info->bit_names[bit];
		const char *req = "-", *on = "-";
		char note[32] = "";

		if (!name)
			continue;
		named |= BIT(bit);
		if (c->min & BIT(bit))
			req = "min";
		else if (c->opt & BIT(bit))
			req = "opt";
		/* A field setup skipped (secondary controls off) is 0 in
		 * vmcs_config; after a failure nothing is. */
		if (c->negotiated || !log->err)
			on = (c->result & BIT(bit)) ? "yes" : "no";
		why = c->drop[bit];
		if (why != VMX_DROP_NONE) {
			snprintf(note, sizeof(note), "off: %s",
				 vmx_drop_reason_short(why));
			used_reasons |= BIT(why);
		} else if (c->negotiated && (c->result & BIT(bit)) &&
			   !((c->min | c->opt) & BIT(bit))) {
			snprintf(note, sizeof(note), "on: forced by CPU");
		}
		emit(r, "%3u %-39s %c %c %-3s %-3s %s", bit, name,
		     (allowed0 & BIT(bit)) ? '1' : '0',
		     (allowed1 & BIT(bit)) ? '1' : '0', req, on, note);
	}
	if (allowed0 & ~named)
		emit(r, "    reserved bits that must be 1 (and are): 0x%08x",
		     allowed0 & ~named);
	for (why = VMX_DROP_NONE + 1; why < VMX_DROP_NR; why++) {
		char prefix[40];

		if (!(used_reasons & BIT(why)))
			continue;
		snprintf(prefix, sizeof(prefix), "    %s:",
			 vmx_drop_reason_short(why));
		emit_wrapped(r, prefix, 6, vmx_drop_reason_text(why));
	}
}

struct cap_bit {
	u32 bit;
	const char *name;
	const char *what;
};

#define CAP_BIT(b, w) { b, #b, w }

static const struct cap_bit ept_bits[] = {
	CAP_BIT(VMX_EPT_EXECUTE_ONLY_BIT, "execute-only translations"),
	CAP_BIT(VMX_EPT_PAGE_WALK_4_BIT, "page-walk length 4"),
	CAP_BIT(VMX_EPT_PAGE_WALK_5_BIT, "page-walk length 5"),
	CAP_BIT(VMX_EPTP_UC_BIT, "EPT paging structures UC"),
	CAP_BIT(VMX_EPTP_WB_BIT, "EPT paging structures WB"),
	CAP_BIT(VMX_EPT_2MB_PAGE_BIT, "2-MByte pages"),
	CAP_BIT(VMX_EPT_1GB_PAGE_BIT, "1-GByte pages"),
	CAP_BIT(VMX_EPT_INVEPT_BIT, "INVEPT supported"),
	CAP_BIT(VMX_EPT_AD_BIT, "accessed and dirty flags"),
	CAP_BIT(VMX_EPT_ADV_VMEXIT_INFO_BIT, "advanced EPT-violation info"),
	CAP_BIT(VMX_EPT_SUPERVISOR_SHADOW_STACK_BIT,
		"supervisor shadow-stack control"),
	CAP_BIT(VMX_EPT_EXTENT_CONTEXT_BIT, "INVEPT single-context"),
	CAP_BIT(VMX_EPT_EXTENT_GLOBAL_BIT, "INVEPT all-context"),
};

static const struct cap_bit vpid_bits[] = {
	CAP_BIT(VMX_VPID_INVVPID_BIT, "INVVPID supported"),
	CAP_BIT(VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT,
		"INVVPID individual-address"),
	CAP_BIT(VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT, "INVVPID single-context"),
	CAP_BIT(VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT, "INVVPID all-context"),
	CAP_BIT(VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT,
		"INVVPID single, keep globals"),
};

static void report_cap_bits(struct report *r, const struct cap_bit *bits,
			    size_t n, u32 val)
{
	size_t i;

	for (i = 0; i < n; i++)
		emit(r, "  %-3s %-37s %s", yes_no(val & bits[i].bit),
		     bits[i].name, bits[i].what);
}

static void report_ept_vpid(struct report *r, const struct vmx_msrs *m,
			    const struct vmx_capability *cap,
			    const struct vmx_negotiation_log *log)
{
	emit(r, "%s", "");
	if (!(m->present & VMX_MSR_BIT(MSR_IA32_VMX_EPT_VPID_CAP))) {
		emit(r, "IA32_VMX_EPT_VPID_CAP does not exist (the CPU offers "
		     "neither EPT nor VPID)");
	} else {
		emit(r, "IA32_VMX_EPT_VPID_CAP = 0x%016llx",
		     (unsigned long long)m->ept_vpid_cap);
		report_cap_bits(r, ept_bits, ARRAY_SIZE(ept_bits),
				(u32)m->ept_vpid_cap);
		report_cap_bits(r, vpid_bits, ARRAY_SIZE(vpid_bits),
				(u32)(m->ept_vpid_cap >> 32));
	}
	if (log->err)
		return;
	emit(r, "  kept in vmx_capability: ept 0x%08x, vpid 0x%08x", cap->ept,
	     cap->vpid);
	if (log->warning_flags & VMX_WARN_EPT_CAP_WITHOUT_EPT)
		emit(r, "  EPT capabilities cleared: \"enable EPT\" is off");
	if (log->warning_flags & VMX_WARN_VPID_CAP_WITHOUT_VPID)
		emit(r, "  VPID capabilities cleared: \"enable VPID\" is off");
}

static void report_vmfunc(struct report *r, const struct vmx_msrs *m)
{
	if (!(m->present & VMX_MSR_BIT(MSR_IA32_VMX_VMFUNC)))
		return;
	emit(r, "IA32_VMX_VMFUNC = 0x%016llx: EPTP switching %s",
	     (unsigned long long)m->vmfunc,
	     yes_no(m->vmfunc & VMX_VMFUNC_EPTP_SWITCHING));
}

static void report_misc(struct report *r, const struct vmx_msrs *m)
{
	u64 misc = m->misc;
	u32 rate = vmx_misc_preemption_timer_rate(misc);

	emit(r, "%s", "");
	emit(r, "IA32_VMX_MISC = 0x%016llx", (unsigned long long)misc);
	emit(r, "  preemption timer rate     %u (one tick per %llu TSC "
	     "cycles)", rate, 1ull << rate);
	emit(r, "  EFER.LMA saved on exit    %s",
	     yes_no(misc & VMX_MISC_SAVE_EFER_LMA));
	emit(r, "  activity states           HLT %s, shutdown %s, "
	     "wait-for-SIPI %s", yes_no(misc & VMX_MISC_ACTIVITY_HLT),
	     yes_no(misc & VMX_MISC_ACTIVITY_SHUTDOWN),
	     yes_no(misc & VMX_MISC_ACTIVITY_WAIT_SIPI));
	emit(r, "  Intel PT in VMX operation %s",
	     yes_no(misc & VMX_MISC_INTEL_PT));
	emit(r, "  RDMSR IA32_SMBASE in SMM  %s",
	     yes_no(misc & VMX_MISC_RDMSR_IN_SMM));
	emit(r, "  CR3-target values         %u", vmx_misc_cr3_count(misc));
	emit(r, "  MSR-list maximum          %u entries",
	     vmx_misc_max_msr_list(misc));
	/* Bit 28: IA32_SMM_MONITOR_CTL[2] may be set, so that VMXOFF
	 * leaves SMIs blocked. */
	emit(r, "  VMXOFF may keep SMIs off  %s",
	     yes_no(misc & VMX_MISC_VMXOFF_BLOCK_SMI));
	emit(r, "  VMWRITE exit-info fields  %s",
	     yes_no(misc & VMX_MISC_VMWRITE_SHADOW_RO_FIELDS));
	emit(r, "  zero-length injection     %s",
	     yes_no(misc & VMX_MISC_ZERO_LEN_INS));
	emit(r, "  MSEG revision id          %u", vmx_misc_mseg_revid(misc));
	emit(r, "IA32_VMX_VMCS_ENUM = 0x%016llx: highest field index %u",
	     (unsigned long long)m->vmcs_enum,
	     vmx_vmcs_enum_max_index(m->vmcs_enum));
}

/* Architectural CR0 and CR4 bits (SDM Vol. 3A, "Control Registers"). */
static const char *const cr0_names[64] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET",
	[5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD",
	[31] = "PG",
};

static const char *const cr4_names[64] = {
	[0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE",
	[5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE",
	[9] = "OSFXSR", [10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57",
	[13] = "VMXE", [14] = "SMXE", [16] = "FSGSBASE", [17] = "PCIDE",
	[18] = "OSXSAVE", [19] = "KL", [20] = "SMEP", [21] = "SMAP",
	[22] = "PKE", [23] = "CET", [24] = "PKS", [25] = "UINTR",
};

static void report_fixed(struct report *r, const char *reg, u64 fixed0,
			 u64 fixed1, const char *const *names)
{
	char buf[LINE_MAX];

	emit(r, "%s: IA32_VMX_%s_FIXED0 = 0x%016llx, FIXED1 = 0x%016llx",
	     reg, reg, (unsigned long long)fixed0,
	     (unsigned long long)fixed1);
	/* SDM Vol. 3D, "VMX-Fixed Bits in CR0"/"in CR4": a 1 in FIXED0
	 * must be 1, a 0 in FIXED1 must be 0. */
	bit_names(buf, sizeof(buf), fixed0, names, 64);
	emit_wrapped(r, "  must be 1:", 13, buf);
	bit_names(buf, sizeof(buf), ~fixed1, names, 64);
	emit_wrapped(r, "  must be 0:", 13, buf);
}

static void report_result(struct report *r, const struct vmcs_config *conf,
			  const struct vmx_capability *cap,
			  const struct vmx_negotiation_log *log)
{
	char line[256];
	unsigned int i;

	emit(r, "%s", "");
	if (log->err) {
		emit_wrapped(r, "error:", 7, log->error);
		return;
	}
	emit(r, "vmcs_config: pin 0x%08x  proc 0x%08x  proc2 0x%08x",
	     conf->pin_based_exec_ctrl, conf->cpu_based_exec_ctrl,
	     conf->cpu_based_2nd_exec_ctrl);
	emit(r, "             exit 0x%08x  entry 0x%08x  size %d  order %d",
	     conf->vmexit_ctrl, conf->vmentry_ctrl, conf->size, conf->order);
	for (i = 0; i < log->nwarnings; i++)
		emit_wrapped(r, "warning:", 9, log->warnings[i]);
	vmx_caps_summary(conf, cap, line, sizeof(line));
	emit_wrapped(r, "", 5, line);
}

void vmx_caps_report(const struct vmx_msrs *m,
		     void (*out)(void *ctx, const char *line), void *ctx)
{
	struct report r = { .out = out, .ctx = ctx };
	struct vmx_negotiation_log log;
	struct vmcs_config conf;
	struct vmx_capability cap;

	setup_vmcs_config(&conf, &cap, m, &log);

	emit(&r, "VMX capability report");
	report_cpu(&r, m);
	report_basic(&r, m);
	emit(&r, "%s", "");
	emit(&r, "Control fields, in the order setup_vmcs_config() negotiates "
	     "them.  Columns:");
	emit(&r, "0 = allowed-0 (1: must be 1), 1 = allowed-1 (0: must be 0), "
	     "req = requested");
	emit(&r, "as min (required) or opt (optional), on = set in "
	     "vmcs_config, note = why off.");
	report_control(&r, m, &log, VMX_CTL_PROC);
	report_control(&r, m, &log, VMX_CTL_PROC2);
	report_control(&r, m, &log, VMX_CTL_EXIT);
	report_control(&r, m, &log, VMX_CTL_PIN);
	report_control(&r, m, &log, VMX_CTL_ENTRY);
	report_ept_vpid(&r, m, &cap, &log);
	report_vmfunc(&r, m);
	report_misc(&r, m);
	emit(&r, "%s", "");
	report_fixed(&r, "CR0", m->cr0_fixed0, m->cr0_fixed1, cr0_names);
	emit(&r, "  (the unrestricted-guest control lifts PE and PG for the "
	     "guest)");
	report_fixed(&r, "CR4", m->cr4_fixed0, m->cr4_fixed1, cr4_names);
	report_result(&r, &conf, &cap, &log);
}

/* ---- One-line summary ------------------------------------------------ */

struct sbuf {
	char *buf;
	size_t len;
	int pos;	/* untruncated length so far */
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...) __printf(2, 3);

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	size_t room = (size_t)sb->pos < sb->len ? sb->len - sb->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += n;
}

int vmx_caps_summary(const struct vmcs_config *conf,
		     const struct vmx_capability *cap, char *buf, size_t len)
{
	struct sbuf sb = { .buf = buf, .len = len, .pos = 0 };
	u32 proc = conf->cpu_based_exec_ctrl;
	u32 proc2 = (proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ?
		    conf->cpu_based_2nd_exec_ctrl : 0;
	u32 pin = conf->pin_based_exec_ctrl;
	u32 apicv = SECONDARY_EXEC_APIC_REGISTER_VIRT |
		    SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY;

	if (len)
		buf[0] = '\0';
	sb_printf(&sb, "vmx: rev %u, vmcs %dB", conf->revision_id,
		  conf->size);
	if (proc2 & SECONDARY_EXEC_ENABLE_EPT) {
		sb_printf(&sb, ", ept");
		if (cap->ept & VMX_EPT_PAGE_WALK_4_BIT)
			sb_printf(&sb, " 4-level");
		if (cap->ept & VMX_EPTP_WB_BIT)
			sb_printf(&sb, " wb");
		if (cap->ept & VMX_EPT_2MB_PAGE_BIT)
			sb_printf(&sb, " 2M");
		if (cap->ept & VMX_EPT_1GB_PAGE_BIT)
			sb_printf(&sb, " 1G");
		if (cap->ept & VMX_EPT_AD_BIT)
			sb_printf(&sb, " a/d");
	}
	if (proc2 & SECONDARY_EXEC_ENABLE_VPID)
		sb_printf(&sb, ", vpid");
	if (proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		sb_printf(&sb, ", unrestricted guest");
	if (pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		sb_printf(&sb, ", preemption timer (rate %u)",
			  vmx_misc_preemption_timer_rate(conf->misc));
	if (pin & PIN_BASED_VIRTUAL_NMIS)
		sb_printf(&sb, ", vnmi");
	if (proc & CPU_BASED_TPR_SHADOW)
		sb_printf(&sb, ", tpr shadow");
	if ((proc2 & apicv) == apicv && (pin & PIN_BASED_POSTED_INTR))
		sb_printf(&sb, ", apicv");
	else if ((proc2 & apicv) == apicv)
		sb_printf(&sb, ", apicv (no posted interrupts)");
	if (proc & CPU_BASED_USE_MSR_BITMAPS)
		sb_printf(&sb, ", msr bitmaps");
	if (proc2 & SECONDARY_EXEC_ENABLE_PML)
		sb_printf(&sb, ", pml");
	return sb.pos;
}
