# The userspace driver: the portable core (driver/lib -> libnpudrv.a), the
# OS layer (driver/os -> libnpuos.a: the backend table and the backends),
# npuctl, the driver's unit tests (scriptable fake device) and end-to-end
# tests on the sim backend, and the driver benchmark.
#
#   make                      libnpudrv.a, libnpuos.a, $(BUILD)/tools/npuctl
#   make check-unit           runs test_driver_* among the other unit tests
#   make check-qtest          also runs npuctl-files (npuctl's firmware/QEMU lookup, LEON refusal)
#   make check-unit           also runs npuctl-jobs (npuctl copy/fill/jobs on sim)
#   make bench-driver         boot-to-ready and JSM round trip, sim (+ qtest if QEMU is built)
#   make bench-jobs           empty jobs/s, 16 MiB copy GB/s beside memcpy, sim (+ qtest)
#   $(BUILD)/tools/npuctl --backend=sim boot   (finds $(BUILD)/firmware by itself)
#
# Backends: every driver/os/<name>.c whose name is in DRIVER_BACKENDS is
# compiled; backends.c gets the list from a generated backends.inc, so the
# core has no #ifdefs and npuctl builds with whatever backends exist.
# Override e.g. `make DRIVER_BACKENDS="sim qtest"` on a non-Linux host.
#
# Link order: the core calls npu_os_find() (libnpuos.a) and the backends call
# npu_os_report() (libnpudrv.a), so both archives are linked as a group.
# Unit tests with the fake device link only libnpudrv.a: fake_npu.c provides
# its own npu_os_backends[] / npu_os_find() with the "fake" backend.

# Defined by fragments read after this one (prerequisites are expanded when a
# rule is read): the firmware and the qtest client.
DRIVER_FW_BIN     := $(BUILD)/firmware/vpu_37xx_v1.bin
QTEST_CLIENT_OBJ  ?= $(BUILD)/host/driver/os/qtest_client.o

