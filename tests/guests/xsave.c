/* SPDX-License-Identifier: MIT */
/*
 * xsave: XCR0 as the guest sees it.  XSETBV exits and the hypervisor
 * checks the value as the CPU would (SDM Vol. 2, "XSETBV": #GP(0) for a
 * clear x87 bit, AVX without SSE, unsupported components, ECX != 0); XGETBV
 * reads the value back; CPUID.(EAX=0DH,ECX=0):EBX is the XSAVE area size
 * for the XCR0 the guest enabled.  The hypervisor keeps the guest's XCR0 in
 * the CPU only while KVM_RUN runs and puts the host's back when it returns
 * to the device model: after an IOAPIC access (served there) XCR0, the
 * size and the upper half of a YMM register must be as the guest left them.
 */
#include "guest.h"

#define GP_VECTOR 13
#define EXIT_REASON_XSETBV 55
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49

#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_AVX (1u << 28)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXSAVE (1u << 18)
#define LEAF_XSAVE 0xd

/* XCR0 components (SDM Vol. 1, "XSAVE-Supported Features and
 * State-Component Bitmaps") */
#define XFEATURE_FP (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_YMM (1ull << 2)
#define XFEATURE_OPMASK (1ull << 5)
#define XFEATURE_RESERVED_63 (1ull << 63)
#define XCR0 0
#define XINUSE 1		/* XGETBV only */
#define XCR_NONE 2		/* no such XCR */
#define NR_XFEATURES 63
#define FIRST_EXTENDED_XFEATURE 2
/* legacy region (512 bytes) + XSAVE header (64) */
#define XSAVE_LEGACY_AND_HEADER 576

/* The IOAPIC's register select: an MMIO access the device model serves. */
#define IOAPIC_REGSEL 0xfec00000u

#define YMM_BYTES 32
#define YMM_PATTERN 0xa5

static int xsetbv_safe(u32 index, u64 value)
{
	return GUEST_TRY("xsetbv", : : "c"(index), "a"((u32)value),
			 "d"((u32)(value >> 32)) : "memory");
}

static u64 xgetbv(u32 index)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((u64)hi << 32) | lo;
}

static u32 xsave_size_now(void)
{
	u32 a, b, c, d;

	cpuid(LEAF_XSAVE, 0, &a, &b, &c, &d);
	return b;
}

/* What CPUID.(0DH,0):EBX should say for @xcr0: the end of the highest
 * enabled component in the standard format, at least the legacy region
 * and the header. */
static u32 expected_size(u64 xcr0)
{
	u32 size = XSAVE_LEGACY_AND_HEADER;

	for (u32 i = FIRST_EXTENDED_XFEATURE; i < NR_XFEATURES; i++) {
		u32 a, b, c, d;

		if (!(xcr0 & (1ull << i)))
			continue;
		cpuid(LEAF_XSAVE, i, &a, &b, &c, &d);
		if (b + a > size)
			size = b + a;
	}
	return size;
}

static void expect_xsetbv_gp(u32 index, u64 value, u64 keep, const char *what)
{
	int f = xsetbv_safe(index, value);
	u64 now = xgetbv(XCR0);

	report(f == GP_VECTOR && fault_error_code == 0 && now == keep,
	       "XSETBV %s raises #GP(0) (vector %d, XCR0 stays %#llx)", what, f, now);
}

