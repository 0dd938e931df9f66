# `make bench`: speed and memory figures (never part of `make test`).
.PHONY: bench
bench: deps tools guests
	@bench/run.sh
