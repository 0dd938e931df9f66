/* SPDX-License-Identifier: MIT */
/*
 * Correct use of every accessor and wrapper in vmx/vmx_ops.h: must compile
 * without errors or warnings.
 */
#include "vmx/vmx_ops.h"

unsigned long build_ok_case(u32 variable_field, u64 vmcs_phys);

unsigned long build_ok_case(u32 variable_field, u64 vmcs_phys)
{
	unsigned long sum = 0;
	unsigned long raw;

	if (__vmx_on(vmcs_phys))
		return 0;
	vmcs_clear(vmcs_phys);
	vmcs_load(vmcs_phys);
	if (__vmclear(vmcs_phys) || __vmptrld(vmcs_phys))
		return 0;
	sum += __vmptrst();

	vmcs_write16(VIRTUAL_PROCESSOR_ID, 1);
	vmcs_write16(GUEST_CS_SELECTOR, 0x8);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, 0);
	vmcs_write32(GUEST_CS_AR_BYTES, 0);
	vmcs_write32(GUEST_IA32_EFER_HIGH, 0);	/* _HIGH: a 32-bit access */
	vmcs_write64(EPT_POINTER, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ull);
	vmcs_writel(GUEST_RIP, 0x100000);
	vmcs_writel(HOST_RIP, 0);
	vmcs_set_bits(SECONDARY_VM_EXEC_CONTROL, BIT(1));
	vmcs_clear_bits(PIN_BASED_VM_EXEC_CONTROL, BIT(0));

	sum += vmcs_read16(GUEST_CS_SELECTOR);
	sum += vmcs_read32(VM_EXIT_REASON);
	sum += vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	sum += vmcs_read32(GUEST_PHYSICAL_ADDRESS_HIGH);
	sum += vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	sum += vmcs_readl(EXIT_QUALIFICATION);
	sum += vmcs_readl(GUEST_RSP);

	/* A run-time field number cannot be checked at build time. */
	sum += vmcs_readl(variable_field);
	vmcs_write32(variable_field, 0);

	if (vmx_vmread(VM_INSTRUCTION_ERROR, &raw) == VMX_INSN_SUCCEED)
		sum += raw;
	if (vmx_vmwrite(GUEST_RFLAGS, 2) != VMX_INSN_SUCCEED)
		sum++;

	__invept(VMX_EPT_EXTENT_CONTEXT, 0);
	__invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, 1, 0);
	if (__vmx_off())
		sum++;
	return sum;
}
