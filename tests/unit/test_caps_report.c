/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the VMX capability report and boot-log summary
 * (vmx/caps_report.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "vmx/capabilities.h"
#include "vmx/vmx_controls.h"

#include "cpu_msrs.h"

#define MAX_LINES	512
#define MAX_LINE	256

static char lines[MAX_LINES][MAX_LINE];
static unsigned int nlines;

static void collect(void *ctx, const char *line)
{
	unsigned int *calls = ctx;

	(*calls)++;
	assert_true(nlines < MAX_LINES);
	assert_true(strlen(line) < MAX_LINE);
	assert_null(strchr(line, '\n'));
	strcpy(lines[nlines++], line);
}

static void run_report(const struct vmx_msrs *m)
{
	unsigned int calls = 0, i;
	size_t len;

	nlines = 0;
	vmx_caps_report(m, collect, &calls);
	assert_int_equal(calls, nlines);
	assert_true(nlines > 50);
	for (i = 0; i < nlines; i++) {
		len = strlen(lines[i]);
		/* Fits an 80-column terminal, no trailing blanks. */
		if (len > 79)
			fail_msg("line %u is %zu columns: %s", i, len,
				 lines[i]);
		if (len && lines[i][len - 1] == ' ')
			fail_msg("line %u ends in a blank: '%s'", i, lines[i]);
	}
}

/* The first line containing @needle, or fail. */
static const char *line_with(const char *needle)
{
	unsigned int i;

	for (i = 0; i < nlines; i++)
		if (strstr(lines[i], needle))
			return lines[i];
	fail_msg("no line contains '%s'", needle);
	return NULL;
}

static bool any_line_with(const char *needle)
{
	unsigned int i;

	for (i = 0; i < nlines; i++)
		if (strstr(lines[i], needle))
			return true;
	return false;
}

/* The table row of control @name (the name followed by a blank). */
static const char *row_of(const char *name)
{
	char key[80];

	snprintf(key, sizeof(key), " %s ", name);
	return line_with(key);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

static void test_report_tigerlake(void **state)
{
	const char *l;

	run_report(&cpu_bochs_tigerlake);

	assert_contains(line_with("CPU signature"), "0x000806c1");
	assert_contains(line_with("CPU signature"), "model 140 (0x8c)");
	assert_string_equal(line_with("VMCS revision id"),
			    "  VMCS revision id          4");
	assert_contains(line_with("VMCS region size"), "4096 bytes");
	assert_contains(line_with("VMCS memory type"), "6 (write-back)");
	assert_contains(line_with("TRUE controls available"), "yes");
	line_with("IA32_VMX_TRUE_PROCBASED_CTLS = 0xfff9fffe04006172");
	line_with("min 0x22998e88  opt 0x90200000  result 0xb6a06dfa");

	/* CR3-load exiting: required, allowed, dropped by the EPT rule. */
	l = row_of("CPU_BASED_CR3_LOAD_EXITING");
	assert_string_equal(l, " 15 CPU_BASED_CR3_LOAD_EXITING              "
			    "0 1 min no  off: EPT rule");
	assert_contains(row_of("CPU_BASED_CR3_STORE_EXITING"), "off: EPT rule");
	assert_contains(row_of("CPU_BASED_INVLPG_EXITING"), "off: EPT rule");
	/* ... and the rule in words under the table. */
	assert_contains(line_with("    EPT rule:"),
			"EPT makes CR3-load/store and INVLPG exiting");
	/* CR8 exiting dropped for the TPR shadow. */
	assert_contains(row_of("CPU_BASED_CR8_LOAD_EXITING"),
			"min no  off: TPR-shadow rule");
	assert_contains(row_of("CPU_BASED_TPR_SHADOW"), "0 1 opt yes");
	assert_contains(row_of("CPU_BASED_USE_IO_BITMAPS"), "0 1 min yes");
	/* Not requested, not set, no note. */
	assert_string_equal(row_of("CPU_BASED_RDTSC_EXITING"),
			    " 12 CPU_BASED_RDTSC_EXITING                 "
			    "0 1 -   no");

	/* Bits the CPU does not allow. */
	assert_string_equal(row_of("PIN_BASED_POSTED_INTR"),
			    "  7 PIN_BASED_POSTED_INTR                   "
			    "0 0 opt no  off: not allowed by CPU");
	assert_contains(row_of("SECONDARY_EXEC_PT_CONCEAL_VMX"),
			"0 0 opt no  off: not allowed by CPU");
	assert_contains(row_of("VM_ENTRY_LOAD_BNDCFGS"),
			"off: not allowed by CPU");
	assert_contains(line_with("    not allowed by CPU:"), "allowed-1");
	/* Every SDM-defined bit gets a row, asked for or not. */
	assert_contains(row_of("SECONDARY_EXEC_NOTIFY_VM_EXITING"),
			"0 0 -   no");
	assert_contains(row_of("VM_EXIT_LOAD_CET_STATE"), "0 1 -   no");
	line_with("reserved bits that must be 1 (and are): 0x00000016");

	/* EPT/VPID capabilities by name. */
	assert_contains(line_with("VMX_EPT_PAGE_WALK_4_BIT"), "  yes ");
	assert_contains(line_with("VMX_EPTP_WB_BIT"), "  yes ");
	assert_contains(line_with("VMX_EPT_PAGE_WALK_5_BIT"), "  no  ");
	assert_contains(line_with("VMX_EPT_ADV_VMEXIT_INFO_BIT"), "  no  ");
	assert_contains(line_with("VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT"),
			"  yes ");
	line_with("kept in vmx_capability: ept 0x06b34141, vpid 0x00000f01");
	assert_contains(line_with("IA32_VMX_VMFUNC"), "EPTP switching yes");

	/* IA32_VMX_MISC and the fixed bits. */
	assert_contains(line_with("preemption timer rate"), " 0 ");
	assert_contains(line_with("CR3-target values"), " 4");
	assert_contains(line_with("MSR-list maximum"), "512 entries");
	assert_contains(line_with("activity states"),
			"HLT yes, shutdown yes, wait-for-SIPI yes");
	line_with("must be 1: PE NE PG");
	line_with("must be 1: VMXE");
	line_with("must be 0: LA57 SMXE KL PKS UINTR");

	/* The result and the summary, no error. */
	line_with("vmcs_config: pin 0x0000007f  proc 0xb6a06dfa  "
		  "proc2 0x02137fff");
	assert_contains(line_with("vmx: rev 4, vmcs 4096B, ept 4-level wb 2M "
				  "1G a/d, vpid"), "unrestricted guest");
	assert_false(any_line_with("error:"));
	assert_false(any_line_with("warning:"));
}

static void test_report_old_cpu_error(void **state)
{
	run_report(&cpu_old_no_io_bitmaps);

	assert_contains(line_with("TRUE controls available"), "no");
	line_with("IA32_VMX_PROCBASED_CTLS = 0x7df9fffe0401e172");
	line_with("min 0x22998e88  opt 0x90200000  not negotiated");
	assert_contains(row_of("CPU_BASED_USE_IO_BITMAPS"),
			"0 0 min -   off: not allowed by CPU");
	/* Default1 class without TRUE_ MSRs: must be 1. */
	assert_contains(row_of("CPU_BASED_CR3_LOAD_EXITING"), "1 1 min -");
	line_with("IA32_VMX_PROCBASED_CTLS2 does not exist on this CPU");
	line_with("IA32_VMX_EPT_VPID_CAP does not exist");
	/* The error, wrapped: the MSR and the missing control. */
	assert_contains(line_with("error:"), "IA32_VMX_PROCBASED_CTLS does not "
			"allow required control(s):");
	assert_string_equal(lines[nlines - 1],
			    "       CPU_BASED_USE_IO_BITMAPS");
	assert_false(any_line_with("vmcs_config:"));
	assert_false(any_line_with("vmx: rev"));
}

static void test_report_coffeelake(void **state)
{
	run_report(&cpu_coffeelake_i7_9750h);

	assert_contains(line_with("CPU signature"), "SGX yes");
	assert_contains(row_of("SECONDARY_EXEC_ENCLS_EXITING"), "0 1 opt yes");
	assert_contains(row_of("SECONDARY_EXEC_APIC_REGISTER_VIRT"),
			"0 0 opt no  off: not allowed by CPU");
	assert_contains(line_with("VMX_EPT_ADV_VMEXIT_INFO_BIT"), "  yes ");
	assert_contains(line_with("VMCS region size"), "1024 bytes");
}

static void test_report_errata(void **state)
{
	struct vmx_msrs m = cpu_ivybridge;

	m.cpuid_1_eax = 0x000106a5;	/* Nehalem, model 26, D0 */
	run_report(&m);

	assert_contains(line_with("CPU signature"), "model 26 (0x1a)");
	assert_contains(row_of("PIN_BASED_VMX_PREEMPTION_TIMER"),
			"0 1 opt no  off: timer erratum");
	assert_contains(row_of("VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL"),
			"off: perf erratum");
	assert_contains(row_of("VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL"),
			"off: perf erratum");
	assert_contains(line_with("    timer erratum:"), "VMX-preemption");
	assert_contains(line_with("    perf erratum:"), "VM exit may clear");
	assert_contains(line_with("warning:"), "preemption timer");
	assert_false(any_line_with("preemption timer (rate"));
}

static void test_report_no_secondary_and_cap_warning(void **state)
{
	struct vmx_msrs m = cpu_bochs_tigerlake;

	m.procbased2 &= ~((u64)(SECONDARY_EXEC_ENABLE_EPT |
				SECONDARY_EXEC_ENABLE_VPID) << 32);
	run_report(&m);
	line_with("EPT capabilities cleared");
	line_with("VPID capabilities cleared");
	assert_contains(line_with("warning:"), "EPT CAP");

	m = cpu_bochs_tigerlake;
	m.true_procbased &= ~((u64)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	run_report(&m);
	assert_contains(row_of("SECONDARY_EXEC_ENABLE_EPT"),
			"0 1 opt no  off: no secondary ctls");
	line_with("min 0x00000000  opt 0x471b7fff  not negotiated");
	assert_contains(row_of("CPU_BASED_CR3_LOAD_EXITING"), "0 1 min yes");
}

static void test_summary(void **state)
{
	struct vmcs_config conf;
	struct vmx_capability cap;
	char buf[256];
	int n;

	assert_int_equal(setup_vmcs_config(&conf, &cap, &cpu_bochs_tigerlake,
					   NULL), 0);
	n = vmx_caps_summary(&conf, &cap, buf, sizeof(buf));
	assert_string_equal(buf, "vmx: rev 4, vmcs 4096B, ept 4-level wb 2M "
			    "1G a/d, vpid, unrestricted guest, preemption "
			    "timer (rate 0), vnmi, tpr shadow, apicv (no "
			    "posted interrupts), msr bitmaps, pml");
	assert_int_equal(n, strlen(buf));

	/* Truncation: NUL-terminated, returns the full length. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vmx_caps_summary(&conf, &cap, buf, 10), n);
	assert_string_equal(buf, "vmx: rev ");
	assert_int_equal(vmx_caps_summary(&conf, &cap, NULL, 0), n);

	assert_int_equal(setup_vmcs_config(&conf, &cap, &cpu_ivybridge, NULL),
			 0);
	vmx_caps_summary(&conf, &cap, buf, sizeof(buf));
	assert_string_equal(buf, "vmx: rev 16, vmcs 1024B, ept 4-level wb 2M, "
			    "vpid, unrestricted guest, preemption timer "
			    "(rate 5), vnmi, tpr shadow, msr bitmaps");

	assert_int_equal(setup_vmcs_config(&conf, &cap, &cpu_skylake_x_dump,
					   NULL), 0);
	vmx_caps_summary(&conf, &cap, buf, sizeof(buf));
	assert_non_null(strstr(buf, ", apicv, "));
	assert_null(strstr(buf, "pml"));
}

static void test_reason_words(void **state)
{
	unsigned int why;

	for (why = VMX_DROP_NOT_ALLOWED; why < VMX_DROP_NR; why++) {
		assert_true(strlen(vmx_drop_reason_short(why)) > 0);
		/* "off: " + tag fits the note column. */
		assert_true(strlen(vmx_drop_reason_short(why)) <= 18);
		assert_true(strlen(vmx_drop_reason_text(why)) > 20);
	}
	assert_string_equal(vmx_drop_reason_short(VMX_DROP_NR), "?");
	assert_string_equal(vmx_drop_reason_text(VMX_DROP_NR), "?");
	assert_string_equal(vmx_warning_text(VMX_WARN_PERF_GLOBAL_ERRATUM),
			    "VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL does not work "
			    "properly (erratum); use the MSR-load lists "
			    "instead");
	assert_string_equal(vmx_warning_text(0), "?");
	assert_string_equal(vmx_warning_text(3), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_tigerlake),
		cmocka_unit_test(test_report_old_cpu_error),
		cmocka_unit_test(test_report_coffeelake),
		cmocka_unit_test(test_report_errata),
		cmocka_unit_test(test_report_no_secondary_and_cap_warning),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_reason_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
