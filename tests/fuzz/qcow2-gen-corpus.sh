#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates the qcow2 fuzz target's seeds (tests/fuzz/qcow2/):
# qcow2-gen-corpus.sh BUILD_DIR (needs kemu-img and qemu-img/qemu-io)
set -e
build=${1:-build}
out=$(cd "$(dirname "$0")" && pwd)/qcow2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
mk() {  # name tool opts
    name=$1; tool=$2; opts=$3
    if [ "$tool" = kemu ]; then
        "$build/kemu-img" create -q -f qcow2 -o "$opts" "$name" 256k
        io="$build/kemu-io"
    else
        qemu-img create -q -f qcow2 -o "$opts" "$name" 256k
        io=qemu-io
    fi
    $io -c 'write -c -P 5 0 4k' -c 'write -P 1 8k 3k' -c 'write -z 16k 8k' \
        -c 'write -P 2 100k 9000' "$name" >/dev/null
    cp "$name" "$out/$name"
}
mk v3-512.qcow2 kemu cluster_size=512
mk v2-4k.qcow2 kemu cluster_size=4096,compat=0.10
mk rb1-4k.qcow2 kemu cluster_size=4096,refcount_bits=1
mk rb64-512.qcow2 qemu cluster_size=512,refcount_bits=64
mk zstd-4k.qcow2 qemu cluster_size=4096,compression_type=zstd
qemu-img create -q -f qcow2 -o cluster_size=4096 -b v3-512.qcow2 -F qcow2 \
    backing.qcow2
cp backing.qcow2 "$out/"
cp "$out/v2-4k.qcow2" snap.qcow2
qemu-img snapshot -c s1 snap.qcow2
qemu-io -c 'write -P 7 0 8k' snap.qcow2 >/dev/null
cp snap.qcow2 "$out/"
# hostile: huge l1_size, bad refcount order, L2 entry into the header
python3 - "$out" <<'PY'
import sys, struct
d = sys.argv[1]
img = bytearray(open(d + "/v3-512.qcow2", "rb").read())
a = bytearray(img); a[36:40] = b"\xff\xff\xff\xff"
open(d + "/h-l1size.qcow2", "wb").write(a)
b = bytearray(img); b[96:100] = (9).to_bytes(4, "big")
open(d + "/h-order.qcow2", "wb").write(b)
# 0xffffffff once became a negative shift (found by the hostile corpus)
b[96:100] = (0xffffffff).to_bytes(4, "big")
open(d + "/h-order-max.qcow2", "wb").write(b)
c = bytearray(img)
l1 = struct.unpack_from(">Q", c, 40)[0]
l2 = struct.unpack_from(">Q", c, l1)[0] & 0x00fffffffffffe00
c[l2:l2 + 8] = (0x8000000000000000).to_bytes(8, "big")
c[l2 + 8:l2 + 16] = (0x4000000000000000 | 0x3fffffffffffff).to_bytes(8, "big")
open(d + "/h-l2.qcow2", "wb").write(c)
PY
