/* SPDX-License-Identifier: MIT */
/*
 * VMCS field list (vmx/vmcs.h, vmx/vmcs_names.c): every declared width and
 * type agrees with the bits of its encoding, _HIGH halves pair with their
 * full fields, encodings and names are unique, lookups round-trip, and a few
 * encodings match the SDM's "Field Encoding in VMCS" tables literally.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmcs.h"

/* Fields in VMCS_FIELDS() (full and _HIGH encodings each count as one). */
#define EXPECTED_FIELD_COUNT 272
/* Of which 64-bit fields, each listed as a full and a _HIGH encoding. */
#define EXPECTED_64BIT_FIELDS 73

static void test_count(void **state)
{
	size_t i, n64 = 0, nhigh = 0;

	(void)state;
	assert_int_equal(vmcs_field_count, EXPECTED_FIELD_COUNT);
	assert_int_equal(VMCS_FIELD_COUNT, EXPECTED_FIELD_COUNT);
	for (i = 0; i < vmcs_field_count; i++) {
		if (vmcs_field_table[i].width != VMCS_FIELD_WIDTH_U64)
			continue;
		if (vmcs_field_table[i].high)
			nhigh++;
		else
			n64++;
	}
	assert_int_equal(n64, EXPECTED_64BIT_FIELDS);
	assert_int_equal(nhigh, EXPECTED_64BIT_FIELDS);
}

static void test_declared_matches_encoding(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_desc *d = &vmcs_field_table[i];

		if (vmcs_field_width(d->encoding) != d->width ||
		    vmcs_field_type(d->encoding) != d->type ||
		    vmcs_field_is_high(d->encoding) != d->high)
			fail_msg("%s (0x%x): declared width/type/high disagree "
				 "with the encoding", d->name, d->encoding);
		if (d->encoding & VMCS_ENC_RESERVED_MASK)
			fail_msg("%s: reserved encoding bits set", d->name);
	}
}

static void test_high_fields(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_desc *d = &vmcs_field_table[i];
		size_t len = strlen(d->name);
		bool named_high = len > 5 && !strcmp(d->name + len - 5, "_HIGH");
		const struct vmcs_field_desc *full;

		/* Only 64-bit fields have an access-type-high form. */
		if (d->width != VMCS_FIELD_WIDTH_U64) {
			assert_false(vmcs_field_is_high(d->encoding));
			assert_false(named_high);
			continue;
		}
		if (!d->high) {
			/* Every full 64-bit field has its _HIGH half next. */
			char want[96];
			const struct vmcs_field_desc *h;

			assert_false(named_high);
			snprintf(want, sizeof(want), "%s_HIGH", d->name);
			h = vmcs_field_lookup(d->encoding | VMCS_ENC_ACCESS_HIGH);
			assert_non_null(h);
			assert_string_equal(h->name, want);
			continue;
		}
		assert_true(named_high);
		assert_true(d->encoding & VMCS_ENC_ACCESS_HIGH);
		assert_int_equal(vmcs_field_width(d->encoding),
				 VMCS_FIELD_WIDTH_U64);
		full = vmcs_field_lookup(d->encoding & ~VMCS_ENC_ACCESS_HIGH);
		assert_non_null(full);
		assert_false(full->high);
		assert_int_equal(full->type, d->type);
		assert_int_equal(strlen(full->name), len - 5);
		assert_memory_equal(full->name, d->name, len - 5);
	}
}

static void test_unique_and_sorted(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < vmcs_field_count; i++) {
		if (i > 0 && vmcs_field_table[i - 1].encoding >=
			     vmcs_field_table[i].encoding)
			fail_msg("%s: not in ascending encoding order",
				 vmcs_field_table[i].name);
		for (j = i + 1; j < vmcs_field_count; j++) {
			assert_int_not_equal(vmcs_field_table[i].encoding,
					     vmcs_field_table[j].encoding);
			if (!strcmp(vmcs_field_table[i].name,
				    vmcs_field_table[j].name))
				fail_msg("duplicate name %s",
					 vmcs_field_table[i].name);
		}
	}
}

static void test_name_round_trip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_desc *d = &vmcs_field_table[i];
		const char *name = vmcs_field_name(d->encoding);

		assert_non_null(name);
		assert_string_equal(name, d->name);
		assert_ptr_equal(vmcs_field_lookup(d->encoding), d);
	}
}

static void test_unknown_encodings(void **state)
{
	/* Holes in the tables, reserved bits, a bogus high on a 32-bit field. */
	static const u32 unknown[] = {
		0x00000001, 0x0000000a, 0x00000816, 0x00000c0e, 0x00002046,
		0x00002400 | BIT(12), 0x00004026, 0x00004401, 0x00004830,
		0x00004c02, 0x00006010, 0x00006c1e, 0x00008000, 0xffffffff,
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_null(vmcs_field_name(unknown[i]));
		assert_null(vmcs_field_lookup(unknown[i]));
	}
}

