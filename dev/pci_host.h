/* SPDX-License-Identifier: MIT */
/*
 * PCI host bridge, configuration space access only: PCI Local Bus
 * Specification, "Configuration Mechanism #1".  CONFIG_ADDRESS is the
 * doubleword at port 0xcf8; CONFIG_DATA is the doubleword window at
 * 0xcfc-0xcff onto the register CONFIG_ADDRESS selects.
 *
 * There are no PCI devices (not even the bridge's own function 0:0.0), so
 * every configuration read returns all ones, which is how software sees an
 * empty slot (Master Abort), and every configuration write is dropped.  A
 * guest that scans the bus therefore finds nothing, and one that checks for
 * the mechanism (write CONFIG_ADDRESS, read it back) finds it present.
 *
 * The two registers are separate bus ranges, CONFIG_ADDRESS decoding only
 * port 0xcf8, so the PC's reset control register at 0xcf9 can be another
 * device.
 */
#ifndef TVX_DEV_PCI_HOST_H
#define TVX_DEV_PCI_HOST_H

#include "dev/bus.h"

#define PCI_CONFIG_ADDRESS_PORT	0xcf8
#define PCI_CONFIG_ADDRESS_LEN	1	/* 0xcf9 is the reset register */
#define PCI_CONFIG_DATA_PORT	0xcfc
#define PCI_CONFIG_DATA_LEN	4

/* CONFIG_ADDRESS fields ("Configuration Mechanism #1"). */
#define PCI_CONFIG_ENABLE	BIT(31)
#define PCI_CONFIG_BUS_SHIFT	16
#define PCI_CONFIG_BUS_MASK	0xff
#define PCI_CONFIG_DEV_SHIFT	11
#define PCI_CONFIG_DEV_MASK	0x1f
#define PCI_CONFIG_FN_SHIFT	8
#define PCI_CONFIG_FN_MASK	0x7
#define PCI_CONFIG_REG_MASK	0xfc	/* doubleword register number */
/* Bits 30:24 are reserved (read 0); bits 1:0 read 0. */
#define PCI_CONFIG_ADDRESS_MASK					\
	(PCI_CONFIG_ENABLE |						\
	 (PCI_CONFIG_BUS_MASK << PCI_CONFIG_BUS_SHIFT) |		\
	 (PCI_CONFIG_DEV_MASK << PCI_CONFIG_DEV_SHIFT) |		\
	 (PCI_CONFIG_FN_MASK << PCI_CONFIG_FN_SHIFT) |			\
	 PCI_CONFIG_REG_MASK)

static inline unsigned int pci_config_bus(u32 addr)
{
	return (addr >> PCI_CONFIG_BUS_SHIFT) & PCI_CONFIG_BUS_MASK;
}

static inline unsigned int pci_config_dev(u32 addr)
{
	return (addr >> PCI_CONFIG_DEV_SHIFT) & PCI_CONFIG_DEV_MASK;
}

static inline unsigned int pci_config_fn(u32 addr)
{
	return (addr >> PCI_CONFIG_FN_SHIFT) & PCI_CONFIG_FN_MASK;
}

struct pci_host {
	u32 config_address;	/* as read back: reserved bits clear */
	u64 config_reads;	/* configuration cycles (enable bit set) */
	u64 config_writes;
};

void pci_host_init(struct pci_host *s);

/*
 * A configuration read/write of @size bytes at byte @offset (0-3) of the
 * CONFIG_DATA window, for the function and register CONFIG_ADDRESS selects.
 * With no devices: reads return all ones, writes are dropped.
 */
u32 pci_host_config_read(struct pci_host *s, unsigned int offset,
			 unsigned int size);
void pci_host_config_write(struct pci_host *s, unsigned int offset,
			   unsigned int size, u32 value);

/*
 * Bus glue; the opaque is the struct pci_host for both.
 *
 * pci_host_address_ops at PCI_CONFIG_ADDRESS_PORT: only doubleword accesses
 * are CONFIG_ADDRESS.  A byte or word access to 0xcf8 is an ordinary I/O
 * cycle the bridge passes on to the (empty) bus, as PC chipsets do: reads
 * return all ones, writes do nothing.  (QEMU's i440FX returns CONFIG_ADDRESS
 * for a narrow read; nothing depends on either.)
 *
 * pci_host_data_ops at PCI_CONFIG_DATA_PORT: an access of 1, 2 or 4 bytes at
 * 0xcfc + n reaches configuration register byte (CONFIG_ADDRESS & 0xfc) + n.
 * When the enable bit is clear it is an ordinary I/O cycle instead: reads
 * return all ones too.
 */
extern const struct io_device_ops pci_host_address_ops;
extern const struct io_device_ops pci_host_data_ops;

#endif
