# The simulated NPU firmware (sim-firmware/), its packer (tools/fw-pack.c),
# the header inspector (tools/fwinspect.c) and their tests, with the
# firmware-file parser and serialiser of the format library (mk/format.mk).
#
#   make                                $(FIRMWARE_BIN), fw-pack, fwinspect
#   make check-unit                     also runs test_fw_header, test_fw_boot, test_fw_jobs, test_fw_inference, the
#                                       firmware's ISS unit tests and the
#                                       reproducibility check
#   make check-firmware-reproducible    build the firmware twice in temp dirs, compare
#   make bench-firmware                 cold-boot instructions and virtual boot time
#   $(BUILD)/tools/fwinspect FILE...    inspect any firmware file

RISCV_CC      ?= riscv64-unknown-elf-gcc
CUNIT_LIBS    ?= -lcunit
# Defined by mk/rvcore.mk and mk/mmu.mk, which are read after this file;
# prerequisites are expanded when a rule is read.
ISS_RUN       ?= $(BUILD)/tools/iss-run
MODEL_HARNESS ?= $(BUILD)/host/tests/unit/model_harness.o

FW_SRC        := $(SRCDIR)/sim-firmware
FW_OUT        := $(BUILD)/firmware
FIRMWARE_BIN  := $(FW_OUT)/vpu_37xx_v1.bin
FIRMWARE_ELF  := $(FW_OUT)/sim-fw.elf
FW_PACK       := $(BUILD)/tools/fw-pack
FWINSPECT     := $(BUILD)/tools/fwinspect

# ---- The firmware (RV32IM, freestanding) --------------------------------------
# Compiled for rv32im plus Zicsr (CSR instructions are a separate extension
# for binutils 2.38+); linked as rv32im so the rv32im/ilp32 libgcc multilib
# (64-bit division for the log's timestamps) is found. No timestamps, paths
# mapped: the output is the same wherever and whenever it is built.
FW_MODULES    := boot cmdbuf ctx db dma infer infer_sched ipc job jsm log sched trap util
FW_CFLAGS     := -march=rv32im_zicsr -mabi=ilp32 -std=c11 -O2 -g -ffreestanding -fno-common \
                 -ffunction-sections -fdata-sections -mstrict-align \
                 -fno-asynchronous-unwind-tables -fno-unwind-tables $(WARN_CFLAGS) \
                 -ffile-prefix-map=$(SRCDIR)=. -ffile-prefix-map=$(abspath $(BUILD))=build \
                 -I$(SRCDIR)/include -I$(FW_SRC)
FW_LDFLAGS    := -march=rv32im -mabi=ilp32 -nostdlib -nostartfiles -static \
                 -Wl,--gc-sections -Wl,--build-id=none
FW_OBJS       := $(FW_OUT)/obj/start.S.o $(FW_OUT)/obj/trap.S.o \
                 $(patsubst %,$(FW_OUT)/obj/%.c.o,$(FW_MODULES))

