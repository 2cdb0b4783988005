# SPDX-License-Identifier: GPL-2.0-or-later
"""Monitor commands on chardevs and guest memory, over QMP and HMP:
chardev-add/-remove, query-chardev, ringbuf-write/-read, memsave,
pmemsave and dump-guest-memory (an ELF core checked with readelf and
gdb, its memory compared with pmemsave of the same range). Messages and
reply shapes are QEMU 7.2's (taken from QEMU run the same way)."""
import base64
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import binary  # noqa: E402
from kemu_guest import (GUEST_SKIP_REASON, MACHINE_ACCEL,  # noqa: E402
                        guest_accel_args, guest_image)
from test_qmp import Qmp  # noqa: E402

GDB = shutil.which("gdb")
READELF = shutil.which("readelf")


class GuestQmp(Qmp):
    """QMP on a unix socket of a kemu started with exactly these args
    (Qmp adds -bios, which would make kemu ignore -kernel)."""

    prefix = "kemu-mc-"

    def __init__(self, args, timeout=30):
        super().__init__(binary(), args, timeout)
        self.ret("qmp_capabilities")

    def cmdline(self, prog, path, args):
        return [prog, "-qmp", f"unix:{path},server,nowait",
                "-display", "none"] + args

    def hmp(self, line):
        return self.ret("human-monitor-command",
                        {"command-line": line}).replace("\r\n", "\n")

    def err(self, name, args=None):
        r = self.cmd(name, args)
        if "error" not in r:
            raise AssertionError(f"{name}: expected an error, got {r}")
        return r["error"]["desc"]


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-mct-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start(self, *args):
        accel = ["-accel", MACHINE_ACCEL]       # no guest code runs
        q = GuestQmp(accel + ["-S", "-m", "64"] + list(args))
        self.addCleanup(q.close)
        return q

    def f(self, name):
        return os.path.join(self.tmp, name)


