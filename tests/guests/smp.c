/* SPDX-License-Identifier: MIT */
/*
 * smp: a multiprocessor guest started the way a kernel without a BIOS
 * starts its APs.  Command line: expect_cpus=N (default 1).
 *
 *   - fw_cfg's CPU count and the ACPI MADT (N enabled local APICs with IDs
 *     0 to N-1, the IOAPIC's ID not among them) say N;
 *   - the BSP copies the AP trampoline (smp_trampoline.S) to page 0,
 *     enables its xAPIC and sends INIT, then two STARTUP IPIs, to all
 *     excluding self ("MP Initialization Protocol Algorithm", SDM Vol. 3A);
 *   - every AP comes up in real mode at CS = vector << 8, goes to
 *     protected mode, checks CPUID.1:EBX[31:24] against its xAPIC ID and
 *     that IA32_APIC_BASE.BSP is clear, records its ID, enables its APIC
 *     and sends vector AP_ALIVE_VECTOR to the BSP (one AP at a time), then
 *     waits in sti; hlt;
 *   - the BSP sees N-1 distinct IDs 1..N-1, N-1 alive IPIs, each AP
 *     started once; an INIT and a STARTUP IPI to an APIC ID nobody has
 *     change nothing; then it pings every AP (PING_VECTOR), whose handler
 *     answers with PONG_VECTOR.
 *
 * With N = 1 the INIT/STARTUP broadcast reaches nobody and the guest must
 * still pass.  APs never print: the BSP reports what they recorded.
 */
#include "guest.h"
#include "smp.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_NB_CPUS_BYTES 2

#define BIOS_START 0xe0000u
#define BIOS_END 0x100000u
#define RSDP_ALIGN 16
#define RSDP_RSDT_ADDRESS 16		/* ACPI spec: offsets and types */
#define MADT_ENTRIES 44
#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_LAPIC_ID 3
#define MADT_LAPIC_FLAGS 4
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_IOAPIC_ID 2

#define MSR_IA32_APICBASE 0x1b
#define APICBASE_BSP (1u << 8)

#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_SPIV_ENABLE (1u << 8)
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_ICR2_DEST_SHIFT 24
#define APIC_DM_FIXED (0u << 8)
#define APIC_DM_INIT (5u << 8)
#define APIC_DM_STARTUP (6u << 8)
#define APIC_ICR_BUSY (1u << 12)	/* delivery status: send pending */
#define APIC_INT_ASSERT (1u << 14)
#define APIC_DEST_ALLBUT (3u << 18)	/* shorthand: all excluding self */
/* ICR values of the MP initialization protocol: 0x000c4500, 0x000c4600 */
#define ICR_INIT_ALLBUT (APIC_DEST_ALLBUT | APIC_INT_ASSERT | APIC_DM_INIT)
#define ICR_SIPI_ALLBUT (APIC_DEST_ALLBUT | APIC_INT_ASSERT | APIC_DM_STARTUP)

#define SPURIOUS_VECTOR 0xff
#define AP_ALIVE_VECTOR 0x40		/* AP -> BSP: checked in */
#define PING_VECTOR 0x41		/* BSP -> AP */
#define PONG_VECTOR 0x42		/* AP -> BSP: the answer */
#define BSP_APIC_ID 0
/* An APIC ID no vCPU has: 7 below 8 CPUs, else a physical ID above the
 * largest (0xff would be the xAPIC broadcast). */
#define ABSENT_APIC_ID_SMALL 7
#define ABSENT_APIC_ID_FULL 0x7f

/* TSC ticks (Bochs: one per instruction) */
#define INIT_DELAY 10000		/* after INIT, before the first SIPI */
#define SIPI_DELAY 10000		/* between the two SIPIs */
#define CHECKIN_TIMEOUT 50000000ull
#define PONG_TIMEOUT 50000000ull
#define ICR_IDLE_TIMEOUT 1000000ull
#define ALIVE_ACK_TIMEOUT 10000000ull
/* After the APs checked in, long enough for a stray start to show. */
#define SETTLE_TICKS 2000000ull

struct acpi_header {
	char sig[4];
	u32 length;
	u8 revision, checksum;
	char oem_id[6], oem_table_id[8];
	u32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* What each AP found, indexed by its xAPIC ID (written by that AP only). */
struct ap_record {
	u32 started;		/* times ap_main ran on this ID */
	u32 cpuid_apic_id;	/* CPUID.1:EBX[31:24] */
	u32 apic_base_lo;	/* IA32_APIC_BASE, low half */
};

/* Shared with smp_trampoline.S. */
u8 ap_stacks[SMP_MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));
volatile u32 ap_bad_id;
struct {
	u16 limit;
	u32 base;
} __attribute__((packed)) bsp_idtr;
extern const u8 smp_tramp_start[], smp_tramp_end[], smp_tramp_cs[];
void ap_main(u32 apic_id) __attribute__((noreturn));

