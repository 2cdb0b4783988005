# SPDX-License-Identifier: GPL-2.0-or-later
"""Booting the Debian kernel with a busybox initramfs that runs a test
script (scripts/guest-assets.py fetches and builds both, cached in
BUILD/assets). The script's output comes back on the serial console."""
import hashlib
import os
import subprocess
import sys

from kemu_guest import BUILD, TOP

ASSETS = os.path.join(BUILD, "assets")
GUEST_ASSETS = os.path.join(TOP, "scripts", "guest-assets.py")
# no_timer_check: the kernel's boot-time check that timer ticks arrive
# within a delay loop fails spuriously when the host is overloaded (as it
# does in VMs; cloud images set it too)
APPEND = "console=ttyS0 quiet panic=-1 nokaslr no_timer_check"


def kernel():
    r = subprocess.run([sys.executable, GUEST_ASSETS, "kernel", "--cache",
                        ASSETS], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"guest-assets.py kernel failed: {r.stderr}")
    return r.stdout.strip()


def static_program(src, libs=()):
    """Compile a tests/linux/*.c program statically for the guest."""
    path = os.path.join(TOP, "tests", "linux", src)
    out = os.path.join(ASSETS, os.path.basename(src)[:-2])
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(path):
        os.makedirs(ASSETS, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-static", "-o", out, path] +
                       list(libs), check=True)
    return out


def initramfs(script, modules=(), files=()):
    """An initramfs running 'script' (text); cached by its content."""
    key = hashlib.sha256(repr((script, sorted(modules),
                               sorted(files))).encode()).hexdigest()[:16]
    out = os.path.join(ASSETS, f"initrd-{key}.gz")
    if os.path.exists(out):
        return out
    os.makedirs(ASSETS, exist_ok=True)
    sh = out + ".sh"
    with open(sh, "w") as f:
        f.write("#!/bin/sh\n" + script)
    cmd = [sys.executable, GUEST_ASSETS, "initramfs", "--cache", ASSETS,
           "--out", out, "--init", sh]
    if modules:
        cmd += ["--modules", ",".join(modules)]
    for src, dst in files:
        cmd += ["--file", f"{src}:{dst}"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError(f"guest-assets.py initramfs failed: {r.stderr}")
    return out


def boot(emulator, args, script, modules=(), files=(), timeout=300,
         append=APPEND):
    """Boot to the end of the script (it powers off). Returns
    (exit status, serial output); a hang is reported as status -9."""
    cmd = [emulator, "-M", "pc", "-m", "512", "-display", "none",
           "-no-reboot", "-serial", "stdio", "-kernel", kernel(),
           "-initrd", initramfs(script, modules, files),
           "-append", append] + list(args)
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout,
                           stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        return -9, out + "\n(timed out)"
