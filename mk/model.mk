# Device model core (qemu-device/model), built as a host library for the unit
# tests, the tools and the driver's in-process "sim" backend. The same sources
# are compiled into QEMU by qemu-device/meson.build.
#
# Layout: core/ (creation, the block table walk, register dispatch, the
# services every block uses), blocks/ (one file per register block),
# lrt/ (the control core), engines/ (DMA and compute engines).

MODEL_DIR   := $(SRCDIR)/qemu-device/model
MODEL_SUBDIRS := core blocks lrt engines
MODEL_SRCS  := $(sort $(foreach d,$(MODEL_SUBDIRS),$(wildcard $(MODEL_DIR)/$(d)/*.c)))
MODEL_OBJS  := $(patsubst $(SRCDIR)/%.c,$(BUILD)/host/%.o,$(MODEL_SRCS))
MODEL_LIB   := $(BUILD)/host/libnpumodel.a
MODEL_CFLAGS := -I$(MODEL_DIR)

$(foreach d,$(MODEL_SUBDIRS),$(eval EXTRA_CFLAGS_qemu-device_model_$(d)_ := $(MODEL_CFLAGS)))

$(MODEL_LIB): $(MODEL_OBJS)
	@echo "  AR      $(notdir $@)"
	$(Q)rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(MODEL_LIB)