$(FW_OUT)/obj/%.c.o: $(FW_SRC)/%.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  RV32CC  sim-firmware/$*.c"
	$(Q)$(RISCV_CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(FW_OUT)/obj/%.S.o: $(FW_SRC)/%.S $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  RV32AS  sim-firmware/$*.S"
	$(Q)$(RISCV_CC) $(FW_CFLAGS) -MMD -MP -c -o $@ $<

$(FIRMWARE_ELF): $(FW_OBJS) $(FW_SRC)/fw.ld
	@echo "  RV32LD  $(notdir $@)"
	$(Q)$(RISCV_CC) $(FW_LDFLAGS) -T $(FW_SRC)/fw.ld -o $@ $(FW_OBJS) -lgcc

$(FIRMWARE_BIN): $(FIRMWARE_ELF) $(FW_PACK) $(FW_SRC)/VERSION
	@echo "  FWPACK  $(notdir $@)"
	$(Q)$(FW_PACK) --version-file $(FW_SRC)/VERSION -o $@ $(FIRMWARE_ELF) >/dev/null

# ---- Host tools (the parser and serialiser: libnpufmt, mk/format.mk) ---------------
FW_HOST_CFLAGS := $(FORMAT_CFLAGS)
$(BUILD)/host/tools/fw-pack.o $(BUILD)/host/tools/fwinspect.o: HOST_CFLAGS += $(FW_HOST_CFLAGS)

$(FW_PACK): $(BUILD)/host/tools/fw-pack.o $(FORMAT_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

$(FWINSPECT): $(BUILD)/host/tools/fwinspect.o $(FORMAT_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

# ---- Firmware unit tests: RV32, fake LRT, run by iss-run -----------------------------
FW_UNIT_OUT   := $(FW_OUT)/unit
FW_UNIT_ELF   := $(FW_UNIT_OUT)/fw_unit.elf
FW_UNIT_RUN   := $(BUILD)/tests/firmware/fw-unit
FW_UNIT_CFLAGS := $(FW_CFLAGS) -DFW_FAKE_PLATFORM -I$(FW_SRC)/tests -I$(SRCDIR)/tests/iss
FW_UNIT_OBJS  := $(patsubst %,$(FW_UNIT_OUT)/fw/%.c.o,$(FW_MODULES)) $(FW_UNIT_OUT)/fw/trap.S.o \
                 $(FW_UNIT_OUT)/t/fw_unit.c.o $(FW_UNIT_OUT)/t/fake_lrt.c.o \
                 $(FW_UNIT_OUT)/t/jmp.S.o $(FW_UNIT_OUT)/t/crt0.S.o

$(FW_UNIT_OUT)/fw/%.o: $(FW_SRC)/% $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  RV32CC  sim-firmware/$* (fake platform)"
	$(Q)$(RISCV_CC) $(FW_UNIT_CFLAGS) -MMD -MP -c -o $@ $<

$(FW_UNIT_OUT)/t/crt0.S.o: $(SRCDIR)/tests/iss/crt0.S $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  RV32AS  tests/iss/crt0.S"
	$(Q)$(RISCV_CC) $(FW_UNIT_CFLAGS) -c -o $@ $<

$(FW_UNIT_OUT)/t/%.o: $(FW_SRC)/tests/% $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "  RV32CC  sim-firmware/tests/$*"
	$(Q)$(RISCV_CC) $(FW_UNIT_CFLAGS) -MMD -MP -c -o $@ $<

$(FW_UNIT_ELF): $(FW_UNIT_OBJS) $(SRCDIR)/tests/iss/iss.ld
	@echo "  RV32LD  $(notdir $@)"
	$(Q)$(RISCV_CC) $(FW_LDFLAGS) -T $(SRCDIR)/tests/iss/iss.ld -o $@ $(FW_UNIT_OBJS) -lgcc

# The runner check-unit executes: iss-run exits 0 only if every check passed.
$(FW_UNIT_RUN): $(FW_UNIT_ELF) $(ISS_RUN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q)printf '#!/bin/sh\n# firmware unit tests on the RV32 ISS (mk/firmware.mk)\nexec "%s" "%s"\n' \
		'$(abspath $(ISS_RUN))' '$(abspath $(FW_UNIT_ELF))' >$@
	$(Q)chmod +x $@

# ---- Reproducibility: two builds in fresh dirs of different path lengths ---------------
FW_REPRO_RUN  := $(BUILD)/tests/firmware/check-reproducible

$(FW_REPRO_RUN): $(SRCDIR)/mk/firmware.mk $(FIRMWARE_BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q){ printf '#!/bin/sh\n# generated by mk/firmware.mk: the firmware file must not depend on\n'; \
	  printf '# the build directory or the time of the build\n'; \
	  printf 'SRCDIR="%s"\nCONFIG="%s"\nREF="%s"\nMAKE="%s"\n' '$(SRCDIR)' \
	    '$(abspath $(BUILD))/config.mk' '$(abspath $(FIRMWARE_BIN))' '$(MAKE)'; \
	  cat $(FW_SRC)/tests/check-reproducible.sh; } >$@
	$(Q)chmod +x $@

.PHONY: check-firmware-reproducible
check-firmware-reproducible: $(FW_REPRO_RUN)
	$(Q)$(FW_REPRO_RUN)

# ---- Host tests --------------------------------------------------------------------------
FW_HEADER_TEST := $(BUILD)/tests/unit/test_fw_header
FW_BOOT_TEST   := $(BUILD)/tests/unit/test_fw_boot
FW_JOBS_TEST   := $(BUILD)/tests/unit/test_fw_jobs
FW_INF_TEST    := $(BUILD)/tests/unit/test_fw_inference
FW_HOST_OBJ    := $(BUILD)/host/tests/unit/fw_host.o

$(BUILD)/host/tests/unit/test_fw_header.o $(BUILD)/host/tests/unit/test_fw_boot.o \
$(BUILD)/host/tests/unit/test_fw_jobs.o $(BUILD)/host/tests/unit/test_fw_inference.o \
$(FW_HOST_OBJ): \
	HOST_CFLAGS += $(FW_HOST_CFLAGS) -I$(SRCDIR)/qemu-device/model \
	-DNPU_TEST_FIRMWARE_BIN='"$(abspath $(FIRMWARE_BIN))"' \
	-DNPU_TEST_FIRMWARE_ELF='"$(abspath $(FIRMWARE_ELF))"' \
	-DNPU_TEST_TOOLS_DIR='"$(abspath $(BUILD))/tools"' -DNPU_TEST_SRCDIR='"$(SRCDIR)"'

$(FW_HEADER_TEST): $(BUILD)/host/tests/unit/test_fw_header.o $(FORMAT_LIB) \
		| $(FIRMWARE_BIN) $(FWINSPECT) $(FW_PACK)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS)

$(FW_BOOT_TEST): $(BUILD)/host/tests/unit/test_fw_boot.o $(FW_HOST_OBJ) $(MODEL_HARNESS) \
		$(FORMAT_LIB) $(MODEL_LIB) | $(FIRMWARE_BIN)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS)

# The job path: command buffers in user contexts, doorbells, JOB_DONE.
$(FW_JOBS_TEST): $(BUILD)/host/tests/unit/test_fw_jobs.o $(FW_HOST_OBJ) $(MODEL_HARNESS) \
		$(FORMAT_LIB) $(MODEL_LIB) | $(FIRMWARE_BIN)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS)

