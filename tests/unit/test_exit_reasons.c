/* SPDX-License-Identifier: MIT */
/*
 * Exit reasons, exit qualifications, interruption and instruction
 * information (vmx/exit_reason.h, vmx/exit_reason.c) and VM-instruction
 * error names (vmx/vmcs_names.c).  The raw values below are built by hand
 * from the SDM's bit tables, so a mis-ordered bit-field fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/exit_reason.h"
#include "vmx/vmcs.h"

/* Independent copy of the SDM list: number and expected name. */
static const struct {
	u32 reason;
	const char *name;
} expected_reasons[] = {
	{ 0, "EXCEPTION_NMI" }, { 1, "EXTERNAL_INTERRUPT" },
	{ 2, "TRIPLE_FAULT" }, { 3, "INIT_SIGNAL" }, { 4, "SIPI_SIGNAL" },
	{ 5, "IO_SMI" }, { 6, "OTHER_SMI" }, { 7, "INTERRUPT_WINDOW" },
	{ 8, "NMI_WINDOW" }, { 9, "TASK_SWITCH" }, { 10, "CPUID" },
	{ 11, "GETSEC" }, { 12, "HLT" }, { 13, "INVD" }, { 14, "INVLPG" },
	{ 15, "RDPMC" }, { 16, "RDTSC" }, { 17, "RSM" }, { 18, "VMCALL" },
	{ 19, "VMCLEAR" }, { 20, "VMLAUNCH" }, { 21, "VMPTRLD" },
	{ 22, "VMPTRST" }, { 23, "VMREAD" }, { 24, "VMRESUME" },
	{ 25, "VMWRITE" }, { 26, "VMOFF" }, { 27, "VMON" },
	{ 28, "CR_ACCESS" }, { 29, "DR_ACCESS" }, { 30, "IO_INSTRUCTION" },
	{ 31, "MSR_READ" }, { 32, "MSR_WRITE" }, { 33, "INVALID_STATE" },
	{ 34, "MSR_LOAD_FAIL" }, { 36, "MWAIT_INSTRUCTION" },
	{ 37, "MONITOR_TRAP_FLAG" }, { 39, "MONITOR_INSTRUCTION" },
	{ 40, "PAUSE_INSTRUCTION" }, { 41, "MCE_DURING_VMENTRY" },
	{ 43, "TPR_BELOW_THRESHOLD" }, { 44, "APIC_ACCESS" },
	{ 45, "EOI_INDUCED" }, { 46, "GDTR_IDTR" }, { 47, "LDTR_TR" },
	{ 48, "EPT_VIOLATION" }, { 49, "EPT_MISCONFIG" }, { 50, "INVEPT" },
	{ 51, "RDTSCP" }, { 52, "PREEMPTION_TIMER" }, { 53, "INVVPID" },
	{ 54, "WBINVD" }, { 55, "XSETBV" }, { 56, "APIC_WRITE" },
	{ 57, "RDRAND" }, { 58, "INVPCID" }, { 59, "VMFUNC" },
	{ 60, "ENCLS" }, { 61, "RDSEED" }, { 62, "PML_FULL" },
	{ 63, "XSAVES" }, { 64, "XRSTORS" }, { 65, "PCONFIG" },
	{ 66, "SPP" }, { 67, "UMWAIT" }, { 68, "TPAUSE" },
	{ 69, "LOADIWKEY" }, { 70, "ENCLV" }, { 72, "ENQCMD_PASID_FAIL" },
	{ 73, "ENQCMDS_PASID_FAIL" }, { 74, "BUS_LOCK" }, { 75, "NOTIFY" },
	{ 76, "SEAMCALL" }, { 77, "TDCALL" }, { 78, "RDMSRLIST" },
	{ 79, "WRMSRLIST" }, { 80, "URDMSR" }, { 81, "UWRMSR" },
	{ 84, "MSR_READ_IMM" }, { 85, "MSR_WRITE_IMM" },
};

static const char *expected_reason_name(u32 reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(expected_reasons); i++)
		if (expected_reasons[i].reason == reason)
			return expected_reasons[i].name;
	return NULL;
}

