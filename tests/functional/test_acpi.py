# SPDX-License-Identifier: GPL-2.0-or-later
"""ACPI tables of the pc machine, read out of guest memory over qtest.

With direct kernel boot kemu writes its own tables (there is no firmware).
The test boots a tiny multiboot image (it never runs under qtest), finds
the RSDP in 0xe0000-0xfffff, follows RSDT/XSDT to every table, checks the
checksums and disassembles each table with iasl (acpica-tools).
"""
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

import kemu_test


def multiboot_image():
    """a.out-kludge multiboot kernel: loaded at 1 MiB, 'hlt' loop."""
    magic, flags = 0x1BADB002, 0x00010003
    hdr = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xffffffff,
                      0x100000, 0x100000, 0, 0x101000, 0x100020)
    return hdr + b"\xf4\xeb\xfd" + bytes(4096 - len(hdr) - 3)


def checksum_ok(data):
    return sum(data) & 0xff == 0


class AcpiTables(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(kemu_test.binary()):
            self.skipTest("kemu-system-x86_64 is not built")
        self.tmp = tempfile.mkdtemp(prefix="kemu-acpi-")
        self.kernel = os.path.join(self.tmp, "mb.bin")
        with open(self.kernel, "wb") as f:
            f.write(multiboot_image())

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def read(self, q, addr, length):
        out = bytearray()
        while length:
            n = min(length, 4096)
            reply = q.ok(f"read {addr:#x} {n:#x}")
            out += bytes.fromhex(reply[2:] if reply.startswith("0x")
                                 else reply)
            addr += n
            length -= n
        return bytes(out)

    def table(self, q, addr):
        hdr = self.read(q, addr, 36)
        length = struct.unpack_from("<I", hdr, 4)[0]
        self.assertGreaterEqual(length, 36)
        self.assertLess(length, 1 << 20)
        return self.read(q, addr, length)

    def find_rsdp(self, q):
        area = self.read(q, 0xe0000, 0x20000)
        for off in range(0, len(area), 16):
            if area[off:off + 8] == b"RSD PTR ":
                return 0xe0000 + off, area[off:off + 36]
        self.fail("no RSDP in 0xe0000-0xfffff")

    def collect(self, smp):
        tables = {}
        with kemu_test.QTest(["-m", "256", "-smp", str(smp),
                              "-kernel", self.kernel]) as q:
            addr, rsdp = self.find_rsdp(q)
            self.assertEqual(addr % 16, 0)
            self.assertTrue(checksum_ok(rsdp[:20]), "RSDP checksum")
            self.assertEqual(rsdp[15], 2, "RSDP revision")
            self.assertTrue(checksum_ok(rsdp[:36]), "RSDP extended checksum")
            rsdt_addr, _, xsdt_addr = struct.unpack_from("<IIQ", rsdp, 16)
            rsdt = self.table(q, rsdt_addr)
            xsdt = self.table(q, xsdt_addr)
            tables["RSDT"], tables["XSDT"] = rsdt, xsdt
            n = (len(rsdt) - 36) // 4
            rptrs = struct.unpack_from(f"<{n}I", rsdt, 36)
            xptrs = struct.unpack_from(f"<{n}Q", xsdt, 36)
            self.assertEqual(list(rptrs), list(xptrs))
            for p in rptrs:
                t = self.table(q, p)
                tables[t[:4].decode()] = t
            fadt = tables["FACP"]
            facs_addr, dsdt_addr = struct.unpack_from("<II", fadt, 36)
            tables["DSDT"] = self.table(q, dsdt_addr)
            facs = self.read(q, facs_addr, 64)
            self.assertEqual(facs[:4], b"FACS")
            tables["FACS"] = facs
        return tables

    def test_tables_parse_and_checksums(self):
        if not shutil.which("iasl"):
            self.skipTest("iasl (acpica-tools) is not installed")
        tables = self.collect(smp=2)
        for sig in ("FACP", "APIC", "HPET", "DSDT", "RSDT", "XSDT"):
            self.assertIn(sig, tables)
        for sig, data in tables.items():
            if sig != "FACS":
                self.assertTrue(checksum_ok(data), f"{sig} checksum")
            path = os.path.join(self.tmp, sig.lower() + ".dat")
            with open(path, "wb") as f:
                f.write(data)
            res = subprocess.run(["iasl", "-d", path], cwd=self.tmp,
                                 capture_output=True, text=True, timeout=60)
            text = res.stdout + res.stderr
            self.assertEqual(res.returncode, 0, f"iasl -d {sig}: {text}")
            self.assertNotIn("Error", text, f"iasl -d {sig}: {text}")
            with open(path[:-4] + ".dsl") as f:
                dsl = f.read()
            self.assertNotIn("Incorrect checksum", dsl, sig)
        with open(os.path.join(self.tmp, "dsdt.dsl")) as f:
            dsl = f.read()
        for name in ("PNP0A03", "_PRT", "LNKA", "PNP0C0F", "PNP0B00",
                     "PNP0303", "PNP0103", "_S5_"):
            self.assertIn(name, dsl)

    def test_madt_lists_every_cpu(self):
        tables = self.collect(smp=4)
        madt = tables["APIC"]
        ids, off = [], 44
        while off < len(madt):
            typ, length = madt[off], madt[off + 1]
            self.assertGreater(length, 0)
            if typ == 0:
                ids.append(madt[off + 3])
            off += length
        self.assertEqual(ids, [0, 1, 2, 3])


if __name__ == "__main__":
    unittest.main()
