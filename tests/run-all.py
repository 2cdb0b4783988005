#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs every test layer and prints one summary line:
"N passed, N failed[, N skipped]".

Layers: meson's tests (unit, qtest) in the main build, the same under the
ASan+UBSan build, and the functional tests (tests/functional/test_*.py,
stdlib unittest) against the main build's binary.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def add(self, name, status, detail=""):
        print(f"{status:5} {name}" + (f"  ({detail})" if detail else ""),
              flush=True)
        if status == "PASS":
            self.passed += 1
        elif status == "SKIP":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(name)


def run_meson(tally, build, label, suites=None):
    cmd = ["meson", "test", "-C", build, "--no-rebuild", "--print-errorlogs",
           "--num-processes", str(os.cpu_count() or 2)]
    for s in suites or []:
        cmd += ["--suite", s]
    log = os.path.join(build, "meson-logs", "testlog.json")
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    out = subprocess.run(cmd, cwd=TOP, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if not os.path.exists(log):
        sys.stdout.write(out.stdout[-4000:])
        tally.add(f"{label}: meson test", "FAIL", "no test log")
        return
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            res = t.get("result", "")
            name = f"{label}: {t['name']}"
            if res in ("OK", "EXPECTEDFAIL"):
                tally.add(name, "PASS")
            elif res == "SKIP":
                tally.add(name, "SKIP")
            else:
                tally.add(name, "FAIL", res)
                sys.stdout.write(t.get("stdout", "")[-3000:])


class TallyResult(unittest.TextTestResult):
    tally = None

    def addSuccess(self, test):
        super().addSuccess(test)
        self.tally.add(f"functional: {test.id()}", "PASS")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.tally.add(f"functional: {test.id()}", "FAIL")
        print(self._exc_info_to_string(err, test), flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        self.tally.add(f"functional: {test.id()}", "FAIL", "error")
        print(self._exc_info_to_string(err, test), flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.tally.add(f"functional: {test.id()}", "SKIP", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.tally.add(f"functional: {test.id()}", "FAIL", "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.tally.add(f"functional: {test.id()}", "FAIL",
                       "unexpected success")


def run_functional(tally, build, pattern):
    fdir = os.path.join(HERE, "functional")
    os.environ["KEMU_BUILD"] = os.path.abspath(build)
    os.environ["KEMU_BINARY"] = os.path.join(os.path.abspath(build),
                                             "kemu-system-x86_64")
    sys.path.insert(0, fdir)
    loader = unittest.TestLoader()
    suite = loader.discover(fdir, pattern=pattern, top_level_dir=fdir)
    TallyResult.tally = tally
    runner = unittest.TextTestRunner(stream=open(os.devnull, "w"),
                                     resultclass=TallyResult, verbosity=0)
    runner.run(suite)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--asan-build")
    ap.add_argument("--asan-failed", action="store_true")
    ap.add_argument("--pattern", default="test_*.py",
                    help="functional test files to run")
    args = ap.parse_args()

    tally = Tally()
    start = time.monotonic()
    run_meson(tally, args.build, "main")
    if args.asan_build:
        run_meson(tally, args.asan_build, "asan", ["unit", "qtest", "fuzz"])
    elif args.asan_failed:
        tally.add("asan: build", "FAIL")
    run_functional(tally, args.build, args.pattern)

    print(f"\n(took {time.monotonic() - start:.0f} s)")
    if tally.failures:
        print("failed: " + ", ".join(tally.failures))
    line = f"{tally.passed} passed, {tally.failed} failed"
    if tally.skipped:
        line += f", {tally.skipped} skipped"
    print(line)
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