class TestChardevCmds(Base):
    def test_qmp_chardev_add_remove(self):
        q = self.start("-chardev", "null,id=busy", "-serial", "chardev:busy")
        out = self.f("out.txt")
        self.assertEqual(q.ret("chardev-add", {"id": "f1", "backend": {
            "type": "file", "data": {"out": out}}}), {})
        self.assertTrue(os.path.exists(out))
        self.assertEqual(q.err("chardev-add", {"id": "f1", "backend": {
            "type": "null", "data": {}}}), "Chardev with id 'f1' already exists")
        self.assertEqual(q.err("chardev-add", {"id": "n", "backend": {
            "type": "null"}}), "Parameter 'backend.data' is missing")
        self.assertEqual(q.err("chardev-add", {"id": "n", "backend": {
            "type": "bogus", "data": {}}}),
            "Parameter 'type' does not accept value 'bogus'")
        self.assertEqual(q.err("chardev-add", {"id": "n", "backend": {
            "type": "file", "data": {}}}),
            "Parameter 'backend.data.out' is missing")
        self.assertEqual(q.err("chardev-add", {"backend": {
            "type": "null", "data": {}}}), "Parameter 'id' is missing")
        self.assertEqual(q.err("chardev-add", {"id": "r", "backend": {
            "type": "ringbuf", "data": {"size": 7}}}),
            "Failed to add chardev 'r': size of ringbuf chardev must be "
            "power of two")
        self.assertEqual(q.err("chardev-add", {"id": "pp", "backend": {
            "type": "pipe", "data": {"device": self.f("nopipe")}}}),
            f"Failed to add chardev 'pp': Could not open "
            f"'{self.f('nopipe')}': No such file or directory")
        sock = self.f("s1.sock")
        self.assertEqual(q.ret("chardev-add", {"id": "s1", "backend": {
            "type": "socket", "data": {"addr": {"type": "unix", "data": {
                "path": sock}}, "server": True, "wait": False}}}), {})
        self.assertEqual(q.ret("chardev-add", {"id": "m1", "backend": {
            "type": "memory", "data": {"size": 8}}}), {})
        pty = q.ret("chardev-add", {"id": "p1", "backend": {
            "type": "pty", "data": {}}})
        self.assertRegex(pty["pty"], r"^/dev/pts/\d+$")
        self.assertTrue(os.path.exists(pty["pty"]))

        info = {c["label"]: c for c in q.ret("query-chardev")}
        self.assertEqual(info["f1"], {"label": "f1", "filename": "file",
                                      "frontend-open": False})
        self.assertEqual(info["busy"]["frontend-open"], True)
        self.assertEqual(info["m1"]["filename"], "memory")
        self.assertEqual(info["p1"]["filename"], "pty:" + pty["pty"])
        self.assertEqual(info["s1"]["filename"],
                         f"disconnected:unix:{sock},server=on")
        # The socket really listens.
        c = socket.socket(socket.AF_UNIX)
        c.connect(sock)
        c.close()

        self.assertEqual(q.err("chardev-remove", {"id": "busy"}),
                         "Chardev 'busy' is busy")
        self.assertEqual(q.err("chardev-remove", {"id": "nope"}),
                         "Chardev 'nope' not found")
        for cid in ("f1", "s1", "m1", "p1"):
            self.assertEqual(q.ret("chardev-remove", {"id": cid}), {})
        labels = [c["label"] for c in q.ret("query-chardev")]
        self.assertNotIn("f1", labels)
        self.assertIn("busy", labels)
        # The id is free again.
        self.assertEqual(q.ret("chardev-add", {"id": "f1", "backend": {
            "type": "null", "data": {}}}), {})

    def test_hmp_chardev_add_remove(self):
        q = self.start("-chardev", "null,id=busy", "-serial", "chardev:busy")
        self.assertEqual(q.hmp("chardev-add null,id=h1"), "")
        self.assertIn("h1: filename=null\n", q.hmp("info chardev"))
        self.assertEqual(q.hmp("chardev-add null,id=h1"),
                         "Error: attempt to add duplicate property 'h1' to "
                         "object (type 'container')\n")
        self.assertEqual(q.hmp("chardev-add bogus,id=h2"),
                         "Error: 'bogus' is not a valid char driver name\n")
        self.assertEqual(q.hmp("chardev-add null"),
                         "Error: chardev: no id specified\n")
        self.assertEqual(q.hmp("chardev-add null,id=h3,foo=1"),
                         "Invalid parameter 'foo'\n"
                         "Error: Parsing chardev args failed\n")
        out = q.hmp("chardev-add pty,id=hp")
        self.assertRegex(out, r"^char device redirected to /dev/pts/\d+ "
                              r"\(label hp\)\n$")
        self.assertEqual(q.hmp("chardev-remove h1"), "")
        self.assertEqual(q.hmp("chardev-remove h1"),
                         "Error: Chardev 'h1' not found\n")
        self.assertEqual(q.hmp("chardev-remove busy"),
                         "Error: Chardev 'busy' is busy\n")
        self.assertEqual(q.hmp("help chardev-add"),
                         "chardev-add args -- add chardev\n")
        self.assertEqual(q.hmp("help chardev-remove"),
                         "chardev-remove id -- remove chardev\n")

    def test_ringbuf(self):
        q = self.start("-chardev", "ringbuf,id=rb,size=16",
                       "-chardev", "null,id=nul")
        self.assertEqual(q.ret("ringbuf-write", {
            "device": "rb", "data": "hello\u00e9\x01\\"}), {})
        self.assertEqual(q.ret("ringbuf-read", {"device": "rb", "size": 100}),
                         "hello\u00e9\x01\\")
        q.ret("ringbuf-write", {"device": "rb", "data": "aGVsbG8=",
                                "format": "base64"})
        self.assertEqual(q.ret("ringbuf-read", {"device": "rb", "size": 2,
                                                "format": "base64"}), "aGU=")
        self.assertEqual(q.ret("ringbuf-read", {"device": "rb", "size": 100,
                                                "format": "utf8"}), "llo")
        # Full ring: the oldest bytes are overwritten.
        q.ret("ringbuf-write", {"device": "rb",
                                "data": "0123456789abcdefXYZ"})
        self.assertEqual(q.ret("ringbuf-read", {"device": "rb", "size": 100}),
                         "3456789abcdefXYZ")
        # Binary data survives base64 both ways.
        blob = bytes([0, 1, 0xff, 0x80, 10])
        q.ret("ringbuf-write", {"device": "rb", "format": "base64",
                                "data": base64.b64encode(blob).decode()})
        self.assertEqual(base64.b64decode(q.ret("ringbuf-read", {
            "device": "rb", "size": 16, "format": "base64"})), blob)
        for size in (0, -1):
            self.assertEqual(q.err("ringbuf-read", {"device": "rb",
                                                    "size": size}),
                             "size must be greater than zero")
        self.assertEqual(q.err("ringbuf-read", {"device": "nul", "size": 1}),
                         "nul is not a ringbuf device")
        self.assertEqual(q.err("ringbuf-read", {"device": "no", "size": 1}),
                         "Device 'no' not found")
        self.assertEqual(q.err("ringbuf-write", {"device": "rb", "data": "!!",
                                                 "format": "base64"}),
                         "Base64 data contains invalid characters")
        self.assertEqual(q.err("ringbuf-write", {"device": "rb", "data": "x",
                                                 "format": "bogus"}),
                         "Parameter 'format' does not accept value 'bogus'")
        # HMP: control characters shown escaped, as QEMU does.
        self.assertEqual(q.hmp("ringbuf_write rb a\x01\x7fb"), "")
        self.assertEqual(q.hmp("ringbuf_read rb 100"), "a\\u0001\\u007Fb\n")
        self.assertEqual(q.hmp("ringbuf_read rb 100"), "\n")
        self.assertEqual(q.hmp("ringbuf_read nul 100"),
                         "Error: nul is not a ringbuf device\n")
        self.assertEqual(q.hmp("ringbuf_write no x"),
                         "Error: Device 'no' not found\n")
        self.assertEqual(q.hmp("ringbuf_read rb 0"),
                         "Error: size must be greater than zero\n")
        # A chardev-add'ed memory backend works the same.
        q.ret("chardev-add", {"id": "m", "backend": {"type": "memory",
                                                     "data": {}}})
        q.hmp("ringbuf_write m hi")
        self.assertEqual(q.ret("ringbuf-read", {"device": "m", "size": 9}),
                         "hi")


