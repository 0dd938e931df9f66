/* SPDX-License-Identifier: MIT */
/*
 * PCI Configuration Mechanism #1 with an empty bus (see pci_host.h).  The
 * config-cycle path is kept separate from the port decoding so that
 * functions can be added behind pci_host_config_read/write() later without
 * touching the port rules.
 */
#include <string.h>

#include "dev/pci_host.h"

/* What the CPU reads when no target claims a cycle (Master Abort). */
#define PCI_ALL_ONES		0xffffffffu
#define PCI_DWORD		4

void pci_host_init(struct pci_host *s)
{
	memset(s, 0, sizeof(*s));
}

u32 pci_host_config_read(struct pci_host *s, unsigned int offset,
			 unsigned int size)
{
	s->config_reads++;
	/* Bus pci_config_bus(), device pci_config_dev(), function
	 * pci_config_fn() would answer here; no function exists. */
	return (u32)io_size_mask(size);
}

void pci_host_config_write(struct pci_host *s, unsigned int offset,
			   unsigned int size, u32 value)
{
	s->config_writes++;
}

static u64 pci_host_address_read(void *opaque, u64 offset, unsigned size)
{
	struct pci_host *s = opaque;

	if (size != PCI_DWORD)
		return PCI_ALL_ONES;
	return s->config_address;
}

static void pci_host_address_write(void *opaque, u64 offset, unsigned size,
				   u64 value)
{
	struct pci_host *s = opaque;

	if (size == PCI_DWORD)
		s->config_address = (u32)value & PCI_CONFIG_ADDRESS_MASK;
}

/* Bytes of the access that fall inside the 4-byte window. */
static unsigned int pci_host_data_bytes(u64 offset, unsigned size)
{
	return offset + size > PCI_CONFIG_DATA_LEN ?
	       (unsigned int)(PCI_CONFIG_DATA_LEN - offset) : size;
}

static u64 pci_host_data_read(void *opaque, u64 offset, unsigned size)
{
	struct pci_host *s = opaque;
	unsigned int n = pci_host_data_bytes(offset, size);
	u64 val;

	if (!(s->config_address & PCI_CONFIG_ENABLE))
		return PCI_ALL_ONES;
	/* Bytes past 0xcff belong to nothing and float high. */
	val = io_size_mask(size) & ~io_size_mask(n);
	return val | pci_host_config_read(s, (unsigned int)offset, n);
}

static void pci_host_data_write(void *opaque, u64 offset, unsigned size,
				u64 value)
{
	struct pci_host *s = opaque;
	unsigned int n = pci_host_data_bytes(offset, size);

	if (!(s->config_address & PCI_CONFIG_ENABLE))
		return;
	pci_host_config_write(s, (unsigned int)offset, n,
			      (u32)(value & io_size_mask(n)));
}

const struct io_device_ops pci_host_address_ops = {
	.read = pci_host_address_read,
	.write = pci_host_address_write,
};

const struct io_device_ops pci_host_data_ops = {
	.read = pci_host_data_read,
	.write = pci_host_data_write,
};
