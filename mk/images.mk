# Linux guest images (images/linux/) and what boots them: `make demo`,
# `make run`, the guest system tests and bench-guest.
#
#   make images                 kernel (cached), static guest programs, initramfs images
#   make demo                   boot the vfio image: our driver brings the NPU up (PASS/FAIL)
#   make run                    the same guest with a shell (busybox), npuctl on the PATH,
#                               user-mode networking; an SDL window when a display exists
#   make check-system-demo      the demo boot must PASS
#   make check-system-broken-fw broken firmware files must end in the driver's error, not a hang
#   make check-system-ivpu      issue 7: Linux 6.12's intel_vpu + our firmware, ivpu-check
#   make check-system-harness   the judge itself (run-guest.sh) fails hangs, crashes, lies
#   make bench-guest            QEMU launch -> "NPU ready" (median of boots), heartbeat RTT
#
# Kernel: Debian's linux-image-6.12-amd64 (KERNEL_PKG=... to choose another),
# downloaded once and unpacked into $(CACHE_DIR)/images/linux (see
# images/linux/kernel.sh); the images themselves are rebuilt in $(BUILD) in
# a fraction of a second whenever an input changes.
#
# Knobs: KERNEL_PKG, GUEST_TIMEOUT (s, every boot), IVPU_DBG_MASK, IVPU_FW_LOG_LEVEL,
#        BENCH_GUEST_RUNS, QEMU_EXTRA (more QEMU arguments for demo/run).
# Documentation: images/linux/README.md.

LINUX_IMG_SRC   := $(SRCDIR)/images/linux
LINUX_IMG_DIR   := $(BUILD)/images/linux
LINUX_KENV      := $(LINUX_IMG_DIR)/kernel.env
LINUX_KHDR      := $(LINUX_IMG_DIR)/include
GUEST_OBJDIR    := $(BUILD)/guest
SYSTEST_DIR     := $(BUILD)/tests/system
KERNEL_PKG      ?= linux-image-6.12-amd64
GUEST_TIMEOUT   ?= 120
BENCH_GUEST_RUNS ?= 5
# intel_vpu's debug mask for the ivpu image (IVPU_DBG_* of ivpu_drv.h):
# IRQ MMU FILE MISC FW_BOOT PM IPC BO JOB JSM RPM = 0x17fe; left out: REG
# (every register access), KREF, MMU_MAP (every page) - they flood the log.
IVPU_DBG_MASK   ?= 0x17fe
# intel_vpu fw_log_level (boot params default_trace_level): 1 debug .. 5 fatal
IVPU_FW_LOG_LEVEL ?= 1

GUEST_INIT       := $(LINUX_IMG_DIR)/init
GUEST_NPUCTL     := $(LINUX_IMG_DIR)/npuctl
GUEST_IVPU_CHECK := $(LINUX_IMG_DIR)/ivpu-check
IMG_VFIO         := $(LINUX_IMG_DIR)/vfio.cpio
IMG_SHELL        := $(LINUX_IMG_DIR)/shell.cpio
IMG_IVPU         := $(LINUX_IMG_DIR)/ivpu.cpio
BROKEN_FW_KINDS  := truncated entry hang garbage
IMG_BROKEN_FW    := $(foreach k,$(BROKEN_FW_KINDS),$(LINUX_IMG_DIR)/broken-fw-$(k).cpio)

RUN_GUEST := $(LINUX_IMG_SRC)/run-guest.sh --qemu $(abspath $(QEMU_BINARY)) --kenv $(abspath $(LINUX_KENV))

# ---- The kernel (cached; kernel.sh is a ~20 ms no-op when nothing changed) ----
.PHONY: images images-kernel-always
$(LINUX_KENV): images-kernel-always
	$(Q)CACHE_DIR='$(CACHE_DIR)' KERNEL_PKG='$(KERNEL_PKG)' sh $(LINUX_IMG_SRC)/kernel.sh $@

