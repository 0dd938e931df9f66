/* SPDX-License-Identifier: MIT */
/*
 * The ACPI fixed-hardware register block at the FADT's PM base (QEMU pc:
 * 0x600): PM1a event and control registers and the power management timer
 * (ACPI Specification 6.x, "ACPI Hardware Specification": "Power
 * Management Timer", "PM1 Event Grouping", "PM1 Control Grouping").
 *
 *   base + 0  PM1_STS  16-bit, write 1 to clear
 *   base + 2  PM1_EN   16-bit
 *   base + 4  PM1_CNT  16-bit; SCI_EN always reads 1 (no legacy mode: the
 *                      FADT's SMI_CMD is 0)
 *   base + 8  PM_TMR   32-bit read-only; a free-running 24-bit counter at
 *                      3.579545 MHz (FADT TMR_VAL_EXT clear)
 *
 * The timer is derived from the guest's TSC, so it advances exactly with the
 * clock the guest calibrates against it.  TMR_STS is computed the same way:
 * it is set whenever bit 23 of the counter has toggled since the guest last
 * cleared it.  No SCI is raised (TMR_EN is stored but has no effect), and
 * writing SLP_EN does not sleep: the DSDT declares no sleep states.
 */
#ifndef TVX_DEV_PM_TIMER_H
#define TVX_DEV_PM_TIMER_H

#include "dev/acpi.h"
#include "dev/bus.h"

#define PM_IO_LEN		ACPI_PM_BLOCK_LEN
#define PM1_STS			0	/* offsets from the PM base */
#define PM1_EN			2
#define PM1_CNT			ACPI_PM1_CNT_OFFSET
#define PM_TMR			ACPI_PM_TMR_OFFSET

#define PM_TIMER_FREQUENCY	3579545ull	/* Hz */
#define PM_TIMER_BITS		24
#define PM_TIMER_MASK		(BIT(PM_TIMER_BITS) - 1)
/* tsc_hz above this would overflow remainder * PM_TIMER_FREQUENCY; such
 * rates (over 5 THz) are scaled down first, losing nothing measurable. */
#define PM_TIMER_MAX_TSC_HZ	(~0ull / PM_TIMER_FREQUENCY)

/* PM1_STS bits. */
#define ACPI_PM1_TMR_STS	BIT(0)
#define ACPI_PM1_BM_STS		BIT(4)
#define ACPI_PM1_GBL_STS	BIT(5)
#define ACPI_PM1_PWRBTN_STS	BIT(8)
#define ACPI_PM1_SLPBTN_STS	BIT(9)
#define ACPI_PM1_RTC_STS	BIT(10)
#define ACPI_PM1_PCIEXP_WAKE_STS BIT(14)
#define ACPI_PM1_WAK_STS	BIT(15)
#define ACPI_PM1_STS_MASK	(ACPI_PM1_TMR_STS | ACPI_PM1_BM_STS | \
				 ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS | \
				 ACPI_PM1_SLPBTN_STS | ACPI_PM1_RTC_STS | \
				 ACPI_PM1_PCIEXP_WAKE_STS | ACPI_PM1_WAK_STS)

/* PM1_EN bits. */
#define ACPI_PM1_TMR_EN		BIT(0)
#define ACPI_PM1_GBL_EN		BIT(5)
#define ACPI_PM1_PWRBTN_EN	BIT(8)
#define ACPI_PM1_SLPBTN_EN	BIT(9)
#define ACPI_PM1_RTC_EN		BIT(10)
#define ACPI_PM1_PCIEXP_WAKE_DIS BIT(14)
#define ACPI_PM1_EN_MASK	(ACPI_PM1_TMR_EN | ACPI_PM1_GBL_EN | \
				 ACPI_PM1_PWRBTN_EN | ACPI_PM1_SLPBTN_EN | \
				 ACPI_PM1_RTC_EN | ACPI_PM1_PCIEXP_WAKE_DIS)

/* PM1_CNT bits. */
#define ACPI_PM1_SCI_EN		BIT(0)
#define ACPI_PM1_BM_RLD		BIT(1)
#define ACPI_PM1_GBL_RLS	BIT(2)	/* write-only */
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	(0x7 << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN		BIT(13)	/* write-only */
/* Bits that read back as written. */
#define ACPI_PM1_CNT_RW_MASK	(ACPI_PM1_BM_RLD | ACPI_PM1_SLP_TYP_MASK)

struct pm_timer {
	u64 (*read_tsc)(void *ctx);	/* the guest's TSC */
	void *ctx;
	u64 tsc_hz;
	u16 pm1_sts;		/* latched status bits, TMR_STS excluded */
	u16 pm1_en;
	u16 pm1_cnt;		/* ACPI_PM1_CNT_RW_MASK bits */
	u64 tmr_sts_epoch;	/* ticks >> 23 when TMR_STS was last clear */
	bool tmr_sts_armed;	/* tmr_sts_epoch is valid */
};

/*
 * The block at power-on.  @read_tsc(@ctx) returns the guest TSC, ticking at
 * @tsc_hz (non-zero).
 */
void pm_timer_init(struct pm_timer *s, u64 (*read_tsc)(void *ctx), void *ctx,
		   u64 tsc_hz);

/*
 * floor(@tsc * PM_TIMER_FREQUENCY / @tsc_hz) modulo 2^64 without 128-bit
 * arithmetic (see pm_timer.c): exact for every @tsc when @tsc_hz <=
 * PM_TIMER_MAX_TSC_HZ; 0 if @tsc_hz is 0.
 */
u64 pm_timer_ticks(u64 tsc, u64 tsc_hz);

/* The PM_TMR value for @tsc: the low 24 bits of pm_timer_ticks(). */
static inline u32 pm_timer_counter(u64 tsc, u64 tsc_hz)
{
	return (u32)(pm_timer_ticks(tsc, tsc_hz) & PM_TIMER_MASK);
}

/* Current PM_TMR value. */
u32 pm_timer_read(struct pm_timer *s);

/* Latch status bits in PM1_STS on behalf of an event source. */
void pm_timer_raise_status(struct pm_timer *s, u16 bits);

/*
 * Bus glue for [pm_base, pm_base + PM_IO_LEN); the opaque is the struct
 * pm_timer.  Any access size works on any byte of the block: bytes are
 * assembled little-endian from the registers above (the reserved bytes at
 * +6/+7 read 0), and the timer is sampled once per access.
 */
extern const struct io_device_ops pm_timer_ops;

#endif
