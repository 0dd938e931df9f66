/* SPDX-License-Identifier: MIT */
/*
 * MC146818A RTC and PC CMOS RAM (see rtc_cmos.h for the model's scope).
 *
 * The clock is kept as "source time + offset" seconds and broken down into
 * calendar fields on each read, so nothing has to tick.  Setting the clock
 * follows the datasheet's procedure ("Register B", SET bit): while SET is 1
 * updates are halted and the guest's writes land in a latched copy of the
 * fields, which takes effect when SET returns to 0.  A field written with
 * SET clear takes effect at once (a day-of-month past the end of the month
 * then rolls into the next month instead of being held, as on the chip).
 *
 * The day of week is an independent counter on the chip, not derived from
 * the date; it is kept as the derived weekday plus @dow_adjust.
 */
#include <string.h>

#include "dev/rtc_cmos.h"

#define BYTE_BITS		8
#define PORT_FLOATING		0xff	/* read of a port nothing drives */

#define SECS_PER_MIN		60
#define MINS_PER_HOUR		60
#define HOURS_PER_DAY		24
#define HOURS_PER_HALF_DAY	12
#define SECS_PER_HOUR		(SECS_PER_MIN * MINS_PER_HOUR)
#define SECS_PER_DAY		(SECS_PER_HOUR * HOURS_PER_DAY)
#define DAYS_PER_WEEK		7
#define MONTHS_PER_YEAR		12
#define MAX_MDAY		31
#define YEARS_PER_CENTURY	100
#define BCD_BASE		10
#define BCD_DIGIT_BITS		4
#define BCD_DIGIT_MASK		0xf

/* 1970-01-01 was a Thursday (weekday 4, Sunday = 0). */
#define EPOCH_WEEKDAY		4

/*
 * Gregorian calendar arithmetic on a year that starts on March 1, so the
 * leap day is the last day of the year: 400-year eras of 146097 days,
 * centuries of 36524 days, 4-year cycles of 1461 days.  Day 0 of era 0 is
 * 0000-03-01, which is 719468 days before 1970-01-01.
 */
#define DAYS_PER_ERA		146097
#define YEARS_PER_ERA		400
#define DAYS_PER_YEAR		365
#define DAYS_PER_4_YEARS	1461
#define DAYS_PER_CENTURY	36524
#define DAYS_0000_03_01_TO_EPOCH 719468
/* Months March … February have 31 30 31 30 31 31 30 31 30 31 31 28/29 days:
 * the first day of month m (0 = March) is day (153 * m + 2) / 5. */
#define MONTH_DAYS_NUM		153
#define MONTH_DAYS_ROUND	2
#define MONTH_DAYS_DEN		5
#define MARCH_BASED_OFFSET	3	/* month 1 (Jan) is march-based 10 */
#define MONTHS_MARCH_TO_DEC	10
#define MONTH_FEBRUARY		2
#define YEARS_PER_LEAP		4

