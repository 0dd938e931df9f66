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
