/* SPDX-License-Identifier: MIT */
/*
 * io: port I/O through the device model.  IN/OUT of every size to the UART
 * and to an unassigned port (reads float high, writes vanish), the string
 * instructions INS/OUTS with and without REP, both directions of DF, a
 * buffer that crosses a page, a segment override and ES with a non-zero
 * base, and the I/O exit count.  The UART's loopback mode (transmitter
 * wired to the receiver) lets the guest read back, in order, what it sent.
 */
#include "guest.h"

#define EXIT_REASON_IO_INSTRUCTION 30
#define PAGE_SIZE 4096u

#define UNASSIGNED_PORT 0x80	/* POST-code port: nothing behind it here */
#define UART_THR (TVX_PORT_COM1 + 0)
#define UART_RBR (TVX_PORT_COM1 + 0)
#define UART_FCR (TVX_PORT_COM1 + 2)
#define UART_MCR (TVX_PORT_COM1 + 4)
#define UART_LSR (TVX_PORT_COM1 + 5)
#define UART_SCR (TVX_PORT_COM1 + 7)
#define UART_FCR_ENABLE_FIFO 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_FIFO_SIZE 16

/* GDT: the flat selectors of crt0 plus a data segment with a base. */
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_BASED 0x18
#define DESC_DATA_RW_PRESENT 0x92	/* P=1, DPL=0, S=1, type 2 (read/write) */
#define DESC_FLAGS_4K_32BIT 0xc		/* G=1, D/B=1 */
#define DESC_LIMIT_4G 0xfffff

static u64 gdt[4];
static struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) gdt_desc = { sizeof(gdt) - 1, (u32)gdt };

static u8 pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static u64 make_desc(u32 base, u32 limit, u8 access, u8 flags)
{
	u32 lo = (limit & 0xffff) | (base << 16);
	u32 hi = ((base >> 16) & 0xff) | ((u32)access << 8) | (limit & 0xf0000) |
		 ((u32)flags << 20) | (base & 0xff000000);

	return ((u64)hi << 32) | lo;
}

static void load_gdt_with_based_segment(u32 base)
{
	static const u64 flat_code = 0x00cf9a000000ffffull, flat_data = 0x00cf92000000ffffull;

	gdt[0] = 0;
	gdt[1] = flat_code;
	gdt[2] = flat_data;
	gdt[3] = make_desc(base, DESC_LIMIT_4G, DESC_DATA_RW_PRESENT, DESC_FLAGS_4K_32BIT);
	asm volatile("lgdt %0" : : "m"(gdt_desc) : "memory");
}

static long io_exits(void)
{
	return hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_IO_INSTRUCTION, 0, 0, 0);
}

