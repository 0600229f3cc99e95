#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Add up the verdicts that run_qemu.py wrote, one JSON file per boot.

  report.py [--summary VERSION] [--failed-builds N]
            [--check-rc-file RCFILE LOG] [--pytest JUNIT.xml]
            VERDICT.json...
  report.py --named VERDICT.json CASE...

Prints one line per boot, the failures, and last a line
"N passed, N failed, N skipped" where every KUnit case, every selftest
case, every boot's health check, make check and every host-side test
(pytest, harness/tests) counts once. Exits 1 on any failure.
With --summary it first prints the memory facts of the (first) boot,
for `make run`. --named (make faults) says whether exactly the CASEs
failed (suite.case, program:case, or "boot").
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools", "testing", "lpae"))
from judge import load_verdict  # noqa: E402


def first(facts, key, default="?"):
    values = facts.get(key) or [default]
    return values[0]


def meminfo(facts):
    out = {}
    for item in facts.get("LPAE-MEMINFO", []):
        m = re.match(r"(\w+):\s+(\d+) kB", item)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def highest_ram(facts):
    ends = []
    for item in facts.get("LPAE-IOMEM", []):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : System RAM", item)
        if m:
            ends.append(int(m.group(2), 16))
    return max(ends) if ends else None


def summary(v, version):
    facts = v["facts"]
    mem = meminfo(facts)
    top = highest_ram(facts)
    gib = lambda kb: f"{kb / 1048576:.2f} GiB" if kb is not None else "?"
    print(f"base tree:        linux-source-6.1 {version}")
    print(f"QEMU:             -M {v['machine']} -cpu {v['cpu']} -smp {v['smp']} "
          f"-m {v['mem_mb']}M")
    print(f"boot to /init:    {v.get('init_seconds') or '?'} s wall")
    # A boot of the Debian image (ROOTFS=debian): what its /init found.
    if facts.get("LPAE-USERSPACE"):
        print(f"userspace:        {facts['LPAE-USERSPACE'][-1]}")
    print(f"MemTotal:         {gib(mem.get('MemTotal'))}")
    print(f"LowTotal:         {gib(mem.get('LowTotal'))}")
    print(f"HighTotal:        {gib(mem.get('HighTotal'))}")
    print("highest RAM:      " + (f"0x{top:x}" if top is not None else "?")
          + (" (above 4 GiB)" if top and top >= 1 << 32 else ""))
    print(f"page above 4 GiB: {first(facts, 'LPAE-HIGHPAGE', 'not reported')}")
    # QEMU virt: devices above 4 GiB and the disk check (lpae_pcie_test).
    for item in facts.get("LPAE-IOMEM-HIGH", []):
        print(f"above 4 GiB:      {item.rstrip()}")
    if facts.get("LPAE-DISK"):
        print(f"disk (O_DIRECT):  {facts['LPAE-DISK'][-1]}")
    slab = facts.get("LPAE-SLABINFO", [])
    print(f"PGD cache:        {slab[-1] if slab else 'none (classic PGDs)'}")
    print(f"                  {first(facts, 'LPAE-PGD-CACHE', '')}")


def read_rc(path):
    """The exit status a job wrote to @path; 1 when it wrote none."""
    try:
        with open(path, encoding="utf-8") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return 1


