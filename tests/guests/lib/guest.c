/* SPDX-License-Identifier: MIT */
#include "guest.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define IDT_ENTRIES 256
#define FIRST_IRQ_VECTOR 32

volatile u32 fixup_eip, fault_vector, fault_error_code;
volatile u32 irq_count[IDT_ENTRIES];
volatile u64 irq_tsc[IDT_ENTRIES];
static void (*irq_handlers[IDT_ENTRIES])(u8 vector);
static void (*exception_handlers[FIRST_IRQ_VECTOR])(struct guest_frame *f);

void set_exception_handler(u8 vector, void (*fn)(struct guest_frame *f))
{
	exception_handlers[vector] = fn;
}

void set_irq_handler(u8 vector, void (*fn)(u8 vector))
{
	irq_handlers[vector] = fn;
}
int test_failures;

struct idt_gate {
	u16 off_lo, sel;
	u8 zero, type;
	u16 off_hi;
} __attribute__((packed));

static struct idt_gate idt[IDT_ENTRIES];
static struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) idt_desc = { sizeof(idt) - 1, (u32)idt };
extern const u32 guest_stub_table[IDT_ENTRIES];

void idt_setup(void);
void idt_setup(void)
{
	for (int i = 0; i < IDT_ENTRIES; i++) {
		u32 h = guest_stub_table[i];

		idt[i] = (struct idt_gate){ h & 0xffff, 0x08, 0, 0x8e, h >> 16 };
	}
	asm volatile("lidt %0" : : "m"(idt_desc));
}

void guest_exception(struct guest_frame *f);
void guest_exception(struct guest_frame *f)
{
	if (f->vector >= FIRST_IRQ_VECTOR) {
		/* an interrupt: count it, time it, call its handler */
		irq_tsc[f->vector] = rdtsc();
		irq_count[f->vector]++;
		if (irq_handlers[f->vector])
			irq_handlers[f->vector](f->vector);
		return;
	}
	if (exception_handlers[f->vector]) {
		exception_handlers[f->vector](f);
		return;
	}
	if (fixup_eip) {
		fault_vector = f->vector;
		fault_error_code = f->error_code;
		f->eip = fixup_eip;
		fixup_eip = 0;
		return;
	}
	printf("FAIL: unexpected exception %u (error code %#x) at EIP %#x\n",
	       f->vector, f->error_code, f->eip);
	debug_exit(0x7f);
}

int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;
	int v = GUEST_TRY("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");

	*val = ((u64)hi << 32) | lo;
	return v;
}

int wrmsr_safe(u32 msr, u64 val)
{
	return GUEST_TRY("wrmsr", : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
			 : "memory");
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		;
	outb(COM1, c);
}

void puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

char *strstr(const char *h, const char *n)
{
	size_t l = strlen(n);

	for (; *h; h++) {
		size_t i = 0;

		while (i < l && h[i] == n[i])
			i++;
		if (i == l)
			return (char *)h;
	}
	return l ? NULL : (char *)h;
}

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* 64-bit division without libgcc: only bases 10 and 16 are needed. */
static u64 udiv(u64 v, u32 d, u32 *rem)
{
	u64 q = 0;
	u64 r = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((v >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}

static void put_u64(u64 v, int base, int width, char pad)
{
	char tmp[24];
	int n = 0;
	u32 r;

	do {
		v = udiv(v, base, &r);
		tmp[n++] = "0123456789abcdef"[r];
	} while (v);
	while (n < width--)
		serial_putc(pad);
	while (n)
		serial_putc(tmp[--n]);
}

static void vprintf_(const char *f, va_list ap)
{
	for (; *f; f++) {
		int width = 0, lng = 0;
		char pad = ' ';
		bool alt = false;

		if (*f != '%') {
			serial_putc(*f);
			continue;
		}
		f++;
		if (*f == '#')
			alt = true, f++;
		if (*f == '0')
			pad = '0', f++;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + *f++ - '0';
		while (*f == 'l')
			lng++, f++;
		switch (*f) {
		case 'd': {
			long long v = lng >= 2 ? va_arg(ap, long long) : va_arg(ap, int);

			if (v < 0)
				serial_putc('-'), v = -v;
			put_u64(v, 10, width, pad);
			break;
		}
		case 'u':
			put_u64(lng >= 2 ? va_arg(ap, u64) : va_arg(ap, u32), 10, width, pad);
			break;
		case 'x':
			if (alt)
				puts("0x");
			put_u64(lng >= 2 ? va_arg(ap, u64) : va_arg(ap, u32), 16, width, pad);
			break;
		case 's':
			puts(va_arg(ap, const char *));
			break;
		case 'c':
			serial_putc(va_arg(ap, int));
			break;
		default:
			serial_putc(*f);
			break;
		}
	}
}

int printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
	return 0;
}

void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	puts(ok ? "PASS: " : "FAIL: ");
	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
	serial_putc('\n');
	if (!ok)
		test_failures++;
}

void debug_exit(u32 code)
{
	outl(TVX_PORT_DEBUG_EXIT, code);
	for (;;)
		asm volatile("cli; hlt");
}

void power_off(u32 code)
{
	hypercall(TVX_HC_POWER_OFF, code, 0, 0, 0);
	for (;;)
		asm volatile("cli; hlt");
}

void guest_exit(int failures)
{
	failures += test_failures;
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "SUCCESS", failures);
	if (failures)
		debug_exit(failures);
	power_off(0);
}

const char *guest_cmdline(const struct multiboot_info *mbi)
{
	return mbi && (mbi->flags & MB_INFO_CMDLINE_FLAG) ?
		(const char *)mbi->cmdline : "";
}

u32 guest_arg_u32(const struct multiboot_info *mbi, const char *key, u32 dflt)
{
	const char *p = strstr(guest_cmdline(mbi), key);
	u32 n = 0;

	if (!p)
		return dflt;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		n = n * 10 + *p - '0';
	return n;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n && *a && *a == *b; n--, a++, b++)
		;
	return n ? (u8)*a - (u8)*b : 0;
}

u64 div64(u64 n, u64 d)
{
	u64 q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
}
