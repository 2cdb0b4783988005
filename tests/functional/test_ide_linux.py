# SPDX-License-Identifier: GPL-2.0-or-later
"""Linux's ata_piix on kemu's PIIX3 IDE under TCG: the disk and the
CD-ROM are found with their models, 16 MiB written to the disk with dd
and synced survive a restart (checksummed in the guest, after the second
boot, and on the host), and an ISO built with xorriso is mounted from
-cdrom and read back. Two boots in all."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kemu_guest import BINARY, TCG_SKIP_REASON
import kemu_linux

MODULES = ("ata_piix", "sd_mod", "sr_mod", "isofs")

WAIT_DEVS = r"""
i=0
while [ $i -lt 600 ] && ! { [ -b /dev/sda ] && [ -b /dev/sr0 ]; }; do
    sleep 0.1; i=$((i+1))
done
echo "SDA_MODEL=$(cat /sys/block/sda/device/model)"
echo "SR0_MODEL=$(cat /sys/block/sr0/device/model)"
echo "SDA_SIZE=$(cat /sys/block/sda/size)"
"""

WRITE = WAIT_DEVS + r"""
dd if=/dev/urandom of=/tmp/d bs=1M count=16 2>/dev/null
echo "SUM1=$(sha256sum /tmp/d | cut -d' ' -f1)"
dd if=/tmp/d of=/dev/sda bs=1M seek=1 2>/dev/null && sync && echo DD_OK
mount -t iso9660 -o ro /dev/sr0 /mnt && echo MOUNT_OK
echo "HELLO=$(cat /mnt/hello.txt)"
echo "ISOSUM=$(sha256sum /mnt/data.bin | cut -d' ' -f1)"
umount /mnt
dmesg | grep -E "WARNING|BUG|Oops|ata[0-9].*(failed|error|timeout)" \
    || echo DMESG_CLEAN
"""

READ = WAIT_DEVS + r"""
echo "SUM2=$(dd if=/dev/sda bs=1M skip=1 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)"
"""


def value(out, key):
    m = re.search(rf"^{key}=(.*?)\r?$", out, re.M)
    return m.group(1).strip() if m else None


@unittest.skipUnless(shutil.which("xorriso"), "needs xorriso")
class IDELinux(unittest.TestCase):
    def setUp(self):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        self.tmp = tempfile.mkdtemp(prefix="kemu-ide-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def boot(self, script, args):
        status, out = kemu_linux.boot(
            BINARY, ["-accel", "tcg"] + args, script, modules=MODULES)
        tail = out[-4000:]
        self.assertEqual(status, 0, tail)
        self.assertIn("reboot: Power down", out, tail)
        self.assertEqual(value(out, "SDA_MODEL"), "QEMU HARDDISK", tail)
        self.assertEqual(value(out, "SR0_MODEL"), "QEMU DVD-ROM", tail)
        return out

    def test_disk_and_cdrom(self):
        disk = os.path.join(self.tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(64 << 20)
        root = os.path.join(self.tmp, "iso")
        os.mkdir(root)
        with open(os.path.join(root, "hello.txt"), "w") as f:
            f.write("hello from the cd\n")
        data = os.urandom(3 << 20)
        with open(os.path.join(root, "data.bin"), "wb") as f:
            f.write(data)
        iso = os.path.join(self.tmp, "test.iso")
        subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "KEMU",
                        "-o", iso, root], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        args = ["-drive", f"file={disk},format=raw,if=ide,index=0",
                "-cdrom", iso]

        out = self.boot(WRITE, args)
        tail = out[-4000:]
        self.assertEqual(value(out, "SDA_SIZE"), str(64 << 11), tail)
        for word in ("DD_OK", "MOUNT_OK", "DMESG_CLEAN"):
            self.assertIn(word, out, tail)
        self.assertEqual(value(out, "HELLO"), "hello from the cd", tail)
        self.assertEqual(value(out, "ISOSUM"),
                         hashlib.sha256(data).hexdigest(), tail)
        sum1 = value(out, "SUM1")
        self.assertRegex(sum1 or "", r"^[0-9a-f]{64}$", tail)
        with open(disk, "rb") as f:
            f.seek(1 << 20)
            self.assertEqual(hashlib.sha256(f.read(16 << 20)).hexdigest(),
                             sum1)

        out = self.boot(READ, args)
        self.assertEqual(value(out, "SUM2"), sum1, out[-4000:])


if __name__ == "__main__":
    unittest.main()
