# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for the block-layer tests: kemu-img/kemu-io/qemu-img runners and
a random write workload mirrored in memory."""
import os
import random
import shutil
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("KEMU_BUILD", os.path.join(TOP, "build"))
KEMU_IMG = os.path.join(BUILD, "kemu-img")
KEMU_IO = os.path.join(BUILD, "kemu-io")


def have_qemu():
    return shutil.which("qemu-img") and shutil.which("qemu-io")


needs_qemu = unittest.skipUnless(have_qemu(),
                                 "qemu-img/qemu-io (qemu-utils) not installed")


def run(args, timeout=120, check=False, cwd=None):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout, cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} failed ({p.returncode}):\n"
                             f"{p.stdout}\n{p.stderr}")
    return p


def kimg(*args, **kw):
    return run([KEMU_IMG] + list(args), **kw)


def kio(*args, **kw):
    return run([KEMU_IO] + list(args), **kw)


def qimg(*args, **kw):
    return run(["qemu-img"] + list(args), **kw)


def qio(*args, **kw):
    return run(["qemu-io"] + list(args), **kw)


def workload(size, count, seed, align=512, zero=True, discard=True):
    """Random requests as (command, offset, length, pattern) tuples."""
    rnd = random.Random(seed)
    ops = []
    for _ in range(count):
        length = rnd.choice([align, 4096, 65536, 3 * align, 200 * align,
                             rnd.randrange(1, 300) * align])
        length = min(length, size)
        off = rnd.randrange(0, (size - length) // align + 1) * align
        kind = rnd.random()
        if zero and kind < 0.15:
            ops.append(("zero", off, length, 0))
        elif discard and kind < 0.25:
            ops.append(("discard", off, length, 0))
        else:
            ops.append(("write", off, length, rnd.randrange(1, 256)))
    return ops


def apply(mirror, ops, discard_zeroes=True):
    """Applies ops to a bytearray. A discard leaves contents undefined for
    QEMU's semantics; our tests only discard on images without backing,
    where both QEMU and kemu read zeroes afterwards for whole clusters, so
    discards are written only as whole-cluster zeroes by the callers."""
    for cmd, off, length, pat in ops:
        if cmd == "write":
            mirror[off:off + length] = bytes([pat]) * length
        elif cmd == "zero" or (cmd == "discard" and discard_zeroes):
            mirror[off:off + length] = bytes(length)


def io_commands(ops):
    out = []
    for cmd, off, length, pat in ops:
        if cmd == "write":
            out += ["-c", f"write -P {pat} {off} {length}"]
        elif cmd == "zero":
            out += ["-c", f"write -z {off} {length}"]
        else:
            out += ["-c", f"discard {off} {length}"]
    return out
