# The RV32IM interpreter core (qemu-device/model/lrt/rv_core.c, built into
# libnpumodel.a by mk/model.mk): unit tests, the ISS runner, the ISS suite of
# RV32 programs and the benchmark.
#
#   make check-unit     runs $(BUILD)/tests/unit/test_rv_core and the ISS suite
#                       ($(BUILD)/tests/iss/run-all) among the other unit tests
#   make check-iss      the ISS suite alone
#   make bench-rv-core  interpreter MIPS
#   $(BUILD)/tools/iss-run --help
#
# The test and the tools link rv_core.o directly rather than libnpumodel.a,
# so they do not depend on the rest of the model.

RISCV_CC   ?= riscv64-unknown-elf-gcc
CUNIT_LIBS ?= -lcunit

RVCORE_OBJ   := $(BUILD)/host/qemu-device/model/lrt/rv_core.o
RVCORE_TEST  := $(BUILD)/tests/unit/test_rv_core
RVCORE_BENCH := $(BUILD)/bench/bench_rv_core
ISS_RUN      := $(BUILD)/tools/iss-run

EXTRA_CFLAGS_tests_unit_ += -I$(SRCDIR)/qemu-device/model
EXTRA_CFLAGS_tools_      += -I$(SRCDIR)/qemu-device/model
EXTRA_CFLAGS_bench_      += -I$(SRCDIR)/qemu-device/model

$(RVCORE_TEST): $(BUILD)/host/tests/unit/test_rv_core.o $(RVCORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS)

$(ISS_RUN): $(BUILD)/host/tools/iss-run.o $(RVCORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

$(RVCORE_BENCH): $(BUILD)/host/bench/bench_rv_core.o $(RVCORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: bench-rv-core
bench-rv-core: $(RVCORE_BENCH)
	$(Q)$(SANITIZE_ENV) $(RVCORE_BENCH)

# ---- ISS suite: RV32 programs run by iss-run ----------------------------------
# C is compiled for plain rv32im (so the rv32im/ilp32 multilib libgcc links);
# assembly also needs the CSR and FENCE.I instructions, split out of "I" into
# Zicsr/Zifencei by the ISA spec binutils 2.38+ follows.
ISS_SRC      := $(SRCDIR)/tests/iss
ISS_OUT      := $(BUILD)/tests/iss
ISS_MARCH    := -march=rv32im -mabi=ilp32
ISS_CFLAGS   := $(ISS_MARCH) -ffreestanding -fno-builtin -O2 -g -Wall -Wextra -Werror -I$(ISS_SRC)
ISS_ASFLAGS  := -march=rv32im_zicsr_zifencei -mabi=ilp32 -g -I$(ISS_SRC)
ISS_LDFLAGS  := $(ISS_MARCH) -nostdlib -nostartfiles -static -T $(ISS_SRC)/iss.ld
# self-checking programs (must pass) and negative checks (run-all.sh knows
# how each must fail)
ISS_PROGRAMS := arith branches memory muldiv traps console \
                fail_case3 err_ecall err_loop err_wfi
ISS_ELFS     := $(patsubst %,$(ISS_OUT)/%.elf,$(ISS_PROGRAMS)) $(ISS_OUT)/bad_no_tohost.elf
ISS_SUITE    := $(ISS_OUT)/run-all

.PRECIOUS: $(ISS_OUT)/%.o

$(ISS_OUT)/%.o: $(ISS_SRC)/%.S $(ISS_SRC)/asm.h
	@mkdir -p $(dir $@)
	@echo "  RV32AS  tests/iss/$*.S"
	$(Q)$(RISCV_CC) $(ISS_ASFLAGS) -c -o $@ $<

$(ISS_OUT)/%.o: $(ISS_SRC)/%.c $(ISS_SRC)/iss.h
	@mkdir -p $(dir $@)
	@echo "  RV32CC  tests/iss/$*.c"
	$(Q)$(RISCV_CC) $(ISS_CFLAGS) -c -o $@ $<

$(ISS_OUT)/%.elf: $(ISS_OUT)/%.o $(ISS_OUT)/crt0.o $(ISS_SRC)/iss.ld
	@echo "  RV32LD  $(notdir $@)"
	$(Q)$(RISCV_CC) $(ISS_LDFLAGS) -o $@ $(ISS_OUT)/crt0.o $< -lgcc

# deliberately linked without crt0.S: no `tohost`
$(ISS_OUT)/bad_no_tohost.elf: $(ISS_OUT)/bad_no_tohost.o
	@echo "  RV32LD  $(notdir $@)"
	$(Q)$(RISCV_CC) $(ISS_MARCH) -nostdlib -nostartfiles -static -Wl,-Ttext=0x80000000 -o $@ $<

# The runner make check-unit executes (no arguments, exit 0 = pass).
$(ISS_SUITE): $(ISS_ELFS) $(ISS_RUN) $(ISS_SRC)/run-all.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q)printf '#!/bin/sh\nexec /bin/sh "%s" "%s" "%s" "%s"\n' \
		'$(ISS_SRC)/run-all.sh' '$(abspath $(ISS_RUN))' '$(abspath $(ISS_OUT))' '$(ISS_SRC)' >$@
	$(Q)chmod +x $@

.PHONY: check-iss
check-iss: $(ISS_SUITE)
	$(Q)$(SANITIZE_ENV) $(ISS_SUITE)

ALL_TARGETS += $(ISS_RUN)
UNIT_TESTS  += $(RVCORE_TEST) $(ISS_SUITE)
BENCHES     += bench-rv-core
CLEAN_FILES += $(RVCORE_TEST) $(RVCORE_BENCH) $(ISS_RUN)