static void test_exit_reason_names(void **state)
{
	u32 i, j, defined = 0;

	(void)state;
	assert_int_equal(EXIT_REASON_MAX, 86);
	for (i = 0; i < EXIT_REASON_MAX; i++) {
		const char *want = expected_reason_name(i);
		const char *name = vmx_exit_reason_name(i);

		if (!want) {
			if (name)
				fail_msg("reason %u should be undefined, got %s",
					 i, name);
			continue;
		}
		defined++;
		if (!name)
			fail_msg("reason %u (%s) has no name", i, want);
		assert_string_equal(name, want);
		for (j = 0; j < i; j++) {
			const char *other = vmx_exit_reason_name(j);

			if (other && !strcmp(other, name))
				fail_msg("%s named twice", name);
		}
	}
	assert_int_equal(defined, ARRAY_SIZE(expected_reasons));
}

static void test_exit_reason_undefined(void **state)
{
	static const u32 undefined[] = { 35, 38, 42, 71, 82, 83, 86, 100,
					 0xffff, 0x10000, 0xffffffff };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(undefined); i++)
		assert_null(vmx_exit_reason_name(undefined[i]));
}

static void test_exit_reason_constants(void **state)
{
	(void)state;
	assert_int_equal(EXIT_REASON_CPUID, 10);
	assert_int_equal(EXIT_REASON_HLT, 12);
	assert_int_equal(EXIT_REASON_VMCALL, 18);
	assert_int_equal(EXIT_REASON_CR_ACCESS, 28);
	assert_int_equal(EXIT_REASON_IO_INSTRUCTION, 30);
	assert_int_equal(EXIT_REASON_INVALID_STATE, 33);
	assert_int_equal(EXIT_REASON_EPT_VIOLATION, 48);
	assert_int_equal(EXIT_REASON_EPT_MISCONFIG, 49);
	assert_int_equal(EXIT_REASON_PREEMPTION_TIMER, 52);
	assert_int_equal(EXIT_REASON_XSETBV, 55);
	assert_int_equal(EXIT_REASON_BUS_LOCK, 74);
	assert_int_equal(EXIT_REASON_TDCALL, 77);
}

static void test_exit_reason_union(void **state)
{
	union vmx_exit_reason r;

	(void)state;
	/* VM-entry failure due to invalid guest state: bit 31 | 33. */
	r.full = 0x80000021;
	assert_int_equal(r.basic, EXIT_REASON_INVALID_STATE);
	assert_int_equal(r.failed_vmentry, 1);
	assert_int_equal(r.enclave_mode, 0);
	assert_true(r.full & VMX_EXIT_REASONS_FAILED_VMENTRY);

	/* HLT from enclave mode with a bus lock: bits 27 and 26. */
	r.full = BIT(27) | BIT(26) | EXIT_REASON_HLT;
	assert_int_equal(r.basic, EXIT_REASON_HLT);
	assert_int_equal(r.enclave_mode, 1);
	assert_int_equal(r.bus_lock_detected, 1);
	assert_int_equal(r.failed_vmentry, 0);

	/* SMM bits 28 and 29. */
	r.full = BIT(28) | BIT(29) | EXIT_REASON_IO_SMI;
	assert_int_equal(r.smi_pending_mtf, 1);
	assert_int_equal(r.smi_from_vmx_root, 1);
	assert_int_equal(r.basic, EXIT_REASON_IO_SMI);

	r.full = 0;
	r.basic = EXIT_REASON_EPT_VIOLATION;
	r.failed_vmentry = 1;
	assert_int_equal(r.full, 0x80000030);
}

