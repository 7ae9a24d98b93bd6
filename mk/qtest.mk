# qtest: the qtest client library (driver/os/qtest_client.c: a product
# library, used by the driver's qtest OS backend and by the tests), the
# device qtests and the qtest benchmark.
#
#   make check-qtest     runs every $(QTESTS) runner with QTEST_QEMU_BINARY set
#   make bench-qtest     MMIO round trips per second through qtest
#
# A runner can also be run by hand, optionally naming tests:
#   QTEST_QEMU_BINARY=build/qemu/qemu-system-x86_64 build/tests/qtest/test_mmu [test...]
# Knobs (environment): QTEST_TIMEOUT (s per reply), QTEST_LOG (exchange log
# file), QTEST_QEMU_ARGS (extra QEMU args), NPU_QTEST_SEED (test_hostile).
#
# Other fragments: QTEST_CLIENT_OBJ is the client library object and
# NPU_OS_QTEST_OBJS what the driver's qtest backend needs (backend + client);
# link them into the driver library or a tool. Prerequisites are expanded
# when a rule is read, so a fragment read before this one (driver.mk) should
# name the objects by path: $(BUILD)/host/driver/os/qtest.o and
# $(BUILD)/host/driver/os/qtest_client.o.

QTEST_BIN_DIR     := $(BUILD)/tests/qtest
QTEST_CLIENT_OBJ  := $(BUILD)/host/driver/os/qtest_client.o
QTEST_COMMON_OBJS := $(BUILD)/host/tests/qtest/npu_test.o $(QTEST_CLIENT_OBJ)
NPU_OS_QTEST_OBJS := $(BUILD)/host/driver/os/qtest.o $(QTEST_CLIENT_OBJ)

# Device qtests (CUnit) and the driver backend's own test.
QTEST_NAMES := test_pci_identity test_power_up test_mmu test_hostile test_os_qtest
QTEST_RUNNERS := $(addprefix $(QTEST_BIN_DIR)/,$(QTEST_NAMES))
QTEST_BENCH := $(BUILD)/bench/bench_qtest

EXTRA_CFLAGS_bench_     += -I$(SRCDIR)/driver/os
EXTRA_CFLAGS_driver_os_ += -I$(SRCDIR)/driver/include
EXTRA_CFLAGS_tests_qtest_ += -I$(SRCDIR)/driver/include -I$(SRCDIR)/driver/os $(FORMAT_CFLAGS)

$(filter-out %/test_os_qtest,$(QTEST_RUNNERS)): $(QTEST_BIN_DIR)/%: \
		$(BUILD)/host/tests/qtest/%.o $(QTEST_COMMON_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(or $(CUNIT_LIBS),-lcunit)

$(QTEST_BIN_DIR)/test_os_qtest: $(BUILD)/host/tests/qtest/test_os_qtest.o \
		$(BUILD)/host/driver/os/qtest.o $(QTEST_COMMON_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(or $(CUNIT_LIBS),-lcunit)

# The firmware boot acceptance test boots through the userspace driver's
# qtest backend, so it links the driver (mk/driver.mk, read before this file).
QTEST_FW_BOOT := $(QTEST_BIN_DIR)/test_fw_boot
$(BUILD)/host/tests/qtest/test_fw_boot.o: EXTRA_CFLAGS_tests_qtest_ += \
	-DNPU_TEST_FIRMWARE='"$(abspath $(BUILD))/firmware/vpu_37xx_v1.bin"'
$(QTEST_FW_BOOT): $(BUILD)/host/tests/qtest/test_fw_boot.o $(QTEST_COMMON_OBJS) \
		$(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(QTEST_COMMON_OBJS) $(DRIVER_LINK) \
	    $(or $(CUNIT_LIBS),-lcunit)

# The worked network (tests/net/) as a driver job in a real QEMU.
QTEST_NET := $(QTEST_BIN_DIR)/test_net
$(BUILD)/host/tests/qtest/test_net.o: EXTRA_CFLAGS_tests_qtest_ += -I$(SRCDIR)/tests/net \
	-DNPU_TEST_FIRMWARE='"$(abspath $(BUILD))/firmware/vpu_37xx_v1.bin"'
$(QTEST_NET): $(BUILD)/host/tests/qtest/test_net.o $(QTEST_COMMON_OBJS) $(NPU_NET_JOB_OBJ) \
		$(NPU_NET_OBJ) $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(QTEST_COMMON_OBJS) $(NPU_NET_JOB_OBJ) $(NPU_NET_OBJ) \
	    $(DRIVER_LINK) $(or $(CUNIT_LIBS),-lcunit)

$(QTEST_BENCH): $(BUILD)/host/bench/bench_qtest.o $(QTEST_CLIENT_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: qtests bench-qtest
qtests: $(QTEST_RUNNERS) $(QTEST_FW_BOOT) $(QTEST_NET) $(QTEST_BENCH)

bench-qtest: $(QTEST_BENCH) $(QEMU_BINARY)
	$(Q)QTEST_QEMU_BINARY=$(abspath $(QEMU_BINARY)) $(SANITIZE_ENV) $(QTEST_BENCH)

ALL_TARGETS += $(QTEST_RUNNERS) $(QTEST_FW_BOOT) $(QTEST_NET) $(QTEST_BENCH)
QTESTS      += $(QTEST_RUNNERS) $(QTEST_FW_BOOT) $(QTEST_NET)
BENCHES     += bench-qtest
CLEAN_FILES += $(QTEST_RUNNERS) $(QTEST_FW_BOOT) $(QTEST_NET) $(QTEST_BENCH)
