# SPDX-License-Identifier: GPL-2.0-or-later
"""The gdbstub over its socket, from a protocol client: qSupported, the
target description, registers against "info registers", memory in
physical and virtual mode, threads, breakpoints, run control (Ctrl-C,
continue, detach, the monitor's c), no-ack mode, and hostile clients.
The machine runs under qtest: nothing here needs guest code, except
TestPerVcpu (gdb-target with two vCPUs, under TCG and under KVM): vCont
with an action per thread, the others staying stopped."""
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROMPT, Hmp, binary          # noqa: E402
from kemu_guest import (MACHINE_ACCEL, TCG_SKIP_REASON,  # noqa: E402
                        KVM_SKIP_REASON, guest_image)
from gdb_client import GdbClient, frame            # noqa: E402

REG_NAMES = (["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"] +
             [f"r{i}" for i in range(8, 16)] +
             ["rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
              "fs_base", "gs_base", "k_gs_base",
              "cr0", "cr2", "cr3", "cr4", "cr8", "efer"] +
             [f"st{i}" for i in range(8)] +
             ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff",
              "fop"] +
             [f"xmm{i}" for i in range(16)] + ["mxcsr"])


def reg_sizes():
    sizes = []
    for n in REG_NAMES:
        if n.startswith("st"):
            sizes.append(10)
        elif n.startswith("xmm"):
            sizes.append(16)
        elif n in ("eflags", "cs", "ss", "ds", "es", "fs", "gs", "mxcsr") \
                or n.startswith("f"):
            sizes.append(8 if n in ("fs_base",) else 4)
        else:
            sizes.append(8)
    return sizes


def split_regs(hexstr):
    """'g' reply -> {name: int} (little endian)."""
    out, off = {}, 0
    for name, size in zip(REG_NAMES, reg_sizes()):
        raw = bytes.fromhex(hexstr[off:off + 2 * size])
        out[name] = int.from_bytes(raw, "little")
        off += 2 * size
    assert off == len(hexstr), (off, len(hexstr))
    return out


