/* SPDX-License-Identifier: MIT */
/*
 * The guest test library: port I/O, the COM1 console, hypercalls, exception
 * capture and self-checking test reports.  Guests are 32-bit multiboot
 * kernels; a test prints "PASS:"/"FAIL:" lines and ends with
 * guest_exit(): power-off (status 0) when everything passed, else the
 * debug-exit port with the number of failures (status (n << 1) | 1).
 */
#ifndef TVX_GUEST_H
#define TVX_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tvx/abi.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

struct multiboot_info;

struct guest_frame {
	u32 edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
	u32 vector, error_code;
	u32 eip, cs, eflags;
};

extern u32 entry_eax, entry_ebx;
extern u64 entry_tsc;

int guest_main(u32 magic, struct multiboot_info *info);
void guest_exit(int failures) __attribute__((noreturn));

static inline void outb(u16 p, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outw(u16 p, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outl(u16 p, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline u8 inb(u16 p) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline u16 inw(u16 p) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline u32 inl(u16 p) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

static inline long hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3)
{
	long r;

	asm volatile("vmcall" : "=a"(r) : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
		     : "memory");
	return r;
}

static inline u32 read_cr0(void) { u32 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr4(void) { u32 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr4(u32 v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

/*
 * Exceptions: run one instruction that may fault.  The IDT stub records the
 * vector and error code and resumes at the label after the instruction.
 * Returns -1 if nothing faulted, else the vector.
 */
extern volatile u32 fixup_eip, fault_vector, fault_error_code;
#define GUEST_TRY(insn, ...)                                             \
	({                                                               \
		fault_vector = ~0u;                                      \
		asm volatile("movl $1f, fixup_eip\n\t" insn "\n\t"       \
			     "1: movl $0, fixup_eip" __VA_ARGS__);       \
		(int)fault_vector;                                       \
	})

/* Interrupts (vectors 32-255): counted and timestamped (rdtsc at entry)
 * by the common stub, then the handler, if any, runs. */
extern volatile u32 irq_count[256];
extern volatile u64 irq_tsc[256];
void set_irq_handler(u8 vector, void (*fn)(u8 vector));
/* An exception handler (vectors 0-31) that may edit the frame (EIP,
 * EFLAGS); it takes precedence over GUEST_TRY. */
void set_exception_handler(u8 vector, void (*fn)(struct guest_frame *f));
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
/* STI's one-instruction shadow covers the HLT: no wake-up is lost. */
static inline void sti_hlt(void) { asm volatile("sti; hlt" ::: "memory"); }
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline u32 mmio_read32(u32 addr) { return *(volatile u32 *)addr; }
static inline void mmio_write32(u32 addr, u32 v) { *(volatile u32 *)addr = v; }

int rdmsr_safe(u32 msr, u64 *val);	/* returns -1 or the vector */
int wrmsr_safe(u32 msr, u64 val);

/* Console on COM1 (polls the LSR like a real driver). */
void serial_putc(char c);
void puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* 64-bit division without libgcc (the guests are 32-bit) */
u64 div64(u64 n, u64 d);
char *strstr(const char *h, const char *n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* Test reports */
extern int test_failures;
void report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void debug_exit(u32 code) __attribute__((noreturn));
void power_off(u32 code) __attribute__((noreturn));

/* Multiboot (v1) information, the parts tests read. */
#define MB_INFO_CMDLINE_FLAG (1u << 2)
#define MB_INFO_MODS_FLAG (1u << 3)
struct multiboot_mod {
	u32 mod_start, mod_end, cmdline, pad;
};
/* The command line, or "" (the lib's copy of the flag test). */
const char *guest_cmdline(const struct multiboot_info *mbi);
/* The decimal number after @key (e.g. "expect_mib=") on the command
 * line, or @dflt when the key is absent. */
u32 guest_arg_u32(const struct multiboot_info *mbi, const char *key, u32 dflt);
struct multiboot_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
};

#endif