static void test_qual_io(void **state)
{
	union exit_qual_io q;

	(void)state;
	/* IN AL, DX with DX = 0x3f8 (COM1 data). */
	q.raw = 0x03f80008;
	assert_int_equal(q.port, 0x3f8);
	assert_int_equal(q.size, 0);		/* 1 byte */
	assert_int_equal(q.in, IO_DIRECTION_IN);
	assert_int_equal(q.string, 0);
	assert_int_equal(q.rep, 0);
	assert_int_equal(q.imm, IO_OPERAND_ENCODING_DX);

	/* REP OUTSB to port 0x80. */
	q.raw = 0x00800030;
	assert_int_equal(q.port, 0x80);
	assert_int_equal(q.in, IO_DIRECTION_OUT);
	assert_int_equal(q.string, 1);
	assert_int_equal(q.rep, 1);

	/* IN EAX, 0x71: 4 bytes, immediate port. */
	q.raw = 0x0071004b;
	assert_int_equal(q.port, 0x71);
	assert_int_equal(q.size, 3);
	assert_int_equal(q.in, 1);
	assert_int_equal(q.imm, IO_OPERAND_ENCODING_IMM);

	/* Building one gives the same raw value. */
	q.raw = 0;
	q.port = 0x64;
	q.size = 1;
	q.in = 1;
	assert_int_equal(q.raw, 0x00640009);
}

static void test_qual_cr(void **state)
{
	union exit_qual_cr q;

	(void)state;
	/* MOV CR3, RBX. */
	q.raw = 0x303;
	assert_int_equal(q.cr, 3);
	assert_int_equal(q.access_type, CR_ACCESS_TYPE_MOV_TO_CR);
	assert_int_equal(q.gpr, 3);

	/* MOV RAX, CR4. */
	q.raw = 0x14;
	assert_int_equal(q.cr, 4);
	assert_int_equal(q.access_type, CR_ACCESS_TYPE_MOV_FROM_CR);
	assert_int_equal(q.gpr, 0);

	/* CLTS. */
	q.raw = 0x20;
	assert_int_equal(q.cr, 0);
	assert_int_equal(q.access_type, CR_ACCESS_TYPE_CLTS);

	/* LMSW from memory, source data 0x0001 (PE). */
	q.raw = 0x10070;
	assert_int_equal(q.access_type, CR_ACCESS_TYPE_LMSW);
	assert_int_equal(q.lmsw_operand_type, LMSW_OPERAND_TYPE_MEMORY);
	assert_int_equal(q.lmsw_source_data, 1);

	/* MOV CR8, R15. */
	q.raw = 0;
	q.cr = 8;
	q.gpr = 15;
	assert_int_equal(q.raw, 0xf08);
}

static void test_qual_dr(void **state)
{
	union exit_qual_dr q;

	(void)state;
	/* MOV RCX, DR6. */
	q.raw = 0x116;
	assert_int_equal(q.dr, 6);
	assert_int_equal(q.direction, DR_ACCESS_DIRECTION_MOV_FROM_DR);
	assert_int_equal(q.gpr, 1);

	/* MOV DR7, RAX. */
	q.raw = 0x7;
	assert_int_equal(q.dr, 7);
	assert_int_equal(q.direction, DR_ACCESS_DIRECTION_MOV_TO_DR);
	assert_int_equal(q.gpr, 0);
}

static void test_qual_ept_violation(void **state)
{
	union exit_qual_ept_violation q;

	(void)state;
	/* Write to a not-present GPA reached from a linear address. */
	q.raw = 0x182;
	assert_int_equal(q.read, 0);
	assert_int_equal(q.write, 1);
	assert_int_equal(q.fetch, 0);
	assert_int_equal(q.readable, 0);
	assert_int_equal(q.writable, 0);
	assert_int_equal(q.executable, 0);
	assert_int_equal(q.gla_valid, 1);
	assert_int_equal(q.gla_is_translation, 1);

	/* Read + write on a read/write page, user linear address. */
	q.raw = 0x39b;
	assert_int_equal(q.read, 1);
	assert_int_equal(q.write, 1);
	assert_int_equal(q.readable, 1);
	assert_int_equal(q.writable, 1);
	assert_int_equal(q.executable, 0);
	assert_int_equal(q.user, 1);
	assert_int_equal(q.rw, 0);

	/* Fetch from an executable-only page; NMI unblocking, XD. */
	q.raw = 0x1824;
	assert_int_equal(q.fetch, 1);
	assert_int_equal(q.executable, 1);
	assert_int_equal(q.xd, 1);
	assert_int_equal(q.nmi_unblocking, 1);
	assert_int_equal(q.gla_valid, 0);

	q.raw = 0;
	q.user_executable = 1;
	q.shadow_stack = 1;
	q.asynchronous = 1;
	assert_int_equal(q.raw, BIT(6) | BIT(13) | BIT(16));
}

