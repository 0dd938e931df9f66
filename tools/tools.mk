# tools/tools.mk: the host `tinyvmx` command and a bootable ISO.
# Included by the top-level Makefile (B, CC, WARN, Q and msg come from it).
#
#   make tools      build/host/tinyvmx and the hypervisor it boots
#   make iso        build/tinyvmx.iso: hypervisor + demo guest, for real
#                   hardware or booting by hand (GRUB menu, serial console)
#   make caps       the VMX capability report of the emulated CPU
#   make cli-test   tests of the command itself (tests/cli/*.sh)

# The command links the loader the hypervisor uses, built without the
# sanitizers of the unit-test library: it is a tool, not a test.
TOOL_SRCS := $(wildcard tools/*.c) loader/multiboot.c loader/flat.c
TOOL_OBJS := $(patsubst %,$(B)/tool/%.o,$(TOOL_SRCS))
TOOL_BIN := $(B)/host/tinyvmx
TOOL_CFLAGS := -std=gnu11 -O2 -Iinclude -I. -DTVX_HOST $(WARN)

$(B)/tool/%.c.o: %.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

# tinyvmx.c builds the Bochs template in with .incbin (not seen by -MMD).
$(B)/tool/tools/tinyvmx.c.o: tools/bochsrc.in

$(TOOL_BIN): $(TOOL_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $(TOOL_OBJS)

tools: $(TOOL_BIN) $(B)/tinyvmx.elf

# ---- bootable ISO ---------------------------------------------------------
ISO_DIR := $(B)/iso

$(B)/tinyvmx.iso: $(B)/tinyvmx.elf $(B)/guests/demo.elf tools/tools.mk
	$(call msg,ISO,$@)
	@rm -rf $(ISO_DIR) && mkdir -p $(ISO_DIR)/boot/grub
	$(Q)cp $(B)/tinyvmx.elf $(ISO_DIR)/boot/tinyvmx.elf
	$(Q)cp $(B)/guests/demo.elf $(ISO_DIR)/boot/demo.elf
	$(Q)printf '%s\n' \
		'serial --unit=0 --speed=115200' \
		'terminal_input serial console' \
		'terminal_output serial console' \
		'set timeout=5' \
		'set default=0' \
		"menuentry 'tinyvmx: demo guest' {" \
		'  multiboot2 /boot/tinyvmx.elf' \
		'  module2 /boot/demo.elf demo.elf' \
		'  boot' \
		'}' \
		"menuentry 'tinyvmx: VMX capability report' {" \
		'  multiboot2 /boot/tinyvmx.elf caps' \
		'  boot' \
		'}' > $(ISO_DIR)/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(ISO_DIR) > $(B)/tinyvmx.iso.log 2>&1 || \
		{ cat $(B)/tinyvmx.iso.log >&2; rm -f $@; exit 1; }

iso: $(B)/tinyvmx.iso

.PHONY: caps cli-test
caps: tools
	$(TOOL_BIN) caps

cli-test: tools
	@fail=0; for t in tests/cli/*.sh; do sh $$t || fail=1; done; exit $$fail
