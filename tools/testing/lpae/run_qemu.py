#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a kernel under QEMU vexpress and judge the boot from its log.

The serial console goes to a log file. The verdict counts KUnit cases
(KTAP printed by the kernel), selftest cases (TAP 13 printed by the
programs the initramfs runs between LPAE-SELFTEST markers) and one
"boot" check per run, which fails on an Oops, BUG, WARNING, panic, RCU
stall, soft lockup, a missing end marker or a timeout. A failed boot
keeps its log and prints its last 40 lines.

The verdict is also written as JSON next to the log, for the harness to
add up across boots.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

# Debian 12's QEMU 7.2 truncates LPAE table addresses to 32 bits
# (fixed by QEMU commit 67d762e716a7, first in 8.2.8 of the stable series).
QEMU_MIN = (8, 2, 8)
RAM_BASE = {"vexpress-a15": 0x80000000, "vexpress-a9": 0x60000000,
            "virt": 0x40000000}

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP_RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+)\s*-?\s*(.*?)\s*$")
SKIP_DIRECTIVE = re.compile(r"#\s*SKIP\b", re.IGNORECASE)
NOTES_KEPT = 12      # diagnostic lines kept per failed case
BAD_PATTERNS = [
    ("oops", re.compile(r"Internal error: Oops|\bOops\b")),
    ("bug", re.compile(r"\bBUG:|kernel BUG at")),
    ("warning", re.compile(r"WARNING: CPU: \d+ PID: \d+|------------\[ cut here \]")),
    ("panic", re.compile(r"Kernel panic")),
    ("rcu-stall", re.compile(r"rcu: INFO: .*detected stall|rcu_.* self-detected stall")),
    ("soft-lockup", re.compile(r"soft lockup|hung_task|blocked for more than")),
    ("wx", re.compile(r"Checked W\+X mappings: FAILED")),
]


def parse_size_mb(text):
    """'6G', '4097M', '512' (MiB) -> MiB as an int."""
    m = re.fullmatch(r"(\d+)([MmGg]?)", text)
    if not m:
        raise SystemExit(f"run_qemu: bad memory size '{text}' (use e.g. 6G or 4097M)")
    n = int(m.group(1))
    return n * 1024 if m.group(2).lower() == "g" else n


def managed_ram_mb(ram_mb, append):
    """RAM the kernel will manage: -m, or less with mem=SIZE.

    None for mem=SIZE@START ranges, where the tests that compare with the
    RAM size cannot know it and skip.
    """
    limits = [w[4:] for w in append if w.startswith("mem=")]
    if not limits:
        return ram_mb
    m = re.fullmatch(r"(\d+)([KkMmGg]?)", limits[-1])
    if not m:
        return None
    shift = {"": 20, "k": 10, "m": 0, "g": -10}[m.group(2).lower()]
    n = int(m.group(1))
    return min(ram_mb, n >> shift if shift >= 0 else n << -shift)


