# intel-npu-mtl — top-level build.
#
# Everything is built out of tree under $(BUILD) (default: build/).
# Each area of the project contributes one fragment, mk/<area>.mk, which
# appends to the variables below; this file only wires them together.
#
#   make            build QEMU with the device, the firmware, the driver, the tools
#   make demo       boot a Linux guest with -device intel-npu-mtl and run the driver
#   make check      every test suite (source-tree checks, unit, qtest, system, unit
#                   under valgrind, unit and qtest under ASan/UBSan); CI runs exactly this
#   make bench      benchmarks; they print figures and the machine they ran on
#   make install PREFIX=/usr/local [DESTDIR=...]
#
# Options: SANITIZE=1 (ASan+UBSan for host code), V=1 (echo commands).
#
# `make install` copies what the fragments list in these variables (paths of
# built files; each file keeps its name):
#   INSTALL_BIN      += file   -> $(PREFIX)/bin                  (mode 755)
#   INSTALL_FIRMWARE += file   -> $(PREFIX)/share/intel-npu-mtl/firmware
#   INSTALL_DATA     += file   -> $(PREFIX)/share/intel-npu-mtl
#   INSTALL_DOC      += file   -> $(PREFIX)/share/doc/intel-npu-mtl
# mk/qemu.mk adds the QEMU binary (qemu-system-x86_64, which finds its
# firmware in Debian's seabios/ipxe-qemu/qemu-system-data packages).

.DEFAULT_GOAL := all
BUILD       ?= build
SRCDIR      := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PREFIX      ?= /usr/local

# config.mk is written by ./configure; make runs it with defaults if missing
# (but not just for `make help`, `make clean` or `make distclean`).
ifneq ($(or $(MAKECMDGOALS),all),$(filter help clean distclean,$(MAKECMDGOALS)))
-include $(BUILD)/config.mk
endif
# When configure changes, it is re-run with the arguments it was given last.
$(BUILD)/config.mk: $(SRCDIR)/configure
	@if [ -x $(BUILD)/config.status ]; then \
	  echo "  CONFIGURE (again, same arguments: $(BUILD)/config.status)"; $(BUILD)/config.status; \
	else \
	  echo "  CONFIGURE (defaults; run ./configure yourself for options)"; \
	  $(SRCDIR)/configure --builddir=$(BUILD); \
	fi

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- Host C toolchain and flags for our own code ---------------------------
CC          ?= gcc
HOST_CC     := $(CC)
WARN_CFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wno-unused-parameter
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN_CFLAGS) -I$(SRCDIR)/include
HOST_LDFLAGS :=
ifeq ($(SANITIZE),1)
HOST_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_LDFLAGS += -fsanitize=address,undefined
# NPU_DPU_DNNL=0: the sanitizers check our code; oneDNN's OpenMP threads
# also make LeakSanitizer's exit-time scan crash.
SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                NPU_DPU_DNNL=0
# QEMU itself leaks at exit by design; its ASan/UBSan reports still abort it.
QTEST_SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                      NPU_DPU_DNNL=0
endif

# ---- Variables the fragments append to --------------------------------------
ALL_TARGETS   :=   # built by `make`
UNIT_TESTS    :=   # CUnit runners: each is run with no arguments, exit 0 = pass
QTESTS        :=   # qtest runners: need the built QEMU ($(QEMU_BINARY))
SYSTEM_TESTS  :=   # guest-boot tests: make targets named check-system-*
STATIC_CHECKS :=   # source-tree checks (citations, licence hygiene): make targets named check-static-*
BENCHES       :=   # benchmark make targets named bench-*
CLEAN_FILES   :=
INSTALL_BIN      :=   # `make install`: see the top of this file
INSTALL_FIRMWARE :=
INSTALL_DATA     :=
INSTALL_DOC      :=

.PHONY: all check check-static check-unit check-qtest check-system check-sanitize check-valgrind bench demo run \
        install clean \
        distclean help
all:

# Objects depend on the flags they were built with: switching SANITIZE or CC
# in a build dir rebuilds them instead of mixing instrumented and plain code.
HOST_FLAGS_STAMP := $(BUILD)/host/.flags
HOST_FLAGS_LINE  := $(HOST_CC) $(HOST_CFLAGS) | $(HOST_LDFLAGS)
ifneq ($(HOST_FLAGS_LINE),$(shell cat $(HOST_FLAGS_STAMP) 2>/dev/null))
$(shell mkdir -p $(BUILD)/host && echo '$(HOST_FLAGS_LINE)' > $(HOST_FLAGS_STAMP))
endif

