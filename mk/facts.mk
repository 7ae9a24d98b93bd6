# The fact sheet (docs/hw-facts.md) and the check that every citation of it
# resolves.
#
#   make check-static-facts   every "hw-facts §N" (and every bare "§N" in
#                             source files and the documentation) names a
#                             section docs/hw-facts.md has, and nothing
#                             cites the notes the fact sheet was written from
#
# The check needs no build: tools/check-citations.sh uses only sh, grep, sed
# and awk. It runs as part of `make check-static`, hence of `make check`.

.PHONY: check-static-facts
check-static-facts:
	$(Q)sh $(SRCDIR)/tools/check-citations.sh $(SRCDIR)

STATIC_CHECKS += check-static-facts
