# Thin wrapper over meson: `make`, `make check`, `make demo`, `make bench`, `make install`.
BUILD ?= build
PREFIX ?= /usr/local

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

# The binary, its manual pages and its bash and zsh completions under $(DESTDIR)$(PREFIX);
# uninstall removes exactly the files the last install wrote (meson-logs/install-log.txt).
install: all
	@meson configure $(BUILD) --prefix=$(PREFIX) >/dev/null
	@meson install -C $(BUILD) --quiet $(if $(DESTDIR),--destdir $(DESTDIR)) >/dev/null

uninstall:
	@ninja -C $(BUILD) uninstall >/dev/null

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz

.PHONY: all check demo fuzz bench install uninstall clean
