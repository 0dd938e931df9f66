/* SPDX-License-Identifier: MIT */
/*
 * apic: the local APIC as a test kernel uses it, in xAPIC mode (MMIO at
 * 0xfee00000) or, with "x2apic" on the command line, in x2APIC mode
 * (MSRs 0x800-0x8ff).  Checks the register model (ID, version, read-only
 * bits), a self-IPI that arrives once with ISR set until EOI, TPR masking,
 * and the timer in one-shot, periodic and TSC-deadline mode: each fires
 * after its deadline and within a tolerance measured with RDTSC.
 */
#include "guest.h"

#define MSR_IA32_APICBASE 0x1b
#define APICBASE_ENABLE (1u << 11)
#define APICBASE_EXTD (1u << 10)
#define APICBASE_BSP (1u << 8)
#define MSR_TSC_DEADLINE 0x6e0
#define XAPIC_BASE 0xfee00000u
#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))

#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_SPIV_ENABLE (1u << 8)
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define APIC_SELF_IPI 0x3f0		/* x2APIC only */
#define APIC_LVT_MASKED (1u << 16)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_TDCR_DIV_1 0xb
#define APIC_DEST_SELF (1u << 18)
#define APIC_DM_FIXED 0

#define SPURIOUS_VECTOR 0xff
#define IPI_VECTOR 0x40
#define TIMER_VECTOR 0x50
#define LOW_VECTOR 0x31			/* priority class 3 */
#define TIMER_TICKS 20000
/* interrupt delivery adds a VM exit and an entry: allow that much */
#define TOLERANCE 5000

static bool x2apic;

static u32 apic_read(u32 reg)
{
	return x2apic ? (u32)rdmsr(X2APIC_MSR(reg)) : mmio_read32(XAPIC_BASE + reg);
}

static void apic_write(u32 reg, u32 v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		mmio_write32(XAPIC_BASE + reg, v);
}

static void self_ipi(u8 vector)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(APIC_SELF_IPI), vector);
	else
		apic_write(APIC_ICR, APIC_DEST_SELF | APIC_DM_FIXED | vector);
}

static bool isr_bit(u8 vector)
{
	return apic_read(APIC_ISR + (vector / 32) * 0x10) & (1u << (vector % 32));
}

static volatile bool isr_in_handler;

static void ipi_handler(u8 vector)
{
	isr_in_handler = isr_bit(vector);
	apic_write(APIC_EOI, 0);
}

static void eoi_handler(u8 vector)
{
	apic_write(APIC_EOI, 0);
}

static void check_registers(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);
	u32 id, lvr;

	report((base & ~0xfffull) == XAPIC_BASE && (base & APICBASE_ENABLE) &&
	       (base & APICBASE_BSP), "IA32_APIC_BASE %#llx: 0xfee00000, enabled, BSP", base);
	if (x2apic) {
		wrmsr(MSR_IA32_APICBASE, base | APICBASE_EXTD);
		report(rdmsr(MSR_IA32_APICBASE) & APICBASE_EXTD, "x2APIC mode enabled");
	}
	id = apic_read(APIC_ID);
	lvr = apic_read(APIC_LVR);
	report(id == 0, "APIC ID %#x is 0", id);
	report((lvr & 0xff) == 0x14 && ((lvr >> 16) & 0xff) >= 5,
	       "version %#x: 0x14 with at least 6 LVT entries", lvr);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_VECTOR);
	report(apic_read(APIC_SPIV) == (APIC_SPIV_ENABLE | SPURIOUS_VECTOR),
	       "SVR %#x: software-enabled, spurious vector 0xff", apic_read(APIC_SPIV));
	apic_write(APIC_TASKPRI, 0);
	if (x2apic) {
		u64 v;

		report(wrmsr_safe(X2APIC_MSR(APIC_EOI), 1) == 13,
		       "x2APIC: a non-zero EOI write raises #GP");
		report(rdmsr_safe(X2APIC_MSR(APIC_ICR2), &v) == 13,
		       "x2APIC: ICR2 (0x831) does not exist: #GP");
		/* SDM "x2APIC Register Availability": the MMIO page is gone,
		 * the address is unassigned space (reads all ones). */
		v = mmio_read32(XAPIC_BASE + APIC_LVR);
		report(v == 0xffffffff, "x2APIC: the xAPIC page reads %#llx", v);
	} else {
		u8 b = *(volatile u8 *)(XAPIC_BASE + APIC_LVR);

		report(b == (lvr & 0xff), "byte read of the version register: %#x", b);
	}
}

