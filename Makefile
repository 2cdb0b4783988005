# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper around meson/ninja. The real build lives in build/.
BUILD ?= build
NINJA ?= ninja

.PHONY: all deps check check-quick check-asan fuzz bench demo install clean distclean

all: $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)

deps:
	scripts/install-deps.sh

# Everything: dependencies, build, every test layer, ASan build of the
# unit and qtest layers. Ends with "N passed, N failed".
check: deps
	scripts/check.sh

# Only the main build's tests, no dependency install, no ASan build.
check-quick: all
	python3 tests/run-all.py --build $(BUILD)

# Every test layer (unit, qtest, fuzz replays, functional) against the
# ASan + UBSan build in build-asan/.
check-asan: deps
	@[ -f build-asan/build.ninja ] || ./configure --builddir=build-asan --enable-sanitizers
	$(NINJA) -C build-asan
	ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=0} \
	UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	python3 tests/run-all.py --build build-asan

# libFuzzer targets in build-fuzz/ (clang): FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

bench: deps all
	python3 bench/run.py --build $(BUILD)
	python3 bench/tcg.py --build $(BUILD)
	python3 bench/block.py --build $(BUILD)

# Says first whether KVM or TCG will run the guest, and stops before
# installing or building anything when neither can.
demo:
	scripts/demo.sh --check
	$(MAKE) deps all
	scripts/demo.sh $(BUILD)

install: all
	meson install -C $(BUILD)

clean:
	-$(NINJA) -C $(BUILD) -t clean

distclean:
	rm -rf $(BUILD) build-asan build-fuzz