# ---- Static guest programs (musl-gcc -static) ----------------------------------
# musl-gcc sees no kernel headers: give it linux-libc-dev's linux/, asm/ and
# asm-generic/ (for linux/vfio.h). ivpu-check also gets the 6.12 uapi drm
# headers that kernel.sh extracted (drm/ivpu_accel.h); nothing else needs the
# kernel, so `make` builds npuctl and init without downloading it.
$(LINUX_KHDR)/.stamp:
	$(Q)rm -rf $(LINUX_KHDR) && mkdir -p $(LINUX_KHDR)
	$(Q)L=$$(dpkg -L linux-libc-dev 2>/dev/null | grep -m1 '/linux/vfio\.h$$'); \
	  A=$$(dpkg -L linux-libc-dev 2>/dev/null | grep -m1 '/asm/ioctl\.h$$'); \
	  [ -n "$$L" ] && [ -n "$$A" ] || { echo "linux/vfio.h or asm/ioctl.h not found: install linux-libc-dev" >&2; exit 1; }; \
	  ln -s "$$(dirname "$$L")" $(LINUX_KHDR)/linux; \
	  ln -s "$$(dirname "$$(dirname "$$L")")/asm-generic" $(LINUX_KHDR)/asm-generic; \
	  ln -s "$$(dirname "$$A")" $(LINUX_KHDR)/asm
	$(Q)touch $@

LINUX_UAPI := $(LINUX_IMG_DIR)/uapi
$(LINUX_UAPI)/.stamp: $(LINUX_KENV)
	$(Q)rm -rf $(LINUX_UAPI) && mkdir -p $(LINUX_UAPI)
	$(Q). $(abspath $(LINUX_KENV)) && ln -s "$$KDIR/include/drm" $(LINUX_UAPI)/drm
	$(Q)touch $@
$(GUEST_OBJDIR)/tests/system/ivpu-check.o $(GUEST_OBJDIR)/tests/system/ivpu-jobs.o: \
	$(LINUX_UAPI)/.stamp
GUEST_CFLAGS_tests_system_ := -isystem $(LINUX_UAPI) $(FORMAT_CFLAGS)

GUEST_CC     := $(MUSL_GCC)
GUEST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 $(WARN_CFLAGS) -I$(SRCDIR)/include \
                -I$(SRCDIR)/driver/include -isystem $(LINUX_KHDR)
GUEST_LDFLAGS := -static -s

$(GUEST_OBJDIR)/%.o: $(SRCDIR)/%.c $(LINUX_KHDR)/.stamp $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $*.c"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_CFLAGS_$(subst /,_,$(dir $*))) -MMD -MP -c -o $@ $<
-include $(shell find $(GUEST_OBJDIR) -name '*.d' 2>/dev/null)

$(GUEST_INIT): $(GUEST_OBJDIR)/images/linux/init.o
	@echo "  GUESTLD $(notdir $@)"
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# ivpu-check builds the hand-built network (job.infer.*) with the format
# library's inference builder.
$(GUEST_IVPU_CHECK): $(GUEST_OBJDIR)/tests/system/ivpu-check.o $(GUEST_OBJDIR)/tests/system/ivpu-jobs.o \
		$(GUEST_OBJDIR)/format/net/inference_net.o \
		$(patsubst $(SRCDIR)/%.c,$(GUEST_OBJDIR)/%.o,$(FORMAT_SRCS))
	@echo "  GUESTLD $(notdir $@)"
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^ -lpthread

