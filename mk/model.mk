# Device model core (qemu-device/model), built as a host library for the unit
# tests, the tools and the driver's in-process "sim" backend. The same sources
# are compiled into QEMU by qemu-device/meson.build.

MODEL_SRCS  := $(sort $(wildcard $(SRCDIR)/qemu-device/model/*.c))
MODEL_OBJS  := $(patsubst $(SRCDIR)/%.c,$(BUILD)/host/%.o,$(MODEL_SRCS))
MODEL_LIB   := $(BUILD)/host/libnpumodel.a
MODEL_CFLAGS := -I$(SRCDIR)/qemu-device/model

EXTRA_CFLAGS_qemu-device_model_ := $(MODEL_CFLAGS)

$(MODEL_LIB): $(MODEL_OBJS)
	@echo "  AR      $(notdir $@)"
	$(Q)rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(MODEL_LIB)