static void test_sdm_spot_checks(void **state)
{
	(void)state;
	/* Literal encodings from the SDM's "Field Encoding in VMCS" tables. */
	assert_int_equal(VIRTUAL_PROCESSOR_ID, 0x0000);
	assert_int_equal(GUEST_ES_SELECTOR, 0x0800);
	assert_int_equal(HOST_TR_SELECTOR, 0x0c0c);
	assert_int_equal(IO_BITMAP_A, 0x2000);
	assert_int_equal(MSR_BITMAP, 0x2004);
	assert_int_equal(TSC_OFFSET, 0x2010);
	assert_int_equal(EPT_POINTER, 0x201a);
	assert_int_equal(TSC_MULTIPLIER, 0x2032);
	assert_int_equal(TERTIARY_VM_EXEC_CONTROL, 0x2034);
	assert_int_equal(GUEST_PHYSICAL_ADDRESS, 0x2400);
	assert_int_equal(VMCS_LINK_POINTER, 0x2800);
	assert_int_equal(GUEST_IA32_EFER, 0x2806);
	assert_int_equal(GUEST_IA32_EFER_HIGH, 0x2807);
	assert_int_equal(HOST_IA32_EFER, 0x2c02);
	assert_int_equal(PIN_BASED_VM_EXEC_CONTROL, 0x4000);
	assert_int_equal(CPU_BASED_VM_EXEC_CONTROL, 0x4002);
	assert_int_equal(VM_EXIT_CONTROLS, 0x400c);
	assert_int_equal(VM_ENTRY_CONTROLS, 0x4012);
	assert_int_equal(VM_ENTRY_INTR_INFO_FIELD, 0x4016);
	assert_int_equal(SECONDARY_VM_EXEC_CONTROL, 0x401e);
	assert_int_equal(VM_INSTRUCTION_ERROR, 0x4400);
	assert_int_equal(VM_EXIT_REASON, 0x4402);
	assert_int_equal(VMX_INSTRUCTION_INFO, 0x440e);
	assert_int_equal(GUEST_ES_LIMIT, 0x4800);
	assert_int_equal(GUEST_TR_AR_BYTES, 0x4822);
	assert_int_equal(GUEST_INTERRUPTIBILITY_INFO, 0x4824);
	assert_int_equal(VMX_PREEMPTION_TIMER_VALUE, 0x482e);
	assert_int_equal(HOST_IA32_SYSENTER_CS, 0x4c00);
	assert_int_equal(CR0_GUEST_HOST_MASK, 0x6000);
	assert_int_equal(CR3_TARGET_VALUE3, 0x600e);
	assert_int_equal(EXIT_QUALIFICATION, 0x6400);
	assert_int_equal(GUEST_LINEAR_ADDRESS, 0x640a);
	assert_int_equal(GUEST_CR0, 0x6800);
	assert_int_equal(GUEST_RIP, 0x681e);
	assert_int_equal(GUEST_RFLAGS, 0x6820);
	assert_int_equal(GUEST_INTR_SSP_TABLE, 0x682c);
	assert_int_equal(HOST_CR3, 0x6c02);
	assert_int_equal(HOST_RIP, 0x6c16);
	assert_int_equal(HOST_INTR_SSP_TABLE, 0x6c1c);

	assert_string_equal(vmcs_field_name(0x681e), "GUEST_RIP");
	assert_string_equal(vmcs_field_name(0x2004), "MSR_BITMAP");
	assert_string_equal(vmcs_field_name(0x4402), "VM_EXIT_REASON");
	assert_string_equal(vmcs_field_name(0x2807), "GUEST_IA32_EFER_HIGH");
}

static void test_encoding_helpers(void **state)
{
	(void)state;
	assert_int_equal(vmcs_field_width(GUEST_CS_SELECTOR), VMCS_FIELD_WIDTH_U16);
	assert_int_equal(vmcs_field_width(EPT_POINTER), VMCS_FIELD_WIDTH_U64);
	assert_int_equal(vmcs_field_width(VM_EXIT_REASON), VMCS_FIELD_WIDTH_U32);
	assert_int_equal(vmcs_field_width(GUEST_RIP), VMCS_FIELD_WIDTH_NATURAL);
	assert_int_equal(vmcs_field_type(TSC_OFFSET), VMCS_FIELD_TYPE_CONTROL);
	assert_int_equal(vmcs_field_type(EXIT_QUALIFICATION),
			 VMCS_FIELD_TYPE_VMEXIT_INFO);
	assert_int_equal(vmcs_field_type(GUEST_RSP), VMCS_FIELD_TYPE_GUEST);
	assert_int_equal(vmcs_field_type(HOST_RSP), VMCS_FIELD_TYPE_HOST);
	assert_true(vmcs_field_is_high(TSC_OFFSET_HIGH));
	assert_false(vmcs_field_is_high(TSC_OFFSET));
	/* GUEST_TR_AR_BYTES is index 17 of the 32-bit guest-state fields. */
	assert_int_equal(vmcs_field_index(GUEST_TR_AR_BYTES), 17);
}

static void test_vmcs_region_layout(void **state)
{
	struct {
		struct vmcs vmcs;
		char space[16];
	} region;

	(void)state;
	memset(&region, 0, sizeof(region));
	region.vmcs.hdr.revision_id = 0x12345678 & 0x7fffffff;
	region.vmcs.hdr.shadow_vmcs = 1;
	region.vmcs.abort = 0xabcd;
	/* Revision in bits 30:0 of the first dword, shadow bit 31. */
	assert_int_equal(((u32 *)&region)[0], 0x92345678);
	assert_int_equal(((u32 *)&region)[1], 0xabcd);
	assert_int_equal(offsetof(struct vmcs, data), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_declared_matches_encoding),
		cmocka_unit_test(test_high_fields),
		cmocka_unit_test(test_unique_and_sorted),
		cmocka_unit_test(test_name_round_trip),
		cmocka_unit_test(test_unknown_encodings),
		cmocka_unit_test(test_sdm_spot_checks),
		cmocka_unit_test(test_encoding_helpers),
		cmocka_unit_test(test_vmcs_region_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
