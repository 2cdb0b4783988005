#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: boot the demo guest (tests/guest/demo.c) under KVM, or, on a
# machine without KVM, the Debian kernel with a busybox shell on the serial
# console under TCG (kernel and initramfs from Debian's packages, through
# scripts/guest-assets.py, cached in BUILD/assets).
#   scripts/demo.sh --check   decide before anything is installed or built
#   scripts/demo.sh BUILD     boot it with BUILD's kemu-system-x86_64
set -euo pipefail
build=$(realpath -m -- "${1:-build}")  # relative to where we were called
cd "$(dirname "$0")/.."

kvm_missing() {     # prints why /dev/kvm cannot be used, if it cannot
    if [ ! -e /dev/kvm ]; then
        echo "no /dev/kvm on this machine"
    elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
        echo "no permission to open /dev/kvm"
    fi
}

# TCG registers itself as an accelerator named "tcg"; the sources say
# whether this tree has it before anything is built.
tree_has_tcg() {
    grep -rqsE '\.name[[:space:]]*=[[:space:]]*"tcg"' accel target
}

no_accel() {
    echo "demo: $1, and this kemu has no TCG yet: nothing can run the" \
         "demo guest here (load kvm_intel or kvm_amd, or see make check)" >&2
    exit 1
}

why=$(kvm_missing)
if [ "${1:-}" = --check ]; then
    if [ -z "$why" ]; then
        echo "demo: the guest will run under KVM"
    elif tree_has_tcg; then
        echo "demo: $why: the guest will run under TCG (slower than KVM)"
    else
        no_accel "$why"
    fi
    exit 0
fi

kemu=$build/kemu-system-x86_64
if [ ! -x "$kemu" ]; then
    echo "demo: $kemu is not built (make builds it)" >&2
    exit 1
fi
if [ -z "$why" ]; then
    accel=kvm
elif "$kemu" -accel help | tail -n +2 | grep -x tcg >/dev/null; then
    accel=tcg
else
    no_accel "$why"
fi
if [ "$accel" = kvm ]; then
    echo "demo: $kemu -accel kvm -smp 2 -m 256 -kernel $build/tests/guest/demo.mb -nographic"
    exec "$kemu" -accel kvm -smp 2 -m 256 \
        -kernel "$build/tests/guest/demo.mb" -nographic -no-reboot
fi
kernel=$(python3 scripts/guest-assets.py kernel --cache "$build/assets")
initrd=$build/assets/demo-initrd.gz
python3 scripts/guest-assets.py initramfs --cache "$build/assets" \
    --out "$initrd" >/dev/null
echo "demo: $kemu -accel tcg -smp 2 -m 512 -kernel $kernel -initrd $initrd" \
     "-append 'console=ttyS0 quiet' -nographic"
exec "$kemu" -accel tcg -smp 2 -m 512 -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet panic=-1" -nographic -no-reboot
