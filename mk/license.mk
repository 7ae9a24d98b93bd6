# Licence hygiene of the source tree (make check-static).
#
#   make check-static-license   no tracked file repeats Linux ivpu's wording
#                               (GPL-2.0-only): tools/check-license.sh lists
#                               the phrases and prints file:line per hit
.PHONY: check-static-license
STATIC_CHECKS += check-static-license

check-static-license:
	@echo "== static: licence wording (tools/check-license.sh)"
	$(Q)sh $(SRCDIR)/tools/check-license.sh $(SRCDIR)
