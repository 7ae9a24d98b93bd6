# README.md's command blocks, run as a new user would type them
# (tests/system/readme-commands.sh: how blocks are marked and run).
#
#   make check-system-readme   the checker's self-test, then every ```sh block of
#                              README.md from the top of the clone: host commands,
#                              `make run` with the guest blocks typed into its shell
#
# The README's commands use build/, the tree its set-up commands (`make demo`,
# `make check`) make. In that tree this target first builds what `make demo`
# leaves built; from another build dir it runs `make demo` in build/ first, as
# the README says. Knob: README_TIMEOUT (s per block, default 600).

README_BUILD   := $(SRCDIR)/build
README_TIMEOUT ?= 600
README_IS_THIS_BUILD := $(if $(filter $(README_BUILD),$(abspath $(BUILD))),yes)

.PHONY: check-system-readme
check-system-readme: $(if $(README_IS_THIS_BUILD),all $(IMG_VFIO) $(IMG_SHELL))
	$(Q)bash $(SRCDIR)/tests/system/readme-commands-selftest.sh
	$(Q)$(if $(README_IS_THIS_BUILD),:,$(MAKE) -C $(SRCDIR) BUILD=build demo)
	$(Q)bash $(SRCDIR)/tests/system/readme-commands.sh --root $(SRCDIR) --timeout $(README_TIMEOUT)

SYSTEM_TESTS += check-system-readme