/* The guest's AVX state across a return to the device model. */
static void check_ymm_survives(long mmio_before)
{
	static u8 in[YMM_BYTES] __attribute__((aligned(YMM_BYTES)));
	static u8 out[YMM_BYTES] __attribute__((aligned(YMM_BYTES)));
	long mmio_after;

	for (int i = 0; i < YMM_BYTES; i++)
		in[i] = YMM_PATTERN ^ i;
	asm volatile("vmovdqu %0, %%ymm3" : : "m"(in));
	(void)mmio_read32(IOAPIC_REGSEL);
	asm volatile("vmovdqu %%ymm3, %0" : "=m"(out));
	mmio_after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_EPT_VIOLATION, 0, 0, 0) +
		     hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_EPT_MISCONFIG, 0, 0, 0);
	report(mmio_after > mmio_before, "the IOAPIC reads went to the device model (%ld -> %ld)",
	       mmio_before, mmio_after);
	report(!memcmp(in, out, YMM_BYTES), "YMM3 (both halves) survives a device-model exit");
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d;
	u64 supported, target, legacy = XFEATURE_FP | XFEATURE_SSE;
	bool avx;
	long xsetbv_before, xsetbv_after, mmio_before;
	int f;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_XSAVE)) {
		f = GUEST_TRY("mov %0, %%cr4", : : "r"(read_cr4() | CR4_OSXSAVE));
		report(f == GP_VECTOR, "no XSAVE: setting CR4.OSXSAVE raises #GP (%d)", f);
		return 0;
	}
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXSAVE);
	cpuid(1, 0, &a, &b, &c, &d);
	report(c & CPUID_1_ECX_OSXSAVE, "CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE");

	cpuid(LEAF_XSAVE, 0, &a, &b, &c, &d);
	supported = ((u64)d << 32) | a;
	cpuid(1, 0, &a, &b, &c, &d);
	avx = (supported & XFEATURE_YMM) && (c & CPUID_1_ECX_AVX);
	target = avx ? legacy | XFEATURE_YMM : legacy;
	printf("xsave: XCR0 may hold %#llx, setting %#llx (%s)\n", supported, target,
	       avx ? "x87|SSE|AVX" : "x87|SSE");

	report(xgetbv(XCR0) == XFEATURE_FP, "XCR0 is x87 only at power-on (%#llx)", xgetbv(XCR0));
	report(xsave_size_now() == XSAVE_LEGACY_AND_HEADER,
	       "CPUID.(0DH,0):EBX is %u for x87 only (expected %u)", xsave_size_now(),
	       XSAVE_LEGACY_AND_HEADER);

	xsetbv_before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_XSETBV, 0, 0, 0);
	f = xsetbv_safe(XCR0, target);
	xsetbv_after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_XSETBV, 0, 0, 0);
	report(f < 0 && xgetbv(XCR0) == target, "XSETBV %#llx reads back with XGETBV (%#llx)",
	       target, xgetbv(XCR0));
	report(xsetbv_after == xsetbv_before + 1, "XSETBV exits: XSETBV %ld -> %ld",
	       xsetbv_before, xsetbv_after);
	report(xsave_size_now() == expected_size(target),
	       "CPUID.(0DH,0):EBX is %u for XCR0 %#llx (expected %u)", xsave_size_now(), target,
	       expected_size(target));

	/* #GP: x87 cleared, AVX without SSE, unsupported or reserved bits,
	 * an XCR other than XCR0 */
	expect_xsetbv_gp(XCR0, XFEATURE_SSE, target, "without x87");
	expect_xsetbv_gp(XCR0, 0, target, "of 0");
	expect_xsetbv_gp(XCR0, XFEATURE_FP | XFEATURE_YMM, target, "AVX without SSE");
	expect_xsetbv_gp(XCR0, target | XFEATURE_RESERVED_63, target, "with reserved bit 63");
	for (u32 i = 0; i < NR_XFEATURES; i++) {
		if (!(supported & (1ull << i))) {
			expect_xsetbv_gp(XCR0, target | (1ull << i), target,
					 "with an unsupported component");
			printf("xsave: (component %u is not supported)\n", i);
			break;
		}
	}
	if (supported & XFEATURE_OPMASK)
		expect_xsetbv_gp(XCR0, legacy | XFEATURE_YMM | XFEATURE_OPMASK, target,
				 "with one of AVX-512's three components");
	expect_xsetbv_gp(XINUSE, target, target, "with ECX = 1");
	expect_xsetbv_gp(XCR_NONE, target, target, "with ECX = 2");

	/* A round trip through the device model keeps the guest's XCR0. */
	mmio_before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_EPT_VIOLATION, 0, 0, 0) +
		      hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_EPT_MISCONFIG, 0, 0, 0);
	if (avx) {
		check_ymm_survives(mmio_before);
	} else {
		(void)mmio_read32(IOAPIC_REGSEL);
		printf("xsave: no AVX, YMM state not checked\n");
	}
	report(xgetbv(XCR0) == target, "XCR0 is still %#llx after the device model ran (%#llx)",
	       target, xgetbv(XCR0));
	report(xsave_size_now() == expected_size(target),
	       "CPUID.(0DH,0):EBX still %u after the device model ran", xsave_size_now());

	/* Back to SSE only: the size shrinks again. */
	f = xsetbv_safe(XCR0, legacy);
	report(f < 0 && xgetbv(XCR0) == legacy, "XSETBV x87|SSE reads back (%#llx)",
	       xgetbv(XCR0));
	report(xsave_size_now() == XSAVE_LEGACY_AND_HEADER,
	       "CPUID.(0DH,0):EBX is %u for x87|SSE", xsave_size_now());
	return 0;
}
