# tinyvmx — top-level build.
#
#   make            build the hypervisor ISO, the guests and the host tools
#   make run        boot the demo guest under the hypervisor in Bochs
#   make test       unit tests (host, cmocka) + guest tests (Bochs)
#   make bench      benchmarks (guest-side rdtsc, Bochs instruction counts)
#   make deps       install missing Debian packages (root) or print the command
#
# Two builds share the pure-logic sources (control negotiation, VMCS tables,
# loaders, device models): the freestanding hypervisor and a host library
# that the unit tests and the `tinyvmx` command link against.

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
LD      := ld
B       := build
GCCINC  := $(shell $(CC) -print-file-name=include)

WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
           -Wmissing-prototypes -Wstrict-prototypes -Werror

# ---- freestanding hypervisor --------------------------------------------
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdlib -nostdinc \
           -isystem $(GCCINC) -Iinclude/libc -Iinclude -I. \
           -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse \
           -mno-mmx -fno-pic -fno-pie -fno-stack-protector \
           -fno-common -fno-strict-aliasing \
           -DTVX_KERNEL $(WARN)
KASFLAGS := $(filter-out -std=gnu11 $(WARN),$(KCFLAGS)) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
            -T boot/kernel.ld

KSRCS := $(wildcard boot/*.S boot/*.c kernel/*.c kernel/*.S lib/*.c \
           vmx/*.c vmx/*.S virt/*.c dev/*.c loader/*.c)
KOBJS := $(patsubst %,$(B)/k/%.o,$(KSRCS))

# ---- host build of the pure logic ---------------------------------------
# Pure vmx/ files are listed by name; everything in dev/ and loader/ is pure.
PURE_VMX := capabilities caps_report vmcs_names exit_reason entry_check \
            msr_bitmap io_bitmap exec_controls guest_walk cpuid_model \
            insn_decode mtrr
PURE_SRCS := $(wildcard dev/*.c loader/*.c $(PURE_VMX:%=vmx/%.c))
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer
HCFLAGS := -std=gnu11 -O1 -g -Iinclude -I. -DTVX_HOST $(WARN)
HOSTLIB := $(B)/host/libtvx.a
HOBJS   := $(patsubst %,$(B)/host/%.o,$(PURE_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))

.PHONY: all hv tools unit guests iso run test bench deps clean check-deps
all: iso tools guests

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

$(B)/k/%.c.o: %.c
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(B)/k/%.S.o: %.S
	$(call msg,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

# Objects follow the flags: a changed Makefile rebuilds them.
$(KOBJS) $(HOBJS): Makefile

$(B)/tinyvmx.elf: $(KOBJS) boot/kernel.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS)
hv: $(B)/tinyvmx.elf

$(B)/host/%.c.o: %.c
	$(call msg,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HCFLAGS) $(SAN) -MMD -MP -c $< -o $@
$(HOSTLIB): $(HOBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/unit/%: tests/unit/%.c $(HOSTLIB)
	$(call msg,UNIT,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HCFLAGS) $(SAN) -MMD -MP $< -o $@ $(HOSTLIB) -lcmocka
unit: $(UNIT_BINS)

# Debian packages the build and the tests need.
DEB_PKGS := bochs bochsbios vgabios grub-pc-bin grub-common xorriso mtools libcmocka-dev bc
deps:
	@missing=""; \
	for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			 apt-get install -y -qq $$missing) >/dev/null || exit 1; \
		else \
			echo "missing Debian packages:$$missing"; \
			echo "run: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

-include $(shell find $(B) -name '*.d' 2>/dev/null)
include tools/tools.mk
include tests/guests/guests.mk
include tests/tests.mk
include bench/bench.mk

# `make run`: boot the demo guest in Bochs (console on stdout, statistics on
# stderr).  Extra arguments: make run ARGS="--append hello".
run: deps tools guests
	@$(B)/host/tinyvmx run $(ARGS) $(B)/guests/demo.elf

clean:
	rm -rf $(B)
