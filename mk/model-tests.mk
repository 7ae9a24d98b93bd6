# Unit tests of the device model's blocks other than the MMU (which has
# mk/mmu.mk): register dispatch, buttress, host subsystem / ICB / IPC FIFOs /
# CPU subsystem, and the control-core subsystem with a determinism check.
#
#   make check-unit      runs the runners below among the other unit tests
#   make check-model     these runners alone
#
# They link the shared fake host (tests/unit/model_harness.c) and
# tests/unit/model_prog.c, which assembles small RV32 programs for the core.

CUNIT_LIBS    ?= -lcunit
MODEL_HARNESS ?= $(BUILD)/host/tests/unit/model_harness.o
MODEL_PROG    := $(BUILD)/host/tests/unit/model_prog.o

MODEL_BLOCK_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,\
                       test_model_regs test_model_btrs test_model_ip test_model_lrt \
                       test_model_dma test_model_barriers test_model_act test_model_dpu)
# The DPU's arithmetic against reference implementations.
DPU_OPS_TEST      := $(BUILD)/tests/unit/test_dpu_ops
$(DPU_OPS_TEST): $(BUILD)/host/tests/unit/test_dpu_ops.o $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS) -lm

# The core (block table, events, off-thread work on a real thread, the trace
# decoder) with its own minimal host.
MODEL_CORE_TEST   := $(BUILD)/tests/unit/test_model_core

# The tests use the model's internal interface (npu_internal.h) where the
# public one cannot reach a source (e.g. ICB word 1, ATS error log).
EXTRA_CFLAGS_tests_unit_ += -I$(SRCDIR)/qemu-device/model

$(MODEL_BLOCK_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/host/tests/unit/%.o $(MODEL_PROG) \
		$(MODEL_HARNESS) $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS) -lm

$(MODEL_CORE_TEST): $(BUILD)/host/tests/unit/test_model_core.o $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CUNIT_LIBS) -lpthread

# Adding a block is one file and one blocks.def line: the test does it in a
# scratch copy of the model and builds it (tests/unit/test_block_table.sh).
MODEL_TABLE_TEST  := $(BUILD)/tests/script/test_block_table   # not under tests/unit: no valgrind
$(MODEL_TABLE_TEST): $(SRCDIR)/tests/unit/test_block_table.sh $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec sh "%s" "%s" "%s"\n' $(SRCDIR)/tests/unit/test_block_table.sh \
	  $(SRCDIR) '$(HOST_CC)' > $@ && chmod +x $@

.PHONY: check-model
check-model: $(MODEL_BLOCK_TESTS) $(MODEL_CORE_TEST) $(DPU_OPS_TEST)
	@fail=0; for t in $(MODEL_BLOCK_TESTS) $(MODEL_CORE_TEST) $(DPU_OPS_TEST); do \
	  echo "== unit: $$t"; $(SANITIZE_ENV) $$t || { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

UNIT_TESTS  += $(MODEL_BLOCK_TESTS) $(MODEL_CORE_TEST) $(DPU_OPS_TEST) $(MODEL_TABLE_TEST)
CLEAN_FILES += $(MODEL_BLOCK_TESTS) $(MODEL_CORE_TEST) $(DPU_OPS_TEST) $(MODEL_TABLE_TEST)
