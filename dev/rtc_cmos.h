/* SPDX-License-Identifier: MIT */
/*
 * The PC's real-time clock and CMOS RAM: a Motorola MC146818A (datasheet,
 * "Address Map", "Time, Calendar and Alarm Locations", "Registers") behind
 * the index port 0x70 and data port 0x71.
 *
 * Bytes 0x00-0x09 are the clock, computed on every read from a time source
 * (seconds since 1970-01-01 00:00:00 UTC; a fixed instant by default) plus
 * an offset that guest writes to the clock adjust, so the clock runs with
 * the source and a guest can set it.  0x0a-0x0d are status registers A-D;
 * 0x0e-0x7f are battery-backed RAM, preloaded the way a PC BIOS leaves it:
 * memory-size bytes consistent with the RAM size, the equipment byte and the
 * standard checksum.  The century lives at 0x32 (the FADT's CENTURY field
 * points there) and follows the clock.
 *
 * Not modelled: the IRQ8 interrupts (periodic, alarm, update-ended), so
 * register C never has a flag set; UIP is always clear, so a guest waiting
 * for the end of an update never waits.  The clock runs in UTC.
 */
#ifndef TVX_DEV_RTC_CMOS_H
#define TVX_DEV_RTC_CMOS_H

#include "dev/bus.h"

#define RTC_CMOS_IO_BASE	0x70
#define RTC_CMOS_IO_LEN		2
#define RTC_PORT_INDEX		0	/* offsets from the base */
#define RTC_PORT_DATA		1

#define RTC_CMOS_SIZE		128
#define RTC_INDEX_MASK		0x7f
#define RTC_NMI_DISABLE		BIT(7)	/* in the index byte (PC wiring) */

/* Clock and alarm registers. */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06	/* 1 = Sunday */
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09	/* 0-99 */
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32	/* PC/AT convention, BIOS-maintained */

/* Register A. */
#define RTC_A_UIP		BIT(7)	/* update in progress, read-only */
#define RTC_A_DV_32KHZ		(2 << 4)	/* 32.768 kHz time base */
#define RTC_A_RS_1024HZ		6	/* periodic rate 976.5625 us */
/* 0x26 */
#define RTC_A_RESET		(RTC_A_DV_32KHZ | RTC_A_RS_1024HZ)

/* Register B. */
#define RTC_B_DSE		BIT(0)	/* daylight saving (ignored) */
#define RTC_B_24H		BIT(1)	/* 24-hour mode */
#define RTC_B_DM_BINARY		BIT(2)	/* binary instead of BCD */
#define RTC_B_SQWE		BIT(3)
#define RTC_B_UIE		BIT(4)
#define RTC_B_AIE		BIT(5)
#define RTC_B_PIE		BIT(6)
#define RTC_B_SET		BIT(7)	/* halt updates while setting */
#define RTC_B_RESET		RTC_B_24H	/* 0x02: 24-hour BCD */

/* Register C (interrupt flags, cleared by reading). */
#define RTC_C_UF		BIT(4)
#define RTC_C_AF		BIT(5)
#define RTC_C_PF		BIT(6)
#define RTC_C_IRQF		BIT(7)

/* Register D. */
#define RTC_D_VRT		BIT(7)	/* valid RAM and time: battery good */

/* 12-hour mode: bit 7 of the hours byte is PM. */
#define RTC_HOURS_PM		BIT(7)

