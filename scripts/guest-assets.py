#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Linux guest assets from Debian's packages, cached by package version.

  guest-assets.py kernel [--cache DIR]
      Prints the path of the Debian 6.1 amd64 kernel (vmlinuz), fetched
      with apt-get download through the linux-image-amd64 metapackage and
      unpacked once into DIR/linux-VERSION/.
  guest-assets.py initramfs --out FILE [--cache DIR] [--modules a,b,...]
                  [--init SCRIPT] [--file SRC:DST ...]
      Writes a gzip'd cpio (newc) initramfs: busybox-static with its
      applet links, the named kernel modules and what they depend on
      (loaded in dependency order by /init), an /init that mounts proc,
      sys and devtmpfs, loads the modules and then runs SCRIPT (a shell
      script; default: an interactive shell on the console).

Nothing is downloaded when the cache already holds the version that the
package index names. Everything comes from Debian's archive.
"""
import argparse
import glob
import gzip
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CACHE = os.path.join(TOP, "build", "assets")


def die(msg):
    print(f"guest-assets: {msg}", file=sys.stderr)
    sys.exit(1)


def kernel_package():
    """linux-image-6.1.0-N-amd64 and its version, via the metapackage."""
    def query():
        out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
        m = re.search(r"Depends:\s*(linux-image-[0-9][^\s]*-amd64)", out)
        return m.group(1) if m else None
    pkg = query()
    if not pkg:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
        pkg = query()
    if not pkg:
        die("cannot resolve linux-image-amd64 to a kernel package")
    ver = subprocess.run(["apt-cache", "policy", pkg], stdout=subprocess.PIPE,
                         text=True).stdout
    m = re.search(r"Candidate:\s*(\S+)", ver)
    if not m or m.group(1) == "(none)":
        die(f"no candidate version for {pkg}")
    return pkg, m.group(1)


def fetch_kernel(cache):
    pkg, ver = kernel_package()
    kver = pkg[len("linux-image-"):]
    dest = os.path.join(cache, f"linux-{kver}-{ver}")
    vmlinuz = os.path.join(dest, "boot", f"vmlinuz-{kver}")
    if os.path.exists(os.path.join(dest, ".complete")):
        return dest, kver, vmlinuz
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        # _apt cannot write into root-only folders: let it write in /tmp.
        os.chmod(tmp, 0o777)
        r = subprocess.run(["apt-get", "download", "-q", f"{pkg}={ver}"],
                           cwd=tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        if r.returncode != 0 or not debs:
            die(f"apt-get download {pkg} failed:\n{r.stdout}")
        unpack = os.path.join(tmp, "x")
        subprocess.run(["dpkg-deb", "-x", debs[0], unpack], check=True)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        shutil.move(os.path.join(unpack, "boot"), os.path.join(dest, "boot"))
        shutil.move(os.path.join(unpack, "lib"), os.path.join(dest, "lib"))
    open(os.path.join(dest, ".complete"), "w").close()
    return dest, kver, vmlinuz


def modinfo_depends(path):
    """The 'depends=' field of a module's .modinfo section."""
    with open(path, "rb") as f:
        data = f.read()
    m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
    if not m or not m.group(1):
        return []
    return m.group(1).decode().split(",")


def module_index(root, kver):
    index = {}
    for path in glob.glob(os.path.join(root, "lib", "modules", kver, "kernel",
                                       "**", "*.ko"), recursive=True):
        name = os.path.basename(path)[:-3].replace("-", "_")
        index[name] = path
    return index


def resolve_modules(names, index):
    """Modules in load order: dependencies first, each once."""
    order, seen = [], set()

    def visit(name, chain):
        name = name.replace("-", "_")
        if name in seen:
            return
        if name in chain:
            die(f"module dependency loop through {name}")
        if name not in index:
            die(f"no module {name} in the kernel package")
        for dep in modinfo_depends(index[name]):
            visit(dep, chain | {name})
        seen.add(name)
        order.append(name)
    for n in names:
        visit(n, set())
    return order


class Cpio:
    """A cpio archive in the 'newc' format the kernel unpacks."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(name_b), 0))
        self.ino += 1
        self.buf.write(hdr.encode() + name_b)
        self.buf.write(b"\0" * (-(110 + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


INIT = """#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for m in $(cat /etc/modules-order); do
    insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
if [ -x /test.sh ]; then
    /test.sh
    echo "init: test script exited with status $?"
    poweroff -f
fi
echo "kemu demo: a busybox shell on Linux; 'poweroff -f' ends the VM"
setsid cttyhack sh
poweroff -f
"""


def busybox_path():
    for p in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(p):
            out = subprocess.run(["file", "-L", p], stdout=subprocess.PIPE,
                                 text=True).stdout if shutil.which("file") else ""
            if "dynamically" not in out:
                return p
    die("busybox-static is not installed (scripts/install-deps.sh)")


def build_initramfs(args):
    root, kver, _ = fetch_kernel(args.cache)
    mods = [m for m in (args.modules or "").split(",") if m]
    index = module_index(root, kver) if mods else {}
    order = resolve_modules(mods, index)

    c = Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc", "sys",
              "dev", "tmp", "etc", "lib", "lib/modules", "root", "mnt"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    with open(busybox_path(), "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    applets = subprocess.run([busybox_path(), "--list-full"],
                             stdout=subprocess.PIPE, text=True,
                             check=True).stdout.split()
    for a in applets:
        if a != "bin/busybox":
            c.symlink(a, "/bin/busybox")
    for m in order:
        with open(index[m], "rb") as f:
            c.file(f"lib/modules/{m}.ko", f.read())
    c.file("etc/modules-order", ("\n".join(order) + "\n").encode())
    c.file("init", INIT.encode(), 0o755)
    if args.init:
        with open(args.init, "rb") as f:
            c.file("test.sh", f.read(), 0o755)
    for spec in args.file or []:
        src, _, dst = spec.partition(":")
        with open(src, "rb") as f:
            c.file(dst.lstrip("/"), f.read(), 0o755)
    data = gzip.compress(c.finish(), compresslevel=6, mtime=0)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print(args.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kernel")
    k.add_argument("--cache", default=DEFAULT_CACHE)
    i = sub.add_parser("initramfs")
    i.add_argument("--cache", default=DEFAULT_CACHE)
    i.add_argument("--out", required=True)
    i.add_argument("--modules")
    i.add_argument("--init")
    i.add_argument("--file", action="append")
    args = ap.parse_args()
    if args.cmd == "kernel":
        print(fetch_kernel(args.cache)[2])
    else:
        build_initramfs(args)


if __name__ == "__main__":
    main()
