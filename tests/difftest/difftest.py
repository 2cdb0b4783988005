#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential tests of the translator against the host CPU.

  difftest.py [--build DIR] [--emulator PATH] [--families a,b] [--seed N]
              [--count N] [--accel tcg]

For each family, gen.py makes instruction sequences; host.c runs them on
the host CPU (the oracle) and guest.c inside a test guest under the
emulator; registers, defined flags, the exception taken and a memory
window must match case by case. The first mismatches are printed with
the seed that reproduces them.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
GUEST_SRC = os.path.join(TOP, "tests", "guest")
FAMILIES = ["alu", "unary", "shift", "muldiv", "bits", "cond", "string",
            "misc", "x87", "mmx", "sse", "crypto", "sha", "avx", "fma"]
# families whose results only hardware (or an emulator running them on
# the host's unit, as kemu does) reproduces bit for bit. QEMU 7.2's TCG
# and the vector families: its RCPPS/RSQRTPS are exact rather than the
# hardware's approximations, DPPS's flags differ, its AES ops skip the
# m128 alignment check, and it has no SHA extensions (seen by running
# them against it).
# mmx: QEMU 7.2 leaves an MMX register's exponent field as it was where
# the hardware sets it to all ones (seen in every mmx case that writes one).
HOST_EXACT_FAMILIES = ["x87", "mmx", "sse", "crypto", "sha", "avx", "fma"]
# families with instructions beyond qemu64 (SSSE3's MMX forms, SSE4.1,
# AES...) run the guest with -cpu max
CPU_MAX_FAMILIES = ["mmx", "sse", "crypto", "sha", "avx", "fma"]
# families that need the YMM state (XSAVE with AVX): the YMM upper
# halves are compared too
YMM_FAMILIES = ["avx", "fma"]
RESULT = struct.Struct("<16QQQ256s512s256s")
REG_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]

GUEST_CFLAGS = ["-O2", "-g0", "-m64", "-ffreestanding", "-fno-pic",
                "-fno-pie", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-mno-red-zone",
                "-mgeneral-regs-only", "-fno-builtin", "-nostdinc"]


class Mismatch(Exception):
    pass


def sh(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout}")
    return r.stdout


def build(family, seed, count, build_dir, work):
    cases_s = os.path.join(work, "cases.S")
    meta = os.path.join(work, "cases.json")
    sh([sys.executable, os.path.join(HERE, "gen.py"), family, "--seed",
        str(seed), "--count", str(count), "--out", cases_s, "--meta", meta])
    host = os.path.join(work, "host")
    sh(["gcc", "-O1", "-no-pie", "-I", HERE, "-o", host,
        os.path.join(HERE, "host.c"), cases_s])
    obj = os.path.join(build_dir, "tests", "guest", "obj")
    inc = sh(["gcc", "-print-file-name=include"]).strip()
    flags = GUEST_CFLAGS + ["-isystem", inc, "-I", os.path.join(GUEST_SRC, "lib"),
                            "-I", HERE]
    sh(["gcc"] + flags + ["-c", os.path.join(HERE, "guest.c"), "-o",
                          os.path.join(work, "guest.o")])
    sh(["gcc"] + flags + ["-c", cases_s, "-o", os.path.join(work, "cases.o")])
    elf = os.path.join(work, "difftest.elf")
    sh(["gcc"] + flags + ["-nostdlib", "-static", "-no-pie",
                          "-Wl,--build-id=none", "-Wl,-z,noexecstack",
                          "-Wl,--no-warn-rwx-segments",
                          "-Wl,-z,max-page-size=4096",
                          "-Wl,-T," + os.path.join(GUEST_SRC, "lib", "guest.ld"),
                          "-Wl,-e,_start", "-o", elf,
                          os.path.join(obj, "entry-mb.o"),
                          os.path.join(obj, "runtime.o"),
                          os.path.join(obj, "boot.o"),
                          os.path.join(obj, "isr.o"),
                          os.path.join(work, "guest.o"),
                          os.path.join(work, "cases.o")])
    image = os.path.join(work, "difftest.mb")
    sh(["objcopy", "-O", "binary", elf, image])
    with open(meta) as f:
        return host, image, json.load(f)


def run_host(host):
    r = subprocess.run([host], stdout=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"host runner exited with {r.returncode}")
    return r.stdout


def run_guest(emulator, accel_args, image, work, timeout=300):
    out = os.path.join(work, "guest.bin")
    cmd = [emulator] + accel_args + [
        "-M", "pc", "-m", "512", "-display", "none", "-no-reboot",
        "-kernel", image, "-debugcon", f"file:{out}", "-serial", "stdio",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"guest did not finish in {timeout} s: "
                           f"{' '.join(cmd)}")
    if r.returncode != 33:
        raise RuntimeError(f"guest exited with {r.returncode}:\n"
                           f"{r.stdout[-3000:]}")
    with open(out, "rb") as f:
        return f.read()


