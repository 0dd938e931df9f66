/* SPDX-License-Identifier: MIT */
/*
 * Names of VMCS fields and VM-instruction errors, generated from the lists
 * in vmx/vmcs.h so that a new field needs one line in one place.  Used by
 * the VMREAD/VMWRITE error paths and VMCS dumps.
 */
#include "vmx/vmcs.h"

#define __VMCS_FIELD_DESC(n, enc, w, t)				\
	{								\
		.name = #n,						\
		.encoding = (enc),					\
		.width = __VMCS_DECL_WIDTH_##w,				\
		.type = __VMCS_DECL_TYPE_##t,				\
		.high = __VMCS_DECL_HIGH_##w,				\
	},

const struct vmcs_field_desc vmcs_field_table[] = {
	VMCS_FIELDS(__VMCS_FIELD_DESC)
};

const size_t vmcs_field_count = ARRAY_SIZE(vmcs_field_table);

_Static_assert(ARRAY_SIZE(vmcs_field_table) == VMCS_FIELD_COUNT,
	       "VMCS_FIELD_COUNT out of date");

/*
 * VMCS_FIELDS() is in encoding order (the unit test checks it), so a binary
 * search finds the row.
 */
const struct vmcs_field_desc *vmcs_field_lookup(u32 enc)
{
	size_t lo = 0, hi = ARRAY_SIZE(vmcs_field_table);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		u32 cur = vmcs_field_table[mid].encoding;

		if (cur == enc)
			return &vmcs_field_table[mid];
		if (cur < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * A switch rather than a lookup: besides being fast, it turns two fields with
 * the same encoding into a "duplicate case value" build error.
 */
#define __VMCS_FIELD_CASE(n, enc, w, t)				\
	case (enc):							\
		return #n;

const char *vmcs_field_name(u32 enc)
{
	switch (enc) {
	VMCS_FIELDS(__VMCS_FIELD_CASE)
	default:
		return NULL;
	}
}

#define __VMXERR_CASE(name, num, text)					\
	case (num):							\
		return text;

const char *vm_instruction_error_name(u32 n)
{
	switch (n) {
	VMX_INSTRUCTION_ERRORS(__VMXERR_CASE)
	default:
		return NULL;
	}
}