DRIVER_LIB        := $(BUILD)/host/libnpudrv.a
DRIVER_OS_LIB     := $(BUILD)/host/libnpuos.a
DRIVER_LIB_SRCS   := $(sort $(wildcard $(SRCDIR)/driver/lib/*.c))
DRIVER_LIB_OBJS   := $(patsubst $(SRCDIR)/%.c,$(BUILD)/host/%.o,$(DRIVER_LIB_SRCS))

DRIVER_OS_PRESENT := $(basename $(notdir $(wildcard $(SRCDIR)/driver/os/*.c)))
DRIVER_BACKENDS   ?= $(filter sim qtest linux,$(DRIVER_OS_PRESENT))
DRIVER_BACKENDS_INC := $(BUILD)/host/driver/os/backends.inc
# What each backend needs besides driver/os/<name>.o
DRIVER_OS_EXTRA_qtest := $(QTEST_CLIENT_OBJ)
DRIVER_OS_OBJS    := $(BUILD)/host/driver/os/backends.o \
                     $(foreach b,$(DRIVER_BACKENDS),$(BUILD)/host/driver/os/$(b).o $(DRIVER_OS_EXTRA_$(b)))
# The product links nothing from tests/: what npuctl and the libraries are
# made of is product code (the qtest client included, driver/os/).
ifneq ($(filter $(BUILD)/host/tests/%,$(DRIVER_LIB_OBJS) $(DRIVER_OS_OBJS)),)
$(error mk/driver.mk: the driver links test code: $(filter $(BUILD)/host/tests/%,$(DRIVER_LIB_OBJS) $(DRIVER_OS_OBJS)))
endif
# Linked after the group (and named in prerequisites with it): the device
# model, which the sim backend embeds, and the format library, with which
# the core parses firmware files (mk/format.mk).
DRIVER_OS_LIBS    := $(if $(filter sim,$(DRIVER_BACKENDS)),$(MODEL_LIB)) $(FORMAT_LIB)
DRIVER_LINK       = -Wl,--start-group $(DRIVER_OS_LIB) $(DRIVER_LIB) -Wl,--end-group \
                    $(DRIVER_OS_LIBS)

EXTRA_CFLAGS_driver_lib_   += -I$(SRCDIR)/driver/include $(FORMAT_CFLAGS)
EXTRA_CFLAGS_driver_os_    += -I$(SRCDIR)/driver/include -I$(SRCDIR)/qemu-device/model \
                              -I$(BUILD)/host/driver/os
EXTRA_CFLAGS_driver_tools_ += -I$(SRCDIR)/driver/include -I$(SRCDIR)/driver/os $(FORMAT_CFLAGS)
EXTRA_CFLAGS_tests_unit_   += -I$(SRCDIR)/driver/include -I$(SRCDIR)/driver/lib $(FORMAT_CFLAGS) \
                              -I$(SRCDIR)/driver/os
EXTRA_CFLAGS_bench_        += -I$(SRCDIR)/driver/include -I$(SRCDIR)/driver/os

$(DRIVER_LIB): $(DRIVER_LIB_OBJS)
	@echo "  AR      $(notdir $@)"
	$(Q)rm -f $@ && ar rcs $@ $^

$(DRIVER_OS_LIB): $(DRIVER_OS_OBJS)
	@echo "  AR      $(notdir $@)"
	$(Q)rm -f $@ && ar rcs $@ $^

# The backend list, rewritten only when it changes.
.PHONY: driver-backends-check
$(DRIVER_BACKENDS_INC): driver-backends-check
	@mkdir -p $(dir $@)
	@printf 'NPU_BACKEND(%s)\n' $(DRIVER_BACKENDS) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else echo "  GEN     backends.inc ($(DRIVER_BACKENDS))"; mv -f $@.tmp $@; fi
$(BUILD)/host/driver/os/backends.o: $(DRIVER_BACKENDS_INC)

# ---- npuctl ---------------------------------------------------------------------
# It finds its firmware and QEMU relative to its own executable
# (driver/tools/tool_paths.h): so it must stay in $(BUILD)/tools/.
NPUCTL := $(BUILD)/tools/npuctl
NPUCTL_OBJS := $(BUILD)/host/driver/tools/npuctl.o $(BUILD)/host/driver/tools/npuctl_jobs.o \
               $(BUILD)/host/driver/tools/tool_paths.o $(NPU_NET_OBJ)

$(NPUCTL): $(NPUCTL_OBJS) $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(NPUCTL_OBJS) $(DRIVER_LINK)

# npuctl's own test (tests/tools/npuctl-files.sh): where it finds the firmware
# and QEMU, its errors when they are missing, and the refusal of a LEON
# image before any device access. It starts QEMU, so it runs in check-qtest.
NPUCTL_FILES_TEST := $(BUILD)/tests/tools/npuctl-files
$(NPUCTL_FILES_TEST): $(SRCDIR)/tests/tools/npuctl-files.sh $(NPUCTL) $(DRIVER_FW_BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q)printf '#!/bin/sh\n# generated by mk/driver.mk\nexec bash "%s" "%s"\n' \
		'$(SRCDIR)/tests/tools/npuctl-files.sh' '$(abspath $(BUILD))' >$@
	$(Q)chmod +x $@

# npuctl's job commands on the sim backend (tests/tools/npuctl-jobs.sh), copy
# and fill included ("dma": they run on the model's DMA engines).
NPUCTL_JOBS_TEST := $(BUILD)/tests/tools/npuctl-jobs
NPUCTL_JOBS_ARGS ?= dma
$(NPUCTL_JOBS_TEST): $(SRCDIR)/tests/tools/npuctl-jobs.sh $(NPUCTL) $(DRIVER_FW_BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q)printf '#!/bin/sh\n# generated by mk/driver.mk\nexec bash "%s" "%s" %s\n' \
		'$(SRCDIR)/tests/tools/npuctl-jobs.sh' '$(abspath $(BUILD))' '$(NPUCTL_JOBS_ARGS)' >$@
	$(Q)chmod +x $@

# The same over qtest in real QEMU (the device's DMA engines on QEMU's
# worker thread, pci_dma_map), in check-qtest.
NPUCTL_JOBS_QTEST := $(BUILD)/tests/tools/npuctl-jobs-qtest
$(NPUCTL_JOBS_QTEST): $(SRCDIR)/tests/tools/npuctl-jobs.sh $(NPUCTL) $(DRIVER_FW_BIN)
	@mkdir -p $(dir $@)
	@echo "  GEN     $(notdir $@)"
	$(Q)printf '#!/bin/sh\n# generated by mk/driver.mk\nexec bash "%s" "%s" dma qtest\n' \
		'$(SRCDIR)/tests/tools/npuctl-jobs.sh' '$(abspath $(BUILD))' >$@
	$(Q)chmod +x $@

# Its executable-relative lookup on its own, argv[0] fallback included.
TOOL_PATHS_TEST := $(BUILD)/tests/unit/test_tool_paths
$(BUILD)/host/tests/unit/test_tool_paths.o: EXTRA_CFLAGS_tests_unit_ += -I$(SRCDIR)/driver/tools
$(TOOL_PATHS_TEST): $(BUILD)/host/tests/unit/test_tool_paths.o $(BUILD)/host/driver/tools/tool_paths.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcunit

# ---- Unit tests against the fake device -------------------------------------------
DRIVER_TEST_NAMES := regs pm mmu mmu_context fw boot ipc jsm device diag cmdbuf jobs
DRIVER_TESTS      := $(addprefix $(BUILD)/tests/unit/test_driver_,$(DRIVER_TEST_NAMES))
FAKE_NPU_OBJ      := $(BUILD)/host/tests/unit/fake_npu.o $(BUILD)/host/tests/unit/fake_npu_jobs.o

$(DRIVER_TESTS): $(BUILD)/tests/unit/test_driver_%: $(BUILD)/host/tests/unit/test_driver_%.o \
		$(FAKE_NPU_OBJ) $(DRIVER_LIB) $(FORMAT_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcunit

# ---- End-to-end tests on the sim backend (real firmware + test images) ------------
DRIVER_SIM_TEST := $(BUILD)/tests/unit/test_driver_sim
# The test finds the firmware at this path (or $NPU_FIRMWARE); build it first
# when this tree has the firmware fragment.
DRIVER_SIM_TEST_FW := $(if $(wildcard $(SRCDIR)/mk/firmware.mk),$(DRIVER_FW_BIN))
EXTRA_CFLAGS_tests_unit_ += -DNPU_TEST_FIRMWARE='"$(abspath $(DRIVER_FW_BIN))"'

$(DRIVER_SIM_TEST): $(BUILD)/host/tests/unit/test_driver_sim.o $(DRIVER_LIB) $(DRIVER_OS_LIB) \
		$(DRIVER_OS_LIBS) $(DRIVER_SIM_TEST_FW)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(DRIVER_LINK) -lcunit

# Jobs end to end on the sim backend with the real firmware; the copies and
# fills run on the model's DMA engines (test_driver_sim_dma).
DRIVER_SIM_JOBS_TEST := $(BUILD)/tests/unit/test_driver_sim_jobs
DRIVER_SIM_DMA_TEST  := $(BUILD)/tests/unit/test_driver_sim_dma
SIM_JOBS_OBJ         := $(BUILD)/host/tests/unit/sim_jobs.o

$(DRIVER_SIM_JOBS_TEST) $(DRIVER_SIM_DMA_TEST): $(BUILD)/tests/unit/%: $(BUILD)/host/tests/unit/%.o \
		$(SIM_JOBS_OBJ) $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS) $(DRIVER_SIM_TEST_FW)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(SIM_JOBS_OBJ) $(DRIVER_LINK) -lcunit

# The worked network (tests/net/) as a driver job on the sim backend.
DRIVER_SIM_NET_TEST := $(BUILD)/tests/unit/test_driver_sim_net
NPU_NET_JOB_OBJ     := $(BUILD)/host/tests/net/net_job.o
EXTRA_CFLAGS_tests_net_ += -I$(SRCDIR)/driver/include
$(BUILD)/host/tests/unit/test_driver_sim_net.o: HOST_CFLAGS += -I$(SRCDIR)/tests/net

$(DRIVER_SIM_NET_TEST): $(BUILD)/host/tests/unit/test_driver_sim_net.o $(SIM_JOBS_OBJ) \
		$(NPU_NET_JOB_OBJ) $(NPU_NET_OBJ) $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS) \
		$(DRIVER_SIM_TEST_FW)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(SIM_JOBS_OBJ) $(NPU_NET_JOB_OBJ) $(NPU_NET_OBJ) \
	    $(DRIVER_LINK) -lcunit

# ---- Benchmark ----------------------------------------------------------------------
DRIVER_BENCH := $(BUILD)/bench/bench_driver

$(DRIVER_BENCH): $(BUILD)/host/bench/bench_driver.o $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(DRIVER_LINK)

# sim always; qtest when the QEMU binary of this build exists (else it says why it skips).
.PHONY: bench-driver
bench-driver: $(DRIVER_BENCH) $(DRIVER_SIM_TEST_FW)
	$(Q)$(SANITIZE_ENV) $(DRIVER_BENCH) --backend=sim --firmware=$(DRIVER_FW_BIN)
	$(Q)$(SANITIZE_ENV) $(DRIVER_BENCH) --backend=qtest --backend-args=qemu=$(abspath $(QEMU_BINARY)) \
	    --firmware=$(DRIVER_FW_BIN) --boots=3

# Jobs: empty jobs/s and a 16 MiB copy beside a host memcpy, sim (+ qtest if
# QEMU is built; a few jobs only, it is slower).
JOBS_BENCH := $(BUILD)/bench/bench_jobs

$(JOBS_BENCH): $(BUILD)/host/bench/bench_jobs.o $(DRIVER_LIB) $(DRIVER_OS_LIB) $(DRIVER_OS_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(DRIVER_LINK)

.PHONY: bench-jobs
bench-jobs: $(JOBS_BENCH) $(DRIVER_SIM_TEST_FW)
	$(Q)$(SANITIZE_ENV) $(JOBS_BENCH) --backend=sim --firmware=$(DRIVER_FW_BIN)
	$(Q)$(SANITIZE_ENV) $(JOBS_BENCH) --backend=qtest --backend-args=qemu=$(abspath $(QEMU_BINARY)) \
	    --firmware=$(DRIVER_FW_BIN) --jobs=200 --copies=2

ALL_TARGETS += $(DRIVER_LIB) $(DRIVER_OS_LIB) $(NPUCTL)
INSTALL_BIN += $(NPUCTL)
UNIT_TESTS  += $(DRIVER_TESTS) $(DRIVER_SIM_TEST) $(DRIVER_SIM_JOBS_TEST) $(DRIVER_SIM_DMA_TEST) $(DRIVER_SIM_NET_TEST) \
               $(TOOL_PATHS_TEST) \
               $(NPUCTL_JOBS_TEST)
QTESTS      += $(NPUCTL_FILES_TEST) $(NPUCTL_JOBS_QTEST)
BENCHES     += bench-driver bench-jobs
CLEAN_FILES += $(DRIVER_TESTS) $(DRIVER_SIM_TEST) $(DRIVER_SIM_JOBS_TEST) $(DRIVER_SIM_DMA_TEST) $(DRIVER_SIM_NET_TEST) \
               $(DRIVER_BENCH) $(JOBS_BENCH) $(NPUCTL) $(NPUCTL_FILES_TEST) \
               $(NPUCTL_JOBS_TEST) $(NPUCTL_JOBS_QTEST) $(TOOL_PATHS_TEST)