def elf_loads(path):
    """(p_offset, p_vaddr, p_paddr, p_filesz) of each PT_LOAD, and the
    notes as (name, type, desc)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\x7fELF" and data[4] == 2, "not ELF64"
    etype, machine = struct.unpack_from("<HH", data, 16)
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    loads, notes = [], []
    for i in range(phnum):
        t, _, off, va, pa, fsz, msz = struct.unpack_from(
            "<IIQQQQQ", data, phoff + i * phentsize)
        if t == 1:
            loads.append((off, va, pa, fsz))
        elif t == 4:
            p = off
            while p < off + fsz:
                nsz, dsz, nt = struct.unpack_from("<III", data, p)
                name = data[p + 12:p + 12 + nsz - 1].decode()
                d = p + 12 + ((nsz + 3) & ~3)
                notes.append((name, nt, data[d:d + dsz]))
                p = d + ((dsz + 3) & ~3)
    return etype, machine, loads, notes, data


class TestMemCmds(Base):
    def test_qmp_memsave_errors(self):
        q = self.start()
        self.assertEqual(q.err("memsave", {
            "val": 0, "size": 16, "filename": self.f("m"), "cpu-index": 5}),
            "Parameter 'cpu-index' expects a CPU number")
        self.assertEqual(q.err("memsave", {
            "val": 0, "size": 16, "filename": "/nonexistent/m"}),
            "Could not open '/nonexistent/m': No such file or directory")
        self.assertEqual(q.err("pmemsave", {
            "val": 0, "size": 16, "filename": "/nonexistent/m"}),
            "Could not open '/nonexistent/m': No such file or directory")
        # Beyond RAM reads as zeros.
        q.ret("pmemsave", {"val": 1 << 33, "size": 16,
                           "filename": self.f("hole")})
        with open(self.f("hole"), "rb") as f:
            self.assertEqual(f.read(), bytes(16))

    def test_dump_errors(self):
        q = self.start()
        d = self.f("d")
        cases = [
            ({"paging": False, "protocol": d}, "Invalid parameter 'protocol'"),
            ({"paging": False, "protocol": "file:" + d, "begin": 0},
             "Parameter 'length' is missing"),
            ({"paging": False, "protocol": "file:" + d, "length": 4096},
             "Parameter 'begin' is missing"),
            ({"paging": False, "protocol": "file:/nonexistent/d"},
             "Could not open '/nonexistent/d': No such file or directory"),
            ({"paging": False, "protocol": "file:" + d,
              "begin": 0x10000000, "length": 4096},
             "dump: no guest memory to dump"),
            ({"paging": False, "protocol": "file:" + d, "begin": 4096,
              "length": 0}, "Invalid parameter 'length'"),
            ({"protocol": "file:" + d}, "Parameter 'paging' is missing"),
        ]
        for args, msg in cases:
            self.assertEqual(q.err("dump-guest-memory", args), msg, args)
        self.assertEqual(q.hmp(f"dump-guest-memory {d} 0x1000"),
                         "Error: Parameter 'length' is missing\n")
        self.assertEqual(q.hmp("dump-guest-memory /nonexistent/x"),
                         "Error: Could not open '/nonexistent/x': No such "
                         "file or directory\n")
        self.assertTrue(q.hmp("help dump-guest-memory").startswith(
            "dump-guest-memory [-p] [-d] [-z|-l|-s|-w] filename [begin "
            "length] -- dump guest memory into file 'filename'.\n"))

    def test_dump_range_matches_pmemsave(self):
        q = self.start()
        d, pm = self.f("d"), self.f("pm")
        self.assertEqual(q.hmp(f"dump-guest-memory {d} 0x1000 0x2000"), "")
        etype, machine, loads, notes, data = elf_loads(d)
        self.assertEqual(etype, 4)                      # ET_CORE
        self.assertEqual(loads, [(loads[0][0], 0x1000, 0x1000, 0x2000)])
        self.assertEqual([(n, t) for n, t, _ in notes],
                         [("CORE", 1), ("QEMU", 0)])
        qemu = notes[1][2]
        self.assertEqual(struct.unpack_from("<II", qemu), (1, 440))
        q.ret("pmemsave", {"val": 0x1000, "size": 0x2000, "filename": pm})
        with open(pm, "rb") as f:
            off = loads[0][0]
            self.assertEqual(data[off:off + 0x2000], f.read())
        self.assertEqual(os.stat(d).st_mode & 0o777, 0o400)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestDumpGuest(Base):
    """A 64-bit guest stopped in its polling loop, dumped and read back."""

    def boot_waiting(self, *extra):
        ser = self.f("serial.txt")
        q = GuestQmp(guest_accel_args() + ["-m", "64", "-no-reboot",
                      "-kernel", guest_image("powerbutton.mb"),
                      "-serial", f"file:{ser}"] + list(extra))
        self.addCleanup(q.close)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if os.path.exists(ser) and "waiting" in open(ser).read():
                break
            time.sleep(0.1)
        else:
            self.fail("the guest never got to its loop")
        return q

    def test_dump_elf_gdb(self):
        q = self.boot_waiting("-smp", "2")
        core, pm = self.f("core"), self.f("pm")
        # A running guest is paused for the dump and resumed after.
        q.ret("dump-guest-memory", {"paging": False,
                                    "protocol": "file:" + core})
        self.assertEqual(q.ret("query-status")["status"], "running")
        q.ret("stop")
        q.ret("dump-guest-memory", {"paging": False,
                                    "protocol": "file:" + core})
        etype, machine, loads, notes, data = elf_loads(core)
        self.assertEqual(machine, 62)                   # EM_X86_64
        self.assertEqual([(n, t) for n, t, _ in notes],
                         [("CORE", 1)] * 2 + [("QEMU", 0)] * 2)
        # The first load is low RAM at 0, virtual == physical.
        self.assertEqual(loads[0][1:3], (0, 0))
        self.assertTrue(all(l[1] == l[2] for l in loads))
        # Registers in the notes are the monitor's.
        rip = int(q.hmp("p $pc").strip(), 16)
        prs = notes[0][2]
        self.assertEqual(struct.unpack_from("<Q", prs, 112 + 16 * 8)[0], rip)
        self.assertEqual(struct.unpack_from("<I", prs, 32)[0], 1)  # pid
        self.assertEqual(struct.unpack_from("<Q", notes[2][2], 8 + 16 * 8)[0],
                         rip)
        # Memory: the kernel image area equals pmemsave of it.
        q.ret("pmemsave", {"val": 0x100000, "size": 0x10000,
                           "filename": pm})
        low = [l for l in loads if l[2] <= 0x100000 < l[2] + l[3]][0]
        off = low[0] + 0x100000 - low[2]
        with open(pm, "rb") as f:
            self.assertEqual(data[off:off + 0x10000], f.read())
        if READELF:
            r = subprocess.run([READELF, "-h", "-l", "-n", core],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("CORE (Core file)", r.stdout)
            self.assertIn("NT_PRSTATUS", r.stdout)
        if GDB:
            elf = os.path.join(os.path.dirname(guest_image("hello.mb")),
                               "obj", "powerbutton.elf")
            r = subprocess.run(
                [GDB, "-nx", "-batch", "-ex", "info registers rip",
                 "-ex", "info threads", "-ex", "x/4xb $pc",
                 elf, core], capture_output=True, text=True, timeout=120)
            self.assertIn(f"rip            {rip:#x}", r.stdout,
                          r.stdout + r.stderr)
            self.assertIn("guest_main", r.stdout, r.stdout + r.stderr)
            self.assertIn("2    LWP 2", r.stdout, r.stdout + r.stderr)
            code = data[off - 0x100000 + rip:off - 0x100000 + rip + 4] \
                if 0x100000 <= rip < 0x110000 else None
            if code:
                want = "\t".join(f"0x{b:02x}" for b in code)
                self.assertIn(want, r.stdout, r.stdout)

    def test_dump_paging(self):
        q = self.boot_waiting()
        q.ret("stop")
        core = self.f("core")
        self.assertEqual(q.hmp(f"dump-guest-memory -p {core}"), "")
        _, machine, loads, _, data = elf_loads(core)
        self.assertEqual(machine, 62)
        rip = int(q.hmp("p $pc").strip(), 16)
        pa = int(q.hmp(f"gva2gpa {rip:#x}").split(":")[1], 16)
        hit = [l for l in loads if l[1] <= rip < l[1] + l[3]]
        self.assertTrue(hit, loads[:10])
        off, va, lpa, _ = hit[0]
        self.assertEqual(lpa + rip - va, pa)
        q.ret("memsave", {"val": rip, "size": 16, "filename": self.f("m")})
        with open(self.f("m"), "rb") as f:
            self.assertEqual(data[off + rip - va:off + rip - va + 16],
                             f.read())


if __name__ == "__main__":
    unittest.main()