# The mapped-inference runtime: inferences built with the format library's builder.
$(BUILD)/host/tests/unit/test_fw_inference.o: HOST_CFLAGS += $(FORMAT_CFLAGS)
$(FW_INF_TEST): $(BUILD)/host/tests/unit/test_fw_inference.o $(FW_HOST_OBJ) $(MODEL_HARNESS) \
		$(NPU_NET_OBJ) \
		$(FORMAT_LIB) $(MODEL_LIB) | $(FIRMWARE_BIN)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS)

.PHONY: bench-firmware
bench-firmware: $(FW_BOOT_TEST) $(FIRMWARE_BIN)
	$(Q)$(SANITIZE_ENV) $(FW_BOOT_TEST) --bench

-include $(wildcard $(FW_OUT)/obj/*.d $(FW_UNIT_OUT)/fw/*.d $(FW_UNIT_OUT)/t/*.d)

ALL_TARGETS       += $(FIRMWARE_BIN) $(FW_PACK) $(FWINSPECT)
UNIT_TESTS        += $(FW_HEADER_TEST) $(FW_BOOT_TEST) $(FW_JOBS_TEST) $(FW_INF_TEST) $(FW_UNIT_RUN) \
                     $(FW_REPRO_RUN)
BENCHES           += bench-firmware
INSTALL_FIRMWARE  += $(FIRMWARE_BIN)
CLEAN_FILES       += $(FW_PACK) $(FWINSPECT) $(FW_HEADER_TEST) $(FW_BOOT_TEST) $(FW_JOBS_TEST) \
                     $(FW_INF_TEST)
