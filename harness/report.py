#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Add up the verdicts that run_qemu.py wrote, one JSON file per boot.

  report.py [--summary VERSION] [--failed-builds N]
            [--check-rc-file RCFILE LOG]
            VERDICT.json...

Prints one line per boot, the failures, and last a line
"N passed, N failed, N skipped" where every KUnit case, every selftest
case and every boot's health check counts once. Exits 1 on any failure.
With --summary it first prints the memory facts of the (first) boot,
for `make run`.
"""

import json
import re
import sys


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
    print(f"MemTotal:         {gib(mem.get('MemTotal'))}")
    print(f"LowTotal:         {gib(mem.get('LowTotal'))}")
    print(f"HighTotal:        {gib(mem.get('HighTotal'))}")
    print("highest RAM:      " + (f"0x{top:x}" if top is not None else "?")
          + (" (above 4 GiB)" if top and top >= 1 << 32 else ""))
    print(f"page above 4 GiB: {first(facts, 'LPAE-HIGHPAGE', 'not reported')}")
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


def main():
    args = sys.argv[1:]
    version, failed_builds = None, 0
    if args[:1] == ["--summary"]:
        version, args = args[1], args[2:]
    if args[:1] == ["--failed-builds"]:
        failed_builds, args = int(args[1]), args[2:]
    check = None
    if args[:1] == ["--check-rc-file"]:
        check, args = (read_rc(args[1]), args[2]), args[3:]
    verdicts = []
    for path in args:
        try:
            with open(path, encoding="utf-8") as f:
                verdicts.append(json.load(f))
        except OSError as e:
            print(f"missing verdict {path}: {e}")
            verdicts.append(None)
    if version is not None and verdicts and verdicts[0]:
        summary(verdicts[0], version)
    passed = skipped = 0
    failed = failed_builds
    if failed_builds:
        print(f"{failed_builds} build(s) failed: their boots did not run")
    for path, v in zip(args, verdicts):
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
        for item in v["problems"] + v["failures"]:
            print(f"    {item}")
        if not healthy or v["failures"]:
            print(f"    log: {v['log']}")
    if check is not None:
        rc, log = check
        passed += rc == 0
        failed += rc != 0
        print(f"{'make check':<22} {'ok ' if rc == 0 else 'BAD'}  log: {log}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