# Host objects: $(BUILD)/host/<path>.o from $(SRCDIR)/<path>.c, with header deps.
# Every one waits for the generated trace headers (mk/model.mk's stamp):
# tests and tools include them through the model's headers too.
$(BUILD)/host/%.o: $(SRCDIR)/%.c $(BUILD)/config.mk $(HOST_FLAGS_STAMP) | $(BUILD)/host/.trace-gen
	@mkdir -p $(dir $@)
	@echo "  CC      $*.c"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(EXTRA_CFLAGS_$(subst /,_,$(dir $*))) -MMD -MP -c -o $@ $<
-include $(shell find $(BUILD)/host -name '*.d' 2>/dev/null)

# model.mk and format.mk first: other fragments name their libraries in
# their prerequisites, which make expands when it reads a rule.
FIRST_FRAGMENTS := $(SRCDIR)/mk/model.mk $(SRCDIR)/mk/format.mk
include $(FIRST_FRAGMENTS)
include $(filter-out $(FIRST_FRAGMENTS),$(sort $(wildcard $(SRCDIR)/mk/*.mk)))

all: $(ALL_TARGETS)

# A new user's first commands (README.md) leave everything `make` builds
# built: the tools the README shows next are there.
demo run check: all

# Each runner prints its own summary; the loop stops at the first failing suite
# only after printing which one failed, and exits non-zero.
check-unit: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
	  echo "== unit: $$t"; $(SANITIZE_ENV) $$t || { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

check-qtest: $(QTESTS) $(QEMU_BINARY) $(FIRMWARE_BIN)
	@fail=0; for t in $(QTESTS); do \
	  echo "== qtest: $$t"; QTEST_QEMU_BINARY=$(abspath $(QEMU_BINARY)) NPU_FIRMWARE=$(abspath $(FIRMWARE_BIN)) \
	    $(QTEST_SANITIZE_ENV) $$t || { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

check-system: $(SYSTEM_TESTS)

# Checks of the source tree itself; they need no build.
check-static: $(STATIC_CHECKS)

# The CUnit runners again under valgrind (about 20 s), the DPU on its own
# kernels (NPU_DPU_DNNL=0: valgrind does not decode every instruction
# oneDNN's JIT emits).
VALGRIND ?= valgrind
check-valgrind: $(UNIT_TESTS)
	@fail=0; for t in $(filter $(BUILD)/tests/unit/%,$(UNIT_TESTS)); do \
	  echo "== valgrind: $$t"; NPU_DPU_DNNL=0 $(VALGRIND) -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect,possible $$t >/dev/null || \
	    { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

# The unit tests and qtests again, our host code built with ASan+UBSan in its
# own build dir, against a QEMU configured with --enable-sanitizers (its own
# cache key; ASan everywhere, UBSan on the device's code: see
# qemu-device/meson.build). Guest input that trips the device shows up here.
SAN_BUILD := $(abspath $(BUILD))/sanitize
check-sanitize:
	@test -f $(SAN_BUILD)/config.mk || $(SRCDIR)/configure --builddir=$(SAN_BUILD) \
	  --qemu-opt=--enable-sanitizers --cc=$(HOST_CC)
	@$(MAKE) --no-print-directory -f $(SRCDIR)/Makefile BUILD=$(SAN_BUILD) SANITIZE=1 \
	  check-unit check-qtest

# Runs every suite even when an earlier one fails, then reports.
check:
	@fail=""; \
	for s in check-static check-unit check-qtest check-system check-valgrind check-sanitize; do \
	  $(MAKE) --no-print-directory $$s || fail="$$fail $$s"; \
	done; \
	if [ -n "$$fail" ]; then echo "== make check: FAILED:$$fail"; exit 1; fi; \
	echo "== make check: all suites passed"

bench: $(BENCHES)

install: $(INSTALL_BIN) $(INSTALL_FIRMWARE) $(INSTALL_DATA) $(INSTALL_DOC)
	$(call install-files,755,$(INSTALL_BIN),$(PREFIX)/bin)
	$(call install-files,644,$(INSTALL_FIRMWARE),$(PREFIX)/share/intel-npu-mtl/firmware)
	$(call install-files,644,$(INSTALL_DATA),$(PREFIX)/share/intel-npu-mtl)
	$(call install-files,644,$(INSTALL_DOC),$(PREFIX)/share/doc/intel-npu-mtl)
# $(call install-files,MODE,FILES,DIR)
install-files = $(if $(strip $2),@echo "  INSTALL $(notdir $2) -> $(DESTDIR)$3"; \
	install -d $(DESTDIR)$3 && install -m $1 $2 $(DESTDIR)$3/)

help:
	@sed -n '3,24p' $(SRCDIR)/Makefile

clean:
	rm -rf $(BUILD)/host $(BUILD)/firmware $(BUILD)/tests $(BUILD)/tools $(CLEAN_FILES)

distclean:
	rm -rf $(BUILD)
