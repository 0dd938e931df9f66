/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "kernel/console.h"
#include "kernel/x86.h"

#define COM1_BASE 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_DLL 0
#define UART_DLM 1
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_LSR_THRE 0x20
#define UART_DIVISOR_115200 1
#define UART_PROBE_BYTE 0x5a
/* A missing UART reads 0xff forever: give up rather than hang. */
#define UART_POLL_LIMIT 1000000

static bool have_uart, use_uart, have_e9, use_e9;
/* none yet: the first output announces its channel */
static enum console_channel e9_channel = CONSOLE_NONE;

static bool uart_probe(void)
{
	outb(COM1_BASE + UART_SCR, UART_PROBE_BYTE);
	return inb(COM1_BASE + UART_SCR) == UART_PROBE_BYTE;
}

void console_init(void)
{
	/* Bochs's port_e9_hack reads back 0xE9 from port 0xE9. */
	have_e9 = inb(CONSOLE_E9_PORT) == CONSOLE_E9_PORT;
	use_e9 = have_e9;
	have_uart = uart_probe();
	use_uart = have_uart;
	if (have_uart) {
		outb(COM1_BASE + UART_IER, 0);
		outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
		outb(COM1_BASE + UART_DLL, UART_DIVISOR_115200);
		outb(COM1_BASE + UART_DLM, 0);
		outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
		outb(COM1_BASE + UART_FCR, UART_FCR_ENABLE_CLEAR);
		outb(COM1_BASE + UART_MCR, UART_MCR_DTR_RTS_OUT2);
	}
}

void console_select(const char *spec)
{
	use_uart = have_uart && (strstr(spec, "serial") != NULL);
	use_e9 = have_e9 && (strstr(spec, "e9") != NULL);
	if (!use_uart && !use_e9)
		use_uart = have_uart, use_e9 = have_e9;
}

bool console_has_e9(void)
{
	return use_e9;
}

static void uart_putc(char c)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE) {
			outb(COM1_BASE + UART_THR, c);
			return;
		}
		cpu_relax();
	}
	use_uart = false;
}

static void e9_putc(u8 c)
{
	if (c == CONSOLE_FRAME_GUEST || c == CONSOLE_FRAME_HV ||
	    c == CONSOLE_FRAME_ESC)
		outb(CONSOLE_E9_PORT, CONSOLE_FRAME_ESC);
	outb(CONSOLE_E9_PORT, c);
}

void console_write(enum console_channel ch, const char *s, size_t n)
{
	if (use_e9 && n && ch != e9_channel) {
		outb(CONSOLE_E9_PORT, ch == CONSOLE_GUEST ? CONSOLE_FRAME_GUEST
							  : CONSOLE_FRAME_HV);
		e9_channel = ch;
	}
	for (size_t i = 0; i < n; i++) {
		if (use_e9)
			e9_putc(s[i]);
		if (use_uart) {
			if (s[i] == '\n')
				uart_putc('\r');
			uart_putc(s[i]);
		}
	}
}
