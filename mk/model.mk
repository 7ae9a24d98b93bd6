# Device model core (qemu-device/model), built as a host library for the unit
# tests, the tools and the driver's in-process "sim" backend. The same sources
# are compiled into QEMU by qemu-device/meson.build.
#
# Layout: core/ (creation, the block table walk, register dispatch, the
# services every block uses), blocks/ (one file per register block),
# lrt/ (the control core), engines/ (DMA and compute engines).

MODEL_DIR   := $(SRCDIR)/qemu-device/model
MODEL_SUBDIRS := core blocks lrt engines
# The same files qemu-device/meson.build compiles: core/, the interpreter and
# every block blocks.def lists.
MODEL_BLOCK_SRCS := $(shell sed -n 's/^NPUM_BLOCK(\([a-z_]*\), *\([a-z0-9_]*\)).*/\1\/\2.c/p' \
                      $(MODEL_DIR)/blocks.def)
# Libraries the blocks use (listed in qemu-device/meson.build too).
MODEL_LIB_SRCS := engines/dpu_ops.c
MODEL_SRCS  := $(wildcard $(MODEL_DIR)/core/*.c) $(MODEL_DIR)/lrt/rv_core.c \
               $(addprefix $(MODEL_DIR)/,$(MODEL_LIB_SRCS) $(MODEL_BLOCK_SRCS))
MODEL_OBJS  := $(patsubst $(SRCDIR)/%.c,$(BUILD)/host/%.o,$(MODEL_SRCS))
MODEL_LIB   := $(BUILD)/host/libnpumodel.a
MODEL_CFLAGS := -I$(MODEL_DIR)

$(foreach d,$(MODEL_SUBDIRS),$(eval EXTRA_CFLAGS_qemu-device_model_$(d)_ := $(MODEL_CFLAGS)))

$(MODEL_LIB): $(MODEL_OBJS)
	@echo "  AR      $(notdir $@)"
	$(Q)rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(MODEL_LIB)

# ---- Trace events: generated from the one list (tools/gen-trace.py) -------------
TRACE_LIST := $(MODEL_DIR)/trace.list
TRACE_GEN  := $(SRCDIR)/qemu-device/trace-events $(MODEL_DIR)/trace_ids.h \
              $(MODEL_DIR)/trace_emit.h $(MODEL_DIR)/core/trace_table.inc \
              $(SRCDIR)/qemu-device/qemu/trace_dispatch.h
# One run writes them all (only those whose text changes); the stamp keeps
# make from re-running the generator for each.
TRACE_STAMP := $(BUILD)/host/.trace-gen
$(TRACE_STAMP): $(TRACE_LIST) $(SRCDIR)/tools/gen-trace.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON3) $(SRCDIR)/tools/gen-trace.py $(TRACE_LIST) $(SRCDIR)/qemu-device
	@touch $@
$(MODEL_OBJS): $(TRACE_STAMP)

.PHONY: check-static-trace
check-static-trace:
	$(Q)$(or $(PYTHON3),python3) $(SRCDIR)/tools/gen-trace.py --check $(TRACE_LIST) $(SRCDIR)/qemu-device
	@echo "  CHECK   trace events: generated files match $(notdir $(TRACE_LIST))"
STATIC_CHECKS += check-static-trace
