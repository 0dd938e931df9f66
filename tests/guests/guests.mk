# Guest kernels (32-bit multiboot ELF) for tests, the demo and benchmarks.
GUEST_CFLAGS := -std=gnu11 -m32 -O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie \
                -fno-stack-protector -mno-sse -mno-mmx -mgeneral-regs-only \
                -fno-asynchronous-unwind-tables -Iinclude -Itests/guests/lib \
                -Wall -Wextra -Werror -Wno-unused-parameter
GUEST_LIB_OBJS := $(B)/guests/lib/crt0.o $(B)/guests/lib/guest.o
GUEST_SRCS := $(wildcard tests/guests/*.c bench/guests/*.c)
GUEST_ELFS := $(patsubst %.c,$(B)/guests/%.elf,$(notdir $(GUEST_SRCS)))

$(B)/guests/lib/%.o: tests/guests/lib/%.S
	$(call msg,GUESTAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/lib/%.o: tests/guests/lib/%.c tests/guests/lib/guest.h include/tvx/abi.h
	$(call msg,GUESTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/%.o: tests/guests/%.c tests/guests/lib/guest.h include/tvx/abi.h
	$(call msg,GUESTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/%.o: bench/guests/%.c tests/guests/lib/guest.h include/tvx/abi.h
	$(call msg,GUESTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/%.elf: $(B)/guests/%.o $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(call msg,GUESTLD,$@)
	$(Q)$(LD) -m elf_i386 --no-warn-rwx-segments -T tests/guests/lib/guest.ld -o $@ $< $(GUEST_LIB_OBJS)

guests: $(GUEST_ELFS)
.PRECIOUS: $(B)/guests/%.o $(B)/guests/lib/%.o

# The demo guest in an ELF64 container (32-bit code, as GRUB and QEMU accept
# it): checks that the loader takes ELFCLASS64 multiboot kernels.
$(B)/guests/demo64.elf: $(B)/guests/demo.elf
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy -O elf64-x86-64 $< $@
guests: $(B)/guests/demo64.elf

# Flat real-mode binaries (tinyvmx run --real-mode-entry ADDR FILE.bin):
# 16-bit code linked at offset 0x7c00, which is IP for any ADDR whose low
# 16 bits are 0x7c00 (loader/flat.h), written out as raw bytes.
FLAT_GUEST_LINK_IP := 0x7c00
FLAT_GUEST_SRCS := $(wildcard tests/guests/*_flat.S)
FLAT_GUEST_BINS := $(patsubst %.S,$(B)/guests/%.bin,$(notdir $(FLAT_GUEST_SRCS)))

$(B)/guests/%_flat.bin: tests/guests/%_flat.S
	$(call msg,GUESTAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $(@:.bin=.o)
	$(Q)$(LD) -m elf_i386 -Ttext=$(FLAT_GUEST_LINK_IP) -e start --oformat binary \
		-o $@ $(@:.bin=.o)

guests: $(FLAT_GUEST_BINS)

# The realmode guest links its 16-bit trampoline too.
$(B)/guests/realmode16.o: tests/guests/realmode16.S include/tvx/abi.h
	$(call msg,GUESTAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/realmode.elf: $(B)/guests/realmode.o $(B)/guests/realmode16.o \
			  $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(call msg,GUESTLD,$@)
	$(Q)$(LD) -m elf_i386 --no-warn-rwx-segments -T tests/guests/lib/guest.ld -o $@ \
		$(B)/guests/realmode.o $(B)/guests/realmode16.o $(GUEST_LIB_OBJS)

# The smp guest links its AP trampoline (copied to page 0 at run time).
$(B)/guests/smp.o: tests/guests/smp.h
$(B)/guests/smp_trampoline.o: tests/guests/smp_trampoline.S tests/guests/smp.h
	$(call msg,GUESTAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/guests/smp.elf: $(B)/guests/smp.o $(B)/guests/smp_trampoline.o \
		     $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(call msg,GUESTLD,$@)
	$(Q)$(LD) -m elf_i386 --no-warn-rwx-segments -T tests/guests/lib/guest.ld -o $@ \
		$(B)/guests/smp.o $(B)/guests/smp_trampoline.o $(GUEST_LIB_OBJS)
