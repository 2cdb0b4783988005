# SPDX-License-Identifier: GPL-2.0-or-later
"""QMP over a unix socket with a Python stdlib client: greeting,
negotiation, reply shapes (compared with QEMU 7.2 run beside kemu when it
is installed), error classes, events in order, pretty output, and fuzzed
input that must leave the monitor answering."""
import json
import os
import random
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import QmpStream, binary, start_qmp, stop  # noqa: E402

QEMU = shutil.which("qemu-system-x86_64")
QBOOT = "/usr/share/qemu/qboot.rom"
KVM_OK = os.access("/dev/kvm", os.R_OK | os.W_OK)


def vm_args(sock, pretty=False, prog=None):
    """A stopped machine (-S) with QMP on sock. No guest code runs: kemu
    takes qtest where there is no KVM, QEMU its TCG."""
    args = ["-qmp-pretty" if pretty else "-qmp",
            f"unix:{sock},server,nowait", "-display", "none", "-S",
            "-name", "qmptest"]
    if KVM_OK:
        args += ["-accel", "kvm"]
    else:
        args += ["-accel", "tcg" if prog == QEMU else "qtest"]
    if os.path.exists(QBOOT):
        args += ["-bios", QBOOT]
    return args


class Qmp(QmpStream):
    """QMP of prog (kemu or QEMU) started by vm_args with args ("pretty"
    among them selects -qmp-pretty)."""

    prefix = "kemu-qmp-"

    def __init__(self, prog, args, timeout=30):
        self.dir, self.proc, sock = start_qmp(
            lambda path: self.cmdline(prog, path, args), self.prefix,
            timeout)
        super().__init__(sock)

    def cmdline(self, prog, path, args):
        return [prog] + vm_args(path, "pretty" in args, prog) + \
            [a for a in args if a != "pretty"]

    def sync(self, tag):
        """Resynchronises after bad input (0xff is never valid JSON) and
        returns the reply to a request tagged with tag, skipping the
        error replies the bad input caused, however many."""
        self.send(b"\xff\n")
        self.send(json.dumps({"execute": "query-status", "id": tag}))
        while True:
            r = self.reply()
            if r.get("id") == tag:
                return r
            if "error" not in r:
                raise AssertionError(f"unexpected reply {r}")

    def close(self):
        try:
            self.sock.close()
        finally:
            res = stop(self.proc)
            shutil.rmtree(self.dir, ignore_errors=True)
        return res


