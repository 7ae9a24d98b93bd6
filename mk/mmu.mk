# The NPU MMU (qemu-device/model/blocks/mmu.c): unit tests and benchmark.
#
#   make check-unit           runs $(BUILD)/tests/unit/test_mmu among the others
#   make bench-mmu            MMU walks/s and TLB-hit translations/s
#
# tests/unit/model_harness.c is the shared fake host (RAM, clock, power-up,
# ivpu-style MMU setup); other test fragments may link it too.

MMU_TEST      := $(BUILD)/tests/unit/test_mmu
MMU_BENCH     := $(BUILD)/bench/bench_mmu
MODEL_HARNESS ?= $(BUILD)/host/tests/unit/model_harness.o

# Tests use the model's internal interface (npu_mmu_read/write).
EXTRA_CFLAGS_tests_unit_ += -I$(SRCDIR)/qemu-device/model
EXTRA_CFLAGS_bench_      += -I$(SRCDIR)/qemu-device/model -I$(SRCDIR)/tests/unit

$(MMU_TEST): $(BUILD)/host/tests/unit/test_mmu.o $(MODEL_HARNESS) $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcunit

$(MMU_BENCH): $(BUILD)/host/bench/bench_mmu.o $(MODEL_HARNESS) $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: bench-mmu
bench-mmu: $(MMU_BENCH)
	$(Q)$(SANITIZE_ENV) $(MMU_BENCH)

UNIT_TESTS += $(MMU_TEST)
BENCHES    += bench-mmu
CLEAN_FILES += $(MMU_TEST) $(MMU_BENCH)
