# SPDX-License-Identifier: GPL-2.0-or-later
"""Keys and pointer from the monitor to the guest's PS/2 devices, read
back at the 8042's ports over qtest: sendkey and send-key in scan code
set 2 and translated set 1, the Pause key, mouse_move/mouse_button and
input-send-event as PS/2 mouse packets in stream mode, 2:1 scaling, the
IntelliMouse wheel, remote mode."""

import os
import shutil
import tempfile
import time
import unittest

from kemu_test import QTest, qmp_unix


class InputCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-input-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        sock = os.path.join(self.tmp, "qmp.sock")
        self.q = QTest(["-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(self.q.close)
        self.qmp = qmp_unix(self, sock)

    def hmp(self, line):
        return self.qmp.ret("human-monitor-command", {"command-line": line})

    def read_bytes(self, n, aux=None):
        """n bytes from the 8042's output buffer, waiting (10 s or more)
        for each: key releases come from a host timer."""
        out = []
        deadline = time.monotonic() + 15
        while len(out) < n:
            st = self.q.inb(0x64)
            if st & 1:
                if aux is not None:
                    self.assertEqual(bool(st & 0x20), aux, f"status {st:#x}")
                out.append(self.q.inb(0x60))
                continue
            self.assertLess(time.monotonic(), deadline,
                            f"only got {[hex(b) for b in out]}")
            time.sleep(0.01)
        return out

    def assert_empty(self):
        self.assertEqual(self.q.inb(0x64) & 1, 0)

    def ctrl(self, cmd, data=None):
        self.q.outb(0x64, cmd)
        if data is not None:
            self.q.outb(0x60, data)

    def mouse_cmd(self, *bytes_):
        for b in bytes_:
            self.ctrl(0xd4, b)
            self.assertEqual(self.read_bytes(1, aux=True), [0xfa])


class TestKeyboard(InputCase):
    def test_sendkey_set2(self):
        self.assertEqual(self.hmp("sendkey a"), "")
        self.assertEqual(self.read_bytes(3), [0x1c, 0xf0, 0x1c])
        self.hmp("sendkey ctrl-alt-delete 10")
        # Presses in order, releases in reverse; extended keys get 0xe0.
        self.assertEqual(self.read_bytes(11),
                         [0x14, 0x11, 0xe0, 0x71,
                          0xe0, 0xf0, 0x71, 0xf0, 0x11, 0xf0, 0x14])
        self.assert_empty()

    def test_sendkey_translated(self):
        # Command byte with translation on: the guest sees set 1.
        self.ctrl(0x60, 0x45)
        self.hmp("sendkey shift-0x1e")
        self.assertEqual(self.read_bytes(4), [0x2a, 0x1e, 0x9e, 0xaa])
        self.hmp("sendkey kp_enter")
        self.assertEqual(self.read_bytes(4), [0xe0, 0x1c, 0xe0, 0x9c])

    def test_pause_and_set1_keyboard(self):
        self.hmp("sendkey pause")
        self.assertEqual(self.read_bytes(8), [0xe1, 0x14, 0x77, 0xe1, 0xf0,
                                              0x14, 0xf0, 0x77])
        # The keyboard switched to set 1 (translation off) sends set 1.
        self.q.outb(0x60, 0xf0)
        self.assertEqual(self.read_bytes(1), [0xfa])
        self.q.outb(0x60, 0x01)
        self.assertEqual(self.read_bytes(1), [0xfa])
        self.hmp("sendkey f7")
        self.assertEqual(self.read_bytes(2), [0x41, 0xc1])
        self.q.outb(0x60, 0xf0)
        self.assertEqual(self.read_bytes(1), [0xfa])
        self.q.outb(0x60, 0x02)
        self.assertEqual(self.read_bytes(1), [0xfa])
        self.hmp("sendkey f7")
        self.assertEqual(self.read_bytes(3), [0x83, 0xf0, 0x83])

    def test_send_key_qmp_and_errors(self):
        self.qmp.ret("send-key", {"keys": [{"type": "qcode", "data": "b"}],
                                  "hold-time": 5})
        self.assertEqual(self.read_bytes(3), [0x32, 0xf0, 0x32])
        r = self.qmp.cmd("send-key", {"keys": [{"type": "qcode",
                                                "data": "foo"}]})
        self.assertEqual(r["error"]["desc"],
                         "Parameter 'data' does not accept value 'foo'")
        self.assertEqual(self.hmp("sendkey ctrl-foo"),
                         "invalid parameter: foo\r\n")
        self.assertEqual(self.hmp("sendkey"),
                         "sendkey: string expected\r\n"
                         "Try \"help sendkey\" for more information\r\n")
        time.sleep(0.3)
        self.assert_empty()

    def test_disabled_keyboard_gets_nothing(self):
        self.q.outb(0x60, 0xf5)             # disable scanning
        self.assertEqual(self.read_bytes(1), [0xfa])
        self.hmp("sendkey a 1")
        time.sleep(0.3)
        self.assert_empty()


class TestMouse(InputCase):
    def enable(self):
        self.ctrl(0xa8)                     # enable the aux port
        self.mouse_cmd(0xf4)                # enable reporting

    def test_no_packets_before_enable(self):
        self.hmp("mouse_move 5 5")
        self.assert_empty()

    def test_move_and_buttons(self):
        self.enable()
        self.hmp("mouse_move 10 -5")
        # Screen up is PS/2 +y.
        self.assertEqual(self.read_bytes(3, aux=True), [0x08, 10, 5])
        self.hmp("mouse_move -3 4")
        self.assertEqual(self.read_bytes(3, aux=True), [0x38, 0xfd, 0xfc])
        self.hmp("mouse_button 1")
        self.assertEqual(self.read_bytes(3, aux=True), [0x09, 0, 0])
        self.hmp("mouse_button 3")          # 2 is right
        self.assertEqual(self.read_bytes(3, aux=True), [0x0b, 0, 0])
        self.hmp("mouse_button 0")
        self.assertEqual(self.read_bytes(3, aux=True), [0x08, 0, 0])
        # Big moves are split into packets of at most 255.
        self.hmp("mouse_move 300 0")
        self.assertEqual(self.read_bytes(6, aux=True),
                         [0x08, 255, 0, 0x08, 45, 0])
        self.assert_empty()

    def test_scaling_and_remote_mode(self):
        self.enable()
        self.mouse_cmd(0xe7)                # 2:1 scaling
        self.hmp("mouse_move 3 0")
        self.assertEqual(self.read_bytes(3, aux=True), [0x08, 3, 0])
        self.hmp("mouse_move 5 0")
        self.assertEqual(self.read_bytes(3, aux=True), [0x08, 9, 0])
        self.hmp("mouse_move 20 0")
        self.assertEqual(self.read_bytes(3, aux=True), [0x08, 40, 0])
        self.mouse_cmd(0xe6, 0xf0)          # 1:1, remote mode
        self.hmp("mouse_move 7 0")
        self.assert_empty()
        self.ctrl(0xd4, 0xeb)               # read data
        self.assertEqual(self.read_bytes(4, aux=True), [0xfa, 0x08, 7, 0])

    def test_intellimouse_wheel(self):
        self.enable()
        self.ctrl(0xd4, 0xf2)
        self.assertEqual(self.read_bytes(2, aux=True), [0xfa, 0x00])
        self.mouse_cmd(0xf3, 200, 0xf3, 100, 0xf3, 80)
        self.ctrl(0xd4, 0xf2)
        self.assertEqual(self.read_bytes(2, aux=True), [0xfa, 0x03])
        self.hmp("mouse_move 0 0 1")        # wheel up
        self.assertEqual(self.read_bytes(4, aux=True), [0x08, 0, 0, 0xff])
        # One notch down per mouse_move, whatever dz's size.
        self.hmp("mouse_move 1 0 -2")
        self.assertEqual(self.read_bytes(4, aux=True), [0x08, 1, 0, 0x01])
        self.assert_empty()
        # Explorer: 200, 200, 80 gives id 4.
        self.mouse_cmd(0xf3, 200, 0xf3, 200, 0xf3, 80)
        self.ctrl(0xd4, 0xf2)
        self.assertEqual(self.read_bytes(2, aux=True), [0xfa, 0x04])

    def test_input_send_event(self):
        self.enable()
        self.qmp.ret("input-send-event", {"events": [
            {"type": "rel", "data": {"axis": "x", "value": 4}},
            {"type": "rel", "data": {"axis": "y", "value": 2}},
            {"type": "btn", "data": {"button": "right", "down": True}}]})
        # One report, one packet.
        self.assertEqual(self.read_bytes(3, aux=True), [0x2a, 4, 0xfe])
        self.assert_empty()
        r = self.qmp.cmd("input-send-event", {"events": [
            {"type": "btn", "data": {"button": "foo", "down": True}}]})
        self.assertEqual(r["error"]["desc"],
                         "Parameter 'button' does not accept value 'foo'")
        self.qmp.ret("stop")
        r = self.qmp.cmd("input-send-event", {"events": []})
        self.assertEqual(r["error"]["desc"], "VM not running")


if __name__ == "__main__":
    unittest.main()
