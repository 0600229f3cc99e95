#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a boot of the LPAE test kernel from its console log.

  judge.py LOG [--min-kunit N] [--min-selftests N] [--debug-vm-pgtable]
               [--kmemleak]

The verdict counts KUnit cases (KTAP printed by the kernel), selftest
cases (TAP 13 printed by the programs the initramfs runs between
LPAE-SELFTEST markers) and one "boot" check, which fails on an Oops, BUG,
WARNING, panic, RCU stall, soft lockup, a failed W+X check, a missing end
marker, a boot that reported no test or fewer than its minimum, and a
kernel built with DEBUG_VM_PGTABLE whose log lacks the line that says
mm/debug_vm_pgtable.c ran (a failed check of it is a WARNING, named by
its source line). The kernel's checkers (KASAN, lockdep and atomic
sleep, SLUB's debug checks, page poisoning, kmemleak) fail it too, and a
kernel built with DEBUG_KMEMLEAK must print the scan guest-init.sh makes
after the selftests, with no unreferenced object. A KUnit suite reported "not ok", a selftest program
that exits with an error, and a TAP or KTAP plan that does not match the
results each count as a failed case. A boot given LKDTM crash types
(lkdtm=, from the lpae_lkdtm= kernel word) counts each as a case: between
its LPAE-LKDTM markers it must print exactly one PAN oops from the shell
that provoked it, which the oops kills; an oops there is not a boot
failure, any other oops or a crash type not asked for is. run_qemu.py boots and calls
judge(); this program re-judges a saved log and prints the same verdict
line. The harness reads the verdict JSON files through load_verdict().
"""

import argparse
import json
import re
import sys

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP_RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+)\s*-?\s*(.*?)\s*$")
TAP_PLAN = re.compile(r"^(\s*)1\.\.(\d+)\b")
SKIP_DIRECTIVE = re.compile(r"#\s*SKIP\b", re.IGNORECASE)
NOTES_KEPT = 12      # diagnostic lines kept per failed case
# mm/debug_vm_pgtable.c: its only line when every check holds, the
# WARNING of a check that fails, and the error of a set-up that failed
# (then no check ran).
DEBUG_VM_PGTABLE_RAN = re.compile(
    r"debug_vm_pgtable: \[debug_vm_pgtable\s*\]: "
    r"Validating architecture page table helpers")
DEBUG_VM_PGTABLE_ERR = re.compile(r"debug_vm_pgtable: \[\w+\s*\]: (Failed .*)")
DEBUG_VM_PGTABLE_WARN = re.compile(r"WARNING: CPU: \d+ PID: \d+ at \S*?"
                                   r"(mm/debug_vm_pgtable\.c:\d+)")
# LKDTM crash types provoked by /init (guest-init.sh, lpae_lkdtm=): the
# markers around each, LKDTM's own lines, and the oops of a kernel access
# that PAN (CONFIG_CPU_TTBR0_PAN, arch/arm/mm/fault.c) stopped.
LKDTM_BEGIN = re.compile(r"LPAE-LKDTM-BEGIN (\S+) pid=(\d+)")
LKDTM_END = re.compile(r"LPAE-LKDTM-END (\S+) rc=(\d+)")
LKDTM_ENTRY = re.compile(r"lkdtm: Performing direct entry (\S+)")
LKDTM_FAIL = re.compile(r"lkdtm: FAIL:")
PAN_OOPS = re.compile(r"Unable to handle kernel access to user memory with "
                      r"PAN \(TTBR0 walks disabled\) at virtual address")
OOPS_TASK = re.compile(r"CPU: \d+ PID: (\d+) Comm: ")
# A shell the oops killed: die() ends the task with SIGSEGV, 128 + 11.
KILLED_RC = 139
# A line is named by the first pattern it matches: the checkers' reports
# (lpae+debug) before the generic BUG and WARNING they start with.
BAD_PATTERNS = [
    ("kasan", re.compile(r"BUG: KASAN: ")),
    ("lockdep", re.compile(
        r"WARNING: (possible (recursive|circular|irq)|inconsistent lock"
        r"|suspicious RCU|bad unlock|held lock|lock held|nested lock"
        r"|Nested lock)"
        r"|INFO: trying to register non-static key"
        r"|BUG: (sleeping function called|scheduling while atomic"
        r"|workqueue leaked lock|MAX_LOCKDEP|key \S+ has not been registered)"
        r"|turning off the locking correctness validator")),
    ("page-poison", re.compile(r"pagealloc: (memory corruption|single bit error)")),
    # SLUB's own checks (slub_debug=FZPU): "BUG <cache> (Not tainted):
    # Poison overwritten", then INFO and FIX lines about the object.
    ("slub", re.compile(r"^BUG \S+ \((Not t|T)ainted|^INFO: Object 0x"
                        r"|^FIX \S+: |Poison overwritten|Redzone overwritten")),
    ("kmemleak", re.compile(
        r"^unreferenced object 0x"
        r"|kmemleak: .*(unknown object|disabled|pool empty|Cannot allocate"
        r"|failed|new suspected memory leak)")),
    ("oops", re.compile(r"Internal error: Oops|\bOops\b")),
    ("bug", re.compile(r"\bBUG:|kernel BUG at")),
    ("warning", re.compile(r"WARNING: CPU: \d+ PID: \d+|------------\[ cut here \]"
                           r"|^WARNING: ")),
    ("panic", re.compile(r"Kernel panic")),
    ("rcu-stall", re.compile(r"rcu: INFO: .*detected stall|rcu_.* self-detected stall")),
    ("soft-lockup", re.compile(r"soft lockup|hung_task|blocked for more than")),
    ("wx", re.compile(r"Checked W\+X mappings: FAILED")),
]


def strip(line):
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


def empty_counts():
    return {"pass": 0, "fail": 0, "skip": 0}


def total(counts):
    return counts["pass"] + counts["fail"] + counts["skip"]


class Judge:
    """Reads a console log line by line (feed()) and decides (verdict())."""

    def __init__(self, min_kunit=0, min_selftests=0, expect_tests=True,
                 debug_vm_pgtable=False, kmemleak=False, lkdtm=()):
        self.min_kunit, self.min_selftests = min_kunit, min_selftests
        self.lkdtm = list(lkdtm)  # the crash types this boot provokes
        self.lkdtm_seen = []
        self.crash = None        # the LKDTM crash type running
        self.expect_tests = expect_tests
        self.debug_vm_pgtable = debug_vm_pgtable  # the kernel has it
        self.kmemleak = kmemleak                  # the kernel has it
        self.kunit, self.selftest = empty_counts(), empty_counts()
        self.failures, self.problems, self.facts = [], [], {}
        self.notes = []
        self.section = None      # the selftest program running
        self.suite = None        # the KUnit suite running
        self.kunit_plan = None   # top-level KTAP plan: number of suites
        self.kunit_suites = 0    # suite results seen
        self.phase = "kernel"    # for progress lines: kernel, KUnit, a program

    def fail(self, where, what, notes=()):
        self.failures.append(f"{where}: {what}")
        self.failures.extend("  " + n for n in list(notes)[-NOTES_KEPT:])

    def count(self, counts, where, state, name, notes):
        if state == "ok" and SKIP_DIRECTIVE.search(name):
            counts["skip"] += 1
        elif state == "ok":
            counts["pass"] += 1
        else:
            counts["fail"] += 1
            self.fail(where, name, notes)

    def end_section(self, rc):
        sec, self.section = self.section, None
        where = "selftest " + sec["name"]
        if sec["fails"]:
            return
        if rc not in (0, 4):
            self.selftest["fail"] += 1
            self.fail(where, f"exited {rc} after {sec['results']} result(s)")
        elif sec["plan"] is None and rc == 0:
            self.selftest["fail"] += 1
            self.fail(where, "printed no TAP plan")
        elif sec["plan"] is not None and sec["plan"] != sec["results"]:
            self.selftest["fail"] += 1
            self.fail(where, f"TAP plan 1..{sec['plan']} but "
                      f"{sec['results']} result(s)")

    def end_crash(self, rc):
        """One LKDTM crash type: exactly one PAN oops, from its shell."""
        c, self.crash = self.crash, None
        self.lkdtm_seen.append(c["name"])
        why = []
        if c["name"] not in self.lkdtm:
            why.append("not a crash type this boot provokes")
        if c["entry"] != 1:
            why.append(f"LKDTM ran it {c['entry']} time(s)")
        if c["pan"] != 1 or c["oops"] != 1:
            why.append(f"{c['pan']} PAN report(s) and {c['oops']} oops(es),"
                       " not one of each")
        if c["tasks"] != [c["pid"]]:
            why.append(f"oops from PID(s) {c['tasks']}, not the shell's "
                       f"{c['pid']}")
        if c["fail"]:
            why.append("LKDTM says FAIL: the access was not stopped")
        if rc != KILLED_RC:
            why.append(f"the shell exited {rc}, not killed ({KILLED_RC})")
        state = "not ok" if why else "ok"
        self.count(self.selftest, "lkdtm", state, c["name"],
                   why + c["notes"])

    def feed_crash(self, line):
        """A line inside an LKDTM crash type; True if it is accounted for."""
        c = self.crash
        m = LKDTM_ENTRY.search(line)
        if m:
            c["entry"] += m.group(1) == c["name"]
        if PAN_OOPS.search(line):
            c["pan"] += 1
            c["notes"].append(line.strip())
        if LKDTM_FAIL.search(line):
            c["fail"] += 1
        m = OOPS_TASK.search(line)
        if m:
            c["tasks"].append(m.group(1))
        if dict(BAD_PATTERNS)["oops"].search(line):
            c["oops"] += 1
            return True
        return False

    def end_suite(self, state, name):
        suite, self.suite = self.suite, None
        self.kunit_suites += 1
        if suite is None:
            return
        if suite["fails"]:
            return    # its failed cases say more than the suite line
        if state != "ok":
            self.kunit["fail"] += 1
            self.fail(f"kunit {suite['name']}", f"suite not ok ({name})")
        elif suite["plan"] is not None and suite["plan"] != suite["results"]:
            self.kunit["fail"] += 1
            self.fail(f"kunit {suite['name']}", f"KTAP plan 1..{suite['plan']}"
                      f" but {suite['results']} result(s)")

    def end_document(self):
        """Check the KTAP document read so far against its plan."""
        if (self.suite is None and self.kunit_plan is not None
                and self.kunit_plan != self.kunit_suites):
            self.kunit["fail"] += 1
            self.failures.append(f"kunit: KTAP plan 1..{self.kunit_plan} "
                                 f"but {self.kunit_suites} suite result(s)")
        self.kunit_plan, self.kunit_suites = None, 0

    def feed(self, raw):
        line = strip(raw)
        if line.lstrip().startswith("#") and "# Subtest:" not in line:
            self.notes.append(line.strip())
        if DEBUG_VM_PGTABLE_RAN.search(line):
            self.facts.setdefault("debug_vm_pgtable", []).append(
                "validating")
        m = DEBUG_VM_PGTABLE_ERR.search(line)
        if m:
            self.problems.append("debug_vm_pgtable: no check ran: "
                                 + m.group(1).strip())
        m = DEBUG_VM_PGTABLE_WARN.search(line)
        if m:
            # A check runs once per protection: say each failed one once.
            what = f"debug_vm_pgtable: the check at {m.group(1)} failed"
            if what not in self.problems:
                self.facts.setdefault("debug_vm_pgtable", []).append(
                    "failed " + m.group(1))
                self.problems.append(what)
        m = LKDTM_BEGIN.search(line)
        if m and self.section is None:
            if self.crash:
                self.end_crash(-1)
            self.crash = {"name": m.group(1), "pid": m.group(2), "entry": 0,
                          "pan": 0, "oops": 0, "fail": 0, "tasks": [],
                          "notes": []}
            self.phase = "LKDTM " + m.group(1)
            return
        m = LKDTM_END.search(line)
        if m and self.crash:
            self.end_crash(int(m.group(2)))
            return
        if self.crash and self.feed_crash(line):
            return
        for name, pat in BAD_PATTERNS:
            if pat.search(line):
                self.problems.append(f"{name}: {line.strip()}")
                break
        m = re.match(r"LPAE-SELFTEST-BEGIN (\S+)", line)
        if m:
            if self.section:
                self.end_section(-1)
            self.section = {"name": m.group(1), "results": 0, "fails": 0,
                            "plan": None}
            self.phase = m.group(1)
            return
        m = re.match(r"LPAE-SELFTEST-END (\S+) rc=(\d+)", line)
        if m and self.section:
            self.end_section(int(m.group(2)))
            return
        if line.startswith("LPAE-"):
            key, _, value = line.partition(": ")
            self.facts.setdefault(key, []).append(value)
            if key.startswith("LPAE-DONE"):
                self.facts["done"] = True
                self.phase = "done"
            elif key == "LPAE-INIT":
                self.phase = "/init"
            return
        if line == "KTAP version 1" and self.section is None:
            # A new top-level KTAP document: the suites run after boot.
            self.end_document()
            return
        m = re.match(r"(\s*)# Subtest: (\S+)", line)
        if m and self.section is None:
            if len(m.group(1)) > 4 and self.suite:
                # A parameterised case: its parameters are a KTAP level
                # below the case, which is counted once, by its own line.
                self.phase = f"KUnit {self.suite['name']}.{m.group(2)}"
                return
            self.suite = {"name": m.group(2), "results": 0, "fails": 0,
                          "plan": None}
            self.phase = "KUnit " + m.group(2)
            return
        m = TAP_PLAN.match(line)
        if m:
            indent, n = len(m.group(1)), int(m.group(2))
            if self.section is not None:
                if indent == 0 and self.section["plan"] is None:
                    self.section["plan"] = n
            elif indent == 0 and self.kunit_plan is None:
                self.kunit_plan = n
                self.phase = "KUnit"
            elif indent == 4 and self.suite and self.suite["plan"] is None:
                self.suite["plan"] = n
            return
        m = TAP_RESULT.match(line)
        if not m:
            return
        indent, state, name = len(m.group(1)), m.group(2), m.group(4)
        notes, self.notes = self.notes, []
        if self.section is not None:
            # Top-level TAP lines of a kselftest program only.
            if indent == 0:
                self.section["results"] += 1
                self.section["fails"] += state != "ok"
                self.count(self.selftest, "selftest " + self.section["name"],
                           state, name, notes)
        elif indent == 4:
            # KTAP: test cases sit one level (4 spaces) below their suite.
            where = f"kunit {self.suite['name'] if self.suite else '?'}"
            if self.suite:
                self.suite["results"] += 1
                self.suite["fails"] += state != "ok"
            self.count(self.kunit, where, state, name, notes)
        elif indent == 0 and self.kunit_plan is not None:
            self.end_suite(state, name)
        elif indent > 4 and self.section is None and state != "ok":
            # A failed parameter: a diagnostic of the case that follows.
            self.notes = notes + [f"parameter not ok: {name}"]

    def verdict(self):
        """The verdict dictionary; the log read so far is the whole log."""
        # A failed debug_vm_pgtable check first: it names the check, the
        # WARNING lines that follow it only say that something warned.
        problems = sorted(self.problems,
                          key=lambda p: not p.startswith("debug_vm_pgtable"))
        failures = list(self.failures)
        kunit, selftest = dict(self.kunit), dict(self.selftest)
        if self.section is not None:
            selftest["fail"] += 1
            failures.append(f"selftest {self.section['name']}: the log ends "
                            f"inside it after {self.section['results']} "
                            "result(s)")
        if self.suite is not None:
            kunit["fail"] += 1
            failures.append(f"kunit {self.suite['name']}: the log ends "
                            f"inside it after {self.suite['results']} "
                            "result(s)")
        elif (self.kunit_plan is not None
              and self.kunit_plan != self.kunit_suites):
            kunit["fail"] += 1
            failures.append(f"kunit: KTAP plan 1..{self.kunit_plan} but "
                            f"{self.kunit_suites} suite result(s)")
        if self.crash is not None:
            selftest["fail"] += 1
            failures.append(f"lkdtm {self.crash['name']}: the log ends "
                            "inside it")
        for name in self.lkdtm:
            if name not in self.lkdtm_seen and (
                    self.crash is None or self.crash["name"] != name):
                selftest["fail"] += 1
                failures.append(f"lkdtm {name}: never provoked")
        if not self.facts.get("done"):
            problems.append("no LPAE-DONE marker: the guest did not finish "
                            "its tests")
        if self.debug_vm_pgtable and "debug_vm_pgtable" not in self.facts:
            problems.append("debug_vm_pgtable: the kernel has "
                            "CONFIG_DEBUG_VM_PGTABLE=y but never printed "
                            "'Validating architecture page table helpers'")
        if self.kmemleak:
            # guest-init.sh's scan after the selftests: its last line
            # counts the objects the report lists (each one is a
            # "kmemleak" problem above as well).
            said = self.facts.get("LPAE-KMEMLEAK", [])
            if not said:
                problems.append("kmemleak: the kernel has "
                                "CONFIG_DEBUG_KMEMLEAK=y but the log has no "
                                "scan report (LPAE-KMEMLEAK)")
            elif said[-1] != "0 unreferenced":
                problems.append(f"kmemleak: the scan after the selftests "
                                f"found {said[-1]}")
        if self.expect_tests:
            nk, ns = total(kunit), total(selftest)
            if nk + ns == 0:
                problems.append("no test reported a result")
            else:
                if nk < self.min_kunit:
                    problems.append(f"kunit: {nk} result(s), fewer than the "
                                    f"{self.min_kunit} this boot must report")
                if ns < self.min_selftests:
                    problems.append(f"selftests: {ns} result(s), fewer than "
                                    f"the {self.min_selftests} this boot "
                                    "must report")
        return {"kunit": kunit, "selftest": selftest, "failures": failures,
                "problems": problems, "facts": self.facts}


def judge(lines, min_kunit=0, min_selftests=0, expect_tests=True,
          debug_vm_pgtable=False, kmemleak=False, lkdtm=()):
    """Read a console log (an iterable of lines); returns the verdict."""
    j = Judge(min_kunit, min_selftests, expect_tests, debug_vm_pgtable,
              kmemleak, lkdtm)
    for line in lines:
        j.feed(line)
    return j.verdict()


def expect_messages(verdict, lines, expect=(), stop=None):
    """Hold a boot to the messages its input must produce.

    expect: regular expressions that some console line must match (a bad
    input the kernel ignores or clamps, and says so). stop: the boot must
    end with a line that matches (an input the kernel refuses): then its
    panic and the missing end marker are the expected outcome, and a boot
    that reaches /init is a failure. Returns the verdict, amended.
    """
    text = [strip(line) for line in lines]
    problems, said = verdict["problems"], []

    def first(rx):
        return next((t.strip() for t in text if re.search(rx, t)), None)

    for rx in expect:
        hit = first(rx)
        if hit is None:
            problems.append(f"expected message not printed: {rx}")
        else:
            said.append(hit)
    if stop:
        hit = first(stop)
        if hit is not None:
            said.append(hit)
            problems[:] = [p for p in problems
                           if not p.startswith(("panic:", "no LPAE-DONE"))]
        else:
            problems.append(f"the boot did not stop with: {stop}")
        if "LPAE-INIT" in verdict["facts"]:
            problems.append("the boot reached /init: the kernel should "
                            "have refused its input")
    verdict["expect"], verdict["stop"] = list(expect), stop
    verdict["said"] = said   # the lines that matched, for the report
    return verdict


def lkdtm_types(append):
    """The LKDTM crash types of the lpae_lkdtm= kernel word, if any."""
    types = []
    for word in append:
        if word.startswith("lpae_lkdtm="):
            types = [t for t in word.split("=", 1)[1].split(",") if t]
    return types


def judge_file(path, **kw):
    with open(path, encoding="utf-8", errors="replace") as f:
        return judge(f, **kw)


def passed(verdict):
    return not verdict["problems"] and not verdict["failures"]


def summary_line(label, verdict, seconds=None, init_s=None):
    k, s = verdict["kunit"], verdict["selftest"]
    took = f" in {seconds:.0f}s" if seconds is not None else ""
    at_init = f" (/init at {init_s:.1f}s)" if init_s else ""
    return (f"{label}: {'PASS' if passed(verdict) else 'FAIL'}{took}{at_init}; "
            f"kunit {k['pass']} passed {k['fail']} failed {k['skip']} skipped; "
            f"selftests {s['pass']} passed {s['fail']} failed "
            f"{s['skip']} skipped")


def detail_lines(label, verdict):
    return [f"  {label}: {item}"
            for item in verdict["problems"][:10] + verdict["failures"][:40]]


def load_verdict(path):
    """A verdict run_qemu.py wrote; None when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
    except (OSError, ValueError):
        return None
    for key in ("kunit", "selftest", "failures", "problems", "facts"):
        if key not in v:
            return None
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--label", default=None)
    ap.add_argument("--min-kunit", type=int, default=0)
    ap.add_argument("--min-selftests", type=int, default=0)
    ap.add_argument("--debug-vm-pgtable", action="store_true",
                    help="the kernel has CONFIG_DEBUG_VM_PGTABLE=y")
    ap.add_argument("--kmemleak", action="store_true",
                    help="the kernel has CONFIG_DEBUG_KMEMLEAK=y: its scan "
                    "report must be in the log and empty")
    ap.add_argument("--lkdtm", default="",
                    help="LKDTM crash types the boot provokes, A,B")
    args = ap.parse_args()
    v = judge_file(args.log, min_kunit=args.min_kunit,
                   min_selftests=args.min_selftests,
                   debug_vm_pgtable=args.debug_vm_pgtable,
                   kmemleak=args.kmemleak,
                   lkdtm=lkdtm_types([f"lpae_lkdtm={args.lkdtm}"]))
    label = args.label or args.log
    print(summary_line(label, v))
    for line in detail_lines(label, v):
        print(line)
    return 0 if passed(v) else 1


if __name__ == "__main__":
    sys.exit(main())