static bool all_bytes(const u8 *p, u32 n, u8 v)
{
	for (u32 i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void check_in_out(void)
{
	u32 v;
	long before, after;

	outb(UART_SCR, 0x5a);
	v = inb(UART_SCR);
	outb(UART_SCR, 0xa5);
	report(v == 0x5a && inb(UART_SCR) == 0xa5, "UART scratch register round trip (%#x)", v);

	report(inb(UNASSIGNED_PORT) == 0xff, "8-bit read of unassigned port 0x80 is 0xff");
	report(inw(UNASSIGNED_PORT) == 0xffff, "16-bit read of port 0x80 is 0xffff");
	report(inl(UNASSIGNED_PORT) == 0xffffffff, "32-bit read of port 0x80 is 0xffffffff");
	outb(UNASSIGNED_PORT, 0);
	outw(UNASSIGNED_PORT, 0);
	outl(UNASSIGNED_PORT, 0);
	report(inl(UNASSIGNED_PORT) == 0xffffffff, "writes to port 0x80 are dropped");

	/* IN AL/AX replace only the low byte/word of EAX (SDM "IN"). */
	v = 0x12345600;
	asm volatile("inb %w1, %b0" : "+a"(v) : "Nd"(UNASSIGNED_PORT));
	report(v == 0x123456ff, "inb merges into AL (EAX %#x)", v);
	v = 0x12340000;
	asm volatile("inw %w1, %w0" : "+a"(v) : "Nd"(UNASSIGNED_PORT));
	report(v == 0x1234ffff, "inw merges into AX (EAX %#x)", v);
	v = 0x12345678;
	asm volatile("inl %w1, %0" : "+a"(v) : "d"((u16)UNASSIGNED_PORT));
	report(v == 0xffffffff, "inl via DX replaces EAX (EAX %#x)", v);

	/* Eight non-string accesses, nothing else that exits in between. */
	before = io_exits();
	inb(UNASSIGNED_PORT);
	inb(UNASSIGNED_PORT);
	inw(UNASSIGNED_PORT);
	inl(UNASSIGNED_PORT);
	outb(UNASSIGNED_PORT, 1);
	outw(UNASSIGNED_PORT, 2);
	outl(UNASSIGNED_PORT, 3);
	inb(UART_SCR);
	after = io_exits();
	report(after - before == 8, "8 IN/OUT instructions are 8 I/O exits (%ld -> %ld)", before,
	       after);
}

static void check_rep_ins(void)
{
	u8 *buf = pages + 256;
	u16 *w = (u16 *)(pages + 1024);
	u32 edi, ecx;
	long before, after;

	memset(pages, 0, sizeof(pages));
	edi = (u32)buf;
	ecx = 64;
	before = io_exits();
	asm volatile("cld; rep insb" : "+D"(edi), "+c"(ecx) : "d"(UNASSIGNED_PORT) : "memory");
	after = io_exits();
	report(all_bytes(buf, 64, 0xff), "rep insb from port 0x80 fills the buffer with 0xff");
	report(buf[-1] == 0 && buf[64] == 0, "rep insb wrote nothing outside the buffer");
	report(edi == (u32)buf + 64 && ecx == 0, "rep insb: EDI advanced by 64 (%#x), ECX %u",
	       edi - (u32)buf, ecx);
	report(after - before == 1, "64 bytes in one page take one I/O exit (%ld)",
	       after - before);

	/* DF = 1: elements go to EDI, EDI - 2, ... */
	edi = (u32)&w[11];
	ecx = 8;
	asm volatile("std; rep insw; cld" : "+D"(edi), "+c"(ecx) : "d"(UNASSIGNED_PORT)
		     : "memory");
	report(edi == (u32)&w[3] && ecx == 0, "std; rep insw moved EDI down by 16 bytes (%d)",
	       (int)(edi - (u32)&w[11]));
	report(w[3] == 0 && w[12] == 0 && all_bytes((u8 *)&w[4], 16, 0xff),
	       "std; rep insw filled words 4..11 only");

	/* A buffer that crosses into the next page. */
	buf = pages + PAGE_SIZE - 20;
	edi = (u32)buf;
	ecx = 40;
	before = io_exits();
	asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(UNASSIGNED_PORT) : "memory");
	after = io_exits();
	report(all_bytes(buf, 40, 0xff) && buf[40] == 0 && buf[-1] == 0,
	       "rep insb across a page boundary filled both pages");
	report(edi == (u32)buf + 40 && ecx == 0, "... EDI advanced by %d, ECX %u", (int)(edi - (u32)buf),
	       ecx);
	report(after - before >= 1 && after - before <= 2, "... in %ld I/O exit(s)",
	       after - before);

	/* REP with ECX = 0 does nothing. */
	edi = (u32)pages;
	ecx = 0;
	asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(UNASSIGNED_PORT) : "memory");
	report(edi == (u32)pages && pages[0] == 0, "rep insb with ECX = 0 is a no-op");

	/* INS without REP: one element, ECX untouched. */
	edi = (u32)pages;
	ecx = 1234;
	asm volatile("insl" : "+D"(edi), "+c"(ecx) : "d"(UNASSIGNED_PORT) : "memory");
	report(edi == (u32)pages + 4 && ecx == 1234 && all_bytes(pages, 4, 0xff) &&
	       pages[4] == 0, "insl without rep: one dword, ECX untouched");
}

/*
 * All three pieces land on one line of stdout, which TESTS checks:
 * "io: rep outsb plain + across a page + outsb".
 */
