# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-blk-pci under the Debian kernel (virtio_pci + virtio_blk):

- three disks, raw, qcow2, and a qcow2 overlay over a raw backing file
  holding a filesystem made on the host; the guest finds them, runs the
  host's mkfs.ext4 (copied into the initramfs with its libraries) on the
  first two, writes 64 MiB to a file on each (tests/linux/disk-pattern.c:
  a seeded stream with every block stamped with its index, cheaper under
  TCG than urandom and sha256), syncs and powers off;
- a second boot with -snapshot reads all three back and compares every
  byte with the stream, then overwrites data: the image files stay byte
  for byte what the first boot left, and the backing file is never
  written;
- kill -9 of the VM at a few moments while the guest writes to a qcow2
  image: qemu-img check finds no corruption (leaks are allowed).

A variant under KVM checks the same disk with ioeventfds and irqfds in
the kernel; it skips where /dev/kvm is missing."""
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from kemu_guest import BINARY, BUILD, KVM_SKIP_REASON, TCG_SKIP_REASON
import kemu_linux

MODULES = ("virtio_pci", "virtio_blk", "ext4", "crc32c_generic")
KEMU_IMG = os.path.join(BUILD, "kemu-img")
MKFS_LD = "/lib/ld-linux-x86-64.so.2 --library-path /lib /sbin/mkfs.ext4"


def mkfs_files():
    """mkfs.ext4 and what it links against; run through the dynamic
    loader (the initramfs has only /lib)."""
    mkfs = shutil.which("mkfs.ext4") or "/sbin/mkfs.ext4"
    files = [(os.path.realpath(mkfs), "/sbin/mkfs.ext4")]
    out = subprocess.run(["ldd", mkfs], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        path = parts[2] if "=>" in parts and len(parts) > 2 else parts[0]
        if path.startswith("/"):
            name = os.path.basename(path)
            files.append((os.path.realpath(path), "/lib/" + name))
    if os.path.exists("/etc/mke2fs.conf"):
        files.append(("/etc/mke2fs.conf", "/etc/mke2fs.conf"))
    return files


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


WRITE = r"""
for d in vda vdb vdc; do [ -b /dev/$d ] && echo "FOUND_$d $(cat /sys/block/$d/size)"; done
MKFS="%s"
$MKFS -q -F -t ext4 /dev/vda && echo MKFS_vda_OK
$MKFS -q -F -t ext4 /dev/vdb && echo MKFS_vdb_OK
mkdir -p /mnt/a /mnt/b /mnt/c
mount -t ext4 /dev/vda /mnt/a && mount -t ext4 /dev/vdb /mnt/b && \
    mount -t ext4 /dev/vdc /mnt/c && echo MOUNT_OK
echo "HELLO=$(cat /mnt/c/hello)"
s=1; for m in a b c; do echo "$m: $(/disk-pattern write $s 64 /mnt/$m/data)"; s=$((s+1)); done
sync && echo SYNC_OK
umount /mnt/a /mnt/b /mnt/c && echo UMOUNT_OK
""" % MKFS_LD

READ = r"""
mkdir -p /mnt/a /mnt/b /mnt/c
mount -t ext4 /dev/vda /mnt/a && mount -t ext4 /dev/vdb /mnt/b && \
    mount -t ext4 /dev/vdc /mnt/c && echo MOUNT_OK
s=1; for m in a b c; do echo "$m: $(/disk-pattern check $s 64 /mnt/$m/data)"; s=$((s+1)); done
echo "HELLO=$(cat /mnt/c/hello)"
for m in a b c; do dd if=/dev/zero of=/mnt/$m/data bs=1M count=4 conv=notrunc 2>/dev/null; done
dd if=/dev/zero of=/dev/vda bs=1M count=1 seek=100 2>/dev/null
sync && echo SNAP_WRITE_OK
umount /mnt/a /mnt/b /mnt/c
dmesg | grep -iE "virtio|blk_update_request|I/O error|EXT4-fs error" | grep -iE "error|fail" || echo DMESG_CLEAN
"""

# Writes until killed: scattered 1 MiB writes to fresh clusters and
# rewrites, flushed now and then, so allocation and metadata updates are
# in progress whenever the kill comes.
HAMMER = r"""
dd if=/dev/urandom of=/tmp/r bs=64k count=16 2>/dev/null
i=0
while true; do
    dd if=/tmp/r of=/dev/vda bs=64k count=16 seek=$(( (i * 37) % 1500 )) conv=notrunc 2>/dev/null
    [ $((i % 4)) -eq 0 ] && sync
    i=$((i+1))
    [ $i -eq 3 ] && echo HAMMER_WRITING