static void test_qual_task_switch(void **state)
{
	union exit_qual_task_switch q;

	(void)state;
	q.raw = 0x80000028;	/* JMP to TSS selector 0x28 */
	assert_int_equal(q.selector, 0x28);
	assert_int_equal(q.source, TASK_SWITCH_JMP);

	q.raw = 0xc0000030;	/* task gate in the IDT */
	assert_int_equal(q.selector, 0x30);
	assert_int_equal(q.source, TASK_SWITCH_GATE);

	q.raw = 0x40000008;
	assert_int_equal(q.source, TASK_SWITCH_IRET);
}

static void test_qual_apic_access(void **state)
{
	union exit_qual_apic_access q;

	(void)state;
	q.raw = 0x1300;		/* linear write to the ICR (offset 0x300) */
	assert_int_equal(q.offset, 0x300);
	assert_int_equal(q.access_type, APIC_ACCESS_TYPE_LINEAR_WRITE);

	q.raw = 0xf000;
	assert_int_equal(q.offset, 0);
	assert_int_equal(q.access_type, APIC_ACCESS_TYPE_PHYS_FETCH_OR_EXEC);
}

static void test_qual_entry_fail(void **state)
{
	union exit_qual_entry_fail q;

	(void)state;
	q.raw = 4;
	assert_int_equal(q.info, ENTRY_FAIL_VMCS_LINK_PTR);
	q.raw = 2;
	assert_int_equal(q.info, ENTRY_FAIL_PDPTE);
	assert_int_equal(ENTRY_FAIL_DEFAULT, 0);
	assert_int_equal(ENTRY_FAIL_NMI, 3);
}

static void test_intr_info(void **state)
{
	union vmx_intr_info ii;

	(void)state;
	/* #PF (14), hardware exception, error code valid. */
	ii.raw = 0x80000b0e;
	assert_int_equal(ii.vector, 14);
	assert_int_equal(ii.type, INTR_TYPE_HARD_EXCEPTION);
	assert_int_equal(ii.error_code_valid, 1);
	assert_int_equal(ii.nmi_unblocking, 0);
	assert_int_equal(ii.valid, 1);

	/* NMI with NMI unblocking due to IRET. */
	ii.raw = 0x80001202;
	assert_int_equal(ii.vector, 2);
	assert_int_equal(ii.type, INTR_TYPE_NMI);
	assert_int_equal(ii.nmi_unblocking, 1);

	/* Injecting INT3: software exception, vector 3. */
	ii.raw = 0;
	ii.vector = 3;
	ii.type = INTR_TYPE_SOFT_EXCEPTION;
	ii.valid = 1;
	assert_int_equal(ii.raw, 0x80000603);
	assert_int_equal(ii.raw & INTR_INFO_VECTOR_MASK, 3);
	assert_int_equal((ii.raw & INTR_INFO_INTR_TYPE_MASK) >>
			 INTR_INFO_INTR_TYPE_SHIFT, INTR_TYPE_SOFT_EXCEPTION);
	assert_true(ii.raw & INTR_INFO_VALID_MASK);
	assert_false(ii.raw & INTR_INFO_DELIVER_CODE_MASK);

	assert_int_equal(INTR_TYPE_EXT_INTR, 0);
	assert_int_equal(INTR_TYPE_SOFT_INTR, 4);
	assert_int_equal(INTR_TYPE_PRIV_SW_EXCEPTION, 5);
	assert_int_equal(INTR_TYPE_OTHER_EVENT, 7);
}

