# Thin wrapper over meson: `make`, `make check`, `make demo`, `make bench`.
BUILD ?= build

all:
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) --buildtype=debugoptimized >/dev/null
	@meson compile -C $(BUILD) >/dev/null || meson compile -C $(BUILD)

check:
	@scripts/check.sh $(BUILD)

demo: all
	@scripts/demo.sh $(BUILD)

fuzz:
	@scripts/fuzz.sh

bench: all
	@bench/hash.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz

.PHONY: all check demo fuzz bench clean