static void check_rep_outs(void)
{
	static const char plain[] = "io: rep outsb plain";
	static const char cross[] = " + across a page";
	static const char single[] = " + outsb";
	u32 esi, ecx, esi_plain, ecx_plain, esi_cross, ecx_cross;
	u8 *buf;

	esi = (u32)plain;
	ecx = sizeof(plain) - 1;
	asm volatile("cld; rep outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	esi_plain = esi;
	ecx_plain = ecx;

	buf = pages + PAGE_SIZE - 10;
	memcpy(buf, cross, sizeof(cross) - 1);
	esi = (u32)buf;
	ecx = sizeof(cross) - 1;
	asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	esi_cross = esi;
	ecx_cross = ecx;

	/* OUTS without REP: one byte each, ECX is not a count */
	esi = (u32)single;
	ecx = 777;
	for (u32 i = 0; i < sizeof(single) - 1; i++)
		asm volatile("outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	outb(UART_THR, '\n');

	report(esi_plain == (u32)plain + sizeof(plain) - 1 && ecx_plain == 0,
	       "rep outsb: ESI advanced, ECX 0");
	report(esi_cross == (u32)buf + sizeof(cross) - 1 && ecx_cross == 0,
	       "rep outsb across a page: ESI advanced by %u, ECX %u", esi_cross - (u32)buf,
	       ecx_cross);
	report(esi == (u32)single + sizeof(single) - 1 && ecx == 777,
	       "outsb without rep: ESI advanced by one each, ECX untouched (%u)", ecx);
}

/* Loopback: what goes out through THR comes back through RBR. */
static void loopback_on(void)
{
	outb(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	outb(UART_MCR, UART_MCR_LOOP);
}

static void loopback_off(void)
{
	outb(UART_MCR, 0);
	outb(UART_FCR, 0);
}

static void check_loopback_order(void)
{
	static const char fwd[] = "abcdefgh";
	static char got_fwd[9], got_std_in[9], got_std_out[9], got_fs[5], got_es[5];
	char *es_buf = (char *)pages + 200;
	u32 esi, edi, ecx;
	bool drained;

	memset(pages, 0, sizeof(pages));
	memcpy(pages + 100, "wxyz", 4);
	load_gdt_with_based_segment((u32)pages);

	loopback_on();
	/* forward out, forward in */
	esi = (u32)fwd;
	ecx = 8;
	asm volatile("cld; rep outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	edi = (u32)got_fwd;
	ecx = 8;
	asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(UART_RBR) : "memory");

	/* forward out, DF = 1 in: the first byte received lands highest */
	esi = (u32)fwd;
	ecx = 8;
	asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	edi = (u32)&got_std_in[7];
	ecx = 8;
	asm volatile("std; rep insb; cld" : "+D"(edi), "+c"(ecx) : "d"(UART_RBR) : "memory");

	/* DF = 1 out: the highest byte is sent first */
	esi = (u32)&fwd[7];
	ecx = 8;
	asm volatile("std; rep outsb; cld" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	edi = (u32)got_std_out;
	ecx = 8;
	asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(UART_RBR) : "memory");

	/* OUTS with an FS override reads FS.base + ESI */
	esi = 100;
	ecx = 4;
	asm volatile("movw %w3, %%fs; rep outsb %%fs:(%%esi), (%%dx); movw %w4, %%fs"
		     : "+S"(esi), "+c"(ecx) : "d"(UART_THR), "r"(SEL_BASED), "r"(SEL_DATA)
		     : "memory");
	edi = (u32)got_fs;
	ecx = 4;
	asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(UART_RBR) : "memory");

	/* INS always writes ES:EDI; give ES a base */
	esi = (u32)fwd;
	ecx = 4;
	asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(UART_THR) : "memory");
	edi = 200;	/* ES.base = pages */
	ecx = 4;
	asm volatile("movw %w3, %%es; rep insb; movw %w4, %%es"
		     : "+D"(edi), "+c"(ecx) : "d"(UART_RBR), "r"(SEL_BASED), "r"(SEL_DATA)
		     : "memory");
	memcpy(got_es, es_buf, 4);
	drained = !(inb(UART_LSR) & UART_LSR_DR);
	loopback_off();

	report(!strcmp(got_fwd, fwd), "loopback rep outsb/insb keeps the order (\"%s\")",
	       got_fwd);
	report(!strcmp(got_std_in, "hgfedcba"),
	       "std; rep insb stores the first byte at the highest address (\"%s\")",
	       got_std_in);
	report(!strcmp(got_std_out, "hgfedcba"),
	       "std; rep outsb sends the highest byte first (\"%s\")", got_std_out);
	report(!strcmp(got_fs, "wxyz"), "rep outsb %%fs:(%%esi) reads through the FS base (\"%s\")",
	       got_fs);
	report(!strcmp(got_es, "abcd"), "rep insb writes through the ES base (\"%s\")", got_es);
	report(drained, "the receive FIFO is empty afterwards");
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_in_out();
	check_rep_ins();
	check_rep_outs();
	check_loopback_order();
	return 0;
}
