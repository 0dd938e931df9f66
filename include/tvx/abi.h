/* SPDX-License-Identifier: MIT */
/*
 * The guest ABI of tinyvmx, shared by the hypervisor, the guest test kernels
 * and the `tinyvmx` command.
 *
 * Hypercalls (VMCALL): number in RAX, arguments in RBX, RCX, RDX, RSI, result
 * in RAX (for 32-bit guests: the low halves).  Negative results are errno
 * values; an unknown number returns TVX_ENOSYS (-1000, like KVM's
 * -KVM_ENOSYS).  VMCALL from CPL > 0 returns TVX_EPERM.
 */
#ifndef TVX_ABI_H
#define TVX_ABI_H

/* Hypercall numbers */
#define TVX_HC_NOP 0		/* returns 0: the cheapest round trip */
#define TVX_HC_POWER_OFF 1	/* RBX = exit code; does not return */
#define TVX_HC_CONSOLE_WRITE 2	/* RBX = guest-physical address, RCX = length; returns length */
#define TVX_HC_EXIT_COUNT 3	/* RBX = basic exit reason; returns this vCPU's count so far */
#define TVX_HC_HOST_TSC 4	/* the hypervisor's start TSC, in guest TSC terms (bench) */

/* Hypercall results */
#define TVX_ENOSYS (-1000)	/* unknown hypercall number */
#define TVX_EPERM (-1)		/* hypercall from CPL > 0 */
#define TVX_EFAULT (-14)	/* argument outside guest memory */
#define TVX_EINVAL (-22)	/* bad argument */
#define TVX_CONSOLE_WRITE_MAX 4096

/* Platform ports (QEMU pc compatible) */
#define TVX_PORT_COM1 0x3f8
#define TVX_PORT_DEBUG_EXIT 0xf4
#define TVX_PORT_SHUTDOWN 0x8900

/* CPUID hypervisor range: leaf 0x40000000 returns the max leaf in EAX and
 * the signature "tinyvmx" (padded with NUL) in EBX, ECX, EDX.  Leaf
 * 0x40000010 is the timing leaf other hypervisors use too: EAX = TSC
 * frequency in kHz, EBX = local APIC timer (bus) frequency in kHz, which
 * in tinyvmx equals the TSC's (the timer counts TSC ticks). */
#define TVX_CPUID_SIGNATURE_LEAF 0x40000000
#define TVX_CPUID_FEATURES_LEAF 0x40000001
#define TVX_CPUID_TIMING_LEAF 0x40000010
#define TVX_CPUID_MAX_LEAF TVX_CPUID_TIMING_LEAF
#define TVX_CPUID_SIG_EBX 0x796e6974	/* "tiny" */
#define TVX_CPUID_SIG_ECX 0x00786d76	/* "vmx\0" */
#define TVX_CPUID_SIG_EDX 0x00000000

/*
 * Exit status of `tinyvmx run`:
 *   0              the guest powered off cleanly (TVX_HC_POWER_OFF with code 0,
 *                  or "Shutdown" written to port 0x8900)
 *   (v << 1) | 1   the guest wrote v to the debug-exit port 0xf4 (as QEMU's
 *                  isa-debug-exit)
 *   2              the hypervisor killed the VM (triple fault, unhandled exit,
 *                  VM-entry failure, bad guest state ...); reason on stderr
 *   4              the guest powered off with a non-zero code (on stderr)
 *   8              the hypervisor itself failed (panic, no VMX, out of memory)
 *   10             timed out (--timeout) or Bochs did not finish
 *   64             bad command line or guest image: refused before Bochs starts
 */
#define TVX_STATUS_POWER_OFF 0
#define TVX_STATUS_KILLED 2
#define TVX_STATUS_POWER_OFF_CODE 4
#define TVX_STATUS_HV_FAILURE 8
#define TVX_STATUS_TIMEOUT 10
#define TVX_STATUS_USAGE 64

#endif
