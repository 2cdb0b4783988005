# SPDX-License-Identifier: GPL-2.0-or-later
"""kemu-img sub-commands against qemu-img 7.2: output, errors, exit codes;
image locking seen from both sides; kill -9 at random moments."""
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest

from block_util import KEMU_IMG, KEMU_IO, kimg, kio, needs_qemu, qimg, qio


def norm(text, tool):
    return text.replace(tool + ":", "TOOL:").replace("kemu-img:", "TOOL:")


@needs_qemu
class SameOutput(unittest.TestCase):
    """The same command line gives the same stdout, stderr (program name
    aside) and exit status as qemu-img."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def both(self, *args, setup=None, fresh=True):
        """fresh=False: one setup serves both tools (read-only commands).
        "disk size" is what the host file system allocated, and a file
        system may allocate a re-created image differently (XFS trims
        its speculative preallocation when it likes), so commands that
        print it must read the very same file."""
        out = []
        for tool in ("qemu-img", KEMU_IMG):
            if fresh or tool == "qemu-img":
                for f in os.listdir(self.d):
                    os.unlink(os.path.join(self.d, f))
                if setup:
                    setup()
                    os.sync()
            p = subprocess.run([tool] + list(args), cwd=self.d,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=60)
            out.append((p.returncode, p.stdout,
                        p.stderr.replace("qemu-img", "kemu-img")))
        self.assertEqual(out[1], out[0], args)

    def test_create(self):
        self.both("create", "-f", "qcow2", "a.qcow2", "64M")
        self.both("create", "-f", "qcow2", "-o",
                  "compat=0.10,cluster_size=4096,preallocation=metadata",
                  "a.qcow2", "10M")
        self.both("create", "-f", "qcow2", "-o",
                  "refcount_bits=8,compression_type=zstd,lazy_refcounts=on",
                  "a.qcow2", "1G")
        self.both("create", "-f", "raw", "a.img", "1000")
        self.both("create", "-f", "raw", "-o", "preallocation=falloc",
                  "a.img", "1M")
        self.both("create", "-f", "qcow2", "a.qcow2", "1Q")
        self.both("create", "-f", "qcow2", "a.qcow2")
        self.both("create", "-f", "foo", "a", "1M")
        self.both("create", "-f", "qcow2", "-o", "foo=1", "a", "1M")

    def test_create_backing(self):
        def base():
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                            os.path.join(self.d, "b.qcow2"), "32M"],
                           check=True)
        self.both("create", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2",
                  "t.qcow2", setup=base)
        self.both("create", "-f", "qcow2", "-b", "b.qcow2", "t.qcow2",
                  setup=base)
        self.both("create", "-q", "-f", "qcow2", "-b", "nonexist", "-F",
                  "qcow2", "t.qcow2", setup=base)

    def test_info_check_map_compare(self):
        def img():
            p = os.path.join(self.d, "a.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o",
                            "cluster_size=4096", p, "8M"], check=True)
            subprocess.run(["qemu-io", "-c", "write -P 1 0 128k",
                            "-c", "write -z 1M 64k", "-c", "write -P 2 3M 5k",
                            p], check=True, stdout=subprocess.DEVNULL)
            r = os.path.join(self.d, "r.img")
            subprocess.run(["qemu-img", "convert", "-O", "raw", p, r],
                           check=True)
        self.both("info", "a.qcow2", setup=img, fresh=False)
        self.both("info", "-f", "raw", "r.img", setup=img, fresh=False)
        self.both("check", "a.qcow2", setup=img, fresh=False)
        self.both("check", "--output=json", "a.qcow2", setup=img, fresh=False)
        self.both("map", "a.qcow2", setup=img, fresh=False)
        self.both("map", "--output=json", "a.qcow2", setup=img, fresh=False)
        self.both("compare", "a.qcow2", "r.img", setup=img, fresh=False)
        self.both("compare", "-s", "a.qcow2", "r.img", setup=img, fresh=False)
        self.both("info", "nonexist.qcow2", setup=img)
        self.both("check", "-r", "bogus", "a.qcow2", setup=img)

    def test_resize(self):
        def img():
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                            os.path.join(self.d, "a.qcow2"), "8M"],
                           check=True)
        self.both("resize", "a.qcow2", "+1M", setup=img)
        self.both("resize", "a.qcow2", "--", "-1M", setup=img)
        self.both("resize", "--shrink", "a.qcow2", "--", "-1M", setup=img)
        self.both("resize", "a.qcow2", "16M", setup=img)

    def test_measure_size_matrix(self):
        """qcow2 metadata for every mix of size, cluster size and refcount
        width, byte for byte as qemu-img computes it."""
        for size in ("0", "1", "1000", "1M", "1G", "100G", "1T", "8T"):
            for cs in ("512", "4k", "64k", "2M"):
                for rb in ("1", "16", "64"):
                    o = "cluster_size=%s,refcount_bits=%s" % (cs, rb)
                    self.both("measure", "--size", size, "-O", "qcow2",
                              "-o", o, fresh=False)
                    self.both("measure", "--output=json", "--size", size,
                              "-O", "qcow2", "-o", o + ",preallocation=full",
                              fresh=False)
            self.both("measure", "--size", size, "-O", "qcow2", "-o",
                      "extended_l2=on", fresh=False)
            self.both("measure", "--size", size, "-O", "raw", fresh=False)
            self.both("measure", "--size", size, fresh=False)

    def test_measure_image(self):
        def img():
            p = os.path.join(self.d, "a.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o",
                            "cluster_size=4096", p, "100M"], check=True)
            subprocess.run(["qemu-io", "-c", "write 0 1M",
                            "-c", "write -z 10M 1M", "-c", "write 50M 100k",
                            "-c", "write 70M 3k", "-c", "write 99M 1M",
                            p], check=True, stdout=subprocess.DEVNULL)
            r = os.path.join(self.d, "r.img")
            subprocess.run(["qemu-img", "convert", "-O", "raw", p, r],
                           check=True)
        for out in ("qcow2", "raw"):
            for name in ("a.qcow2", "r.img"):
                self.both("measure", "-O", out, name, setup=img, fresh=False)
                self.both("measure", "--output=json", "-O", out, name,
                          setup=img, fresh=False)
        for o in ("cluster_size=512", "cluster_size=2M,refcount_bits=1",
                  "cluster_size=64k,refcount_bits=64",
                  "preallocation=falloc", "extended_l2=on,cluster_size=32k"):
            self.both("measure", "-O", "qcow2", "-o", o, "a.qcow2",
                      setup=img, fresh=False)
            self.both("measure", "-O", "qcow2", "-o", o, "-f", "raw",
                      "r.img", setup=img, fresh=False)
        self.both("measure", "-U", "a.qcow2", setup=img, fresh=False)
        self.both("measure", "--image-opts", "-O", "qcow2",
                  "driver=qcow2,file.filename=a.qcow2", setup=img,
                  fresh=False)

    def test_measure_chain(self):
        """Data in a backing file counts, zero clusters over it do not;
        compressed clusters count whole."""
        def img():
            b = os.path.join(self.d, "b.qcow2")
            t = os.path.join(self.d, "t.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", b,
                            "64M"], check=True)
            subprocess.run(["qemu-io", "-c", "write 0 2M", b], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b",
                            "b.qcow2", "-F", "qcow2", t], check=True)
            subprocess.run(["qemu-io", "-c", "write 10M 1M",
                            "-c", "write -z 0 64k", t], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(["qemu-img", "convert", "-c", "-O", "qcow2", b,
                            os.path.join(self.d, "c.qcow2")], check=True)
        for args in (("-O", "qcow2", "t.qcow2"), ("-O", "qcow2", "c.qcow2"),
                     ("-O", "qcow2", "--image-opts",
                      "driver=qcow2,file.filename=t.qcow2,backing="),
                     ("--output=json", "-O", "raw", "t.qcow2")):
            self.both("measure", *args, setup=img, fresh=False)

    def test_measure_errors(self):
        for args in (
                ("--size", "1M", "a.qcow2"),
                (),
                ("--size", "1M", "-f", "qcow2"),
                ("--size", "1M", "--image-opts"),
                ("--size", "1M", "-O", "bogus"),
                ("--size", "1Q", "-O", "qcow2"),
                ("--size", "1M", "-O", "qcow2", "-o", "foo=bar"),
                ("--size", "1M", "-O", "qcow2", "-o", "cluster_size=3k"),
                ("--size", "1M", "-O", "qcow2", "-o", "refcount_bits=3"),
                ("--size", "1M", "-O", "qcow2", "-o",
                 "cluster_size=4k,extended_l2=on"),
                ("--size", "1T", "-O", "qcow2", "-o", "cluster_size=512"),
                ("--size", "1M", "--output=xml"),
                ("--size", "1M", "-O", "qcow2", "-o", "preallocation=bogus"),
                ("--size", "1M", "-O", "raw", "-o", "preallocation=bogus"),
                ("--size", "1M", "-O", "raw", "-o", "cluster_size=4k"),
                ("--size", "1M", "-O", "qcow2", "-o", "compat=0.10"),
                ("nonexist.qcow2",)):
            self.both("measure", *args)

    def test_object(self):
        def img():
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                            os.path.join(self.d, "a.qcow2"), "8M"],
                           check=True)
            with open(os.path.join(self.d, "pw"), "w") as f:
                f.write("secret")
        good = ("secret,id=s0,data=abc", "secret,id=s0,file=pw",
                "secret,id=s0,data=YWJj,format=base64",
                "secret,id=s0,data=abc,format=raw")
        bad = ("secret,data=abc", "secret,id=s0",
               "secret,id=s0,data=a,file=pw", "secret,id=s0,file=nonexist",
               "secret,id=s0,data=abc,format=hex",
               "secret,id=s0,data=abc,foo=1", "foo,id=x", "id=x",
               "secret,id=0s,data=x", "secret,id=s0,data=a,keyid=s1")
        for obj in good + bad:
            self.both("info", "--object", obj, "a.qcow2", setup=img,
                      fresh=False)
        self.both("info", "a.qcow2", "--object", setup=img, fresh=False)
        self.both("info", "-f", setup=img, fresh=False)
        self.both("info", "--object", "secret,id=s0,data=a", "--object",
                  "secret,id=s0,data=b", "a.qcow2", setup=img, fresh=False)
        obj = "--object=secret,id=s0,data=abc"
        for args in (("check", "a.qcow2"), ("map", "a.qcow2"),
                     ("compare", "a.qcow2", "a.qcow2"),
                     ("snapshot", "-l", "a.qcow2"),
                     ("measure", "-O", "qcow2", "a.qcow2"),
                     ("measure", "--size", "1M"),
                     ("resize", "a.qcow2", "16M"),
                     ("amend", "-o", "lazy_refcounts=on", "a.qcow2"),
                     ("rebase", "-u", "-b", "", "a.qcow2"),
                     ("commit", "a.qcow2"),
                     ("create", "-f", "qcow2", "b.qcow2", "1M"),
                     ("convert", "-O", "raw", "a.qcow2", "c.img"),
                     ("dd", "if=a.qcow2", "of=d.img", "-O", "raw")):
            self.both(args[0], obj, *args[1:], setup=img)
            self.both(args[0], "--object", "foo,id=x", *args[1:], setup=img)
        # qemu-img 7.2's bench alone takes no --object
        self.both("bench", "--object", "foo,id=x", "a.qcow2", setup=img)
        self.both("bench", obj, "-c", "1", "a.qcow2", setup=img)

    def test_image_opts(self):
        def img():
            p = os.path.join(self.d, "a.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", p,
                            "8M"], check=True)
            subprocess.run(["qemu-io", "-c", "write -P 1 0 128k", p],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["qemu-img", "convert", "-O", "raw", p,
                            os.path.join(self.d, "r.img")], check=True)
        a = "driver=qcow2,file.driver=file,file.filename=a.qcow2"
        r = "driver=raw,file.filename=r.img"
        for args in (("info", a), ("info", "file.filename=a.qcow2"),
                     ("info", "--output=json", a), ("check", a),
                     ("map", a), ("map", "--output=json", r),
                     ("compare", a, r), ("snapshot", "-l", a),
                     ("info", "driver=qcow2"), ("info", "a.qcow2"),
                     ("info", "driver=bogus,file.filename=a.qcow2"),
                     ("info", "driver=raw,file.filename=nonexist"),
                     ("info", "driver=qcow2,file.driver=foo,"
                              "file.filename=a.qcow2"),
                     ("info", a + ",foo=1"), ("info", "-f", "qcow2", a)):
            self.both(args[0], "--image-opts", *args[1:], setup=img,
                      fresh=False)
        for args in (("resize", a, "16M"), ("snapshot", "-c", "s1", a),
                     ("amend", "-o", "lazy_refcounts=on", a),
                     ("convert", "-O", "qcow2", a, "c.qcow2"),
                     ("dd", "if=" + a, "of=d.img", "-O", "raw"),
                     ("commit", a), ("rebase", "-u", "-b", "", a),
                     ("create", "x", "1M"), ("bench", "-f", "qcow2", a)):
            self.both(args[0], "--image-opts", *args[1:], setup=img)
        r = kimg("bench", "--image-opts", "-c", "1", a, cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("Sending 1 read requests"))

    def test_check_leak_repair(self):
        def leaky():
            p = os.path.join(self.d, "l.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", p,
                            "1M"], check=True)
            subprocess.run(["qemu-io", "-c", "write 0 64k", p], check=True,
                           stdout=subprocess.DEVNULL)
            with open(p, "r+b") as f:
                d = f.read()
                rt = struct.unpack_from(">Q", d, 48)[0]
                rb = struct.unpack_from(">Q", d, rt)[0]
                f.seek(rb + 2 * 2)
                f.write(struct.pack(">H", 2))
        self.both("check", "l.qcow2", setup=leaky, fresh=False)
        self.both("check", "--output=json", "l.qcow2", setup=leaky, fresh=False)
        self.both("check", "-r", "leaks", "l.qcow2", setup=leaky)
        self.both("check", "-r", "all", "l.qcow2", setup=leaky)


@needs_qemu
class Locking(unittest.TestCase):
    """OFD locks on the same bytes as QEMU: each refuses a second writer."""

    def hold(self, args):
        p = subprocess.Popen(args, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        # qemu-io has the image open (and locked) once it reads commands;
        # wait until /proc/locks shows it.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open("/proc/locks") as f:
                if str(self.ino) in f.read():
                    return p
            time.sleep(0.05)
        p.kill()
        self.fail("the holder never locked the image")

    def test_qemu_holds_kemu_refused(self):
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "a.qcow2")
            kimg("create", "-q", "-f", "qcow2", img, "1M", check=True)
            self.ino = os.stat(img).st_ino
            # qemu-io with the image open read-write on qcow2 holds write
            # and shares neither write nor resize.
            holder = self.hold(["qemu-io", img])
            try:
                r = kio("-c", "write 0 512", img)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn('Failed to get "write" lock', r.stderr)
                self.assertIn(f"Is another process using the image [{img}]?",
                              r.stderr)
                r = kimg("info", img)
                self.assertEqual(r.returncode, 1)
                self.assertEqual(r.stderr.splitlines()[0],
                                 f"kemu-img: Could not open '{img}': Failed "
                                 f'to get shared "write" lock')
                q = qimg("info", img)
                self.assertEqual(r.stderr.replace("kemu-img", "qemu-img"),
                                 q.stderr)
                r = kimg("info", "-U", img)
                self.assertEqual(r.returncode, 0, r.stderr)
            finally:
                holder.stdin.close()
                holder.wait(timeout=20)

    def test_system_holder(self):
        if not shutil.which("qemu-system-x86_64"):
            self.skipTest("qemu-system-x86_64 not installed")
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "a.qcow2")
            kimg("create", "-q", "-f", "qcow2", img, "1M", check=True)
            self.ino = os.stat(img).st_ino
            holder = self.hold(["qemu-system-x86_64", "-machine",
                                "accel=tcg", "-display", "none", "-S",
                                "-nodefaults", "-drive",
                                f"file={img},format=qcow2,if=virtio"])
            try:
                r = kio("-c", "write 0 512", img)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn('Failed to get "write" lock', r.stderr)
                self.assertIn(f"Is another process using the image [{img}]?",
                              r.stderr)
                r = kimg("info", "-U", img)
                self.assertEqual(r.returncode, 0, r.stderr)
            finally:
                holder.kill()
                holder.wait(timeout=20)

    def test_kemu_holds_qemu_refused(self):
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "a.qcow2")
            kimg("create", "-q", "-f", "qcow2", img, "1M", check=True)
            self.ino = os.stat(img).st_ino
            # kemu-io with no commands holds the image while it reads a
            # large request list: use a fifo-fed qemu-io-like holder via
            # the block write path instead: a long kemu-img convert.
            src = os.path.join(d, "src.raw")
            with open(src, "wb") as f:
                f.write(os.urandom(1 << 20) * 256)
            dst = os.path.join(d, "dst.qcow2")
            p = subprocess.Popen([KEMU_IMG, "convert", "-O", "qcow2", "-o",
                                  "cluster_size=512", src, dst])
            try:
                deadline = time.monotonic() + 20
                ino = None
                while time.monotonic() < deadline and ino is None:
                    try:
                        st = os.stat(dst)
                        with open("/proc/locks") as f:
                            if f":{st.st_ino} " in f.read():
                                ino = st.st_ino
                    except FileNotFoundError:
                        pass
                    time.sleep(0.01)
                if ino is None or p.poll() is not None:
                    self.skipTest("convert finished before it was observed")
                # the same bytes qemu-img takes on a qcow2 it writes; they
                # are taken one by one, so wait until the set is complete
                want = ["100 101", "103 103", "201 201", "203 203"]
                while True:
                    with open("/proc/locks") as f:
                        locks = sorted(" ".join(l.split()[-2:]) for l in f
                                       if f":{ino} " in l)
                    if locks == want or time.monotonic() > deadline:
                        break
                    time.sleep(0.01)
                self.assertEqual(locks, want)
                r = qio("-r", "-c", "read 0 512", dst)
                self.assertIn('Failed to get shared "write" lock', r.stderr)
            finally:
                p.kill()
                p.wait(timeout=20)


@needs_qemu
class KillNine(unittest.TestCase):
    """kemu-io killed at random moments leaves an image qemu-img check
    calls clean or leaking."""

    def test_kill(self):
        rnd = random.Random(5)
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "k.qcow2")
            kimg("create", "-q", "-f", "qcow2", "-o",
                 "cluster_size=512,refcount_bits=16", img, "64M", check=True)
            for i in range(24):
                cmds = []
                for _ in range(200):
                    off = rnd.randrange(0, (64 << 20) // 512 - 64) * 512
                    n = rnd.choice([512, 4096, 32768])
                    if rnd.random() < 0.2:
                        cmds += ["-c", f"write -z {off} {n}"]
                    else:
                        cmds += ["-c", f"write -P {rnd.randrange(256)} "
                                       f"{off} {n}"]
                p = subprocess.Popen([KEMU_IO] + cmds + [img],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                time.sleep(rnd.uniform(0.0, 0.15))
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=20)
                r = qimg("check", img)
                self.assertIn(r.returncode, (0, 3),
                              f"kill {i}: {r.stdout}{r.stderr}")
                if r.returncode == 3:
                    kimg("check", "-r", "leaks", img, check=True)


if __name__ == "__main__":
    unittest.main()


@needs_qemu
class ChainCommands(unittest.TestCase):
    """snapshot, rebase, commit and dd: results checked by QEMU."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def p(self, name):
        return os.path.join(self.d, name)

    def clean(self, path):
        r = qimg("check", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_snapshots(self):
        img = self.p("s.qcow2")
        kimg("create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", img,
             "8M", check=True)
        kio("-c", "write -P 1 0 1M", img, check=True)
        kimg("snapshot", "-c", "s1", img, check=True)
        self.clean(img)
        kio("-c", "write -P 2 4k 8k", "-c", "write -P 3 2M 64k", img,
            check=True)
        self.clean(img)
        kimg("snapshot", "-c", "s2", img, check=True)
        self.assertEqual(kimg("snapshot", "-l", img).stdout,
                         qimg("snapshot", "-l", img).stdout)
        kimg("snapshot", "-a", "s1", img, check=True)
        self.clean(img)
        qio("-r", "-c", "read -P 1 0 1M", "-c", "read -P 0 2M 64k", img,
            check=True)
        kimg("snapshot", "-d", "s1", img, check=True)
        self.clean(img)
        kimg("snapshot", "-a", "2", img, check=True)
        qio("-r", "-c", "read -P 2 4k 8k", "-c", "read -P 3 2M 64k", img,
            check=True)
        kimg("snapshot", "-d", "s2", img, check=True)
        self.clean(img)
        self.assertEqual(kimg("snapshot", "-l", img).stdout, "")
        # QEMU applies what kemu made, and the reverse
        kimg("snapshot", "-c", "k", img, check=True)
        kio("-c", "write -P 9 0 4k", img, check=True)
        qimg("snapshot", "-a", "k", img, check=True)
        qio("-r", "-c", "read -P 2 4k 8k", img, check=True)
        r = kimg("snapshot", "-d", "nosuch", img)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "kemu-img: Could not delete snapshot "
                                   "'nosuch': snapshot not found\n")

    def test_rebase_commit(self):
        base, mid, top = self.p("base.qcow2"), self.p("mid.qcow2"), \
            self.p("top.qcow2")
        kimg("create", "-q", "-f", "qcow2", base, "4M", check=True)
        kio("-c", "write -P 1 0 2M", base, check=True)
        kimg("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F",
             "qcow2", mid, check=True)
        kio("-c", "write -P 2 1M 512k", mid, check=True)
        kimg("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F",
             "qcow2", top, check=True)
        kio("-c", "write -P 3 0 64k", top, check=True)
        ref = self.p("ref.raw")
        qimg("convert", "-O", "raw", top, ref, check=True)
        # safe rebase onto base: mid's data must move into top
        kimg("rebase", "-b", "base.qcow2", "-F", "qcow2", top, check=True)
        self.clean(top)
        info = json.loads(qimg("info", "--output=json", top).stdout)
        self.assertEqual(info["backing-filename"], "base.qcow2")
        self.assertEqual(qimg("compare", top, ref).returncode, 0)
        # commit top into base: base then holds the whole content
        r = kimg("commit", top, check=True)
        self.assertEqual(r.stdout, "Image committed.\n")
        self.clean(base)
        self.clean(top)
        self.assertEqual(qimg("compare", base, ref).returncode, 0)
        self.assertEqual(qimg("compare", top, ref).returncode, 0)
        # rebase onto nothing: top becomes standalone
        kimg("rebase", "-b", "", top, check=True)
        self.assertNotIn("backing-filename",
                         json.loads(qimg("info", "--output=json",
                                         top).stdout))
        self.assertEqual(qimg("compare", top, ref).returncode, 0)
        r = kimg("commit", top)
        self.assertEqual(r.stderr,
                         "kemu-img: Image does not have a backing file\n")

    def test_dd(self):
        src = self.p("src.qcow2")
        qimg("create", "-q", "-f", "qcow2", src, "1M", check=True)
        qio("-c", "write -P 5 4k 12k", src, check=True)
        for args in (["bs=4k", "count=2"], ["bs=4k", "skip=1"], []):
            for tool, out in (("qemu-img", "q"), (KEMU_IMG, "k")):
                subprocess.run([tool, "dd", "-O", "qcow2", f"if={src}",
                                f"of={self.p(out)}"] + args, check=True)
            self.clean(self.p("k"))
            self.assertEqual(
                qimg("compare", self.p("q"), self.p("k")).returncode, 0, args)
            sizes = [json.loads(qimg("info", "--output=json",
                                     self.p(n)).stdout)["virtual-size"]
                     for n in ("q", "k")]
            self.assertEqual(sizes[0], sizes[1], args)
            os.unlink(self.p("q"))
            os.unlink(self.p("k"))


