/* SPDX-License-Identifier: MIT */
/*
 * The TSC rate, measured once at boot against the 8254 PIT (channel 2,
 * gated through port 0x61, the way firmware and Linux's quick calibration
 * do it).  The guest's TSC runs at the same rate (it is the host's TSC
 * plus an offset), and the ACPI PM timer and the local APIC timer derive
 * from it.  Under Bochs the PIT follows the emulated time (ips=) while the
 * TSC counts instructions, so the figure is "instructions per emulated
 * second"; on hardware it is the invariant TSC's frequency.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"

#define PIT_HZ			1193182u
#define PIT_CH2_DATA		0x42
#define PIT_COMMAND		0x43
#define PIT_CMD_CH2_LOHI_MODE0	0xb0	/* channel 2, lo/hi byte, mode 0 */
#define NMI_SC_PORT		0x61	/* system control port B */
#define NMI_SC_GATE2		BIT(0)	/* PIT channel 2 gate */
#define NMI_SC_SPEAKER		BIT(1)	/* speaker data: keep off */
#define NMI_SC_OUT2		BIT(5)	/* PIT channel 2 output */
#define CALIBRATE_MS		10
#define CALIBRATE_MAX_SPINS	100000000ull	/* no PIT: give up */
#define FALLBACK_TSC_KHZ	10000	/* Bochs with ips=10M */

u64 tsc_calibrate_khz(void)
{
	u32 count = PIT_HZ / (1000 / CALIBRATE_MS);
	u64 t0, t1, spins = 0;
	u8 sc = inb(NMI_SC_PORT);

	/* gate on, speaker off; a mode 0 count raises OUT2 at zero */
	outb(NMI_SC_PORT, (sc & ~NMI_SC_SPEAKER) | NMI_SC_GATE2);
	outb(PIT_COMMAND, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	t0 = rdtsc();
	while (!(inb(NMI_SC_PORT) & NMI_SC_OUT2) && spins < CALIBRATE_MAX_SPINS)
		spins++;
	t1 = rdtsc();
	outb(NMI_SC_PORT, sc);
	if (spins == CALIBRATE_MAX_SPINS) {
		printk("tinyvmx: PIT calibration timed out; assuming %u kHz\n",
		       FALLBACK_TSC_KHZ);
		return FALLBACK_TSC_KHZ;
	}
	return (t1 - t0) / CALIBRATE_MS;
}