static volatile struct ap_record ap_rec[SMP_MAX_CPUS];
static volatile u32 checkin_ids[SMP_MAX_CPUS];
static volatile u32 checkin_slots;	/* slots of checkin_ids taken */
static volatile u32 checked_in;		/* slots written */
static volatile u32 ap_starts;
static volatile u32 alive_lock;		/* one AP_ALIVE_VECTOR at a time */
static volatile u32 pong[SMP_MAX_CPUS];

static u32 apic_read(u32 reg)
{
	return mmio_read32(XAPIC_BASE + reg);
}

static void apic_write(u32 reg, u32 v)
{
	mmio_write32(XAPIC_BASE + reg, v);
}

static u32 my_apic_id(void)
{
	return apic_read(APIC_ID) >> APIC_ID_SHIFT;
}

/*
 * The trampoline's page.  At SMP_TRAMP_BASE 0 it is a null pointer to
 * the compiler, which may turn accesses through a known null pointer into
 * traps: hide the value.
 */
static u8 *tramp_page(void)
{
	u8 *p = (u8 *)SMP_TRAMP_BASE;

	asm("" : "+r"(p));
	return p;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/* Waits (TSC-bounded) for the previous IPI to leave; false on timeout. */
static bool icr_wait_idle(void)
{
	u64 t0 = rdtsc();

	while (apic_read(APIC_ICR) & APIC_ICR_BUSY) {
		if (rdtsc() - t0 > ICR_IDLE_TIMEOUT)
			return false;
		cpu_relax();
	}
	return true;
}

static bool send_ipi(u32 dest, u32 icr)
{
	bool idle = icr_wait_idle();

	apic_write(APIC_ICR2, dest << APIC_ICR2_DEST_SHIFT);
	apic_write(APIC_ICR, icr);
	return idle && icr_wait_idle();
}

static void delay(u64 ticks)
{
	u64 t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		cpu_relax();
}

/* ---- the APs ------------------------------------------------------------ */

/* PING_VECTOR on an AP: mark it, answer the BSP. */
static void ping_handler(u8 vector)
{
	u32 id = my_apic_id();

	if (id < SMP_MAX_CPUS)
		pong[id] = 1;
	apic_write(APIC_EOI, 0);
	send_ipi(BSP_APIC_ID, APIC_DM_FIXED | PONG_VECTOR);
}

/*
 * AP_ALIVE_VECTOR to the BSP, one AP at a time, each waiting until the BSP
 * took its IPI: a fixed interrupt whose vector is still pending in IRR
 * merges with it (SDM Vol. 3A, "Interrupt Acceptance for Fixed
 * Interrupts"), and in a time-sliced VM every AP may send before the BSP
 * runs again.  Serialised, N-1 IPIs must arrive as N-1 interrupts.
 */
static void send_alive(void)
{
	u32 before;
	u64 t0;

	while (__atomic_exchange_n(&alive_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	before = irq_count[AP_ALIVE_VECTOR];
	send_ipi(BSP_APIC_ID, APIC_DM_FIXED | AP_ALIVE_VECTOR);
	t0 = rdtsc();
	while (irq_count[AP_ALIVE_VECTOR] == before && rdtsc() - t0 < ALIVE_ACK_TIMEOUT)
		cpu_relax();
	__atomic_store_n(&alive_lock, 0, __ATOMIC_RELEASE);
}

void ap_main(u32 apic_id)
{
	volatile struct ap_record *r = &ap_rec[apic_id];
	u32 a, b, c, d, slot;

	__atomic_fetch_add(&ap_starts, 1, __ATOMIC_SEQ_CST);
	r->started++;
	cpuid(1, 0, &a, &b, &c, &d);
	r->cpuid_apic_id = b >> APIC_ID_SHIFT;
	r->apic_base_lo = (u32)rdmsr(MSR_IA32_APICBASE);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_VECTOR);
	/* take a slot, fill it, then count it: the BSP reads only
	 * checked_in slots */
	slot = __atomic_fetch_add(&checkin_slots, 1, __ATOMIC_SEQ_CST);
	if (slot < SMP_MAX_CPUS)
		checkin_ids[slot] = apic_id;
	__atomic_fetch_add(&checked_in, 1, __ATOMIC_SEQ_CST);
	send_alive();
	for (;;)
		sti_hlt();
}

/* ---- the BSP ------------------------------------------------------------ */

static void eoi_handler(u8 vector)
{
	apic_write(APIC_EOI, 0);
}

static u64 fw_cfg_read(u16 key, unsigned bytes)
{
	u64 v = 0;

	outw(FW_CFG_PORT_SEL, key);
	for (unsigned i = 0; i < bytes; i++)
		v |= (u64)inb(FW_CFG_PORT_DATA) << (8 * i);
	return v;
}

static const struct acpi_header *find_madt(void)
{
	const u8 *rsdp = 0;
	const struct acpi_header *rsdt;
	const u32 *entry;
	u32 n;

	for (u32 a = BIOS_START; a < BIOS_END && !rsdp; a += RSDP_ALIGN)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			rsdp = (const u8 *)a;
	if (!rsdp)
		return 0;
	rsdt = (const void *)*(const u32 *)(rsdp + RSDP_RSDT_ADDRESS);
	entry = (const u32 *)(rsdt + 1);
	n = (rsdt->length - sizeof(*rsdt)) / 4;
	for (u32 i = 0; i < n; i++) {
		const struct acpi_header *t = (const void *)entry[i];

		if (!memcmp(t->sig, "APIC", 4))
			return t;
	}
	return 0;
}

static void check_firmware(u32 n)
{
	const struct acpi_header *madt = find_madt();
	const u8 *p, *end;
	u32 lapics = 0, seen = 0, disabled = 0, ioapic_id = ~0u;

	report(fw_cfg_read(FW_CFG_NB_CPUS, FW_CFG_NB_CPUS_BYTES) == n,
	       "fw_cfg CPU count %u (expected %u)",
	       (u32)fw_cfg_read(FW_CFG_NB_CPUS, FW_CFG_NB_CPUS_BYTES), n);
	report(madt != 0, "MADT found");
	if (!madt)
		return;
	end = (const u8 *)madt + madt->length;
	for (p = (const u8 *)madt + MADT_ENTRIES; p < end && p[1]; p += p[1]) {
		if (p[0] == MADT_TYPE_LAPIC) {
			u8 id = p[MADT_LAPIC_ID];

			lapics++;
			if (id < SMP_MAX_CPUS)
				seen |= 1u << id;
			if (!(*(const u32 *)(p + MADT_LAPIC_FLAGS) & MADT_LAPIC_ENABLED))
				disabled++;
		}
		if (p[0] == MADT_TYPE_IOAPIC)
			ioapic_id = p[MADT_IOAPIC_ID];
	}
	report(lapics == n && seen == (1u << n) - 1 && !disabled,
	       "MADT: %u local APICs, IDs %#x (bit mask), %u disabled (expected %u, IDs 0-%u)",
	       lapics, seen, disabled, n, n - 1);
	report(ioapic_id >= n && ioapic_id != ~0u,
	       "MADT: the IOAPIC's ID %u is none of the CPUs'", ioapic_id);
}

/* Until @cond or @timeout TSC ticks; interrupts enabled meanwhile. */
#define WAIT_UNTIL(cond, timeout)                                       \
	({                                                              \
		u64 wait_t0_ = rdtsc();                                 \
		sti();                                                  \
		while (!(cond) && rdtsc() - wait_t0_ < (timeout))       \
			cpu_relax();                                    \
		(bool)(cond);                                           \
	})

static void start_aps(u32 n)
{
	bool ok;

	memcpy(tramp_page(), smp_tramp_start, smp_tramp_end - smp_tramp_start);
	asm volatile("sidt %0" : "=m"(bsp_idtr));
	ok = send_ipi(0, ICR_INIT_ALLBUT);
	delay(INIT_DELAY);
	ok &= send_ipi(0, ICR_SIPI_ALLBUT | SMP_SIPI_VECTOR);
	delay(SIPI_DELAY);
	ok &= send_ipi(0, ICR_SIPI_ALLBUT | SMP_SIPI_VECTOR);
	report(ok, "INIT, SIPI, SIPI to all excluding self: ICR delivery status idle");
	ok = WAIT_UNTIL(checked_in >= n - 1 && irq_count[AP_ALIVE_VECTOR] >= n - 1,
			CHECKIN_TIMEOUT);
	report(ok, "%u of %u APs checked in, %u alive IPIs", checked_in, n - 1,
	       irq_count[AP_ALIVE_VECTOR]);
}

static void check_checkins(u32 n)
{
	u32 ids = 0, dup = 0, cpuid_bad = 0, bsp_flag = 0, starts_bad = 0, cnt;
	u16 tramp_cs;

	/* a second SIPI, or anything else, must not start an AP again */
	WAIT_UNTIL(false, SETTLE_TICKS);
	cnt = checked_in;
	tramp_cs = *(volatile u16 *)(tramp_page() + (smp_tramp_cs - smp_tramp_start));
	for (u32 i = 0; i < cnt && i < SMP_MAX_CPUS; i++) {
		u32 id = checkin_ids[i];

		if (id < SMP_MAX_CPUS && (ids & (1u << id)))
			dup++;
		if (id < SMP_MAX_CPUS)
			ids |= 1u << id;
	}
	report(checked_in == n - 1 && ids == ((1u << n) - 1) - (1u << BSP_APIC_ID) &&
	       !dup && !ap_bad_id,
	       "APIC IDs checked in: %#x (bit mask, expected %#x), %u twice, %u out of range",
	       ids, ((1u << n) - 1) - (1u << BSP_APIC_ID), dup, ap_bad_id);
	report(ap_starts == n - 1 && irq_count[AP_ALIVE_VECTOR] == n - 1,
	       "each AP started once (%u starts) and sent one alive IPI (%u)",
	       ap_starts, irq_count[AP_ALIVE_VECTOR]);
	for (u32 id = 1; id < n; id++) {
		volatile struct ap_record *r = &ap_rec[id];

		starts_bad += r->started != 1;
		cpuid_bad += r->cpuid_apic_id != id;
		bsp_flag += !!(r->apic_base_lo & APICBASE_BSP);
	}
	if (n > 1) {
		report(!cpuid_bad, "CPUID.1:EBX[31:24] is the xAPIC ID on every AP (%u differ)",
		       cpuid_bad);
		report(!bsp_flag, "IA32_APIC_BASE.BSP clear on every AP (%u set)", bsp_flag);
		report(!starts_bad, "ap_main ran once per APIC ID");
		report(tramp_cs == SMP_SIPI_VECTOR << 8,
		       "the APs started in real mode at CS %#x (SIPI vector %#x)",
		       tramp_cs, SMP_SIPI_VECTOR);
	}
	report(rdmsr(MSR_IA32_APICBASE) & APICBASE_BSP, "IA32_APIC_BASE.BSP set on the BSP");
}

/* INIT and SIPI to an APIC ID nobody has: dropped, nobody restarts. */
static void check_absent(u32 n)
{
	u32 absent = n < ABSENT_APIC_ID_SMALL + 1 ? ABSENT_APIC_ID_SMALL :
		     ABSENT_APIC_ID_FULL;
	u32 starts = ap_starts, alive = irq_count[AP_ALIVE_VECTOR];
	bool ok;

	ok = send_ipi(absent, APIC_INT_ASSERT | APIC_DM_INIT);
	delay(INIT_DELAY);
	ok &= send_ipi(absent, APIC_INT_ASSERT | APIC_DM_STARTUP | SMP_SIPI_VECTOR);
	WAIT_UNTIL(false, SETTLE_TICKS);
	report(ok && ap_starts == starts && irq_count[AP_ALIVE_VECTOR] == alive &&
	       checked_in == n - 1,
	       "INIT and SIPI to absent APIC ID %u: ignored (%u starts, %u alive IPIs)",
	       absent, ap_starts, irq_count[AP_ALIVE_VECTOR]);
}

static void ping_aps(u32 n)
{
	for (u32 id = 1; id < n; id++) {
		u32 before = irq_count[PONG_VECTOR];
		bool sent, ok;

		sent = send_ipi(id, APIC_DM_FIXED | PING_VECTOR);
		ok = WAIT_UNTIL(pong[id] && irq_count[PONG_VECTOR] == before + 1,
				PONG_TIMEOUT);
		report(sent && ok, "ping AP %u (vector %#x): pong (vector %#x) came back",
		       id, PING_VECTOR, PONG_VECTOR);
	}
	WAIT_UNTIL(false, SETTLE_TICKS);
	report(irq_count[PONG_VECTOR] == n - 1 && irq_count[PING_VECTOR] == n - 1,
	       "%u pings, %u pongs in all (expected %u)", irq_count[PING_VECTOR],
	       irq_count[PONG_VECTOR], n - 1);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 n = guest_arg_u32(mbi, "expect_cpus=", 1);

	printf("smp: expecting %u CPU%s\n", n, n == 1 ? "" : "s");
	if (n < 1 || n > SMP_MAX_CPUS) {
		report(false, "expect_cpus=%u: 1 to %u", n, SMP_MAX_CPUS);
		return 0;
	}
	check_firmware(n);
	report(my_apic_id() == BSP_APIC_ID, "the BSP's xAPIC ID is %u", my_apic_id());

	set_irq_handler(AP_ALIVE_VECTOR, eoi_handler);
	set_irq_handler(PONG_VECTOR, eoi_handler);
	set_irq_handler(PING_VECTOR, ping_handler);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_VECTOR);

	start_aps(n);
	check_checkins(n);
	check_absent(n);
	ping_aps(n);
	cli();
	return 0;
}