def pytest_counts(path):
    """(passed, failed, skipped) of a pytest --junitxml file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"host tests: no result ({e})")
        return 0, 1, 0
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


# The problems judge.py names after the kernel checker that reported them.
CHECKERS = ("kasan", "kmemleak", "lockdep", "slub", "page-poison")


def failed_names(v):
    """The cases a verdict failed, named as make faults names them:
    suite.case for KUnit, program:case for selftests, debug_vm_pgtable.c:N
    for a failed check of mm/debug_vm_pgtable.c, the checker's name for a
    report of one of the kernel's checkers (kasan, kmemleak, lockdep,
    slub, page-poison: lpae+debug), "boot" for any other problem of the
    boot itself; other failures verbatim."""
    names = set()
    for f in v["failures"]:
        if f.startswith("  "):
            continue
        where, _, case = f.partition(": ")
        kind, _, unit = where.partition(" ")
        if kind == "kunit" and unit != "?":
            names.add(f"{unit}.{case}")
        elif kind == "selftest":
            names.add(f"{unit}:{case}")
        else:
            names.add(f)
    for p in v["problems"]:
        m = re.match(r"debug_vm_pgtable: the check at mm/(\S+) failed", p)
        checker = p.partition(":")[0]
        if m:
            names.add(m.group(1))
        elif checker in CHECKERS:
            names.add(checker)
        else:
            names.add("boot")
    return names


def named(path, cases):
    """Did exactly @cases fail? One line; True if so."""
    v = load_verdict(path)
    if v is None:
        print("MISSED: the boot did not run")
        return False
    failed, want = failed_names(v), set(cases)
    missed, extra = sorted(want - failed), sorted(failed - want)
    if not missed and not extra:
        print("caught by " + " ".join(cases))
        return True
    out = []
    if missed:
        out.append("MISSED: passed " + " ".join(missed))
    if extra:
        out.append("MISNAMED: also failed " + " ".join(extra))
    if "boot" in extra:
        out.append("(" + v["problems"][0] + ")")
    print("; ".join(out))
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--summary", metavar="VERSION")
    ap.add_argument("--failed-builds", type=int, default=0)
    ap.add_argument("--check-rc-file", nargs=2, metavar=("RCFILE", "LOG"))
    ap.add_argument("--pytest", metavar="JUNIT")
    ap.add_argument("--named", metavar="VERDICT",
                    help="exit 0 if exactly the cases given as arguments failed")
    ap.add_argument("verdicts", nargs="*")
    args = ap.parse_args()
    if args.named:
        return 0 if named(args.named, args.verdicts) else 1
    version, failed_builds = args.summary, args.failed_builds
    verdicts = []
    for path in args.verdicts:
        v = load_verdict(path)
        if v is None:
            print(f"missing verdict {path}")
        verdicts.append(v)
    if version is not None and verdicts and verdicts[0]:
        summary(verdicts[0], version)
    passed = skipped = 0
    failed = failed_builds
    if failed_builds:
        print(f"{failed_builds} build(s) failed: their boots did not run")
    for path, v in zip(args.verdicts, verdicts):
        if v is None:
            failed += 1
            continue
        healthy = not v["problems"]
        k, s = v["kunit"], v["selftest"]
        passed += k["pass"] + s["pass"] + healthy
        failed += k["fail"] + s["fail"] + (not healthy)
        skipped += k["skip"] + s["skip"]
        init = v.get("init_seconds")
        print(f"{v['label']:<22} {'ok ' if healthy else 'BAD'} {v['seconds']:>6}s  "
              f"init {f'{init:4.1f}s' if init else '   ?'}  kunit {k['pass']}/{k['fail']}/{k['skip']}  "
              f"selftests {s['pass']}/{s['fail']}/{s['skip']} (pass/fail/skip)")
        for line in v.get("said", []):
            print(f"    said: {line}")
        for item in v["problems"] + v["failures"]:
            print(f"    {item}")
        if not healthy or v["failures"]:
            print(f"    log: {v['log']}")
    if args.check_rc_file:
        rc, log = read_rc(args.check_rc_file[0]), args.check_rc_file[1]
        passed += rc == 0
        failed += rc != 0
        print(f"{'make check':<22} {'ok ' if rc == 0 else 'BAD'}  log: {log}")
    if args.pytest:
        p, f, sk = pytest_counts(args.pytest)
        passed, failed, skipped = passed + p, failed + f, skipped + sk
        print(f"{'host tests (pytest)':<22} {'ok ' if not f else 'BAD'}  "
              f"{p}/{f}/{sk} (pass/fail/skip)  log: "
              f"{os.path.splitext(args.pytest)[0]}.log")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