static void check_self_ipi(void)
{
	set_irq_handler(IPI_VECTOR, ipi_handler);
	cli();
	self_ipi(IPI_VECTOR);
	report(irq_count[IPI_VECTOR] == 0, "self-IPI held while RFLAGS.IF = 0");
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[IPI_VECTOR] == 1, "self-IPI arrived once after STI (%u)",
	       irq_count[IPI_VECTOR]);
	report(isr_in_handler, "ISR bit set while the handler runs");
	report(!isr_bit(IPI_VECTOR), "EOI cleared the ISR bit");
}

static void check_tpr(void)
{
	set_irq_handler(LOW_VECTOR, eoi_handler);
	apic_write(APIC_TASKPRI, 0x40);		/* blocks classes <= 4 */
	self_ipi(LOW_VECTOR);
	sti();
	asm volatile("nop; nop");
	cli();
	report(irq_count[LOW_VECTOR] == 0, "TPR 0x40 holds vector %#x", LOW_VECTOR);
	apic_write(APIC_TASKPRI, 0);
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[LOW_VECTOR] == 1, "lowering TPR delivers it (%u)",
	       irq_count[LOW_VECTOR]);
}

/* Wait in HLT for the timer; returns the delay from @t0 to the interrupt. */
static u64 wait_timer(u32 count_before, u64 t0)
{
	while (irq_count[TIMER_VECTOR] == count_before)
		sti_hlt();
	cli();
	return irq_tsc[TIMER_VECTOR] - t0;
}

static void check_timer(void)
{
	u64 t0, dt;
	u32 n;

	set_irq_handler(TIMER_VECTOR, eoi_handler);
	apic_write(APIC_TDCR, APIC_TDCR_DIV_1);

	/* one-shot */
	apic_write(APIC_LVTT, TIMER_VECTOR);
	n = irq_count[TIMER_VECTOR];
	t0 = rdtsc();
	apic_write(APIC_TMICT, TIMER_TICKS);
	dt = wait_timer(n, t0);
	report(dt >= TIMER_TICKS && dt < TIMER_TICKS + TOLERANCE,
	       "one-shot timer of %u ticks fired after %llu", TIMER_TICKS, dt);
	report(apic_read(APIC_TMCCT) == 0, "one-shot: current count is 0 after expiry");

	/* periodic: three periods */
	apic_write(APIC_LVTT, TIMER_VECTOR | APIC_TIMER_PERIODIC);
	n = irq_count[TIMER_VECTOR];
	t0 = rdtsc();
	apic_write(APIC_TMICT, TIMER_TICKS);
	while (irq_count[TIMER_VECTOR] < n + 3)
		sti_hlt();
	cli();
	dt = irq_tsc[TIMER_VECTOR] - t0;
	apic_write(APIC_TMICT, 0);
	report(dt >= 3 * TIMER_TICKS && dt < 3 * TIMER_TICKS + TOLERANCE,
	       "periodic timer: 3 periods of %u ticks took %llu", TIMER_TICKS, dt);

	/* TSC-deadline */
	apic_write(APIC_LVTT, TIMER_VECTOR | APIC_TIMER_TSC_DEADLINE);
	n = irq_count[TIMER_VECTOR];
	t0 = rdtsc();
	wrmsr(MSR_TSC_DEADLINE, t0 + TIMER_TICKS);
	dt = wait_timer(n, t0);
	report(dt >= TIMER_TICKS && dt < TIMER_TICKS + TOLERANCE,
	       "TSC-deadline timer %u ticks ahead fired after %llu", TIMER_TICKS, dt);
	report(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE reads 0 after it fired");

	/* a masked timer does not interrupt */
	apic_write(APIC_LVTT, TIMER_VECTOR | APIC_LVT_MASKED);
	n = irq_count[TIMER_VECTOR];
	apic_write(APIC_TMICT, 100);
	for (volatile int i = 0; i < 2000; i++)
		;
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[TIMER_VECTOR] == n, "masked timer raises nothing");
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	x2apic = strstr(guest_cmdline(mbi), "x2apic");
	printf("apic: %s mode\n", x2apic ? "x2APIC" : "xAPIC");
	check_registers();
	check_self_ipi();
	check_tpr();
	check_timer();
	return 0;
}
