# QEMU 7.2 (Debian's source) with -device intel-npu-mtl.
#
# ./configure fetched and configured QEMU in the shared cache (QEMU_SRC,
# QEMU_BUILD: see README.md "Building and caching"). Every `make` runs
# mk/qemu-build.sh, which points the cache tree's hw/misc/intel-npu-mtl at this
# clone's qemu-device/, runs ninja (a ~0.2 s no-op when nothing changed, so an
# edit anywhere under qemu-device/ or include/ is always picked up) and copies
# the binary to $(QEMU_BINARY), this clone's own copy.
#
#   make qemu                   just QEMU
#   make check-system-qemu      smoke test: firmware found, device on the PCI bus
#   QEMU_NINJA_TARGETS += ...   other fragments may ask ninja for more targets
#                               of the QEMU build (e.g. libqos for qtests)

QEMU_NINJA_TARGETS += qemu-system-x86_64

ifneq ($(QEMU_BINARY),)
ifneq ($(realpath $(SRCDIR)),$(realpath $(CONFIGURED_SRCDIR)))
$(error $(BUILD) was configured for the source dir $(CONFIGURED_SRCDIR), not $(SRCDIR): \
  run $(SRCDIR)/configure --builddir=$(BUILD) (or delete $(BUILD)))
endif

QEMU_BUILD_ENV = SRCDIR='$(SRCDIR)' QEMU_SRC='$(QEMU_SRC)' QEMU_BUILD='$(QEMU_BUILD)' \
  QEMU_LOCK='$(QEMU_LOCK)' QEMU_BINARY='$(QEMU_BINARY)' \
  QEMU_NINJA_TARGETS='$(sort $(QEMU_NINJA_TARGETS))' CONFIG_STATUS='$(abspath $(BUILD))/config.status'

.PHONY: qemu qemu-always check-system-qemu
qemu: $(QEMU_BINARY)

# Always run: ninja decides what is out of date.
$(QEMU_BINARY): qemu-always $(TRACE_STAMP)
	$(Q)$(QEMU_BUILD_ENV) sh $(SRCDIR)/mk/qemu-build.sh build

check-system-qemu: $(QEMU_BINARY)
	$(Q)$(QEMU_BUILD_ENV) QEMU_FIRMWARE_DIRS='$(QEMU_FIRMWARE_DIRS)' sh $(SRCDIR)/mk/qemu-build.sh smoke

ALL_TARGETS  += $(QEMU_BINARY)
SYSTEM_TESTS += check-system-qemu
INSTALL_BIN  += $(QEMU_BINARY)
endif