@needs_qemu
class Bench(unittest.TestCase):
    """kemu-img bench: qemu-img's first line, its checks, and the data a
    write run leaves (its pattern) is really in the image."""

    def test_bench(self):
        with tempfile.TemporaryDirectory() as d:
            for fmt in ("raw", "qcow2"):
                img = os.path.join(d, f"b.{fmt}")
                kimg("create", "-q", "-f", fmt, img, "16M", check=True)
                for args in (["-c", "500", "-d", "4"],
                             ["-c", "300", "-d", "8", "-w", "-s", "64k",
                              "-S", "128k", "-o", "4096", "--pattern=0x5c"],
                             ["-c", "100", "-w", "--flush-interval=64",
                              "-d", "32"]):
                    k = kimg("bench", "-f", fmt, *args, img)
                    q = qimg("bench", "-f", fmt, *args, img)
                    self.assertEqual(k.returncode, q.returncode, args)
                    self.assertEqual(k.stdout.splitlines()[0],
                                     q.stdout.splitlines()[0], args)
                    self.assertTrue(k.stdout.splitlines()[1].startswith(
                        "Run completed in "), k.stdout)
                kimg("bench", "-f", fmt, "-c", "200", "-d", "16", "-w",
                     "-s", "4k", "--pattern=0x77", img, check=True)
                qio("-f", fmt, "-r", "-c", "read -P 0x77 0 800k", img,
                    check=True)
                if fmt == "qcow2":
                    self.assertEqual(qimg("check", img).returncode, 0)
                r = kimg("bench", "-c", "10", "-w", "--flush-interval=5", img)
                self.assertEqual(r.stderr, "kemu-img: Flush interval can't "
                                           "be smaller than depth\n")