done
"""


class VirtioBlkLinux(unittest.TestCase):
    accel = "tcg"

    def setUp(self):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        if not shutil.which("qemu-img"):
            self.skipTest("needs qemu-img (qemu-utils)")
        self.tmp = tempfile.mkdtemp(prefix="kemu-vblk-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def img(self, *args):
        subprocess.run([KEMU_IMG] + list(args), check=True,
                       stdout=subprocess.DEVNULL)

    def boot(self, args, script, timeout=600):
        pattern = kemu_linux.static_program("disk-pattern.c")
        return kemu_linux.boot(BINARY, ["-accel", self.accel] + args, script,
                               modules=MODULES,
                               files=mkfs_files() + [(pattern,
                                                      "/disk-pattern")],
                               timeout=timeout)

    def test_disks(self):
        raw = os.path.join(self.tmp, "raw.img")
        qcow = os.path.join(self.tmp, "disk.qcow2")
        base = os.path.join(self.tmp, "base.img")
        over = os.path.join(self.tmp, "over.qcow2")
        self.img("create", "-f", "raw", raw, "128M")
        self.img("create", "-f", "qcow2", qcow, "128M")
        # The backing file: a filesystem made on the host with one file.
        src = os.path.join(self.tmp, "src")
        os.mkdir(src)
        with open(os.path.join(src, "hello"), "w") as f:
            f.write("from-the-backing-file\n")
        subprocess.run(["mkfs.ext4", "-q", "-F", "-d", src, base, "128M"],
                       check=True, stdout=subprocess.DEVNULL)
        base_sum = sha(base)
        self.img("create", "-f", "qcow2", "-b", base, "-F", "raw", over)
        drives = ["-drive", f"file={raw},format=raw,if=virtio",
                  "-drive", f"file={qcow},format=qcow2,if=virtio",
                  "-drive", f"file={over},format=qcow2,if=virtio"]

        status, out = self.boot(drives, WRITE)
        tail = out[-4000:]
        self.assertEqual(status, 0, tail)
        for w in ("FOUND_vda 262144", "FOUND_vdb 262144", "FOUND_vdc 262144",
                  "MKFS_vda_OK", "MKFS_vdb_OK", "MOUNT_OK",
                  "HELLO=from-the-backing-file", "SYNC_OK", "UMOUNT_OK",
                  "reboot: Power down"):
            self.assertIn(w, out, tail)
        for m in "abc":
            self.assertIn(f"{m}: PATTERN_WRITTEN", out, tail)
        for path in (qcow, over):
            r = subprocess.run(["qemu-img", "check", path],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(sha(base), base_sum, "the backing file was written")
        sums = {p: sha(p) for p in (raw, qcow, over, base)}

        # Restarted: the data is read back; under -snapshot the guest's
        # writes leave every file as it was.
        status, out = self.boot(drives + ["-snapshot"], READ)
        tail = out[-4000:]
        self.assertEqual(status, 0, tail)
        for m in "abc":
            self.assertIn(f"{m}: PATTERN_OK", out, tail)
        for w in ("MOUNT_OK", "HELLO=from-the-backing-file", "SNAP_WRITE_OK",
                  "DMESG_CLEAN", "reboot: Power down"):
            self.assertIn(w, out, tail)
        for p, s in sums.items():
            self.assertEqual(sha(p), s, f"{p} changed under -snapshot")

    def test_kill_while_writing(self):
        rng = random.Random(0x6b656d75)
        img = os.path.join(self.tmp, "hammer.qcow2")
        self.img("create", "-f", "qcow2", "-o", "cluster_size=65536", img,
                 "128M")
        cmd = [BINARY, "-M", "pc", "-m", "512", "-display", "none",
               "-no-reboot", "-serial", "stdio", "-accel", self.accel,
               "-kernel", kemu_linux.kernel(),
               "-initrd", kemu_linux.initramfs(HAMMER, MODULES),
               "-append", kemu_linux.APPEND,
               "-drive", f"file={img},format=qcow2,if=virtio"]
        for round_ in range(3):
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
            os.set_blocking(p.stdout.fileno(), False)
            out = b""
            deadline = time.monotonic() + 300
            try:
                while b"HAMMER_WRITING" not in out:
                    self.assertIsNone(p.poll(), out[-3000:])
                    self.assertLess(time.monotonic(), deadline, "no writes")
                    time.sleep(0.05)
                    out += p.stdout.read() or b""
                # A random moment within the next couple of seconds.
                time.sleep(rng.uniform(0.0, 2.0))
            finally:
                p.kill()
                p.wait()
                p.stdout.close()
            r = subprocess.run(["qemu-img", "check", img],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            # 0: clean; 3: leaked clusters only. 2 would be corruption.
            self.assertIn(r.returncode, (0, 3), f"round {round_}: {r.stdout}")
            self.assertNotIn("ERROR", r.stdout)


class VirtioBlkLinuxKVM(VirtioBlkLinux):
    """The same under KVM: notifications through ioeventfds and
    completions through irqfds (x-irqfd=auto turns them on there)."""
    accel = "kvm"

    def setUp(self):
        if KVM_SKIP_REASON:
            self.skipTest(KVM_SKIP_REASON)
        super().setUp()

    # One KVM boot is enough: the crash test is the block layer's.
    test_kill_while_writing = None


if __name__ == "__main__":
    unittest.main()