def shape(v):
    """Structure without values: key sets and JSON types."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    return type(v).__name__


SAME_SHAPE = ["query-version", "query-status", "query-name", "query-uuid",
              "query-kvm", "query-cpus-fast", "query-target",
              "query-hotpluggable-cpus", "query-commands"]

SAME_REPLY = [
    {"execute": "query-status", "arguments": {"a": 1}},
    {"execute": "nope", "id": [1]},
    {"foo": 1},
    {"execute": 1},
    {"execute": "query-name", "arguments": []},
    {"execute": "qom-get", "arguments": {"path": "/machine"}},
    {"execute": "qom-get", "arguments": {"path": "/nope",
                                         "property": "type"}},
    {"execute": "qom-get", "arguments": {"path": "/machine",
                                         "property": 1}},
    {"execute": "device-list-properties", "arguments": {"typename": "nope"}},
    {"execute": "human-monitor-command", "arguments": {}},
]


class QmpCase(unittest.TestCase):
    def setUp(self):
        self.q = Qmp(binary(), [])
        self.addCleanup(self.q.close)

    def negotiate(self, q=None):
        q = q or self.q
        self.assertEqual(q.cmd("qmp_capabilities", id=1),
                         {"return": {}, "id": 1})

    def test_greeting_and_negotiation(self):
        g = self.q.greeting
        self.assertEqual(g, {"QMP": {"version": {"qemu": {
            "micro": 0, "minor": 1, "major": 0}, "package": "kemu"},
            "capabilities": ["oob"]}})
        r = self.q.cmd("query-status", id="a")
        self.assertEqual(r["error"]["class"], "CommandNotFound")
        self.assertEqual(r["error"]["desc"], "Expecting capabilities "
                         "negotiation with 'qmp_capabilities'")
        self.assertEqual(r["id"], "a")
        self.negotiate()
        r = self.q.cmd("qmp_capabilities")
        self.assertEqual(r["error"]["class"], "CommandNotFound")

    def test_replies(self):
        q = self.q
        self.negotiate()
        self.assertEqual(q.ret("query-status"), {
            "status": "prelaunch", "singlestep": False, "running": False})
        self.assertEqual(q.ret("query-name"), {"name": "qmptest"})
        self.assertEqual(q.ret("query-target"), {"arch": "x86_64"})
        # QEMU's meaning: present = built in, enabled = in use.
        self.assertEqual(q.ret("query-kvm"), {"enabled": KVM_OK,
                                              "present": True})
        cpus = q.ret("query-cpus-fast")
        self.assertEqual(len(cpus), 1)
        self.assertEqual(cpus[0]["cpu-index"], 0)
        self.assertEqual(q.ret("qom-get", {"path": cpus[0]["qom-path"],
                                           "property": "type"}),
                         q.ret("query-hotpluggable-cpus")[0]["type"])
        names = {c["name"] for c in q.ret("query-commands")}
        for n in ["qmp_capabilities", "query-status", "qom-list", "quit",
                  "human-monitor-command", "device-list-properties"]:
            self.assertIn(n, names)
        machines = q.ret("query-machines")
        self.assertIn("pc-i440fx-7.2", [m["name"] for m in machines])
        self.assertTrue(any(m.get("is-default") for m in machines))
        self.assertIn({"name": "type", "type": "string"},
                      q.ret("qom-list", {"path": "/machine"}))
        types = [t["name"] for t in
                 q.ret("qom-list-types", {"implements": "machine"})]
        self.assertIn("pc-i440fx-7.2-machine", types)
        props = q.ret("device-list-properties", {"typename": "isa-serial"})
        chardev = [p for p in props if p["name"] == "chardev"]
        self.assertEqual(len(chardev), 1, props)
        self.assertEqual(chardev[0]["type"], "str")
        self.assertTrue(chardev[0]["description"])
        self.assertIn("VM status: paused", q.ret(
            "human-monitor-command", {"command-line": "info status"}))
        # Two requests in one write, each answered, ids kept.
        q.send('{"execute":"query-target","id":1}'
               '{"execute":"query-name","id":{"x":[2]}}')
        self.assertEqual(q.reply()["id"], 1)
        self.assertEqual(q.reply()["id"], {"x": [2]})

    def test_qom_set(self):
        q = self.q
        self.negotiate()
        path = q.ret("query-cpus-fast")[0]["qom-path"]
        props = {p["name"]: p["type"] for p in
                 q.ret("qom-list", {"path": path})}
        self.assertIn("type", props)
        r = q.cmd("qom-set", {"path": "/machine", "property": "nope",
                              "value": 1})
        self.assertEqual(r["error"]["class"], "GenericError")
        r = q.cmd("qom-set", {"path": "/nope", "property": "x", "value": 1})
        self.assertEqual(r["error"]["class"], "DeviceNotFound")

    def test_events_in_order(self):
        q = self.q
        self.negotiate()
        q.ret("cont")
        q.ret("stop")
        q.ret("cont")
        q.ret("stop")
        got = [q.event(n)["event"] for n in
               ("RESUME", "STOP", "RESUME", "STOP")]
        self.assertEqual(got, ["RESUME", "STOP", "RESUME", "STOP"])
        q.ret("system_reset")
        e = q.event("RESET")
        self.assertEqual(e["data"], {"guest": False,
                                     "reason": "host-qmp-system-reset"})
        self.assertEqual(set(e["timestamp"]), {"seconds", "microseconds"})
        self.assertGreater(e["timestamp"]["seconds"], 1600000000)
        q.ret("system_powerdown")
        self.assertNotIn("data", q.event("POWERDOWN"))
        q.ret("quit")
        e = q.event("SHUTDOWN")
        self.assertEqual(e["data"], {"guest": False,
                                     "reason": "host-qmp-quit"})
        res = stop(q.proc, sig=None)
        self.assertEqual(res.status, 0, res)

    def alive(self, tag):
        """The monitor still answers."""
        self.assertIn("status", self.q.sync(tag)["return"])

    def test_fuzz(self):
        q = self.q
        self.negotiate()
        rnd = random.Random(1234)
        q.send(bytes(rnd.randrange(256) for _ in range(100000)))
        self.alive("random")
        q.send('{"execute": "query-status", "argu')
        self.alive("truncated")
        q.send("[" * 200 + "]" * 200)
        self.assertEqual(q.reply()["error"]["desc"],
                         "QMP input must be a JSON object")
        q.send("[" * 5000 + "]" * 5000)
        self.assertEqual(q.reply()["error"]["desc"],
                         "JSON nesting depth limit exceeded")
        self.alive("deep")
        big = b'{"execute": "human-monitor-command", "arguments": ' \
              b'{"command-line": "' + b"a" * (10 << 20) + b'"}}\n'
        q.send(big)
        self.assertEqual(q.reply()["error"]["desc"],
                         "JSON token size limit exceeded")
        self.alive("big")
        q.send(b"x" * (10 << 20) + b"\n")
        self.assertIn("limit exceeded", q.reply()["error"]["desc"])
        self.alive("bigword")
        self.assertIsNone(q.proc.poll())

    def test_pretty(self):
        p = Qmp(binary(), ["pretty"])
        self.addCleanup(p.close)
        p.send('{"execute":"qmp_capabilities"}')
        # The raw bytes of a pretty reply, as QEMU lays them out.
        deadline = time.monotonic() + 30
        while b"}\r\n}\r\n" not in p.raw and time.monotonic() < deadline:
            p.raw += p.sock.recv(4096)
        self.assertEqual(p.raw.lstrip(), b'{\r\n    "return": {\r\n    }\r\n}\r\n')


@unittest.skipUnless(QEMU, "qemu-system-x86_64 is not installed")
class CompareWithQemu(unittest.TestCase):
    """The same requests to kemu and to QEMU 7.2: same reply structure."""

    @classmethod
    def setUpClass(cls):
        cls.k = Qmp(binary(), [])
        cls.r = Qmp(QEMU, [])
        for q in (cls.k, cls.r):
            q.cmd("qmp_capabilities")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()
        cls.r.close()

    def test_greeting_shape(self):
        self.assertEqual(shape(self.k.greeting), shape(self.r.greeting))

    def test_reply_shapes(self):
        for name in SAME_SHAPE:
            with self.subTest(name):
                self.assertEqual(shape(self.k.cmd(name)),
                                 shape(self.r.cmd(name)))

    def test_machine_entry(self):
        km = {m["name"]: m for m in self.k.ret("query-machines")}
        qm = {m["name"]: m for m in self.r.ret("query-machines")}
        self.assertEqual(shape(km["pc-i440fx-7.2"]),
                         shape(qm["pc-i440fx-7.2"]))

    def test_error_replies(self):
        for req in SAME_REPLY:
            with self.subTest(req):
                self.k.send(json.dumps(req))
                self.r.send(json.dumps(req))
                self.assertEqual(self.k.reply(), self.r.reply())

    def test_parse_errors(self):
        for raw in ["xx ", '{"a" 1}', "}", "\x01"]:
            with self.subTest(raw):
                self.k.send(raw)
                self.r.send(raw)
                k, r = self.k.reply(), self.r.reply()
                self.assertEqual(set(k["error"]), set(r["error"]))
                self.assertEqual(k["error"]["class"], r["error"]["class"])
                self.assertTrue(k["error"]["desc"].startswith("JSON parse"))
            self.k.sync(raw)
            self.r.sync(raw)

    def test_qom(self):
        for args in [{"path": "/machine", "property": "type"}]:
            self.assertEqual(shape(self.k.cmd("qom-get", args)),
                             shape(self.r.cmd("qom-get", args)))
        kp = {p["name"]: p for p in self.k.ret(
            "device-list-properties", {"typename": "isa-serial"})}
        qp = {p["name"]: p for p in self.r.ret(
            "device-list-properties", {"typename": "isa-serial"})}
        # Same names, types and defaults; descriptions are our own words.
        for name in ("chardev", "iobase", "irq", "wakeup"):
            k = {x: v for x, v in kp[name].items() if x != "description"}
            q = {x: v for x, v in qp[name].items() if x != "description"}
            self.assertEqual(k, q)
            self.assertEqual("description" in kp[name],
                             "description" in qp[name])


if __name__ == "__main__":
    unittest.main()