def qemu_version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                         check=False).stdout
    m = re.search(r"version (\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def check_qemu(args, ram_mb):
    """Refuse RAM above 4 GiB on a QEMU whose LPAE walk truncates it."""
    ram_end = RAM_BASE.get(args.machine.split(",")[0], 0) + ram_mb * 1024 * 1024
    if ram_end <= 1 << 32:
        return
    ver = qemu_version(args.qemu)
    if ver < QEMU_MIN:
        sys.exit("run_qemu: %s %s cannot run a guest with RAM above 4 GiB:\n"
                 "  its long-descriptor walk drops table address bits [39:32]\n"
                 "  (fixed by QEMU commit 67d762e716a7), so the guest livelocks.\n"
                 "  Install QEMU >= %s, e.g. from Debian bookworm-backports:\n"
                 "  apt-get install -t bookworm-backports qemu-system-arm"
                 % (args.qemu, ".".join(map(str, ver)),
                    ".".join(map(str, QEMU_MIN))))


def qemu_command(args, ram_mb):
    append = ["console=ttyAMA0", "panic=-1", "rdinit=/init",
              f"lpae_mode={args.mode}"]
    # Lets the PGD fault injection test scope failslab to the PGD cache
    # (6.1's sysfs failslab flag is read-only). Not for benchmarks: any
    # slub_debug string switches SLUB's debug checks on.
    if args.mode == "test":
        append.append("slub_debug=A,pgd_lpae")
    managed = managed_ram_mb(ram_mb, args.append)
    if managed is not None:
        append.append(f"lpae_ram={managed}")
    append += args.append
    cmd = [args.qemu, "-M", args.machine, "-cpu", args.cpu,
           "-smp", str(args.smp), "-m", f"{ram_mb}M", "-audio", "none",
           "-kernel", args.kernel, "-initrd", args.initrd,
           "-append", " ".join(append), "-no-reboot"]
    # "-" (QEMU virt): the machine's own generated device tree.
    if args.dtb != "-":
        cmd += ["-dtb", args.dtb]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if args.mode == "shell":
        return cmd + ["-nographic"]
    return cmd + ["-display", "none", "-monitor", "none",
                  "-serial", "file:" + args.log]


def seen_in_log(log, marker, pos):
    """Whether @marker appears in @log from byte @pos; and the new @pos."""
    start = max(pos - len(marker), 0)   # a marker split across two reads
    try:
        with open(log, "rb") as f:
            f.seek(start)
            data = f.read()
    except OSError:
        return False, pos
    return marker in data, start + len(data)


def run(args, ram_mb):
    """Boot once; returns (seconds, seconds to /init or None, timed_out)."""
    cmd = qemu_command(args, ram_mb)
    with open(args.log + ".cmd", "w", encoding="utf-8") as f:
        f.write(" ".join(cmd) + "\n")
    start = time.monotonic()
    if args.mode == "shell":
        subprocess.run(cmd, check=False)
        return time.monotonic() - start, None, False
    # Wall time from QEMU's start to the first line of /init: the "boot to
    # user space" figure. The log is looked at five times a second.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    init_s, pos, timed_out = None, 0, False
    while proc.poll() is None:
        elapsed = time.monotonic() - start
        if elapsed > args.timeout:
            proc.kill()
            proc.wait()
            timed_out = True
            break
        if init_s is None:
            seen, pos = seen_in_log(args.log, b"LPAE-INIT:", pos)
            if seen:
                init_s = elapsed
        time.sleep(0.2)
    return time.monotonic() - start, init_s, timed_out


def strip(line):
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


def count_result(counts, failures, where, state, name, notes):
    """Add one TAP/KTAP result line to the counts.

    A failure is recorded with the diagnostic ("#") lines the test printed
    before its result, so that a CI log says why, not only what.
    """
    if state == "ok" and SKIP_DIRECTIVE.search(name):
        counts["skip"] += 1
    elif state == "ok":
        counts["pass"] += 1
    else:
        counts["fail"] += 1
        failures.append(f"{where}: {name}")
        failures.extend("  " + n for n in notes[-NOTES_KEPT:])


def judge(lines):
    """Read a console log; returns the verdict dictionary."""
    kunit = {"pass": 0, "fail": 0, "skip": 0}
    selftest = {"pass": 0, "fail": 0, "skip": 0}
    failures, problems, facts = [], [], {}
    section, suite, notes = None, None, []
    for raw in lines:
        line = strip(raw)
        if line.lstrip().startswith("#") and "# Subtest:" not in line:
            notes.append(line.strip())
        for name, pat in BAD_PATTERNS:
            if pat.search(line):
                problems.append(f"{name}: {line.strip()}")
        m = re.match(r"LPAE-SELFTEST-BEGIN (\S+)", line)
        if m:
            section = {"name": m.group(1), "results": 0, "fails": 0}
            continue
        m = re.match(r"LPAE-SELFTEST-END (\S+) rc=(\d+)", line)
        if m and section:
            rc = int(m.group(2))
            if rc not in (0, 4) and section["fails"] == 0:
                selftest["fail"] += 1
                failures.append(f"selftest {section['name']}: exited {rc}"
                                f" after {section['results']} result(s)")
            section = None
            continue
        if line.startswith("LPAE-"):
            key, _, value = line.partition(": ")
            facts.setdefault(key, []).append(value)
            if key.startswith("LPAE-DONE"):
                facts["done"] = True
            continue
        m = re.match(r"\s*# Subtest: (\S+)", line)
        if m and section is None:
            suite = m.group(1)
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        indent, state, name = len(m.group(1)), m.group(2), m.group(4)
        case_notes, notes = notes, []
        if section is not None:
            # Top-level TAP lines of a kselftest program only.
            if indent == 0:
                section["results"] += 1
                section["fails"] += state != "ok"
                count_result(selftest, failures, "selftest " + section["name"],
                             state, name, case_notes)
        elif indent == 4:
            # KTAP: test cases sit one level (4 spaces) below their suite.
            count_result(kunit, failures, f"kunit {suite}", state, name,
                         case_notes)
    if not facts.get("done"):
        problems.append("no LPAE-DONE marker: the guest did not finish its tests")
    return {"kunit": kunit, "selftest": selftest, "failures": failures,
            "problems": problems, "facts": facts}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--dtb", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--log", required=True, help="console log file")
    ap.add_argument("--label", default="boot")
    ap.add_argument("--mem", default="6G")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--machine", default="vexpress-a15")
    ap.add_argument("--cpu", default="cortex-a15")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--timeout", type=int, default=900, help="seconds")
    ap.add_argument("--mode", choices=["test", "bench", "shell"],
                    default="test")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--append", action="append", default=[],
                    help="extra kernel command-line words")
    args = ap.parse_args()

    ram_mb = parse_size_mb(args.mem)
    check_qemu(args, ram_mb)
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    if os.path.exists(args.log):
        os.unlink(args.log)
    seconds, init_s, timed_out = run(args, ram_mb)
    if args.mode == "shell":
        return 0
    with open(args.log, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    verdict = judge(lines)
    if timed_out:
        verdict["problems"].insert(0, f"timeout after {args.timeout}s")
    verdict.update(label=args.label, seconds=round(seconds, 1),
                   init_seconds=round(init_s, 1) if init_s else None,
                   log=args.log,
                   mem_mb=ram_mb, smp=args.smp, machine=args.machine,
                   cpu=args.cpu)
    with open(args.log + ".json", "w", encoding="utf-8") as f:
        json.dump(verdict, f, indent=1)

    k, s = verdict["kunit"], verdict["selftest"]
    ok = not verdict["problems"] and not verdict["failures"]
    at_init = f" (/init at {init_s:.1f}s)" if init_s else ""
    print(f"{args.label}: {'PASS' if ok else 'FAIL'} in {seconds:.0f}s"
          f"{at_init}; "
          f"kunit {k['pass']} passed {k['fail']} failed {k['skip']} skipped; "
          f"selftests {s['pass']} passed {s['fail']} failed {s['skip']} skipped")
    for item in verdict["problems"][:10] + verdict["failures"][:40]:
        print(f"  {args.label}: {item}")
    if not ok:
        print(f"  --- last 40 lines of {args.log} ---")
        sys.stdout.writelines("  " + line for line in lines[-40:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