def fx_fields(img):
    """The compared fields of an FXSAVE image. FOP, FIP and FDP are left
    out: the code runs at different addresses on the two sides, and AMD
    saves them only with an exception pending. So is MXCSR_MASK, which
    describes the CPU model (AMD hosts add MM, bit 17), not a result."""
    fcw, fsw, ftw, mxcsr = struct.unpack_from("<HHB19xI", img)
    f = {"fcw": fcw, "fsw": fsw, "ftw": ftw, "mxcsr": mxcsr}
    for i in range(8):
        m, e, pad = struct.unpack_from("<QH6s", img, 32 + 16 * i)
        f[f"st{i}"] = (e, m, pad)
    for i in range(16):
        f[f"xmm{i}"] = int.from_bytes(img[160 + 16 * i:176 + 16 * i],
                                      "little")
    return f


def fmt_fx(name, v):
    if name.startswith("st"):
        e, m, pad = v
        return f"{e:04x}:{m:016x}" + (f" pad {pad.hex()}" if any(pad) else "")
    if name.startswith("xmm"):
        return f"{v:#034x}"
    return f"{v:#x}"


def compare_fx(h, g, m):
    hf, gf = fx_fields(h), fx_fields(g)
    hf["fsw"] &= m.get("fsw_mask", 0xffff)
    gf["fsw"] &= m.get("fsw_mask", 0xffff)
    hf["mxcsr"] &= m.get("mxcsr_mask", 0xffffffff)
    gf["mxcsr"] &= m.get("mxcsr_mask", 0xffffffff)
    return [f"{k} host {fmt_fx(k, hf[k])} guest {fmt_fx(k, gf[k])}"
            for k in hf if hf[k] != gf[k]]


def fx_in(m):
    fx = m.get("fx")
    if not fx:
        return ""
    return (f"\n    fx in: fcw={fx['fcw']:#x} fsw={fx['fsw']:#x} "
            f"ftw={fx['ftw']:#x} mxcsr={fx['mxcsr']:#x} st=" +
            ",".join(fx["st"]))


def compare(family, seed, meta, host_bin, guest_bin, limit=10):
    n = len(meta)
    if len(host_bin) != n * RESULT.size:
        raise RuntimeError(f"host wrote {len(host_bin)} bytes for {n} cases")
    if len(guest_bin) != n * RESULT.size:
        raise RuntimeError(f"guest wrote {len(guest_bin)} bytes for {n} "
                           f"cases (expected {n * RESULT.size})")
    bad = []
    for i in range(n):
        h = RESULT.unpack_from(host_bin, i * RESULT.size)
        g = RESULT.unpack_from(guest_bin, i * RESULT.size)
        m = meta[i]
        diffs = []
        for r in range(16):
            if r != 4 and h[r] != g[r]:
                diffs.append(f"{REG_NAMES[r]} host {h[r]:#x} guest {g[r]:#x}")
        mask = m["flags_mask"]
        if (h[16] ^ g[16]) & mask:
            diffs.append(f"flags host {h[16] & mask:#x} guest {g[16] & mask:#x}"
                         f" (mask {mask:#x})")
        if h[17] != g[17]:
            diffs.append(f"exception host {h[17]:#x} guest {g[17]:#x}")
        hm, gm = bytearray(h[18]), bytearray(g[18])
        for off, ln in m.get("mem_ignore", []):
            hm[off:off + ln] = gm[off:off + ln] = bytes(ln)
        if hm != gm:
            off = next(k for k in range(256) if hm[k] != gm[k])
            diffs.append(f"memory differs from offset {off}: host "
                         f"{hm[off:off + 16].hex()} guest "
                         f"{gm[off:off + 16].hex()}")
        diffs += compare_fx(h[19], g[19], m)
        for r in range(16):
            hy, gy = h[20][16 * r:16 * r + 16], g[20][16 * r:16 * r + 16]
            if hy != gy:
                diffs.append(f"ymm{r}[255:128] host {hy[::-1].hex()} "
                             f"guest {gy[::-1].hex()}")
        if diffs:
            bad.append(f"  case {i}: {m['asm']}\n    in: " +
                       " ".join(f"{REG_NAMES[r]}={m['in'][r]}"
                                for r in range(16) if r != 4) +
                       f" flags={m['in_flags']:#x}" + fx_in(m) + "\n    " +
                       "\n    ".join(diffs))
    if bad:
        raise Mismatch(f"{family} seed {seed}: {len(bad)} of {n} cases "
                       f"differ\n" + "\n".join(bad[:limit]))
    return n


def run_family(family, seed, count, build_dir, emulator, accel_args):
    with tempfile.TemporaryDirectory(prefix=f"difftest-{family}-") as work:
        host, image, meta = build(family, seed, count, build_dir, work)
        host_bin = run_host(host)
        if family in CPU_MAX_FAMILIES:
            accel_args = accel_args + ["-cpu", "max"]
        guest_bin = run_guest(emulator, accel_args, image, work)
        return compare(family, seed, meta, host_bin, guest_bin)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--emulator")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=500)
    a = ap.parse_args()
    emulator = a.emulator or os.path.join(a.build, "kemu-system-x86_64")
    failed = 0
    for fam in a.families.split(","):
        try:
            n = run_family(fam, a.seed, a.count, a.build, emulator,
                           ["-accel", a.accel])
            print(f"PASS {fam}: {n} cases (seed {a.seed})")
        except (Mismatch, RuntimeError) as e:
            failed += 1
            print(f"FAIL {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
