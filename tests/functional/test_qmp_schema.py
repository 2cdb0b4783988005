# SPDX-License-Identifier: GPL-2.0-or-later
"""query-qmp-schema: kemu's schema lists exactly the registered commands
and its events, is self-consistent, and every command's reply to a
representative call validates against kemu's own schema and against
QEMU 7.2's (QEMU run beside kemu when installed)."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import binary  # noqa: E402
import test_qmp  # noqa: E402  (the client; its tests stay in test_qmp)

EVENTS = {"STOP", "RESUME", "RESET", "SHUTDOWN", "POWERDOWN", "BLOCK_IO_ERROR"}


def validate(schema, tname, v, path="$"):
    """Errors (a list of strings) of value v against type tname of a
    SchemaInfo list indexed by name."""
    t = schema.get(tname)
    if t is None:
        return [f"{path}: type {tname!r} not in schema"]
    meta = t["meta-type"]
    if meta == "builtin":
        jt = t["json-type"]
        ok = {"string": isinstance(v, str),
              "int": isinstance(v, int) and not isinstance(v, bool),
              "number": isinstance(v, (int, float)) and
              not isinstance(v, bool),
              "boolean": isinstance(v, bool), "null": v is None,
              "value": True}.get(jt, False)
        return [] if ok else [f"{path}: {v!r} is not {jt}"]
    if meta == "enum":
        return [] if v in t["values"] else \
            [f"{path}: {v!r} not in enum {t['values']}"]
    if meta == "array":
        if not isinstance(v, list):
            return [f"{path}: not an array"]
        errs = []
        for i, x in enumerate(v):
            errs += validate(schema, t["element-type"], x, f"{path}[{i}]")
        return errs
    if meta == "alternate":
        for m in t["members"]:
            if not validate(schema, m["type"], v, path):
                return []
        return [f"{path}: {v!r} matches no branch of alternate {tname}"]
    if meta != "object":
        return [f"{path}: {tname} is a {meta}, not a type"]
    if not isinstance(v, dict):
        return [f"{path}: {v!r} is not an object"]
    members = list(t["members"])
    if "tag" in t:
        tag = v.get(t["tag"])
        for var in t.get("variants", []):
            if var["case"] == tag:
                members += schema[var["type"]]["members"]
    errs = []
    known = {m["name"] for m in members}
    for k in v:
        if k not in known:
            errs.append(f"{path}: unexpected member {k!r}")
    for m in members:
        if m["name"] in v:
            errs += validate(schema, m["type"], v[m["name"]],
                             f"{path}.{m['name']}")
        elif "default" not in m:
            errs.append(f"{path}: missing member {m['name']!r}")
    return errs


def ring(size=1024):
    return {"type": "ringbuf", "data": {"size": size}}


def calls(tmp):
    """A representative call for every command kemu may register, in an
    order that leaves the VM usable (quit is tested on its own)."""
    disk = os.path.join(tmp, "disk.raw")
    for f in (disk, disk + "2", disk + "3"):
        with open(f, "wb") as fh:
            fh.truncate(1 << 20)
    return [
        ("qmp_capabilities", None),   # refused after negotiation: skipped
        ("query-version", None), ("query-status", None),
        ("query-name", None), ("query-uuid", None), ("query-kvm", None),
        ("query-target", None), ("query-commands", None),
        ("query-cpus-fast", None), ("query-hotpluggable-cpus", None),
        ("query-machines", None), ("query-qmp-schema", None),
        ("rtc-reset-reinjection", None),
        ("stop", None), ("cont", None),
        # Input needs a running VM, as in QEMU.
        ("input-send-event", {"events": [
            {"type": "rel", "data": {"axis": "x", "value": 3}},
            {"type": "btn", "data": {"button": "left", "down": False}},
            {"type": "key", "data": {"key": {"type": "qcode", "data": "a"},
                                     "down": False}}]}),
        ("stop", None),
        ("screendump", {"filename": os.path.join(tmp, "screen.png"),
                        "format": "png"}),
        ("change-vnc-password", {"password": "secret"}),
        ("send-key", {"keys": [{"type": "qcode", "data": "shift"},
                               {"type": "number", "data": 0x1e}],
                      "hold-time": 10}),
        ("system_reset", None), ("system_powerdown", None),
        ("human-monitor-command", {"command-line": "info status"}),
        ("qom-list", {"path": "/machine"}),
        ("qom-get", {"path": "/machine", "property": "type"}),
        ("qom-set", {"path": "/machine/unattached/device[0]",
                     "property": "realized", "value": True}),
        ("qom-list-types", {"implements": "device", "abstract": True}),
        ("device-list-properties", {"typename": "isa-serial"}),
        ("chardev-add", {"id": "schemarb", "backend": ring()}),
        ("ringbuf-write", {"device": "schemarb", "data": "hello"}),
        ("ringbuf-read", {"device": "schemarb", "size": 3,
                          "format": "utf8"}),
        ("query-chardev", None),
        ("chardev-remove", {"id": "schemarb"}),
        ("memsave", {"val": 0xffff0, "size": 16,
                     "filename": os.path.join(tmp, "mem")}),
        ("pmemsave", {"val": 0, "size": 4096,
                      "filename": os.path.join(tmp, "pmem")}),
        ("dump-guest-memory", {"paging": False, "begin": 0,
                               "length": 1 << 20,
                               "protocol": "file:" +
                               os.path.join(tmp, "core")}),
        # Block: a drive without device, then a -blockdev style node.
        ("human-monitor-command", {"command-line": "drive_add 0 if=none,"
                                   "id=schemadrv,format=raw,file=" + disk}),
        ("query-block", None),
        ("query-blockstats", None),
        ("query-blockstats", {"query-nodes": True}),
        ("eject", {"device": "schemadrv"}),
        ("blockdev-change-medium", {"device": "schemadrv",
                                    "filename": disk + "2",
                                    "format": "raw",
                                    "read-only-mode": "retain"}),
        ("blockdev-add", {"driver": "raw", "node-name": "schemanode",
                          "file": {"driver": "file",
                                   "filename": disk + "3"}}),
        ("query-named-block-nodes", None),
        ("block_resize", {"node-name": "schemanode", "size": 2 << 20}),
        ("blockdev-del", {"node-name": "schemanode"}),
        ("quit", None),
    ]


def fetch(prog):
    # A VNC server (listening nowhere) for change-vnc-password.
    q = test_qmp.Qmp(prog, ["-vnc", "none,password=on"])
    try:
        assert q.cmd("qmp_capabilities") == {"return": {}}
        return q, {e["name"]: e for e in q.ret("query-qmp-schema")}
    except Exception:
        q.close()
        raise


class SchemaCase(unittest.TestCase):
    qemu_schema = None

    @classmethod
    def setUpClass(cls):
        if test_qmp.QEMU:
            q, cls.qemu_schema = fetch(test_qmp.QEMU)
            q.close()

    def setUp(self):
        self.q, self.schema = fetch(binary())
        self.addCleanup(self.q.close)
        self.tmp = tempfile.mkdtemp(prefix="kemu-schema-")

    def of(self, meta):
        return {n for n, e in self.schema.items() if e["meta-type"] == meta}

    def test_lists_exactly_the_commands_and_events(self):
        registered = {c["name"] for c in self.q.ret("query-commands")}
        missing = registered - self.of("command")
        self.assertFalse(missing, "QMP commands without an entry in "
                         f"monitor/qmp-schema.c: {sorted(missing)}")
        self.assertEqual(self.of("command"), registered)
        self.assertEqual(self.of("event"), EVENTS)
        self.assertIn("query-qmp-schema", registered)

    def test_self_consistent(self):
        s = self.schema
        names = [e["name"] for e in self.q.ret("query-qmp-schema")]
        self.assertEqual(len(names), len(set(names)), "duplicate names")
        for e in s.values():
            meta = e["meta-type"]
            refs = [e[k] for k in ("arg-type", "ret-type", "element-type")
                    if k in e]
            refs += [m["type"] for m in e.get("members", []) if "type" in m]
            refs += [v["type"] for v in e.get("variants", [])]
            for r in refs:
                self.assertIn(r, s, f"{e['name']} refers to {r}")
            if meta in ("command", "event"):
                self.assertEqual(s[e["arg-type"]]["meta-type"], "object")
            if meta == "object" and "tag" in e:
                tag = [m for m in e["members"] if m["name"] == e["tag"]]
                self.assertEqual(s[tag[0]["type"]]["meta-type"], "enum")
        self.assertEqual(s["query-status"]["arg-type"], "0")
        self.assertEqual(s["0"], {"name": "0", "members": [],
                                  "meta-type": "object"})
        # An event's data is checked the same way as replies.
        self.assertEqual(validate(s, s["SHUTDOWN"]["arg-type"],
                                  {"guest": False, "reason": "host-signal"}),
                         [])
        self.assertTrue(validate(s, s["SHUTDOWN"]["arg-type"],
                                 {"guest": 1, "reason": "nope", "x": 0}))

    def test_replies_validate(self):
        registered = {c["name"] for c in self.q.ret("query-commands")}
        tried = set()
        for name, args in calls(self.tmp):
            if name not in registered:
                continue
            tried.add(name)
            if name == "qmp_capabilities":
                continue
            r = self.q.cmd(name, args)
            self.assertIn("return", r, f"{name} {args}: {r}")
            schemas = [("kemu", self.schema)]
            if self.qemu_schema:
                schemas.append(("QEMU 7.2", self.qemu_schema))
            for who, s in schemas:
                with self.subTest(command=name, schema=who):
                    self.assertIn(name, s, f"{who} has no {name}")
                    errs = validate(s, s[name]["arg-type"], args or {})
                    errs += validate(s, s[name]["ret-type"], r["return"])
                    self.assertEqual(errs, [], f"{name} reply {r}")
            if name == "quit":
                break
        self.assertEqual(registered - tried, set(),
                         "add a representative call to calls() in "
                         "test_qmp_schema.py")
        # The events those calls caused, against both schemas.
        for ev in self.q.events:
            for s in [self.schema] + ([self.qemu_schema]
                                      if self.qemu_schema else []):
                self.assertEqual(validate(s, s[ev["event"]]["arg-type"],
                                          ev.get("data", {})), [], ev)

    @unittest.skipUnless(test_qmp.QEMU, "qemu-system-x86_64 is not installed")
    def test_commands_known_to_qemu(self):
        """Every kemu command exists in QEMU with the same argument
        names; kemu may accept fewer optional ones."""
        for name in self.of("command"):
            with self.subTest(command=name):
                self.assertIn(name, self.qemu_schema)
                mine = self.schema[self.schema[name]["arg-type"]]["members"]
                theirs = {m["name"]: m for m in self.qemu_schema[
                    self.qemu_schema[name]["arg-type"]]["members"]}
                for m in mine:
                    self.assertIn(m["name"], theirs)
                    self.assertEqual("default" in m,
                                     "default" in theirs[m["name"]],
                                     f"{name}.{m['name']}")
                required = {n for n, m in theirs.items()
                            if "default" not in m}
                self.assertEqual(required - {m["name"] for m in mine},
                                 set())


if __name__ == "__main__":
    unittest.main()