class GdbStubCase(unittest.TestCase):
    """kemu -accel qtest -S with HMP on stdio and the stub on a socket."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-gdb-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.sock = os.path.join(self.tmp, "gdb.sock")

    def start(self, *extra, gdb=True, wrapper=()):
        args = list(wrapper) + [binary(), "-accel", MACHINE_ACCEL, "-S", "-display", "none",
                "-monitor", "stdio"]
        if gdb:
            args += ["-gdb", "unix:" + self.sock]
        self.proc = subprocess.Popen(args + list(extra),
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.addCleanup(self.stop)
        self.mon = Hmp(self.proc.stdout.fileno(),
                       lambda b: (self.proc.stdin.write(b),
                                  self.proc.stdin.flush()))
        self.mon.read_until(PROMPT)
        return self.mon

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()

    def connect(self):
        c = GdbClient(path=self.sock)
        self.addCleanup(c.close)
        return c

    def hmp(self, line):
        return self.mon.cmd(line)

    def wait_status(self, text):
        """Waits (20 s at most) for "info status" to show text: packets
        and monitor commands travel on different sockets."""
        deadline = time.monotonic() + 20
        while True:
            out = self.hmp("info status")
            if text in out:
                return
            if time.monotonic() > deadline:
                self.fail(f"status never became {text!r}: {out!r}")
            time.sleep(0.05)

    def assert_alive(self):
        self.assertIsNone(self.proc.poll(), "kemu died")
        self.assertIn("VM status", self.hmp("info status"))


class TestProtocol(GdbStubCase):
    def test_supported(self):
        self.start()
        c = self.connect()
        r = c.cmd("qSupported:swbreak+;hwbreak+;xmlRegisters=i386")
        feats = r.split(";")
        for f in ("PacketSize=1000", "qXfer:features:read+",
                  "vContSupported+", "QStartNoAckMode+"):
            self.assertIn(f, feats)
        self.assertNotIn("multiprocess+", feats)
        r = c.cmd("qSupported:multiprocess+;swbreak+")
        self.assertIn("multiprocess+", r.split(";"))
        self.assertEqual(c.cmd("vCont?"), "vCont;c;C;s;S")
        self.assertEqual(c.cmd("qAttached"), "1")
        self.assertEqual(c.cmd("qOffsets"), "")
        self.assertEqual(c.cmd("vMustReplyEmpty"), "")

    def read_xml(self, c, chunk=0x100):
        data, off = b"", 0
        while True:
            c.send_raw(frame("qXfer:features:read:target.xml:%x,%x" %
                             (off, chunk)))
            r = c.read_packet(raw=True)
            self.assertIn(r[:1], (b"m", b"l"))
            body = r[1:]
            self.assertLessEqual(len(body), chunk)
            data += body
            off += len(body)
            if r[:1] == b"l":
                return data

    def test_target_xml(self):
        self.start()
        c = self.connect()
        data = self.read_xml(c, 0x100)
        self.assertEqual(data, self.read_xml(c, 0xffb))
        root = ET.fromstring(data)
        self.assertEqual(root.find("architecture").text, "i386:x86-64")
        regs, num = [], 0
        bits = {}
        for feat in root.findall("feature"):
            for r in feat.findall("reg"):
                num = int(r.get("regnum", num))
                regs.append((num, r.get("name")))
                bits[r.get("name")] = int(r.get("bitsize"))
                num += 1
        regs.sort()
        self.assertEqual([n for _, n in regs], REG_NAMES)
        self.assertEqual([i for i, _ in regs], list(range(len(REG_NAMES))))
        feats = [f.get("name") for f in root.findall("feature")]
        self.assertIn("org.gnu.gdb.i386.core", feats)
        self.assertIn("org.gnu.gdb.i386.sse", feats)
        # The 'g' reply has exactly the registers described.
        g = c.cmd("g")
        self.assertEqual(len(g) * 4, sum(bits.values()))
        # Another annex does not exist; past the end is an empty 'l'.
        self.assertEqual(c.cmd("qXfer:features:read:foo.xml:0,100"), "E00")
        self.assertEqual(c.cmd("qXfer:features:read:target.xml:ffff,10"),
                         "l")

    def info_regs(self):
        text = self.hmp("info registers")
        return {k: int(v, 16) for k, v in
                re.findall(r"\b([A-Z0-9]+) ?=([0-9a-f]+)\b", text)}

    def test_registers_at_reset(self):
        self.start()
        c = self.connect()
        g = split_regs(c.cmd("g"))
        info = self.info_regs()
        for gname, iname in (("rax", "EAX"), ("rbx", "EBX"), ("rcx", "ECX"),
                             ("rdx", "EDX"), ("rsi", "ESI"), ("rdi", "EDI"),
                             ("rbp", "EBP"), ("rsp", "ESP"), ("rip", "EIP"),
                             ("eflags", "EFL"), ("cr0", "CR0"),
                             ("cr2", "CR2"), ("cr3", "CR3"), ("cr4", "CR4"),
                             ("efer", "EFER"), ("fctrl", "FCW"),
                             ("fstat", "FSW"), ("mxcsr", "MXCSR")):
            self.assertEqual(g[gname], info[iname], gname)
        text = self.hmp("info registers")
        for seg in ("cs", "ss", "ds", "es", "fs", "gs"):
            sel = re.search(rf"^{seg.upper()} =([0-9a-f]{{4}})", text, re.M)
            self.assertEqual(g[seg], int(sel.group(1), 16), seg)
        self.assertEqual(g["rip"], 0xfff0)
        self.assertEqual(g["cs"], 0xf000)
        self.assertEqual(g["ftag"], 0xffff)   # every x87 register empty
        # 'p' agrees with 'g' for every register.
        for n, name in enumerate(REG_NAMES):
            raw = bytes.fromhex(c.cmd("p%x" % n))
            self.assertEqual(int.from_bytes(raw, "little"), g[name], name)
        self.assertEqual(c.cmd("p42"), "E14")
        self.assertEqual(c.cmd("pzz"), "E22")

    def test_register_writes(self):
        self.start()
        c = self.connect()
        self.assertEqual(c.cmd("P0=8877665544332211"), "OK")
        self.assertEqual(c.cmd("p0"), "8877665544332211")
        # Little-endian bytes: rax = 0x1122334455667788.
        self.assertEqual(self.info_regs()["EAX"], 0x55667788)
        # G: the whole set with rbx and rip changed.
        g = c.cmd("g")
        new = "efbeadde00000000"
        g2 = g[:16] + new + g[32:]
        rip_off = 16 * 16
        g2 = g2[:rip_off] + "3412000000000000" + g2[rip_off + 16:]
        self.assertEqual(c.cmd("G" + g2), "OK")
        self.assertEqual(c.cmd("g"), g2)
        info = self.info_regs()
        self.assertEqual(info["EBX"], 0xdeadbeef)
        self.assertEqual(info["EIP"], 0x1234)
        # xmm, mxcsr and cr registers too.
        self.assertEqual(c.cmd("P31=00112233445566778899aabbccddeeff"), "OK")
        self.assertEqual(c.cmd("p31"), "00112233445566778899aabbccddeeff")
        self.assertEqual(c.cmd("P41=801f0000"), "OK")
        self.assertIn("MXCSR=00001f80", self.hmp("info registers"))
        # Malformed and unknown writes.
        self.assertEqual(c.cmd("P0=12"), "E22")
        self.assertEqual(c.cmd("P0"), "E22")
        self.assertEqual(c.cmd("P99=00000000"), "E14")
        self.assertEqual(c.cmd("Gzz"), "E22")
        self.assertEqual(c.cmd("p0"), "8877665544332211")

    def test_memory(self):
        self.start("-m", "64")
        c = self.connect()
        # Physical mode.
        self.assertEqual(c.cmd("qqemu.PhyMemMode"), "0")
        self.assertEqual(c.cmd("Qqemu.PhyMemMode:1"), "OK")
        self.assertEqual(c.cmd("qqemu.PhyMemMode"), "1")
        self.assertEqual(c.cmd("M1000,4:deadbeef"), "OK")
        self.assertEqual(c.cmd("m1000,4"), "deadbeef")
        self.assertRegex(self.hmp("xp /4xb 0x1000"),
                         r"0*1000: 0xde 0xad 0xbe 0xef")
        rom = c.cmd("mffff0,4")
        self.assertEqual(len(rom), 8)
        self.assertIn(" ".join("0x" + rom[i:i + 2] for i in range(0, 8, 2)),
                      self.hmp("xp /4xb 0xffff0"))
        # Virtual mode: paging is off at reset, so the same bytes.
        self.assertEqual(c.cmd("Qqemu.PhyMemMode:0"), "OK")
        self.assertEqual(c.cmd("m1000,4"), "deadbeef")
        self.assertEqual(c.cmd("M1002,2:0102"), "OK")
        self.assertRegex(self.hmp("x /4xb 0x1000"),
                         r"0*1000: 0xde 0xad 0x01 0x02")
        # X: binary with escapes ('}' then byte ^ 0x20) for # $ } *.
        payload = b"X2000,5:" + bytes([0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d,
                                       0x7d, 0x0a, 0x00])
        c.send_raw(frame(payload))
        self.assertEqual(c.read_packet(), b"OK")
        self.assertEqual(c.cmd("m2000,5"), "23247d2a00")
        self.assertEqual(c.cmd("X2000,0:"), "OK")
        c.send_raw(frame(b"X2000,2:}"))
        self.assertEqual(c.read_packet(), b"E22")
        # A big read is cut to what fits a packet; gdb asks for the rest.
        r = c.cmd("m0,10000")
        self.assertTrue(0 < len(r) <= 4096 and len(r) % 2 == 0)
        # Malformed.
        for bad in ("m", "m1000", "m1000,", "mzz,4", "M1000,4:zz",
                    "M1000,4:00", "M1000,2"):
            self.assertEqual(c.cmd(bad), "E22", bad)
        # Outside anything (past the physical address width): a fault.
        self.assertEqual(c.cmd("Qqemu.PhyMemMode:1"), "OK")
        self.assertEqual(c.cmd("m7fffffffffff000,4"), "E14")
        self.assertEqual(c.cmd("Qqemu.PhyMemMode:2"), "E22")

    def test_threads(self):
        self.start("-smp", "2")
        c = self.connect()
        self.assertEqual(c.cmd("qfThreadInfo"), "m01,02")
        self.assertEqual(c.cmd("qsThreadInfo"), "l")
        self.assertEqual(bytes.fromhex(c.cmd("qThreadExtraInfo,1")),
                         b"CPU#0 [running]")
        self.assertRegex(bytes.fromhex(c.cmd("qThreadExtraInfo,2")).decode(),
                         r"^CPU#1 \[")
        self.assertEqual(c.cmd("qC"), "QC01")
        self.assertEqual(c.cmd("T1"), "OK")
        self.assertEqual(c.cmd("T2"), "OK")
        self.assertEqual(c.cmd("T3"), "E22")
        self.assertEqual(c.cmd("Hg3"), "E22")
        self.assertEqual(c.cmd("Hx1"), "E22")
        # Registers follow Hg: write rax on CPU 2 only.
        self.assertEqual(c.cmd("Hg2"), "OK")
        self.assertEqual(c.cmd("qC"), "QC02")
        self.assertEqual(c.cmd("P0=0200000000000000"), "OK")
        self.assertEqual(c.cmd("Hg1"), "OK")
        self.assertEqual(c.cmd("p0"), "0000000000000000")
        self.hmp("cpu 1")
        self.assertIn("EAX=00000002", self.hmp("info registers"))
        self.assertEqual(c.cmd("Hc-1"), "OK")
        self.assertEqual(c.cmd("Hg0"), "OK")
        # Multiprocess ids.
        c.cmd("qSupported:multiprocess+")
        self.assertEqual(c.cmd("qfThreadInfo"), "mp01.01,p01.02")
        self.assertEqual(c.cmd("Hgp1.2"), "OK")
        self.assertEqual(c.cmd("qC"), "QCp01.02")
        self.assertEqual(c.cmd("Tp1.3"), "E22")
        self.assertEqual(c.cmd("?"), "T05thread:p01.01;")

    def test_sstep_settings(self):
        """QEMU's Qqemu.sstep: the bits, the default (everything the
        accelerator can: qtest and TCG all three), bad values refused."""
        self.start()
        c = self.connect()
        self.assertEqual(c.cmd("qqemu.sstepbits"),
                         "ENABLE=1,NOIRQ=2,NOTIMER=4")
        self.assertEqual(c.cmd("qqemu.sstep"), "0x7")
        self.assertEqual(c.cmd("Qqemu.sstep=1"), "OK")
        self.assertEqual(c.cmd("qqemu.sstep"), "0x1")
        for bad in ("Qqemu.sstep=8", "Qqemu.sstep=zz", "Qqemu.sstep=",
                    "Qqemu.sstep=1x", "Qqemu.sstep=ffffffffffffffffff"):
            self.assertEqual(c.cmd(bad), "E22", bad)
        self.assertEqual(c.cmd("qqemu.sstep"), "0x1")
        self.assertEqual(c.cmd("Qqemu.sstep=7"), "OK")

    def test_breakpoints(self):
        self.start("-smp", "2")
        c = self.connect()
        self.assertEqual(c.cmd("Z0,fff0,1"), "OK")
        self.assertEqual(c.cmd("Z1,fff0,1"), "OK")
        self.assertEqual(c.cmd("z0,fff0,1"), "OK")
        self.assertEqual(c.cmd("z0,fff0,1"), "E22")    # already gone
        self.assertEqual(c.cmd("z1,fff0,1"), "OK")
        for t in (2, 3, 4):
            self.assertEqual(c.cmd(f"Z{t},2000,4"), "OK")
            self.assertEqual(c.cmd(f"z{t},2000,4"), "OK")
        self.assertEqual(c.cmd("Z2,2000,0"), "E22")      # empty range
        self.assertEqual(c.cmd("Z9,2000,4"), "")         # unsupported type
        self.assertEqual(c.cmd("Z0,zz,1"), "E22")
        self.assertEqual(c.cmd("Z0,1000"), "E22")

    def test_run_control(self):
        mon = self.start("-smp", "2")
        c = self.connect()
        self.assertIn("paused (prelaunch)", self.hmp("info status"))
        self.assertEqual(c.cmd("?"), "T05thread:01;")
        # Continue from gdb: the vCPUs run; Ctrl-C stops them (debug).
        c.send_raw(frame("vCont;c"))
        self.wait_status("VM status: running")
        c.send_raw(b"\x03")
        self.assertEqual(c.read_packet(), b"T02thread:01;")
        self.assertIn("VM status: paused (debug)", self.hmp("info status"))
        # The monitor's c resumes a debug stop too.
        self.hmp("c")
        self.assertIn("VM status: running", self.hmp("info status"))
        self.hmp("stop")
        # Plain 'c' and Ctrl-C again; then 'C' with a signal.
        c.send_raw(frame("c"))
        self.wait_status("VM status: running")
        c.send_raw(b"\x03")
        self.assertEqual(c.read_packet(), b"T02thread:01;")
        # Only vCPU 2 resumed: the stop names it (it was the one running).
        c.send_raw(frame("vCont;c:2"))
        self.wait_status("VM status: running")
        c.send_raw(b"\x03")
        self.assertEqual(c.read_packet(), b"T02thread:02;")
        # Per-thread actions with a signal; the stop names the first
        # resumed thread that steps.
        c.send_raw(frame("vCont;S05:2;c:1"))
        self.wait_status("VM status: running")
        c.send_raw(b"\x03")
        self.assertEqual(c.read_packet(), b"T02thread:02;")
        self.assertEqual(c.cmd("Hc1"), "OK")
        # The monitor's stop while gdb waits: gdb gets its stop reply.
        c.send_raw(frame("C05"))
        self.wait_status("VM status: running")
        self.hmp("stop")
        self.assertEqual(c.read_packet(), b"T02thread:01;")
        # Ctrl-C with nothing running: no reply, nothing breaks.
        c.send_raw(b"\x03")
        self.assertEqual(c.cmd("qC"), "QC01")
        for bad in ("vCont;x", "vCont;c:9", "vCont", "c zz", "Czz",
                    "vCont;s:p2.1", "vCont;c:1;", "vCont;c:1:2", "vCont;Cxx",
                    "vCont;c:-2", "vCont;c:", "vCont;;c", "vCont;c:p1.9",
                    "vCont;C05:1x", "vCont;c:ffffffffffffffffffff"):
            self.assertEqual(c.cmd(bad), "E22", bad)
        # Detach: breakpoints gone, the machine runs on without us.
        self.assertEqual(c.cmd("Z0,fff0,1"), "OK")
        self.assertEqual(c.cmd("D"), "OK")
        self.wait_status("VM status: running")
        c.close()
        # A new client finds the VM stopped, and no breakpoint left over.
        c2 = self.connect()
        self.assertEqual(c2.cmd("z0,fff0,1"), "E22")
        self.wait_status("paused (debug)")

    def test_quit_while_running(self):
        self.start()
        c = self.connect()
        c.send_raw(frame("c"))
        self.wait_status("VM status: running")
        self.mon.write(b"quit\n")
        # The stop reply for a shutdown (SIGQUIT), then the end.
        self.assertEqual(c.read_packet(), b"T03thread:01;")
        self.assertEqual(self.proc.wait(timeout=20), 0)

    def test_kill(self):
        self.start()
        c = self.connect()
        c.send_raw(frame("k"))
        self.assertEqual(self.proc.wait(timeout=20), 0)
        self.assertIn(b"Terminated via GDBstub", self.proc.stderr.read())

    def test_acks_and_no_ack_mode(self):
        self.start()
        c = self.connect()
        self.assertEqual(c.cmd("qC"), "QC01")
        self.assertEqual(c.acks[-1:], [b"+"])
        # A bad checksum: NAK, and nothing else.
        c.send_raw(b"$qC#00")
        self.assertEqual(c.read_ack(), b"-")
        # Our NAK makes the stub send its last packet again.
        self.assertEqual(c.cmd("qAttached"), "1")
        c.send_raw(b"-")
        self.assertEqual(c.read_packet(), b"1")
        # No-ack mode: the reply to QStartNoAckMode is still acked.
        self.assertEqual(c.cmd("QStartNoAckMode"), "OK")
        c.no_ack = True
        c.acks.clear()
        self.assertEqual(c.cmd("qC"), "QC01")
        self.assertEqual(c.cmd("qAttached"), "1")
        self.assertEqual(c.acks, [])
        c.send_raw(b"$qC#00")               # ignored, no NAK
        self.assertEqual(c.cmd("qAttached"), "1")
        self.assertEqual(c.acks, [])

    def test_qrcmd(self):
        self.start()
        c = self.connect()
        c.send_raw(frame("qRcmd," + b"info status".hex()))
        out = b""
        while True:
            r = c.read_packet()
            if r == b"OK":
                break
            self.assertEqual(r[:1], b"O")
            out += bytes.fromhex(r[1:].decode())
        self.assertIn(b"VM status: paused (prelaunch)", out)
        c.send_raw(frame("qRcmd," + b"nosuchcommand".hex()))
        out = b""
        while True:
            r = c.read_packet()
            if r == b"OK":
                break
            out += bytes.fromhex(r[1:].decode())
        self.assertIn(b"nosuchcommand", out)
        self.assertEqual(c.cmd("qRcmd,zz"), "E22")
        # The stub cannot be restarted from its own session.
        c.send_raw(frame("qRcmd," + b"gdbserver none".hex()))
        while c.read_packet() != b"OK":
            pass
        self.assertEqual(c.cmd("qC"), "QC01")

    def test_abuse(self):
        self.start("-smp", "2")
        rng = random.Random(1234)
        c = self.connect()
        # Unknown and malformed packets get an empty or error reply.
        for pkt in ("", "qFoo", "vFoo;1", "Qfoo", "!", "j", "x1000,4",
                    "bc", "QTDP:1", "qThreadExtraInfo,zz", "Hg", "T",
                    "qXfer:features:read:target.xml:zz,1"):
            self.assertIn(c.cmd(pkt), ("", "E22", "E00"), pkt)
        # Random bytes, then a good packet still works.
        for _ in range(20):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 500)))
            for ch in (b"\x03", b"$", b"-", b"+"):
                junk = junk.replace(ch, b"")
            c.send_raw(junk)
        c.send_raw(b"#00")
        c.buf = b""
        self.assertEqual(c.cmd("qC"), "QC01")
        # Random framed packets: each gets some reply, the stub lives.
        for _ in range(200):
            body = bytes(rng.randrange(32, 127) for _ in
                         range(rng.randrange(0, 64)))
            body = body.replace(b"#", b"").replace(b"$", b"")
            if body[:1] in (b"c", b"s", b"C", b"S", b"v", b"k", b"D", b"q",
                            b"Q"):
                continue    # run control, kill and monitor: tested apart
            c.send_raw(frame(body))
            c.read_packet()
        # A packet past the bound: an error, then the client is dropped.
        c.send_raw(b"$" + b"a" * 10000 + b"#00")
        self.assertEqual(c.read_packet(), b"E22")
        with self.assertRaises((EOFError, ConnectionResetError)):
            c.read_packet(timeout=20)
        # The stub listens again.
        c2 = self.connect()
        self.assertEqual(c2.cmd("qC"), "QC01")
        self.assert_alive()

    def test_client_never_reads(self):
        self.start("-m", "64")
        c = self.connect()
        c.sock.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 20
        big = frame("m0,800")
        # Ask for 2 KiB replies without ever reading them, until our own
        # sends block: the stub stops reading instead of buffering.
        while time.monotonic() < deadline:
            try:
                sent += c.sock.send(big)
            except BlockingIOError:
                break
        self.assertLess(time.monotonic(), deadline,
                        "the stub kept reading from a client that never reads")
        self.assert_alive()
        with open(f"/proc/{self.proc.pid}/status") as f:
            rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        self.assertLess(rss, 512 * 1024, "kemu's memory grew without bound")
        c.close()
        self.assert_alive()


def elf_symbols(path, names):
    """{name: address} from the guest's symbol table (binutils' nm)."""
    out = subprocess.run(["nm", path], capture_output=True, text=True,
                         check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in names:
            syms[f[2]] = int(f[0], 16)
    return syms


class TestPerVcpu(GdbStubCase):
    """gdb-target with -smp 2: vCPU 1 runs guest_main, vCPU 2 counts in
    ap_tick(). vCont resumes exactly the threads it names."""

    @unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
    def test_vcont_per_thread_tcg(self):
        self.vcont_per_thread("tcg")

    @unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
    def test_vcont_per_thread_kvm(self):
        self.vcont_per_thread("kvm")

    def regs_rip(self, c, thread):
        self.assertEqual(c.cmd(f"Hg{thread}"), "OK")
        return int.from_bytes(bytes.fromhex(c.cmd("p10")), "little")

    def ticks(self, c):
        return int.from_bytes(bytes.fromhex(
            c.cmd("m%x,8" % self.sym["ap_ticks"])), "little")

    def vcont_per_thread(self, accel):
        self.sym = elf_symbols(guest_image("gdb-target.elf"),
                               {"compute", "ap_tick", "ap_ticks"})
        serial = os.path.join(self.tmp, "serial")
        args = [binary(), "-accel", accel, "-S", "-display", "none",
                "-monitor", "stdio", "-gdb", "unix:" + self.sock,
                "-smp", "2", "-no-reboot",
                "-kernel", guest_image("gdb-target.mb"),
                "-serial", "file:" + serial,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.addCleanup(self.stop)
        self.mon = Hmp(self.proc.stdout.fileno(),
                       lambda b: (self.proc.stdin.write(b),
                                  self.proc.stdin.flush()))
        self.mon.read_until(PROMPT)
        c = self.connect()
        compute, tick = self.sym["compute"], self.sym["ap_tick"]
        # vCPU 1 reaches compute once vCPU 2 counts.
        self.assertEqual(c.cmd("Z0,%x,1" % compute), "OK")
        self.assertEqual(c.cmd("vCont;c", timeout=120), "T05thread:01;")
        self.assertEqual(c.cmd("z0,%x,1" % compute), "OK")
        self.assertIn("VM status: paused (debug)", self.hmp("info status"))
        t0 = self.ticks(c)
        rip1 = self.regs_rip(c, 1)
        self.assertEqual(rip1, compute)
        rip2 = self.regs_rip(c, 2)

        # Step vCPU 1 alone: vCPU 2 does not move.
        self.assertEqual(c.cmd("vCont;s:1"), "T05thread:01;")
        rip1 = self.regs_rip(c, 1)
        self.assertNotEqual(rip1, compute)
        self.assertEqual(self.regs_rip(c, 2), rip2)
        self.assertEqual(self.ticks(c), t0)

        # Continue vCPU 2 alone to ap_tick, twice: one tick in between,
        # and vCPU 1 stays where it was.
        self.assertEqual(c.cmd("Z0,%x,1" % tick), "OK")
        self.assertEqual(c.cmd("vCont;c:2"), "T05thread:02;")
        self.assertEqual(self.regs_rip(c, 2), tick)
        t1 = self.ticks(c)
        self.assertEqual(c.cmd("z0,%x,1" % tick), "OK")
        # Multiprocess form of the id, as gdb sends it with multiprocess+.
        self.assertEqual(c.cmd("vCont;s:p1.2"), "T05thread:02;")
        self.assertEqual(c.cmd("Z0,%x,1" % tick), "OK")
        self.assertEqual(c.cmd("vCont;c:2"), "T05thread:02;")
        self.assertEqual(self.ticks(c), t1 + 1)
        self.assertEqual(self.regs_rip(c, 1), rip1)
        self.assertEqual(c.cmd("z0,%x,1" % tick), "OK")

        # Only vCPU 1 runs (to its spin loop, which it had not reached:
        # "spinning" shows it ran); vCPU 2 keeps its count.
        t2 = self.ticks(c)
        rip2 = self.regs_rip(c, 2)
        with open(serial) as f:
            self.assertNotIn("spinning", f.read())
        c.send_raw(frame("vCont;c:1"))
        deadline = time.monotonic() + 60
        while True:
            with open(serial) as f:
                if "spinning" in f.read():
                    break
            self.assertLess(time.monotonic(), deadline, "guest never spun")
            time.sleep(0.1)
        self.wait_status("VM status: running")
        c.send_raw(b"\x03")
        self.assertEqual(c.read_packet(), b"T02thread:01;")
        self.assertIn("VM status: paused (debug)", self.hmp("info status"))
        self.assertEqual(self.ticks(c), t2)
        self.assertEqual(self.regs_rip(c, 2), rip2)

        # Step 2 while 1 runs: the step's stop names thread 2.
        self.assertEqual(c.cmd("vCont;s:2;c"), "T05thread:02;")
        self.assertNotEqual(self.regs_rip(c, 2), rip2)
        # Everything runs again after a plain continue: vCPU 2 reaches
        # ap_tick while vCPU 1 spins.
        self.assertEqual(c.cmd("Z0,%x,1" % tick), "OK")
        self.assertEqual(c.cmd("vCont;c"), "T05thread:02;")
        self.assertGreater(self.ticks(c), t2)
        self.assertEqual(c.cmd("z0,%x,1" % tick), "OK")
        c.send_raw(frame("k"))
        self.assertEqual(self.proc.wait(timeout=60), 0)


class TestCommandLine(GdbStubCase):
    def test_gdb_errors(self):
        r = subprocess.run([binary(), "-accel", "qtest", "-display", "none",
                            "-gdb", "foo:bar"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("-gdb foo:bar: 'foo' is not a valid char driver",
                      r.stderr)
        r = subprocess.run([binary(), "-accel", "qtest", "-display", "none",
                            "-gdb", "chardev:nope"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("-gdb chardev:nope:", r.stderr)
        r = subprocess.run([binary(), "-gdb"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("requires an argument", r.stderr)

    def test_gdb_none_and_chardev(self):
        self.start("-gdb", "none", gdb=False)
        self.assertNotIn("gdb", self.hmp("info chardev"))
        self.stop()
        self.start("-chardev", f"socket,id=g0,path={self.sock},server=on,"
                   "wait=off", "-gdb", "chardev:g0", gdb=False)
        c = self.connect()
        self.assertEqual(c.cmd("qC"), "QC01")

    def test_unix_server_forms(self):
        # QEMU's spellings with the server flag given by hand still make
        # a server that does not wait for its client.
        for extra in (",server", ",server,nowait", ",server=on,wait=off"):
            self.start("-gdb", f"unix:{self.sock}{extra}", gdb=False)
            c = GdbClient(path=self.sock)
            self.assertEqual(c.cmd("qC"), "QC01", extra)
            c.close()
            self.stop()
            if os.path.exists(self.sock):
                os.unlink(self.sock)

    def test_tcp_and_s(self):
        # A port nobody uses, then -s (1234): both listen on tcp.
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.start("-gdb", f"tcp:127.0.0.1:{port}", gdb=False)
        c = GdbClient(port=port)
        self.addCleanup(c.close)
        self.assertEqual(c.cmd("qC"), "QC01")
        self.assertRegex(self.hmp("info chardev"),
                         rf"gdb: filename=tcp:127.0.0.1:{port}\b")

    def test_s_option(self):
        # Port 1234 is everybody's: in a private network namespace (as
        # root) nobody else can hold it while we look.
        wrapper = ()
        if os.geteuid() == 0 and shutil.which("unshare"):
            wrapper = ("unshare", "--net")
        self.start("-s", gdb=False, wrapper=wrapper)
        chardevs = self.hmp("info chardev")
        self.assertRegex(chardevs, r"gdb: filename=disconnected:tcp:[^ ]*:1234,server=on")

    def test_hmp_gdbserver(self):
        self.start(gdb=False)
        self.assertEqual(self.hmp(f"gdbserver unix:{self.sock}"),
                         f"Waiting for gdb connection on device 'unix:{self.sock}'\n")
        c = self.connect()
        self.assertEqual(c.cmd("qC"), "QC01")
        self.assertEqual(self.hmp("gdbserver none"), "Disabled gdbserver\n")
        self.assertNotIn("gdb", self.hmp("info chardev"))
        out = self.hmp("gdbserver foo:bar")
        self.assertIn("Could not open gdbserver on device 'foo:bar'", out)
        self.assertIn("gdbserver", self.hmp("help gdbserver"))
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()
