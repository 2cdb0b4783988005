# SPDX-License-Identifier: GPL-2.0-or-later
"""Finding and running the small test guests built in BUILD/tests/guest."""
import os
import subprocess
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("KEMU_BUILD", os.path.join(TOP, "build"))
BINARY = os.environ.get("KEMU_BINARY",
                        os.path.join(BUILD, "kemu-system-x86_64"))


def _kvm_missing():
    """Why /dev/kvm cannot be used here, or None."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm on this machine"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "no permission to open /dev/kvm"
    return None


def kemu_accels():
    """The accelerators this build lists under -accel help."""
    try:
        r = subprocess.run([BINARY, "-accel", "help"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if r.returncode:
        return set()
    return {l.strip() for l in r.stdout.splitlines()[1:] if l.strip()}


KVM_MISSING = _kvm_missing()
# Tests of KVM itself (its irqchip modes, -cpu host, KVM's own errors).
KVM_SKIP_REASON = f"needs KVM (/dev/kvm): {KVM_MISSING}" if KVM_MISSING else None

# Tests that run guest code, under the first of these this machine has.
# Taking "tcg" out of the tuple keeps guests off TCG.
GUEST_ACCELS = ("kvm", "tcg")


def _guest_accel():
    have = kemu_accels()
    for name in GUEST_ACCELS:
        if name in have and (name != "kvm" or not KVM_MISSING):
            return name, None
    why = [KVM_MISSING or "kvm is not built in"]
    if "tcg" not in have:
        why.append("kemu has no TCG accelerator yet")
    return None, "needs KVM (/dev/kvm) or TCG: " + "; ".join(why)


GUEST_ACCEL, GUEST_SKIP_REASON = _guest_accel()
# Tests of TCG itself (the translator against the host CPU or QEMU).
TCG_SKIP_REASON = (None if "tcg" in kemu_accels()
                   else "needs TCG: kemu has no TCG accelerator yet")
# Tests that only need a machine to exist (monitors, chardevs, memory
# seen from the monitor): no guest instruction runs, so any host will do.
MACHINE_ACCEL = "qtest"


def guest_accel_args():
    """-accel for a test that runs guest code (skipped when there is none)."""
    return ["-accel", GUEST_ACCEL or "kvm"]


def guest_image(name):
    path = os.path.join(BUILD, "tests", "guest", name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"test guest {path} was not built")
    return path


def run_kemu(args, timeout=60, input=None):
    """Runs kemu to completion; a hang is killed and reported as status -9."""
    try:
        return subprocess.run([BINARY] + list(args), input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, errors="replace", timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(args, -9, out, err + "\n(timed out)")


class HmpStdioCase(unittest.TestCase):
    """kemu with the human monitor on stdio pipes, under the qtest
    accelerator (accel = None: the one that runs guests)."""
    accel = MACHINE_ACCEL

    def accel_args(self):
        return ["-accel", self.accel] if self.accel else guest_accel_args()

    def start_proc(self, *args):
        """Starts kemu; returns (process, monitor client, banner)."""
        from kemu_test import PROMPT, Hmp
        p = subprocess.Popen([BINARY, "-display", "none"] + self.accel_args() +
                             ["-monitor", "stdio"] + list(args),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop, p)
        mon = Hmp(p.stdout.fileno(), lambda b: (p.stdin.write(b),
                                                 p.stdin.flush()))
        return p, mon, mon.read_until(PROMPT)

    def start(self, *args):
        return self.start_proc(*args)[1]

    def stop(self, p):
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdin.close()
        p.stdout.close()

    def stopped(self, *extra):
        """hello.mb booted directly, stopped before its first instruction."""
        return self.start("-kernel", guest_image("hello.mb"), "-S", *extra)