@needs_qemu
class CacheNone(unittest.TestCase):
    """cache=none (O_DIRECT): unaligned requests go through bounce
    buffers, files keep their sizes, io_uring and the thread pool agree."""

    def test_direct(self):
        with tempfile.TemporaryDirectory(dir=os.path.dirname(KEMU_IMG)) as d:
            src = os.path.join(d, "src.raw")
            with open(src, "wb") as f:
                f.write(os.urandom(3 << 20) + bytes(1 << 20) + b"x" * 1536)
            out = os.path.join(d, "o.qcow2")
            r = kimg("convert", "-t", "none", "-T", "none", "-O", "qcow2",
                     "-o", "cluster_size=4096", src, out)
            if "Invalid argument" in r.stderr:
                self.skipTest("the scratch file system refuses O_DIRECT")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(qimg("compare", src, out).returncode, 0)
            back = os.path.join(d, "back.raw")
            kimg("convert", "-t", "none", "-T", "none", "-O", "raw", out,
                 back, check=True)
            self.assertEqual(os.path.getsize(back), os.path.getsize(src))
            with open(back, "rb") as a, open(src, "rb") as b:
                self.assertEqual(a.read(), b.read())
            kio("-n", "-f", "raw", "-c", "write -P 7 1000 3000",
                "-c", "read -P 7 1000 3000", back, check=True)
            self.assertEqual(os.path.getsize(back), os.path.getsize(src))
            for mode in ("threads", "io_uring"):
                kimg("bench", "-n", "-i", mode, "-f", "raw", "-w", "-c",
                     "200", "-d", "8", "-s", "1536", "-S", "1536",
                     "--pattern=0x42", back, check=True)
                qio("-f", "raw", "-r", "-c", "read -P 0x42 0 307200", back,
                    check=True)
            self.assertEqual(os.path.getsize(back), os.path.getsize(src))


