#!/usr/bin/env bash
# Installs every build and test dependency of kemu from Debian's archive.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

build_pkgs=(
    gcc make pkg-config meson ninja-build python3
    libglib2.0-dev libpixman-1-dev libsdl2-dev zlib1g-dev libzstd-dev
    liburing-dev libcap-ng-dev libslirp-dev libjson-glib-dev libpng-dev
    libzydis-dev libcapstone-dev linux-libc-dev
    clang libclang-rt-14-dev libseccomp-dev
    console-data nettle-dev
)
test_pkgs=(
    busybox-static seabios ovmf gdb qemu-utils qemu-system-x86 acpica-tools
    cpio gzip socat telnet tmux gvncviewer vncsnapshot libjpeg-turbo-progs
    openssl xvfb x11-apps xdotool xorriso e2fsprogs
)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