# npuctl for the guest: the portable driver core (mk/driver.mk's
# DRIVER_LIB_SRCS), the format library (mk/format.mk's FORMAT_SRCS), the
# backend table with only the linux (VFIO) backend, and the tool,
# statically linked with musl. The firmware is searched in
# /lib/firmware (the image puts it at /lib/firmware/intel/vpu/vpu_37xx_v1.bin).
GUEST_DRIVER_LIB_SRCS := $(or $(DRIVER_LIB_SRCS),$(sort $(wildcard $(SRCDIR)/driver/lib/*.c)))
GUEST_NPUCTL_SRCS := $(GUEST_DRIVER_LIB_SRCS) $(FORMAT_SRCS) $(SRCDIR)/driver/os/backends.c \
                     $(SRCDIR)/driver/os/linux.c $(SRCDIR)/driver/tools/npuctl.c \
                     $(SRCDIR)/driver/tools/npuctl_jobs.c $(SRCDIR)/format/net/inference_net.c \
                     $(SRCDIR)/driver/tools/tool_paths.c
GUEST_NPUCTL_OBJS := $(patsubst $(SRCDIR)/%.c,$(GUEST_OBJDIR)/%.o,$(GUEST_NPUCTL_SRCS))
GUEST_BACKENDS_INC := $(GUEST_OBJDIR)/driver/os/backends.inc
GUEST_CFLAGS_driver_lib_   := $(FORMAT_CFLAGS)
GUEST_CFLAGS_format_       := $(FORMAT_CFLAGS)
GUEST_CFLAGS_driver_os_    := -I$(GUEST_OBJDIR)/driver/os
GUEST_CFLAGS_driver_tools_ := -I$(SRCDIR)/driver/os $(FORMAT_CFLAGS)
GUEST_CFLAGS_format_net_   := $(FORMAT_CFLAGS)

$(GUEST_BACKENDS_INC):
	@mkdir -p $(dir $@)
	$(Q)echo 'NPU_BACKEND(linux)' >$@
$(GUEST_OBJDIR)/driver/os/backends.o: $(GUEST_BACKENDS_INC)

$(GUEST_NPUCTL): $(GUEST_NPUCTL_OBJS)
	@echo "  GUESTLD $(notdir $@)"
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# bench_jobs for the guest: the same driver core and linux backend.
GUEST_BENCH_JOBS := $(LINUX_IMG_DIR)/bench_jobs
GUEST_BENCH_JOBS_OBJS := $(filter-out %/npuctl.o %/npuctl_jobs.o %/tool_paths.o %/inference_net.o,$(GUEST_NPUCTL_OBJS)) \
                         $(GUEST_OBJDIR)/bench/bench_jobs.o
$(GUEST_BENCH_JOBS): $(GUEST_BENCH_JOBS_OBJS)
	@echo "  GUESTLD $(notdir $@)"
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $^

# ---- initramfs images ----------------------------------------------------------
MKINITRAMFS = KENV=$(abspath $(LINUX_KENV)) INIT=$(abspath $(GUEST_INIT)) \
  NPUCTL=$(abspath $(GUEST_NPUCTL)) FIRMWARE=$(abspath $(FIRMWARE_BIN)) \
  BENCH_JOBS=$(abspath $(GUEST_BENCH_JOBS)) \
  IVPU_CHECK=$(abspath $(GUEST_IVPU_CHECK)) BUSYBOX=$(BUSYBOX) \
  sh $(LINUX_IMG_SRC)/mkinitramfs.sh

$(IMG_VFIO): $(LINUX_KENV) $(GUEST_INIT) $(GUEST_NPUCTL) $(FIRMWARE_BIN) \
             $(LINUX_IMG_SRC)/mkinitramfs.sh $(LINUX_IMG_SRC)/conf/demo.conf
	$(Q)$(MKINITRAMFS) vfio $@

$(IMG_SHELL): $(LINUX_KENV) $(LINUX_IMG_SRC)/mkinitramfs.sh $(LINUX_IMG_SRC)/conf/shell.conf \
              $(LINUX_IMG_SRC)/conf/rc.shell $(LINUX_IMG_SRC)/conf/profile
	$(Q)$(MKINITRAMFS) shell $@

IMG_BENCH := $(LINUX_IMG_DIR)/bench.cpio
$(IMG_BENCH): $(LINUX_KENV) $(GUEST_BENCH_JOBS) $(LINUX_IMG_SRC)/mkinitramfs.sh $(LINUX_IMG_SRC)/conf/bench.conf
	$(Q)$(MKINITRAMFS) bench $@

$(LINUX_IMG_DIR)/broken-fw-%.cpio: $(LINUX_KENV) $(FIRMWARE_BIN) $(LINUX_IMG_SRC)/mkinitramfs.sh
	$(Q)BROKEN_FW=$* $(MKINITRAMFS) broken-fw $@

# intel_vpu's parameters; the file changes (and the image is rebuilt) only
# when they do.
IVPU_PARAMS := dbg_mask=$(IVPU_DBG_MASK) dyndbg=+p fw_log_level=$(IVPU_FW_LOG_LEVEL)
IVPU_PARAMS_FILE := $(LINUX_IMG_DIR)/ivpu-params
.PHONY: ivpu-params-always
$(IVPU_PARAMS_FILE): ivpu-params-always
	@mkdir -p $(dir $@)
	@echo '$(IVPU_PARAMS)' >$@.tmp; if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(IMG_IVPU): $(LINUX_KENV) $(GUEST_INIT) $(GUEST_IVPU_CHECK) $(FIRMWARE_BIN) $(IVPU_PARAMS_FILE) \
             $(LINUX_IMG_SRC)/mkinitramfs.sh $(LINUX_IMG_SRC)/conf/ivpu.conf
	$(Q)IVPU_PARAMS="$(IVPU_PARAMS)" $(MKINITRAMFS) ivpu $@

# The same image with intel_vpu forced into hardware scheduling (sched_mode=1,
# a module parameter of 6.12): the firmware must then also serve the HWS
# messages, e.g. SET_PRIORITY_BAND_SETUP on every cold boot.
IMG_IVPU_HWS := $(LINUX_IMG_DIR)/ivpu-hws.cpio
$(IMG_IVPU_HWS): $(LINUX_KENV) $(GUEST_INIT) $(GUEST_IVPU_CHECK) $(FIRMWARE_BIN) $(IVPU_PARAMS_FILE) \
                 $(LINUX_IMG_SRC)/mkinitramfs.sh $(LINUX_IMG_SRC)/conf/ivpu.conf
	$(Q)IVPU_PARAMS="$(IVPU_PARAMS) sched_mode=1" $(MKINITRAMFS) ivpu $@

images: $(IMG_VFIO) $(IMG_SHELL) $(IMG_IVPU) $(IMG_IVPU_HWS) $(IMG_BROKEN_FW)

# ---- demo and run --------------------------------------------------------------
.PHONY: demo run check-system-demo check-system-broken-fw check-system-ivpu check-system-ivpu-hws \
        check-system-harness bench-guest bench-guest-ivpu bench-guest-jobs

demo: $(QEMU_BINARY) $(IMG_VFIO)
	@mkdir -p $(SYSTEST_DIR)
	$(Q)$(RUN_GUEST) --initrd $(abspath $(IMG_VFIO)) --name NPU-DEMO --timeout $(GUEST_TIMEOUT) \
	  --log $(abspath $(SYSTEST_DIR))/demo.log -- $(QEMU_EXTRA)

run: $(QEMU_BINARY) $(IMG_VFIO) $(IMG_SHELL)
	$(Q)$(RUN_GUEST) --interactive --initrd $(abspath $(IMG_VFIO)) --initrd $(abspath $(IMG_SHELL)) \
	  -- $(QEMU_EXTRA)

# ---- system tests ----------------------------------------------------------------
check-system-demo: $(QEMU_BINARY) $(IMG_VFIO)
	@mkdir -p $(SYSTEST_DIR)
	$(Q)$(RUN_GUEST) --initrd $(abspath $(IMG_VFIO)) --name NPU-DEMO --timeout $(GUEST_TIMEOUT) \
	  --quiet --log $(abspath $(SYSTEST_DIR))/demo.log

# Each broken file must end in the driver's specific error and npuctl's exit
# code for it (3: firmware file, 4: timeout), passed on by the guest's verdict
# through isa-debug-exit, well before the timeout: a hang, a QEMU crash or a
# generic failure fails the test.
BROKEN_FW_TEXT_truncated := NPU_FW_ERR_IMAGE_SIZE
BROKEN_FW_TEXT_entry     := NPU_FW_ERR_ENTRY_RANGE
BROKEN_FW_TEXT_hang      := firmware did not send the ready message
BROKEN_FW_TEXT_garbage   := firmware did not send the ready message
BROKEN_FW_RC_truncated   := 3
BROKEN_FW_RC_entry       := 3
BROKEN_FW_RC_hang        := 4
BROKEN_FW_RC_garbage     := 4
broken_fw_run = echo "   broken firmware '$(1)': expecting /$(BROKEN_FW_TEXT_$(1))/ and NPU-DEMO: FAIL rc=$(BROKEN_FW_RC_$(1))"; \
  $(RUN_GUEST) --initrd $(abspath $(IMG_VFIO)) --initrd $(abspath $(LINUX_IMG_DIR))/broken-fw-$(1).cpio \
  --name NPU-DEMO --expect fail --expect-text '$(BROKEN_FW_TEXT_$(1))' \
  --expect-text 'NPU-DEMO: FAIL rc=$(BROKEN_FW_RC_$(1))$$' --timeout $(GUEST_TIMEOUT) --quiet \
  --log $(abspath $(SYSTEST_DIR))/broken-fw-$(1).log || fail=1;
check-system-broken-fw: $(QEMU_BINARY) $(IMG_VFIO) $(IMG_BROKEN_FW)
	@mkdir -p $(SYSTEST_DIR)
	$(Q)fail=0; $(foreach k,$(BROKEN_FW_KINDS),$(call broken_fw_run,$(k))) exit $$fail

# $(call ivpu_run,IMAGE,LOG NAME)
ivpu_run = $(RUN_GUEST) --initrd $(abspath $(1)) --name NPU-IVPU --timeout $(GUEST_TIMEOUT) \
	  --append log_buf_len=4M --quiet --log $(abspath $(SYSTEST_DIR))/$(2).log; \
	  rc=$$?; echo "   console log with the kernel log of intel_vpu: $(SYSTEST_DIR)/$(2).log"; \
	  grep '^ivpu-check: \(PASS\|FAIL\|SUMMARY\|BENCH\|  kernel log <\|JSM\|  [A-Z_0-9]* *n=\)' $(SYSTEST_DIR)/$(2).log | sed 's/^/   /'; exit $$rc
check-system-ivpu: $(QEMU_BINARY) $(IMG_IVPU)
	@mkdir -p $(SYSTEST_DIR)
	$(Q)$(call ivpu_run,$(IMG_IVPU),ivpu)

check-system-ivpu-hws: $(QEMU_BINARY) $(IMG_IVPU_HWS)
	@mkdir -p $(SYSTEST_DIR)
	$(Q)$(call ivpu_run,$(IMG_IVPU_HWS),ivpu-hws)

# The judge must be able to fail: a fake QEMU plays a hang, a crash, a guest
# that lies about its verdict, a panic... (no boot needed, ~3 s).
check-system-harness:
	$(Q)bash $(SRCDIR)/tests/system/run-guest-selftest.sh $(LINUX_IMG_SRC)/run-guest.sh

# Linux 6.12's intel_vpu running jobs in the guest (ivpu-check's BENCH lines:
# empty-job round trip, 16 MiB copy beside the guest's memcpy), both modes.
bench-guest-ivpu: $(QEMU_BINARY) $(IMG_IVPU) $(IMG_IVPU_HWS)
	@mkdir -p $(SYSTEST_DIR)
	@echo "== bench-guest-ivpu: $$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $$(nproc) cores, QEMU TCG"
	$(Q)for img in ivpu ivpu-hws; do \
	  $(RUN_GUEST) --initrd $(abspath $(LINUX_IMG_DIR))/$$img.cpio --name NPU-IVPU --timeout $(GUEST_TIMEOUT) \
	    --append log_buf_len=4M --quiet --log $(abspath $(SYSTEST_DIR))/bench-$$img.log >/dev/null 2>&1; \
	  grep '^ivpu-check: BENCH' $(SYSTEST_DIR)/bench-$$img.log | sed "s/^ivpu-check: BENCH/   $$img:/"; \
	done

# Our driver's job figures in the guest (bench_jobs over VFIO).
bench-guest-jobs: $(QEMU_BINARY) $(IMG_VFIO) $(IMG_BENCH)
	@mkdir -p $(SYSTEST_DIR)
	@echo "== bench-guest-jobs: $$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $$(nproc) cores, QEMU TCG"
	$(Q)$(RUN_GUEST) --initrd $(abspath $(IMG_VFIO)) --initrd $(abspath $(IMG_BENCH)) --name NPU-BENCH \
	  --timeout $(GUEST_TIMEOUT) --quiet --log $(abspath $(SYSTEST_DIR))/bench-jobs.log >/dev/null 2>&1; \
	  rc=$$?; grep -E '^(bench-jobs|empty jobs|16 MiB)' $(SYSTEST_DIR)/bench-jobs.log | sed 's/^/   /'; exit $$rc

bench-guest: $(QEMU_BINARY) $(IMG_VFIO)
	$(Q)RUNS=$(BENCH_GUEST_RUNS) bash $(LINUX_IMG_SRC)/bench-guest.sh \
	  --qemu $(abspath $(QEMU_BINARY)) --kenv $(abspath $(LINUX_KENV)) --initrd $(abspath $(IMG_VFIO))

# `make` compiles the guest programs (no download); the images (which need the
# kernel package) are built by demo, run, images and the system tests.
ALL_TARGETS  += $(GUEST_INIT) $(GUEST_NPUCTL)
SYSTEM_TESTS += check-system-harness check-system-demo check-system-broken-fw check-system-ivpu \
                check-system-ivpu-hws
BENCHES      += bench-guest bench-guest-ivpu bench-guest-jobs
CLEAN_FILES  += $(LINUX_IMG_DIR) $(GUEST_OBJDIR) $(SYSTEST_DIR)
