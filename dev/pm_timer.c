/* SPDX-License-Identifier: MIT */
/*
 * ACPI PM1a registers and PM timer (see pm_timer.h).
 *
 * The counter is floor(tsc * 3579545 / tsc_hz).  The product overflows 64
 * bits once tsc passes 2^64 / 3579545 (about 5e12: under an hour at 2 GHz),
 * so it is split at the division: with tsc = q * tsc_hz + r,
 *
 *	tsc * F / tsc_hz = q * F + r * F / tsc_hz,
 *
 * and since r < tsc_hz, r * F fits whenever tsc_hz * F does.  q * F may wrap,
 * but only the low 24 bits are wanted and wrapping modulo 2^64 keeps them.
 */
#include <string.h>

#include "dev/pm_timer.h"

#define BYTE_BITS		8
#define BYTE_MASK		0xffu
/* TMR_STS follows the counter's most significant bit. */
#define PM_TIMER_MSB_SHIFT	(PM_TIMER_BITS - 1)

u64 pm_timer_ticks(u64 tsc, u64 tsc_hz)
{
	if (!tsc_hz)
		return 0;
	/* Absurd rates: scale both down until the remainder product fits. */
	while (tsc_hz > PM_TIMER_MAX_TSC_HZ) {
		tsc >>= 1;
		tsc_hz >>= 1;
	}
	return (tsc / tsc_hz) * PM_TIMER_FREQUENCY +
	       (tsc % tsc_hz) * PM_TIMER_FREQUENCY / tsc_hz;
}

void pm_timer_init(struct pm_timer *s, u64 (*read_tsc)(void *ctx), void *ctx,
		   u64 tsc_hz)
{
	memset(s, 0, sizeof(*s));
	s->read_tsc = read_tsc;
	s->ctx = ctx;
	s->tsc_hz = tsc_hz;
}

static u64 pm_timer_now(struct pm_timer *s)
{
	return pm_timer_ticks(s->read_tsc(s->ctx), s->tsc_hz);
}

u32 pm_timer_read(struct pm_timer *s)
{
	return (u32)(pm_timer_now(s) & PM_TIMER_MASK);
}

void pm_timer_raise_status(struct pm_timer *s, u16 bits)
{
	s->pm1_sts |= bits & ACPI_PM1_STS_MASK & (u16)~ACPI_PM1_TMR_STS;
}

/*
 * PM1_STS with TMR_STS computed: set once bit 23 has toggled since it was
 * last cleared (or first looked at: the counter's phase at power-on is
 * arbitrary anyway).
 */
static u16 pm1_sts_read(struct pm_timer *s, u64 ticks)
{
	u64 epoch = ticks >> PM_TIMER_MSB_SHIFT;

	if (!s->tmr_sts_armed) {
		s->tmr_sts_epoch = epoch;
		s->tmr_sts_armed = true;
	}
	return s->pm1_sts | (epoch != s->tmr_sts_epoch ? ACPI_PM1_TMR_STS : 0);
}

static void pm1_sts_write(struct pm_timer *s, u16 value, u64 ticks)
{
	if (value & ACPI_PM1_TMR_STS) {
		s->tmr_sts_epoch = ticks >> PM_TIMER_MSB_SHIFT;
		s->tmr_sts_armed = true;
	}
	s->pm1_sts &= (u16)~value;
}

static bool pm_access_touches(u64 offset, unsigned size, u64 reg, u64 len)
{
	return offset < reg + len && reg < offset + size;
}

static u64 pm_timer_io_read(void *opaque, u64 offset, unsigned size)
{
	struct pm_timer *s = opaque;
	u8 image[PM_IO_LEN];
	u64 ticks = 0, val = 0;
	u16 sts, cnt;
	u32 tmr;
	unsigned int i;

	/* Sample the TSC only when the access needs it. */
	if (pm_access_touches(offset, size, PM1_STS, sizeof(u16)) ||
	    pm_access_touches(offset, size, PM_TMR, ACPI_PM_TMR_LEN))
		ticks = pm_timer_now(s);
	sts = pm_access_touches(offset, size, PM1_STS, sizeof(u16)) ?
	      pm1_sts_read(s, ticks) : 0;
	cnt = s->pm1_cnt | ACPI_PM1_SCI_EN;
	tmr = (u32)(ticks & PM_TIMER_MASK);

	memset(image, 0, sizeof(image));
	for (i = 0; i < sizeof(u16); i++) {
		image[PM1_STS + i] = (u8)(sts >> (i * BYTE_BITS));
		image[PM1_EN + i] = (u8)(s->pm1_en >> (i * BYTE_BITS));
		image[PM1_CNT + i] = (u8)(cnt >> (i * BYTE_BITS));
	}
	for (i = 0; i < ACPI_PM_TMR_LEN; i++)
		image[PM_TMR + i] = (u8)(tmr >> (i * BYTE_BITS));

	for (i = 0; i < size && offset + i < PM_IO_LEN; i++)
		val |= (u64)image[offset + i] << (i * BYTE_BITS);
	return val;
}

/* Merge byte @b into lane @lane of a 16-bit register value. */
static u16 pm_merge_byte(u16 reg, unsigned int lane, u8 b)
{
	unsigned int shift = lane * BYTE_BITS;

	return (u16)((reg & ~(BYTE_MASK << shift)) | ((u16)b << shift));
}

/* One byte of a write, at byte @reg of the block. */
static void pm_write_byte(struct pm_timer *s, unsigned int reg, u8 b)
{
	unsigned int lane = reg % sizeof(u16);

	if (reg < PM1_EN) {
		/* A zero byte clears nothing: skip the TSC read. */
		if (b)
			pm1_sts_write(s, (u16)(b << (lane * BYTE_BITS)),
				      pm_timer_now(s));
	} else if (reg < PM1_CNT) {
		s->pm1_en = pm_merge_byte(s->pm1_en, lane, b) &
			    ACPI_PM1_EN_MASK;
	} else if (reg < PM1_CNT + sizeof(u16)) {
		/* GBL_RLS and SLP_EN are write-only strobes with nothing
		 * behind them; SCI_EN is fixed at 1. */
		s->pm1_cnt = pm_merge_byte(s->pm1_cnt, lane, b) &
			     ACPI_PM1_CNT_RW_MASK;
	}
	/* The reserved bytes and the read-only timer ignore writes. */
}

static void pm_timer_io_write(void *opaque, u64 offset, unsigned size,
			      u64 value)
{
	unsigned int i;

	for (i = 0; i < size && offset + i < PM_IO_LEN; i++)
		pm_write_byte(opaque, (unsigned int)(offset + i),
			      (u8)(value >> (i * BYTE_BITS)));
}

const struct io_device_ops pm_timer_ops = {
	.read = pm_timer_io_read,
	.write = pm_timer_io_write,
};
