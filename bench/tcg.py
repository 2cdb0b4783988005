#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TCG benchmarks, kemu beside QEMU 7.2 (qemu-system-x86_64 -accel tcg),
same kernel, initramfs, -cpu, -m and -smp:

  - start to power-off of the Debian kernel with a busybox initramfs
  - in the guest: sha256sum over 64 MiB and gzip -9 over 16 MiB, timed
    by the guest's own clock, with -smp 1 and -smp 2

Prints a table; never fails the build."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "functional"))

BOOT_ONLY = "true\n"
WORK = r"""
dd if=/dev/urandom of=/tmp/a bs=1M count=64 2>/dev/null
head -c 16777216 /tmp/a > /tmp/c
t0=$(cut -d" " -f1 /proc/uptime); sha256sum /tmp/a >/dev/null; t1=$(cut -d" " -f1 /proc/uptime)
gzip -9 -c /tmp/c > /dev/null; t2=$(cut -d" " -f1 /proc/uptime)
echo "BENCH sha256 $t0 $t1 gzip $t1 $t2"
"""


def run(emulator, args, script, runs):
    import kemu_linux
    walls, sha, gz = [], [], []
    for _ in range(runs):
        t = time.monotonic()
        status, out = kemu_linux.boot(emulator, args, script, timeout=600)
        wall = time.monotonic() - t
        if status != 0 or "reboot: Power down" not in out:
            return None
        walls.append(wall)
        m = re.search(r"BENCH sha256 (\S+) (\S+) gzip (\S+) (\S+)", out)
        if m:
            a, b, c, d = map(float, m.groups())
            sha.append(b - a)
            gz.append(d - c)
    med = lambda xs: statistics.median(xs) if xs else None
    return {"wall": med(walls), "sha": med(sha), "gzip": med(gz)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    build = a.build if os.path.isabs(a.build) else os.path.join(TOP, a.build)
    os.environ["KEMU_BUILD"] = build
    kemu = os.path.join(build, "kemu-system-x86_64")
    emus = []
    r = subprocess.run([kemu, "-accel", "help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if "tcg" in r.stdout.split():
        emus.append(("kemu", kemu))
    else:
        print("bench/tcg: this kemu has no TCG accelerator yet: QEMU only")
    qemu = shutil.which("qemu-system-x86_64")
    if qemu:
        emus.append(("qemu", qemu))
    if not emus:
        return 0
    rows = [("boot to power-off, -smp 1 (s)", BOOT_ONLY, 1, "wall"),
            ("boot to power-off, -smp 2 (s)", BOOT_ONLY, 2, "wall"),
            ("sha256sum 64 MiB, -smp 1 (s)", WORK, 1, "sha"),
            ("gzip -9 16 MiB, -smp 1 (s)", WORK, 1, "gzip"),
            ("sha256sum 64 MiB, -smp 2 (s)", WORK, 2, "sha"),
            ("gzip -9 16 MiB, -smp 2 (s)", WORK, 2, "gzip")]
    cache = {}
    names = [n for n, _ in emus]
    print(f"{'benchmark':34}" + "".join(f"{n:>10}" for n in names) +
          (f"{'kemu/qemu':>11}" if len(names) == 2 else ""))
    for label, script, smp, key in rows:
        vals = []
        for name, binary in emus:
            ck = (name, script, smp)
            if ck not in cache:
                cache[ck] = run(binary, ["-accel", "tcg", "-cpu", "max",
                                         "-smp", str(smp)], script, a.runs)
            res = cache[ck]
            vals.append(res[key] if res else None)
        line = f"{label:34}" + "".join(
            f"{v:>10.2f}" if v is not None else f"{'n/a':>10}" for v in vals)
        if len(vals) == 2 and None not in vals and vals[1]:
            line += f"{vals[0] / vals[1]:>10.2f}x"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
