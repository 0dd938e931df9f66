# `make test`: unit tests, build-time checks, command tests, guest tests.
.PHONY: test unit-test guest-test
test: deps unit tools guests
	@tests/run-all.sh
unit-test: unit
	@for t in $(UNIT_BINS); do $$t || exit 1; done
guest-test: tools guests
	@tests/run-guests.sh $(T)
