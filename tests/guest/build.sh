#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the freestanding test guests with the host compiler.
#   build.sh SRCDIR OUTDIR
# Every tests/guest/*.c becomes OUT/NAME.mb (flat multiboot image with the
# a.out kludge); boot-check also becomes NAME.bz (bzImage), NAME.bz32
# (bzImage without the 64-bit entry), NAME.pvh (ELF with the PVH note) and
# NAME.mbelf (ELF32 multiboot without the kludge); gdb-target keeps its
# symbols as NAME.elf for gdb.
set -eu
src=$1
out=$2
mkdir -p "$out/obj"
CC=${CC:-gcc}
CFLAGS="-O2 -g0 -m64 -ffreestanding -fno-pic -fno-pie -fno-stack-protector
 -fno-asynchronous-unwind-tables -mno-red-zone -mgeneral-regs-only
 -fno-builtin -nostdinc -isystem $($CC -print-file-name=include)
 -I$src/lib -Wall -Wno-unused-function"
LDFLAGS="-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
 -Wl,-z,max-page-size=4096 -Wl,-T,$src/lib/guest.ld"

# shellcheck disable=SC2086
$CC $CFLAGS -c "$src/lib/runtime.c" -o "$out/obj/runtime.o"
# shellcheck disable=SC2086
$CC $CFLAGS -c "$src/lib/boot.c" -o "$out/obj/boot.o"
# shellcheck disable=SC2086
$CC $CFLAGS -c "$src/lib/isr.S" -o "$out/obj/isr.o"
for v in mb:"" pvh:-DNO_MULTIBOOT mbelf:-DMULTIBOOT_ELF; do
    # shellcheck disable=SC2086
    $CC $CFLAGS ${v#*:} -c "$src/lib/entry.S" -o "$out/obj/entry-${v%%:*}.o"
done

link() {  # name variant entry output
    # shellcheck disable=SC2086
    $CC $CFLAGS $LDFLAGS -Wl,-e,"$3" -o "$4" "$out/obj/entry-$2.o" \
        "$out/obj/runtime.o" "$out/obj/boot.o" "$out/obj/isr.o" "$out/obj/$1.o"
}

for c in "$src"/*.c; do
    name=$(basename "$c" .c)
    extra=
    # gdb's guest: debug info, no optimization (p var, next, bt).
    [ "$name" = gdb-target ] && extra="-O0 -g"
    # shellcheck disable=SC2086
    $CC $CFLAGS $extra -c "$c" -o "$out/obj/$name.o"
    link "$name" mb _start "$out/obj/$name.elf"
    objcopy -O binary "$out/obj/$name.elf" "$out/$name.mb"
    case $name in
    gdb-target)
        cp "$out/obj/$name.elf" "$out/$name.elf"
        ;;
    boot-check|demo)
        python3 "$src/mkbzimage.py" "$out/$name.mb" "$out/obj/$name.elf" "$out/$name.bz"
        python3 "$src/mkbzimage.py" "$out/$name.mb" "$out/obj/$name.elf" "$out/$name.bz32" --32
        link "$name" pvh entry_pvh "$out/$name.pvh"
        link "$name" mbelf entry_mb "$out/obj/$name-mbelf.elf"
        objcopy -O elf32-i386 "$out/obj/$name-mbelf.elf" "$out/$name.mbelf"
        ;;
    esac
done
touch "$out/stamp"
