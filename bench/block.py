#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Block benchmarks: kemu-img convert beside qemu-img convert on an image
holding a real filesystem (ext4 made with mkfs.ext4 -d from host files):
raw to qcow2, qcow2 to raw, and compressed with zlib and with zstd.
Best of N runs, wall time; the ratio is kemu/QEMU (lower is better).
Then kemu-img bench beside qemu-img bench (reads and writes, 4 KiB and
64 KiB, depth 1 and 32, raw and qcow2): requests per second, the ratio
kemu/QEMU (higher is better). Timing includes process start.
Prints a table; never fails (exit status 0 unless kemu-img is missing)."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, runs, cleanup):
    best = None
    for _ in range(runs):
        cleanup()
        t = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        dt = time.monotonic() - t
        if p.returncode != 0:
            return None, p.stderr.decode(errors="replace").strip()
        best = dt if best is None else min(best, dt)
    return best, ""


def make_fs_image(path, size, source):
    """A raw image with an ext4 filesystem filled from source."""
    subprocess.run(["truncate", "-s", size, path], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", source, path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--size", default="2G")
    ap.add_argument("--source", default="/usr/share",
                    help="directory copied into the filesystem")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", help="scratch directory (default: a temp dir)")
    args = ap.parse_args()
    kemu = os.path.join(os.path.abspath(args.build), "kemu-img")
    if not os.path.exists(kemu):
        print(f"bench/block: {kemu} not built", file=sys.stderr)
        return 1
    qemu = shutil.which("qemu-img")
    if not shutil.which("mkfs.ext4"):
        print("bench/block: mkfs.ext4 missing, skipped")
        return 0
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        raw = os.path.join(d, "fs.raw")
        print(f"building a {args.size} ext4 image from {args.source} ...",
              flush=True)
        make_fs_image(raw, args.size, args.source)
        qcow = os.path.join(d, "fs.qcow2")
        subprocess.run([qemu or kemu, "convert", "-O", "qcow2", raw, qcow],
                       check=True)
        out = os.path.join(d, "out")

        def rm():
            if os.path.exists(out):
                os.unlink(out)
            # The page cache keeps both inputs warm after the first run.

        cases = [
            ("raw -> qcow2", ["convert", "-O", "qcow2", raw, out]),
            ("qcow2 -> raw", ["convert", "-O", "raw", qcow, out]),
            ("raw -> qcow2 -c zlib", ["convert", "-c", "-O", "qcow2", "-o",
                                      "compression_type=zlib", raw, out]),
            ("raw -> qcow2 -c zstd", ["convert", "-c", "-O", "qcow2", "-o",
                                      "compression_type=zstd", raw, out]),
        ]
        print(f"{'kemu-img convert':24} {'kemu s':>9} {'qemu s':>9} "
              f"{'ratio':>7}")
        for name, a in cases:
            k, kerr = timed([kemu] + a, args.runs, rm)
            q, qerr = timed([qemu] + a, args.runs, rm) if qemu else (None, "")
            ks = f"{k:9.2f}" if k is not None else f"{'error':>9}"
            qs = f"{q:9.2f}" if q is not None else f"{'-':>9}"
            ratio = f"{k / q:6.2f}x" if k and q else f"{'-':>7}"
            print(f"{name:24} {ks} {qs} {ratio}", flush=True)
            if kerr:
                print(f"    kemu-img: {kerr}")
        bench_requests(kemu, qemu, d, args.runs)
    return 0


def bench_requests(kemu, qemu, d, runs):
    """kemu-img bench beside qemu-img bench: requests per second."""
    print(f"\n{'kemu-img bench':30} {'kemu req/s':>11} {'qemu req/s':>11} "
          f"{'ratio':>7}")
    for fmt in ("raw", "qcow2"):
        img = os.path.join(d, f"bench.{fmt}")
        subprocess.run([kemu, "create", "-q", "-f", fmt, img, "1G"],
                       check=True)
        # Allocate first so qcow2 reads hit data, not holes.
        subprocess.run([kemu, "bench", "-q", "-f", fmt, "-w", "-c", "16384",
                        "-s", "64k", img], check=True)
        for write in (False, True):
            for size in ("4k", "64k"):
                for depth in (1, 32):
                    count = "20000" if size == "4k" else "4000"
                    a = ["bench", "-f", fmt, "-c", count, "-d", str(depth),
                         "-s", size] + (["-w"] if write else [])
                    name = (f"{fmt} {'write' if write else 'read'} {size} "
                            f"d={depth}")
                    k, _ = timed([kemu] + a + [img], runs, lambda: None)
                    q, _ = (timed([qemu] + a + [img], runs, lambda: None)
                            if qemu else (None, ""))
                    kr = int(count) / k if k else None
                    qr = int(count) / q if q else None
                    ks = f"{kr:11.0f}" if kr else f"{'error':>11}"
                    qs = f"{qr:11.0f}" if qr else f"{'-':>11}"
                    ratio = f"{kr / qr:6.2f}x" if kr and qr else f"{'-':>7}"
                    print(f"{name:30} {ks} {qs} {ratio}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
