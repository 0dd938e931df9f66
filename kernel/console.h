/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console: the 16550 UART at COM1 (polled, so no byte is lost)
 * and, under Bochs, port 0xE9.  Two channels share the output: the
 * hypervisor's own messages and the guest's console.  On port 0xE9 they are
 * framed (see tools/tinyvmx.c, which splits them onto stderr and stdout); on
 * the UART they are interleaved as plain text, as a person at a serial
 * terminal on real hardware expects.
 */
#ifndef TVX_CONSOLE_H
#define TVX_CONSOLE_H

#include "tvx/types.h"

/* Port 0xE9 framing: a switch byte selects the channel for what follows;
 * DLE escapes a data byte that happens to equal one of the three. */
#define CONSOLE_E9_PORT 0xe9
#define CONSOLE_FRAME_GUEST 0x0e	/* ASCII SO: guest console follows */
#define CONSOLE_FRAME_HV 0x0f		/* ASCII SI: hypervisor text follows */
#define CONSOLE_FRAME_ESC 0x10		/* ASCII DLE: next byte is literal */

enum console_channel { CONSOLE_HV, CONSOLE_GUEST, CONSOLE_NONE };

void console_init(void);
/* Select outputs from the command line: "serial", "e9", "serial,e9". */
void console_select(const char *spec);
void console_write(enum console_channel ch, const char *s, size_t n);
bool console_has_e9(void);

#endif
