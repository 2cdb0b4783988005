#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kemu benchmarks, side by side with QEMU when qemu-system-x86_64 is
installed. Same guest, same options; QEMU boots it through qboot, its
fastest firmware (kemu needs none for direct boot).

  - start to the guest's first serial byte, and to exit (median of runs)
  - port I/O and MMIO exits to userspace per second (from the exits
    guest: the difference of a long and a short run, so boot cost cancels)
  - peak RSS of a 512 MiB guest that touched 16 MiB, beyond what it touched

Prints a table; never fails the build (exit status 0 unless kemu itself
cannot be found)."""
import argparse
import os
import select
import shutil
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QBOOT = "/usr/share/qemu/qboot.rom"


class Emulator:
    def __init__(self, name, binary, extra):
        self.name, self.binary, self.extra = name, binary, extra

    def cmd(self, guest, append, *args):
        return ([self.binary] + self.extra +
                ["-kernel", guest, "-append", append, "-display", "none",
                 "-serial", "stdio", "-no-reboot", "-nodefaults",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + list(args))

    def run(self, guest, append="", *args, marks=(), timeout=120):
        """Runs once; returns (times of first output byte, of each mark
        line, of exit) in seconds from start, and peak RSS in KiB."""
        start = time.monotonic()
        p = subprocess.Popen(self.cmd(guest, append, *args), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        first, seen, buf = None, {}, b""
        fd = p.stdout.fileno()
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                p.kill()
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            data = os.read(fd, 65536)
            now = time.monotonic() - start
            if not data:
                break
            if first is None:
                first = now
            buf += data
            for m in marks:
                if m not in seen and m.encode() in buf:
                    seen[m] = now
        _, status, ru = os.wait4(p.pid, 0)
        end = time.monotonic() - start
        ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 33
        return {"first": first, "marks": seen, "exit": end, "ok": ok,
                "rss_kib": ru.ru_maxrss, "out": buf.decode(errors="replace")}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def bench_boot(emu, guests, runs):
    res = [emu.run(os.path.join(guests, "hello.mb")) for _ in range(runs)]
    if not all(r["ok"] for r in res):
        return None, None
    return median(r["first"] for r in res), median(r["exit"] for r in res)


def bench_exits(emu, guests, kind, short, long):
    other = "mmio=0" if kind == "port" else "port=0"
    mark = f"{kind} exits"
    t = {}
    for n in (short, long):
        r = emu.run(os.path.join(guests, "exits.mb"), f"iters={n} {other}",
                    "-debugcon", "null", marks=("exits start", mark))
        if not r["ok"] or mark not in r["marks"]:
            return None
        t[n] = r["marks"][mark] - r["marks"]["exits start"]
    dt = t[long] - t[short]
    return 2 * (long - short) / dt if dt > 0 else None


def bench_rss(emu, guests):
    r = emu.run(os.path.join(guests, "touch.mb"), "mib=16", "-m", "512")
    if not r["ok"]:
        return None
    return r["rss_kib"] / 1024 - 16


def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit == "s":
        return f"{v:.3f}"
    if unit == "/s":
        return f"{v:,.0f}"
    return f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    build = os.path.join(TOP, args.build) if not os.path.isabs(args.build) else args.build
    guests = os.path.join(build, "tests", "guest")
    kemu = os.path.join(build, "kemu-system-x86_64")
    if not os.path.exists(kemu) or not os.path.exists(os.path.join(guests, "hello.mb")):
        print(f"bench: build first ({kemu} or the test guests are missing)")
        return 1
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("bench: no usable /dev/kvm; nothing to measure")
        return 0

    emus = [Emulator("kemu", kemu, ["-accel", "kvm"])]
    qemu = shutil.which("qemu-system-x86_64")
    if qemu and os.path.exists(QBOOT):
        emus.append(Emulator("qemu", qemu, ["-accel", "kvm", "-bios", QBOOT]))
    else:
        print("bench: qemu-system-x86_64 or qboot.rom not installed: kemu only")

    rows = []  # (label, unit, {emu: value}, target text, better: 'lower'/'higher')
    results = {e.name: {} for e in emus}
    for e in emus:
        first, end = bench_boot(e, guests, args.runs)
        results[e.name]["first"] = first
        results[e.name]["exit"] = end
        results[e.name]["port"] = bench_exits(e, guests, "port", 2000, 20000)
        results[e.name]["mmio"] = bench_exits(e, guests, "mmio", 2000, 20000)
        results[e.name]["rss"] = bench_rss(e, guests)

    rows = [
        ("start to first serial byte", "s", "first", ""),
        ("start to exit", "s", "exit", "<= 0.5x"),
        ("port I/O exits per second", "/s", "port", ">= 1.0x"),
        ("MMIO exits per second", "/s", "mmio", ">= 1.0x"),
        ("peak RSS beyond touched (MiB)", "MiB", "rss", "<= 0.5x"),
    ]
    names = [e.name for e in emus]
    print()
    print(f"{'benchmark':34}" + "".join(f"{n:>14}" for n in names) +
          (f"{'kemu/qemu':>12}{'target':>10}" if "qemu" in names else ""))
    for label, unit, key, target in rows:
        line = f"{label:34}" + "".join(f"{fmt(results[n][key], unit):>14}" for n in names)
        if "qemu" in names:
            k, q = results["kemu"][key], results["qemu"][key]
            ratio = f"{k / q:.2f}x" if k is not None and q else "n/a"
            line += f"{ratio:>12}{target:>10}"
        print(line)
    print("\n(port I/O is timed at CPL0 when the KVM refuses guest port I/O at"
          " CPL3, as this machine's PVM does)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
