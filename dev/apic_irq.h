/* SPDX-License-Identifier: MIT */
/*
 * An interrupt message on its way to the local APICs, as the I/O APIC (or a
 * local APIC's ICR, or an MSI) describes it: the fields of the SDM's
 * Interrupt Command Register and of the I/O APIC's redirection entries
 * (SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)",
 * "Issuing Interprocessor Interrupts"; Intel 82093AA datasheet, "I/O
 * Redirection Table Registers").
 *
 * The constants are the field values, not pre-shifted register bits (Linux's
 * apicdef.h shifts them into ICR position); use the _SHIFT and _MASK
 * definitions to take them from or put them into a register.
 */
#ifndef TVX_DEV_APIC_IRQ_H
#define TVX_DEV_APIC_IRQ_H

#include "tvx/types.h"

/* Delivery mode: ICR bits 10:8, redirection entry bits 10:8. */
#define APIC_DM_SHIFT		8
#define APIC_DM_MASK		0x7
#define APIC_DM_FIXED		0
#define APIC_DM_LOWEST		1	/* lowest priority */
#define APIC_DM_SMI		2
#define APIC_DM_NMI		4
#define APIC_DM_INIT		5
#define APIC_DM_STARTUP		6	/* SIPI; ICR only */
#define APIC_DM_EXTINT		7

/* Destination mode: ICR bit 11, redirection entry bit 11. */
#define APIC_DEST_MODE_SHIFT	11
#define APIC_DEST_PHYSICAL	0
#define APIC_DEST_LOGICAL	1

/* Trigger mode: ICR bit 15, redirection entry bit 15. */
#define APIC_TRIG_MODE_SHIFT	15
#define APIC_TRIG_EDGE		0
#define APIC_TRIG_LEVEL		1

/* Destination shorthand: ICR bits 19:18 (the I/O APIC always uses none). */
#define APIC_SHORT_SHIFT	18
#define APIC_SHORT_MASK		0x3
#define APIC_DEST_NOSHORT	0
#define APIC_DEST_SELF		1
#define APIC_DEST_ALLINC	2	/* all including self */
#define APIC_DEST_ALLBUT	3	/* all excluding self */

struct kvm_lapic_irq {
	u32 vector;
	u32 delivery_mode;	/* APIC_DM_* */
	u32 dest_mode;		/* APIC_DEST_PHYSICAL or _LOGICAL */
	u32 level;		/* 1 assert, 0 de-assert (INIT level) */
	u32 trig_mode;		/* APIC_TRIG_EDGE / APIC_TRIG_LEVEL */
	u32 shorthand;		/* APIC_DEST_NOSHORT ... _ALLBUT */
	u32 dest_id;		/* APIC ID or logical destination */
};

#endif
