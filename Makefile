# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper around meson/ninja. The real build lives in build/.
BUILD ?= build
NINJA ?= ninja

.PHONY: all deps check check-quick bench demo install clean distclean

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

bench: deps all
	python3 bench/run.py --build $(BUILD)
	python3 bench/tcg.py --build $(BUILD)

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
	rm -rf $(BUILD) build-asan
