# SPDX-License-Identifier: GPL-2.0-or-later
"""kemu on a real terminal: tmux runs it in a pane and we type keys.

The monitor on stdio (banner, prompt, line editing, history), the mux on
-serial mon:stdio and -nographic (guest output, Ctrl-a c/h/x), the stdio
terminal restored on every exit path (stty -g inside the pane before and
after kemu), and the monitor behind a real telnet client."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from kemu_guest import (BINARY, GUEST_ACCEL, GUEST_SKIP_REASON, MACHINE_ACCEL,
                        guest_image)

PROMPT = "(qemu) "
TOOLS_SKIP = next((f"{t} is not installed" for t in ("tmux", "telnet")
                   if shutil.which(t) is None), None)
HELLO = "hello from the kemu test guest"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pane:
    """One tmux server of our own (no user config) with one pane running
    a shell script: it records `stty -g`, runs the command, records its
    exit status and `stty -g` again, then idles so the screen stays."""

    def __init__(self, case, cmd, width=160, height=50):
        self.dir = tempfile.mkdtemp(prefix="kemu-term-")
        case.addCleanup(self.close)
        # Named after the unique temp dir: id(self) can repeat while an
        # earlier pane's tmux server is still going away.
        self.sock = "kemu-test-" + os.path.basename(self.dir)
        script = os.path.join(self.dir, "run.sh")
        q = " ".join("'" + a.replace("'", "'\\''") + "'" for a in cmd)
        with open(script, "w") as f:
            # The trap keeps the script alive through a Ctrl-C meant for
            # kemu (kemu itself gets the default action back).
            f.write("trap : INT\n"
                    f"stty -g > {self.dir}/before\n"
                    f"{q}\n"
                    f"echo $? > {self.dir}/rc.tmp\n"
                    f"stty -g > {self.dir}/after\n"
                    f"mv {self.dir}/rc.tmp {self.dir}/rc\n"
                    "echo '<<script done>>'\n"
                    "exec sleep 3600\n")
        env = dict(os.environ, TERM="xterm")
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                  "-s", "t", "sh " + script, env=env)

    def tmux(self, *args, env=None):
        return subprocess.run(["tmux", "-f", "/dev/null", "-L", self.sock] +
                              list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env,
                              timeout=30, check=True).stdout

    def keys(self, *keys):
        """tmux key names: "Enter", "Left", "C-a", "BSpace"..."""
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def screen(self):
        """The whole pane, history included, lines joined back."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t")

    def wait(self, pred, what, timeout=60):
        end = time.monotonic() + timeout
        while True:
            s = self.screen()
            if pred(s):
                return s
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}:\n{s}")
            time.sleep(0.1)

    def first_switch_to_monitor(self):
        """Ctrl-a c right after start-up; sent again if the prompt does not
        show, since keys can beat the monitor's attachment to the mux."""
        for _ in range(10):
            self.keys("C-a", "c")
            try:
                return self.wait_text(PROMPT, timeout=5)
            except AssertionError:
                continue
        return self.wait_text(PROMPT)

    def wait_text(self, text, count=1, timeout=60):
        return self.wait(lambda s: s.count(text) >= count,
                         f"{count} x {text!r}", timeout)

    def enter(self, text=""):
        """Types text and Enter; waits for the next monitor prompt and
        returns the screen."""
        n = self.screen().count(PROMPT)
        if text:
            self.type(text)
        self.keys("Enter")
        return self.wait_text(PROMPT, n + 1)

    def status(self, timeout=60):
        """Waits for the command to end; returns its exit status."""
        path = os.path.join(self.dir, "rc")
        self.wait(lambda s: os.path.exists(path), "the command to exit",
                  timeout)
        with open(path) as f:
            return int(f.read())

    def stty(self, which):
        with open(os.path.join(self.dir, which)) as f:
            return f.read().strip()

    def wait_raw(self, timeout=60):
        """Waits until kemu has put the pane's terminal in raw mode: keys
        typed before that could be lost or cooked."""
        tty = self.tmux("display-message", "-p", "-t", "t",
                        "#{pane_tty}").strip()
        end = time.monotonic() + timeout
        while True:
            r = subprocess.run(["stty", "-F", tty, "-a"], text=True,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            if "-icanon" in r.stdout.split():
                return
            if time.monotonic() > end:
                raise AssertionError("the terminal never went raw:\n" +
                                     self.screen())
            time.sleep(0.05)

    def kemu_pid(self, timeout=60):
        """The pane's shell's child (kemu, while it runs)."""
        sh = int(self.tmux("display-message", "-p", "-t", "t",
                           "#{pane_pid}"))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with open(f"/proc/{sh}/task/{sh}/children") as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            if kids:
                return int(kids[0])
            time.sleep(0.05)
        raise AssertionError("kemu did not start")

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


# A machine is enough for the terminal and the monitor: qtest.
BASE = [BINARY, "-display", "none", "-accel", MACHINE_ACCEL]
# Where the guest's own output is part of the test: KVM or TCG if this
# machine has one (checked only then), else qtest.
MUX_ACCEL = GUEST_ACCEL or MACHINE_ACCEL
MUX_BASE = [BINARY, "-display", "none", "-accel", MUX_ACCEL]
GUEST_RUNS = MUX_ACCEL != MACHINE_ACCEL


@unittest.skipIf(TOOLS_SKIP, TOOLS_SKIP)
class MonitorStdioTest(unittest.TestCase):
    def test_banner_editing_history(self):
        p = Pane(self, BASE + ["-S", "-nodefaults", "-monitor", "stdio"])
        s = p.wait_text(PROMPT)
        p.wait_raw()
        self.assertIn("kemu", s)
        self.assertIn("monitor - type 'help' for more information", s)
        # Type "info tatus", go back over "tatus", insert the "s", then
        # a stray "x" removed with backspace.
        p.type("info tatus")
        p.keys(*["Left"] * 5)
        p.type("sx")
        p.keys("BSpace", "Enter")
        p.wait_text("VM status: paused (prelaunch)")
        # Editing at the end: a typo and backspaces.
        p.type("info nmaex")
        p.keys("BSpace", "BSpace", "BSpace", "BSpace")
        p.type("ame")
        p.enter()
        # Up twice recalls "info status"; running it prints it again.
        p.keys("Up", "Up")
        p.wait(lambda s: s.rstrip().endswith("(qemu) info status"),
               "history recall")
        p.keys("Enter")
        p.wait_text("VM status: paused (prelaunch)", 2)
        # Home and Delete.
        p.type("xinfo kvm")
        p.keys("Home", "DC")
        p.enter()
        p.wait_text("kvm support: disabled")
        s = p.enter("info history")
        # A repeated line moves to the end of the history, as in QEMU.
        for i, c in enumerate(["info name", "info status", "info kvm",
                               "info history"]):
            self.assertIn(f"{i}: '{c}'", s)
        self.assertNotIn("unknown command", s)
        p.type("quit")
        p.keys("Enter")
        self.assertEqual(p.status(), 0)
        self.assertEqual(p.stty("before"), p.stty("after"))


@unittest.skipIf(TOOLS_SKIP, TOOLS_SKIP)
class MuxTest(unittest.TestCase):
    def test_nographic_console_and_monitor(self):
        """-nographic: the serial console first, Ctrl-a c to the monitor
        and back, Ctrl-a h, Ctrl-a x; -S then cont."""
        p = Pane(self, MUX_BASE + ["-nographic", "-S",
                                   "-kernel", guest_image("hello.mb")])
        p.wait_raw()
        # The console has the focus: go to the monitor.
        p.first_switch_to_monitor()
        p.type("info status")
        p.keys("Enter")
        p.wait_text("VM status: paused (prelaunch)")
        self.assertNotIn(HELLO, p.screen())
        p.type("cont")
        p.keys("Enter")
        if GUEST_RUNS:
            p.wait_text(HELLO)
        p.type("info status")
        p.keys("Enter")
        p.wait_text("VM status: running")
        # Back to the console: typed bytes go to the guest's UART, not to
        # the monitor's line.
        p.keys("C-a", "c")
        p.type("junk")
        p.keys("C-a", "c")
        p.type("info kvm")
        p.keys("Enter")
        s = p.wait_text("kvm support: " + ("enabled" if MUX_ACCEL == "kvm"
                                           else "disabled"))
        self.assertNotIn("junk", s)
        self.assertNotIn("unknown command", s)
        # Leaving the monitor ends the prompt's line (as QEMU): no
        # "(qemu) (qemu) " when it comes back.
        self.assertNotIn("(qemu) (qemu)", s)
        p.keys("C-a", "h")
        s = p.wait_text("C-a c    switch between console and monitor")
        self.assertIn("C-a x    exit emulator", s)
        p.keys("C-a", "x")
        self.assertEqual(p.status(), 0)
        self.assertIn("kemu: Terminated", p.screen())
        self.assertEqual(p.stty("before"), p.stty("after"))

    def test_serial_mon_stdio(self):
        p = Pane(self, MUX_BASE + ["-serial", "mon:stdio",
                                   "-kernel", guest_image("hello.mb")])
        if GUEST_RUNS:
            p.wait_text(HELLO)
            p.wait_text("TEST PASS")
        else:
            p.wait_raw()
        p.keys("C-a", "c")
        p.wait_text(PROMPT)
        p.type("info status")
        p.keys("Enter")
        p.wait_text("VM status: running")
        p.type("quit")
        p.keys("Enter")
        self.assertEqual(p.status(), 0)
        self.assertEqual(p.stty("before"), p.stty("after"))


@unittest.skipIf(TOOLS_SKIP, TOOLS_SKIP)
class RestoreTest(unittest.TestCase):
    """The terminal settings after kemu are the ones before it."""

    def check(self, p, status):
        self.assertEqual(p.status(), status)
        self.assertEqual(p.stty("before"), p.stty("after"))

    def test_after_ctrl_a_x(self):
        p = Pane(self, BASE + ["-S", "-nodefaults", "-serial", "mon:stdio"])
        p.wait_raw()
        p.keys("C-a", "x")
        self.check(p, 0)

    def test_after_quit(self):
        p = Pane(self, BASE + ["-S", "-nographic"])
        p.wait_raw()
        p.first_switch_to_monitor()
        p.type("quit")
        p.keys("Enter")
        self.check(p, 0)

    def test_after_sigterm(self):
        p = Pane(self, BASE + ["-S", "-nodefaults", "-monitor", "stdio"])
        p.wait_text(PROMPT)
        p.wait_raw()
        os.kill(p.kemu_pid(), signal.SIGTERM)
        self.check(p, 0)
        self.assertIn("terminating on signal 15", p.screen())

    def test_after_ctrl_c(self):
        """-monitor stdio keeps ISIG: Ctrl-C ends kemu as SIGINT does."""
        p = Pane(self, BASE + ["-S", "-nodefaults", "-monitor", "stdio"])
        p.wait_text(PROMPT)
        p.wait_raw()
        p.keys("C-c")
        self.check(p, 0)
        self.assertIn("terminating on signal 2", p.screen())

    def test_ctrl_c_goes_to_the_guest_on_mon_stdio(self):
        """mon:stdio implies signal=off: Ctrl-C is a byte, not a signal."""
        p = Pane(self, BASE + ["-S", "-nodefaults", "-serial", "mon:stdio"])
        p.wait_raw()
        p.keys("C-c")
        p.first_switch_to_monitor()
        p.type("info status")
        p.keys("Enter")
        p.wait_text("VM status: paused (prelaunch)")
        p.type("quit")
        p.keys("Enter")
        self.check(p, 0)
        self.assertNotIn("terminating on signal", p.screen())

    @unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
    def test_after_triple_fault(self):
        p = Pane(self, MUX_BASE + ["-nographic", "-no-reboot",
                               "-kernel", guest_image("triple-fault.mb")])
        p.wait_text("triple faulting")
        self.check(p, 0)


@unittest.skipIf(TOOLS_SKIP, TOOLS_SKIP)
class TelnetTest(unittest.TestCase):
    def test_telnet_monitor(self):
        port = free_port()
        kemu = subprocess.Popen(
            BASE + ["-S", "-nodefaults", "-monitor",
                    f"telnet:127.0.0.1:{port},server=on,wait=off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (kemu.poll() is None and kemu.kill(),
                                 kemu.wait()))
        end = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 5).close()
                break
            except OSError:
                self.assertIsNone(kemu.poll())
                self.assertLess(time.monotonic(), end)
                time.sleep(0.05)
        # A probe connection came and went; the real client comes next.
        p = Pane(self, ["telnet", "127.0.0.1", str(port)])
        p.wait_text(PROMPT)
        p.type("info status")
        p.keys("Enter")
        p.wait_text("VM status: paused (prelaunch)")
        # Line editing works through telnet's character mode too.
        p.type("info nme")
        p.keys("Left", "Left")
        p.type("a")
        p.keys("Enter")
        p.type("cont")
        p.keys("Enter")
        p.type("info status")
        p.keys("Enter")
        s = p.wait_text("VM status: running")
        self.assertNotIn("unknown command", s)
        p.type("quit")
        p.keys("Enter")
        self.assertEqual(kemu.wait(timeout=60), 0)
        p.wait_text("Connection closed by foreign host")


if __name__ == "__main__":
    unittest.main()