/* Floor division and modulo for a positive divisor. */
static s64 floor_div(s64 a, s64 b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static s64 floor_mod(s64 a, s64 b)
{
	return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of @year-@mon-@mday (proleptic Gregorian). */
static s64 days_from_civil(s64 year, int mon, int mday)
{
	s64 era, yoe, doy, doe;
	int mp;

	if (mon <= MONTH_FEBRUARY)
		year--;
	era = floor_div(year, YEARS_PER_ERA);
	yoe = year - era * YEARS_PER_ERA;
	mp = mon > MONTH_FEBRUARY ? mon - MARCH_BASED_OFFSET :
				    mon + MONTHS_MARCH_TO_DEC - 1;
	doy = (MONTH_DAYS_NUM * mp + MONTH_DAYS_ROUND) / MONTH_DAYS_DEN +
	      mday - 1;
	doe = yoe * DAYS_PER_YEAR + yoe / YEARS_PER_LEAP -
	      yoe / YEARS_PER_CENTURY + doy;
	return era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_EPOCH;
}

/* Inverse of days_from_civil(). */
static void civil_from_days(s64 days, struct rtc_time *tm)
{
	s64 z = days + DAYS_0000_03_01_TO_EPOCH;
	s64 era = floor_div(z, DAYS_PER_ERA);
	s64 doe = z - era * DAYS_PER_ERA;
	/* Year of era: drop the leap days before @doe (one per 1460 days,
	 * none per 36524, one back per 146096) so 365-day years remain. */
	s64 yoe = (doe - doe / (DAYS_PER_4_YEARS - 1) +
		   doe / DAYS_PER_CENTURY - doe / (DAYS_PER_ERA - 1)) /
		  DAYS_PER_YEAR;
	s64 doy = doe - (DAYS_PER_YEAR * yoe + yoe / YEARS_PER_LEAP -
			 yoe / YEARS_PER_CENTURY);
	int mp = (int)((MONTH_DAYS_DEN * doy + MONTH_DAYS_ROUND) /
		       MONTH_DAYS_NUM);

	tm->mday = (int)(doy - (MONTH_DAYS_NUM * mp + MONTH_DAYS_ROUND) /
			 MONTH_DAYS_DEN + 1);
	tm->mon = mp < MONTHS_MARCH_TO_DEC ? mp + MARCH_BASED_OFFSET :
					     mp - MONTHS_MARCH_TO_DEC + 1;
	tm->year = yoe + era * YEARS_PER_ERA + (tm->mon <= MONTH_FEBRUARY);
}

static int weekday_of(s64 days)
{
	return (int)floor_mod(days + EPOCH_WEEKDAY, DAYS_PER_WEEK);
}

void rtc_time_from_seconds(s64 t, struct rtc_time *tm)
{
	s64 days = floor_div(t, SECS_PER_DAY);
	s64 secs = t - days * SECS_PER_DAY;

	civil_from_days(days, tm);
	tm->hour = (int)(secs / SECS_PER_HOUR);
	tm->min = (int)(secs / SECS_PER_MIN % MINS_PER_HOUR);
	tm->sec = (int)(secs % SECS_PER_MIN);
	tm->wday = weekday_of(days);
}

s64 rtc_time_to_seconds(const struct rtc_time *tm)
{
	return days_from_civil(tm->year, tm->mon, tm->mday) * SECS_PER_DAY +
	       (s64)tm->hour * SECS_PER_HOUR + (s64)tm->min * SECS_PER_MIN +
	       tm->sec;
}

static s64 rtc_source_time(const struct rtc_cmos *s)
{
	return (s64)(s->now ? s->now(s->now_ctx) : s->base);
}

s64 rtc_cmos_time(const struct rtc_cmos *s)
{
	return rtc_source_time(s) + s->offset;
}

static bool rtc_halted(const struct rtc_cmos *s)
{
	return s->cmos[RTC_REG_B] & RTC_B_SET;
}

/* The fields the clock registers show: latched while SET is 1. */
static void rtc_get_tm(const struct rtc_cmos *s, struct rtc_time *tm)
{
	if (rtc_halted(s)) {
		*tm = s->latched;
		return;
	}
	rtc_time_from_seconds(rtc_cmos_time(s), tm);
	tm->wday = (tm->wday + s->dow_adjust) % DAYS_PER_WEEK;
}

/* Make @tm the running time; the weekday keeps counting from tm->wday. */
static void rtc_commit_tm(struct rtc_cmos *s, const struct rtc_time *tm)
{
	s64 t = rtc_time_to_seconds(tm);

	s->offset = t - rtc_source_time(s);
	s->dow_adjust = (u8)floor_mod(tm->wday -
				      weekday_of(floor_div(t, SECS_PER_DAY)),
				      DAYS_PER_WEEK);
}

static bool rtc_binary(const struct rtc_cmos *s)
{
	return s->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static u8 rtc_encode(const struct rtc_cmos *s, unsigned int v)
{
	if (rtc_binary(s))
		return (u8)v;
	return (u8)(((v / BCD_BASE) << BCD_DIGIT_BITS) | (v % BCD_BASE));
}

static unsigned int rtc_decode(const struct rtc_cmos *s, u8 v)
{
	if (rtc_binary(s))
		return v;
	return (v >> BCD_DIGIT_BITS) * BCD_BASE + (v & BCD_DIGIT_MASK);
}

static u8 rtc_encode_hours(const struct rtc_cmos *s, int hour)
{
	int h12;

	if (s->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_encode(s, hour);
	h12 = hour % HOURS_PER_HALF_DAY;
	if (!h12)
		h12 = HOURS_PER_HALF_DAY;
	return rtc_encode(s, h12) |
	       (hour >= HOURS_PER_HALF_DAY ? RTC_HOURS_PM : 0);
}

/* Hours register value to 0-23, or -1 if out of range. */
static int rtc_decode_hours(const struct rtc_cmos *s, u8 v)
{
	unsigned int h;

	if (s->cmos[RTC_REG_B] & RTC_B_24H) {
		h = rtc_decode(s, v);
		return h < HOURS_PER_DAY ? (int)h : -1;
	}
	h = rtc_decode(s, v & (u8)~RTC_HOURS_PM);
	if (h < 1 || h > HOURS_PER_HALF_DAY)
		return -1;
	h %= HOURS_PER_HALF_DAY;
	return (int)h + (v & RTC_HOURS_PM ? HOURS_PER_HALF_DAY : 0);
}

static bool rtc_is_clock(u8 index)
{
	switch (index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	}
	return false;
}

static u8 rtc_read_clock(const struct rtc_cmos *s, u8 index)
{
	struct rtc_time tm;

	rtc_get_tm(s, &tm);
	switch (index) {
	case RTC_SECONDS:
		return rtc_encode(s, tm.sec);
	case RTC_MINUTES:
		return rtc_encode(s, tm.min);
	case RTC_HOURS:
		return rtc_encode_hours(s, tm.hour);
	case RTC_DAY_OF_WEEK:
		return rtc_encode(s, tm.wday + 1);
	case RTC_DAY_OF_MONTH:
		return rtc_encode(s, tm.mday);
	case RTC_MONTH:
		return rtc_encode(s, tm.mon);
	case RTC_YEAR:
		return rtc_encode(s, (unsigned int)
				  floor_mod(tm.year, YEARS_PER_CENTURY));
	default:	/* RTC_CENTURY */
		return rtc_encode(s, (unsigned int)
				  floor_div(tm.year, YEARS_PER_CENTURY));
	}
}

/*
 * A clock register write.  Out-of-range values are dropped: the chip would
 * store them and count on from nonsense, which no guest relies on.
 */
static void rtc_write_clock(struct rtc_cmos *s, u8 index, u8 value)
{
	struct rtc_time tm;
	unsigned int v = rtc_decode(s, value);
	int hour;

	rtc_get_tm(s, &tm);
	switch (index) {
	case RTC_SECONDS:
		if (v >= SECS_PER_MIN)
			return;
		tm.sec = (int)v;
		break;
	case RTC_MINUTES:
		if (v >= MINS_PER_HOUR)
			return;
		tm.min = (int)v;
		break;
	case RTC_HOURS:
		hour = rtc_decode_hours(s, value);
		if (hour < 0)
			return;
		tm.hour = hour;
		break;
	case RTC_DAY_OF_WEEK:
		if (v < 1 || v > DAYS_PER_WEEK)
			return;
		tm.wday = (int)v - 1;
		break;
	case RTC_DAY_OF_MONTH:
		if (v < 1 || v > MAX_MDAY)
			return;
		tm.mday = (int)v;
		break;
	case RTC_MONTH:
		if (v < 1 || v > MONTHS_PER_YEAR)
			return;
		tm.mon = (int)v;
		break;
	case RTC_YEAR:
		if (v >= YEARS_PER_CENTURY)
			return;
		tm.year = floor_div(tm.year, YEARS_PER_CENTURY) *
			  YEARS_PER_CENTURY + v;
		break;
	default:	/* RTC_CENTURY */
		if (v >= YEARS_PER_CENTURY)
			return;
		tm.year = (s64)v * YEARS_PER_CENTURY +
			  floor_mod(tm.year, YEARS_PER_CENTURY);
		break;
	}
	if (rtc_halted(s))
		s->latched = tm;
	else
		rtc_commit_tm(s, &tm);
}

static void rtc_write_reg_b(struct rtc_cmos *s, u8 value)
{
	u8 old = s->cmos[RTC_REG_B];

	if ((value & RTC_B_SET) && !(old & RTC_B_SET)) {
		/* Halt: latch the running fields for the guest to edit. */
		rtc_get_tm(s, &s->latched);
	} else if (!(value & RTC_B_SET) && (old & RTC_B_SET)) {
		/* Resume from what the guest wrote. */
		rtc_commit_tm(s, &s->latched);
	}
	/* "Register B": writing SET = 1 clears UIE. */
	if (value & RTC_B_SET)
		value &= (u8)~RTC_B_UIE;
	s->cmos[RTC_REG_B] = value;
}

u8 rtc_cmos_read_reg(struct rtc_cmos *s, u8 index)
{
	u8 v;

	index &= RTC_INDEX_MASK;
	if (rtc_is_clock(index))
		return rtc_read_clock(s, index);
	switch (index) {
	case RTC_REG_A:
		/* No update cycle is ever in progress. */
		return s->cmos[RTC_REG_A] & (u8)~RTC_A_UIP;
	case RTC_REG_C:
		v = s->reg_c;
		s->reg_c = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	return s->cmos[index];
}

void rtc_cmos_write_reg(struct rtc_cmos *s, u8 index, u8 value)
{
	index &= RTC_INDEX_MASK;
	if (rtc_is_clock(index)) {
		rtc_write_clock(s, index, value);
		return;
	}
	switch (index) {
	case RTC_REG_A:
		s->cmos[RTC_REG_A] = value & (u8)~RTC_A_UIP;
		return;
	case RTC_REG_B:
		rtc_write_reg_b(s, value);
		return;
	case RTC_REG_C:
	case RTC_REG_D:
		return;		/* read-only */
	}
	s->cmos[index] = value;
}

static void cmos_put16(struct rtc_cmos *s, u8 lo, u8 hi, u64 value)
{
	s->cmos[lo] = (u8)value;
	s->cmos[hi] = (u8)(value >> BYTE_BITS);
}

/*
 * Memory-size bytes as a PC BIOS (and QEMU's pc_cmos_init) leaves them, for
 * RAM contiguous from address 0: base memory, extended memory above 1 MiB in
 * KiB (capped at 64 MiB), memory above 16 MiB and above 4 GiB in 64 KiB
 * units.
 */
#define KIB			1024ull
#define MIB			(KIB * KIB)
#define GIB			(KIB * MIB)
#define CMOS_EXT_MEM_START	MIB
#define CMOS_MEM_16M_START	(16 * MIB)
#define CMOS_MEM_4G_START	(4 * GIB)
#define CMOS_MEM_CHUNK		(64 * KIB)
#define CMOS_U16_MAX		0xffffull
#define CMOS_U24_MAX		0xffffffull

static void rtc_cmos_set_memory(struct rtc_cmos *s, u64 ram_size)
{
	u64 below_4g = MIN(ram_size, CMOS_MEM_4G_START);
	u64 ext = 0, high = 0, above = 0;

	if (ram_size > CMOS_EXT_MEM_START)
		ext = MIN((ram_size - CMOS_EXT_MEM_START) / KIB, CMOS_U16_MAX);
	if (below_4g > CMOS_MEM_16M_START)
		high = MIN((below_4g - CMOS_MEM_16M_START) / CMOS_MEM_CHUNK,
			   CMOS_U16_MAX);
	if (ram_size > CMOS_MEM_4G_START)
		above = MIN((ram_size - CMOS_MEM_4G_START) / CMOS_MEM_CHUNK,
			    CMOS_U24_MAX);

	cmos_put16(s, CMOS_BASE_MEM_LO, CMOS_BASE_MEM_HI, CMOS_BASE_MEM_KIB);
	cmos_put16(s, CMOS_EXT_MEM_LO, CMOS_EXT_MEM_HI, ext);
	cmos_put16(s, CMOS_EXT_MEM2_LO, CMOS_EXT_MEM2_HI, ext);
	cmos_put16(s, CMOS_MEM_16M_LO, CMOS_MEM_16M_HI, high);
	s->cmos[CMOS_MEM_4G_LO] = (u8)above;
	s->cmos[CMOS_MEM_4G_MID] = (u8)(above >> BYTE_BITS);
	s->cmos[CMOS_MEM_4G_HI] = (u8)(above >> (2 * BYTE_BITS));
}

/* The AT checksum: 16-bit sum of 0x10-0x2d, stored big-endian. */
static void rtc_cmos_set_checksum(struct rtc_cmos *s)
{
	u16 sum = 0;
	unsigned int i;

	for (i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
		sum += s->cmos[i];
	s->cmos[CMOS_CHECKSUM_HI] = (u8)(sum >> BYTE_BITS);
	s->cmos[CMOS_CHECKSUM_LO] = (u8)sum;
}

void rtc_cmos_init(struct rtc_cmos *s, u64 ram_size)
{
	memset(s, 0, sizeof(*s));
	s->base = RTC_CMOS_DEFAULT_EPOCH;
	s->cmos[RTC_REG_A] = RTC_A_RESET;
	s->cmos[RTC_REG_B] = RTC_B_RESET;
	s->cmos[CMOS_EQUIPMENT] = CMOS_EQUIPMENT_FPU;
	rtc_cmos_set_memory(s, ram_size);
	rtc_cmos_set_checksum(s);
}

void rtc_cmos_set_time_source(struct rtc_cmos *s, u64 (*now)(void *ctx),
			      void *ctx)
{
	s->now = now;
	s->now_ctx = ctx;
}

void rtc_cmos_set_epoch(struct rtc_cmos *s, u64 unix_seconds)
{
	s->now = NULL;
	s->now_ctx = NULL;
	s->base = unix_seconds;
	s->offset = 0;
	s->dow_adjust = 0;
}

static u8 rtc_cmos_port_read(struct rtc_cmos *s, u64 port)
{
	if (port == RTC_PORT_DATA)
		return rtc_cmos_read_reg(s, s->index);
	/* The index port is write-only; beyond 0x71 nothing decodes. */
	return PORT_FLOATING;
}

static void rtc_cmos_port_write(struct rtc_cmos *s, u64 port, u8 value)
{
	if (port == RTC_PORT_INDEX) {
		s->index = value & RTC_INDEX_MASK;
		s->nmi_disabled = value & RTC_NMI_DISABLE;
	} else if (port == RTC_PORT_DATA) {
		rtc_cmos_write_reg(s, s->index, value);
	}
}

static u64 rtc_cmos_io_read(void *opaque, u64 offset, unsigned size)
{
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (u64)rtc_cmos_port_read(opaque, offset + i)
		       << (i * BYTE_BITS);
	return val;
}

static void rtc_cmos_io_write(void *opaque, u64 offset, unsigned size,
			      u64 value)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		rtc_cmos_port_write(opaque, offset + i,
				    (u8)(value >> (i * BYTE_BITS)));
}

const struct io_device_ops rtc_cmos_ops = {
	.read = rtc_cmos_io_read,
	.write = rtc_cmos_io_write,
};