static void test_insn_info(void **state)
{
	union vmx_insn_info_ins_outs io;
	union vmx_insn_info ii;

	(void)state;
	/* OUTS with a 64-bit address size and a DS segment. */
	io.raw = 0x18100;
	assert_int_equal(io.addr_size, INSN_INFO_ADDR_SIZE_64);
	assert_int_equal(io.segment, INSN_INFO_SEG_DS);
	io.raw = 0x20080;	/* 32-bit address, FS override */
	assert_int_equal(io.addr_size, INSN_INFO_ADDR_SIZE_32);
	assert_int_equal(io.segment, INSN_INFO_SEG_FS);

	/* LIDT [rax + rbx * 8] in 64-bit mode, DS. */
	ii.raw = 0x300d8103;
	assert_int_equal(ii.scaling, 3);
	assert_int_equal(ii.addr_size, INSN_INFO_ADDR_SIZE_64);
	assert_int_equal(ii.is_reg, 0);
	assert_int_equal(ii.segment, INSN_INFO_SEG_DS);
	assert_int_equal(ii.index_reg, 3);
	assert_int_equal(ii.index_invalid, 0);
	assert_int_equal(ii.base_reg, 0);
	assert_int_equal(ii.base_invalid, 0);
	assert_int_equal(ii.reg2 & 3, INSN_INFO_DT_LIDT);

	/* VMREAD RCX <- field in RDX (register form): reg1 = 1, reg2 = 2. */
	ii.raw = 0;
	ii.reg1 = 1;
	ii.is_reg = 1;
	ii.reg2 = 2;
	ii.index_invalid = 1;
	ii.base_invalid = 1;
	assert_int_equal(ii.raw, 0x28400408);
}

static void test_guest_state_constants(void **state)
{
	(void)state;
	assert_int_equal(GUEST_ACTIVITY_ACTIVE, 0);
	assert_int_equal(GUEST_ACTIVITY_HLT, 1);
	assert_int_equal(GUEST_ACTIVITY_SHUTDOWN, 2);
	assert_int_equal(GUEST_ACTIVITY_WAIT_SIPI, 3);
	assert_int_equal(GUEST_INTR_STATE_STI, 0x1);
	assert_int_equal(GUEST_INTR_STATE_MOV_SS, 0x2);
	assert_int_equal(GUEST_INTR_STATE_SMI, 0x4);
	assert_int_equal(GUEST_INTR_STATE_NMI, 0x8);
	assert_int_equal(GUEST_INTR_STATE_ENCLAVE_INTR, 0x10);
}

static void test_vm_instruction_errors(void **state)
{
	/* The SDM's numbers; 14, 21 and 27 are not defined. */
	static const u32 defined[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				       13, 15, 16, 17, 18, 19, 20, 22, 23, 24,
				       25, 26, 28 };
	static const u32 undefined[] = { 0, 14, 21, 27, 29, 30, 255,
					 0xffffffff };
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(defined); i++) {
		const char *name = vm_instruction_error_name(defined[i]);

		if (!name)
			fail_msg("VM-instruction error %u has no name",
				 defined[i]);
		assert_true(strlen(name) > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(
				name, vm_instruction_error_name(defined[j]));
	}
	for (i = 0; i < ARRAY_SIZE(undefined); i++)
		assert_null(vm_instruction_error_name(undefined[i]));

	assert_int_equal(VMXERR_ENTRY_INVALID_CONTROL_FIELD, 7);
	assert_int_equal(VMXERR_ENTRY_INVALID_HOST_STATE_FIELD, 8);
	assert_int_equal(VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID, 11);
	assert_int_equal(VMXERR_UNSUPPORTED_VMCS_COMPONENT, 12);
	assert_int_equal(VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT, 13);
	assert_int_equal(VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS, 26);
	assert_int_equal(VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID, 28);
	assert_int_equal(VMXERR_MAX, 28);
	assert_string_equal(vm_instruction_error_name(13),
			    "VMWRITE to read-only VMCS component");
	assert_string_equal(vm_instruction_error_name(7),
			    "VM entry with invalid control field(s)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_reason_names),
		cmocka_unit_test(test_exit_reason_undefined),
		cmocka_unit_test(test_exit_reason_constants),
		cmocka_unit_test(test_exit_reason_union),
		cmocka_unit_test(test_qual_io),
		cmocka_unit_test(test_qual_cr),
		cmocka_unit_test(test_qual_dr),
		cmocka_unit_test(test_qual_ept_violation),
		cmocka_unit_test(test_qual_task_switch),
		cmocka_unit_test(test_qual_apic_access),
		cmocka_unit_test(test_qual_entry_fail),
		cmocka_unit_test(test_intr_info),
		cmocka_unit_test(test_insn_info),
		cmocka_unit_test(test_guest_state_constants),
		cmocka_unit_test(test_vm_instruction_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
