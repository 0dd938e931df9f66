/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the smp guest test (tests/guests/smp.c) and its AP
 * trampoline (tests/guests/smp_trampoline.S).  Plain #defines only: the
 * assembler includes this file too.
 */
#ifndef TVX_GUEST_SMP_H
#define TVX_GUEST_SMP_H

/* The largest VM: KVM_MAX_VCPUS in virt/kvm_host.h, APIC IDs 0 to 7. */
#define SMP_MAX_CPUS 8

/*
 * Where the trampoline runs: a STARTUP IPI with vector VV starts an AP in
 * real mode at CS:IP = VV00:0000, physical address VV000 ("MP
 * Initialization Protocol Algorithm" in SDM Vol. 3A).  The guest's page 0
 * is free RAM (no BIOS data lives there), as on QEMU's pc machine.
 */
#define SMP_TRAMP_BASE 0x0000
#define SMP_SIPI_VECTOR (SMP_TRAMP_BASE >> 12)

/* One stack per AP in the guest's .bss, indexed by the xAPIC ID. */
#define AP_STACK_SHIFT 12
#define AP_STACK_SIZE (1 << AP_STACK_SHIFT)

/* The xAPIC ID register: the ID is in bits 31:24 (SDM Vol. 3A, "Local
 * APIC ID"). */
#define XAPIC_BASE 0xfee00000
#define APIC_ID 0x20
#define APIC_ID_SHIFT 24

/* Selectors of the GDT the APs load: the same layout as the guest lib's
 * crt0.S, whose IDT gates use SEL_CODE32. */
#define SEL_CODE32 0x08
#define SEL_DATA32 0x10

#endif
