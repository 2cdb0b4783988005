#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the -bios test ROMs: OUT/rom-64k.bin and OUT/rom-256k.bin.
#   build.sh SRCDIR OUTDIR
set -eu
src=$1
out=$2
mkdir -p "$out/obj"
CC=${CC:-gcc}
for kib in 64 256; do
    $CC -c -DROM_SIZE=$((kib * 1024)) "$src/rom.S" -o "$out/obj/rom-${kib}k.o"
    objcopy -O binary -j .text "$out/obj/rom-${kib}k.o" "$out/rom-${kib}k.bin"
done