/* PC BIOS CMOS layout (IBM PC/AT Technical Reference, "CMOS RAM"). */
#define CMOS_EQUIPMENT		0x14
#define CMOS_EQUIPMENT_FPU	BIT(1)
#define CMOS_BASE_MEM_LO	0x15	/* KiB below 1 MiB */
#define CMOS_BASE_MEM_HI	0x16
#define CMOS_EXT_MEM_LO		0x17	/* KiB above 1 MiB, at most 65535 */
#define CMOS_EXT_MEM_HI		0x18
#define CMOS_CHECKSUM_FIRST	0x10	/* checksummed range 0x10-0x2d */
#define CMOS_CHECKSUM_LAST	0x2d
#define CMOS_CHECKSUM_HI	0x2e	/* 16-bit sum, big-endian */
#define CMOS_CHECKSUM_LO	0x2f
#define CMOS_EXT_MEM2_LO	0x30	/* copy of 0x17/0x18 */
#define CMOS_EXT_MEM2_HI	0x31
#define CMOS_MEM_16M_LO		0x34	/* 64 KiB units from 16 MiB to 4 GiB */
#define CMOS_MEM_16M_HI		0x35
#define CMOS_MEM_4G_LO		0x5b	/* 64 KiB units above 4 GiB, 24-bit */
#define CMOS_MEM_4G_MID		0x5c
#define CMOS_MEM_4G_HI		0x5d

#define CMOS_BASE_MEM_KIB	640

/* 2000-01-01 00:00:00 UTC: the fixed time until a source is set. */
#define RTC_CMOS_DEFAULT_EPOCH	946684800ull

/* Calendar time as the clock registers count it (binary, 24-hour). */
struct rtc_time {
	s64 year;		/* full year: century * 100 + year register */
	int mon;		/* 1-12 */
	int mday;		/* 1-31; may run past the month while latched */
	int hour, min, sec;	/* 0-23, 0-59, 0-59 */
	int wday;		/* 0 = Sunday */
};

struct rtc_cmos {
	u8 index;		/* selected register, 0 … 0x7f */
	bool nmi_disabled;	/* bit 7 of the last index write */
	u8 cmos[RTC_CMOS_SIZE];	/* RAM, alarms, registers A and B */
	u8 reg_c;		/* interrupt flags (never set: no IRQ8) */
	u64 (*now)(void *ctx);	/* NULL: the clock stands at @base */
	void *now_ctx;
	u64 base;		/* fixed time when @now is NULL */
	s64 offset;		/* seconds guest writes moved the clock */
	u8 dow_adjust;		/* days a day-of-week write shifted, 0-6 */
	struct rtc_time latched;	/* the clock while B.SET is 1 */
};

/* Power-on state for a machine with @ram_size bytes of RAM from 0. */
void rtc_cmos_init(struct rtc_cmos *s, u64 ram_size);

/* Run the clock from @now(@ctx), seconds since the Unix epoch (UTC). */
void rtc_cmos_set_time_source(struct rtc_cmos *s, u64 (*now)(void *ctx),
			      void *ctx);

/* Stop the clock at @unix_seconds (no source); clears guest adjustments. */
void rtc_cmos_set_epoch(struct rtc_cmos *s, u64 unix_seconds);

/* Current clock time, guest adjustments included, as seconds since 1970
 * (the running clock, even while the guest holds it with SET). */
s64 rtc_cmos_time(const struct rtc_cmos *s);

/* Calendar conversions the clock uses (proleptic Gregorian, UTC). */
void rtc_time_from_seconds(s64 t, struct rtc_time *tm);
s64 rtc_time_to_seconds(const struct rtc_time *tm);

/* Register access by index (0 … 0x7f), with the side effects above. */
u8 rtc_cmos_read_reg(struct rtc_cmos *s, u8 index);
void rtc_cmos_write_reg(struct rtc_cmos *s, u8 index, u8 value);

/* Whether the guest has masked NMIs through the index port. */
static inline bool rtc_cmos_nmi_disabled(const struct rtc_cmos *s)
{
	return s->nmi_disabled;
}

/*
 * Bus glue for [RTC_CMOS_IO_BASE, +RTC_CMOS_IO_LEN); the opaque is the struct
 * rtc_cmos.  Wider accesses are split per byte, as an ISA bridge does, so the
 * `outw` idiom (index in the low byte, data in the high byte) works.  Reads of
 * the write-only index port return 0xff, as QEMU's RTC does.
 */
extern const struct io_device_ops rtc_cmos_ops;

#endif
