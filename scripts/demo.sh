#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: boot the demo guest (tests/guest/demo.c) under KVM, or under
# TCG where /dev/kvm is not usable.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
accel=kvm
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "demo: /dev/kvm is not usable here; running under TCG" >&2
    accel=tcg
fi
echo "demo: $build/kemu-system-x86_64 -accel $accel -smp 2 -m 256 -kernel $build/tests/guest/demo.mb -nographic"
exec "$build/kemu-system-x86_64" -accel "$accel" -smp 2 -m 256 \
    -kernel "$build/tests/guest/demo.mb" -nographic -no-reboot