@needs_qemu
class Amend(unittest.TestCase):
    def test_amend(self):
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "a.qcow2")
            base = os.path.join(d, "b.qcow2")

            def fmt_specific(p):
                return json.loads(qimg("info", "--output=json", p).stdout)[
                    "format-specific"]["data"]
            kimg("create", "-q", "-f", "qcow2", "-o", "compat=0.10", img,
                 "4M", check=True)
            kio("-c", "write -P 1 0 64k", img, check=True)
            kimg("amend", "-o", "compat=1.1", img, check=True)
            self.assertEqual(fmt_specific(img)["compat"], "1.1")
            kimg("amend", "-o", "lazy_refcounts=on", img, check=True)
            self.assertTrue(fmt_specific(img)["lazy-refcounts"])
            self.assertEqual(qimg("check", img).returncode, 0)
            # down again, with zero clusters to expand (and a backing file
            # whose data they must keep hiding)
            kimg("create", "-q", "-f", "qcow2", base, "4M", check=True)
            qio("-c", "write -P 9 0 4M", base, check=True)
            kimg("amend", "-o", "backing_file=b.qcow2,backing_fmt=qcow2",
                 img, check=True)
            qio("-c", "write -z 1M 128k", "-c", "write -z 2M 4k", img,
                check=True)
            kimg("amend", "-o", "compat=0.10", img, check=True)
            self.assertEqual(fmt_specific(img)["compat"], "0.10")
            self.assertEqual(qimg("check", img).returncode, 0)
            qio("-r", "-c", "read -P 1 0 64k", "-c", "read -P 9 64k 64k",
                "-c", "read -P 0 1M 128k", "-c", "read -P 0 2M 4k",
                "-c", "read -P 9 3M 64k", img, check=True)
            for args, err in (
                    (["-o", "cluster_size=4k"],
                     "kemu-img: Invalid parameter 'cluster_size'\n"
                     "This option is only supported for image creation\n"),
                    (["-o", "foo=1"], "kemu-img: Invalid parameter 'foo'\n")):
                r = kimg("amend", *args, img)
                q = qimg("amend", *args, img)
                self.assertEqual(r.returncode, q.returncode)
                self.assertEqual(r.stderr, err)
                self.assertEqual(q.stderr.replace("qemu-img", "kemu-img"), err)
            raw = os.path.join(d, "r.img")
            kimg("create", "-q", "-f", "raw", raw, "1M", check=True)
            r = kimg("amend", "-f", "raw", "-o", "compat=1.1", raw)
            self.assertEqual(r.stderr, "kemu-img: Format driver 'raw' does "
                                       "not support option amendment\n")
