# SPDX-License-Identifier: GPL-2.0
"""The judge (tools/testing/lpae/judge.py) on recorded console logs.

logs/ holds real boots of the LPAE kernel at 3 GiB with lpae_quick=1: a
pass, a panic (rdinit=/nope: no /init to run) and one cut off by the
/init deadline in the middle of a KUnit suite. The other cases are the
pass log with one thing changed, each as small as the defect it shows.
"""

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LPAE = os.path.join(REPO, "tools", "testing", "lpae")
sys.path.insert(0, LPAE)
import judge  # noqa: E402

# What the recorded LPAE boot reports.
KUNIT = {"pass": 92, "fail": 0, "skip": 1}
SELFTEST = {"pass": 69, "fail": 0, "skip": 1}


def log(name):
    with open(os.path.join(HERE, "logs", name), encoding="utf-8") as f:
        return f.readlines()


@pytest.fixture
def passing():
    return log("lpae-3G-pass.log")


def edit(lines, old, new, count=1):
    """The log with the first @count lines containing @old replaced."""
    out, done = [], 0
    for line in lines:
        if old in line and done < count:
            done += 1
            if new is None:
                continue
            line = line.replace(old, new)
        out.append(line)
    assert done == count, f"{old!r} found {done} times"
    return out


def test_pass(passing):
    v = judge.judge(passing, min_kunit=85, min_selftests=60)
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["kunit"] == KUNIT
    assert v["selftest"] == SELFTEST
    assert v["facts"]["LPAE-HIGHPAGE"][0].endswith("verified=yes")


def test_crashed_boot():
    v = judge.judge(log("lpae-3G-panic.log"))
    assert not judge.passed(v)
    assert any(p.startswith("panic: Kernel panic") for p in v["problems"])
    assert any("no LPAE-DONE" in p for p in v["problems"])


def test_truncated_log():
    v = judge.judge(log("lpae-3G-cut.log"))
    assert not judge.passed(v)
    assert v["kunit"]["fail"] == 1
    assert any("arm_lpae_pgtable: the log ends inside it" in f
               for f in v["failures"])


def test_truncated_inside_a_selftest(passing):
    cut = passing[:passing.index(next(
        line for line in passing if "LPAE-SELFTEST-END lpae_dirty_test" in line))]
    v = judge.judge(cut)
    assert not judge.passed(v)
    assert any("lpae_dirty_test: the log ends inside it" in f
               for f in v["failures"])


def test_oops_after_the_last_test(passing):
    lines = passing + [
        "[   40.100000] Unable to handle kernel paging request at virtual address 00000004\n",
        "[   40.100100] Internal error: Oops: 805 [#1] SMP ARM\n",
    ]
    v = judge.judge(lines)
    assert v["kunit"] == KUNIT and v["selftest"] == SELFTEST
    assert not judge.passed(v)
    assert any(p.startswith("oops:") for p in v["problems"])


def test_kunit_suite_not_ok(passing):
    # A suite whose init fails reports no case, only its own result.
    lines = edit(passing, "] ok 3 arm_pgd", "] not ok 3 arm_pgd")
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert v["kunit"]["fail"] == 1
    assert "kunit arm_pgd: suite not ok (arm_pgd)" in v["failures"]


def test_kunit_case_failure_counts_once(passing):
    lines = edit(passing, "    ok 1 entry_size_is_8_bytes",
                 "    not ok 1 entry_size_is_8_bytes")
    lines = edit(lines, "] ok 1 arm_lpae_pgtable", "] not ok 1 arm_lpae_pgtable")
    v = judge.judge(lines)
    assert v["kunit"]["fail"] == 1
    assert v["failures"][0] == "kunit arm_lpae_pgtable: entry_size_is_8_bytes"


def parameterised(lines, case, params):
    """The log with @case run as a parameterised KUnit case: each of
    @params is (state, name), a KTAP level below the case."""
    i = next(i for i, line in enumerate(lines) if f"ok 1 {case}" in line)
    stamp = lines[i][:lines[i].index("]") + 1]
    nested = [f"{stamp}         KTAP version 1\n",
              f"{stamp}         # Subtest: {case}\n"]
    nested += [f"{stamp}         {state} {n} {name}\n"
               for n, (state, name) in enumerate(params, 1)]
    state = "not ok" if any(s != "ok" for s, _ in params) else "ok"
    nested.append(f"{stamp}     {state} 1 {case}\n")
    return lines[:i] + nested + lines[i + 1:]


def test_kunit_parameterised_case_stays_in_its_suite(passing):
    # A parameterised case's "# Subtest:" line names the case, not a
    # suite: the case and the cases after it count in the suite they
    # run in, and the parameters are not counted as cases.
    lines = parameterised(passing, "entry_size_is_8_bytes",
                          [("ok", "low"), ("ok", "high")])
    v = judge.judge(lines, min_kunit=85, min_selftests=60)
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["kunit"] == KUNIT
    # The suite's own plan is still checked across the case.
    lines = edit(lines, "    ok 2 pgd_covers_4gib_with_4_entries", None)
    v = judge.judge(lines)
    assert ("kunit arm_lpae_pgtable: KTAP plan 1..82 but 81 result(s)"
            in v["failures"])


def test_kunit_parameterised_failure_names_case_and_parameter(passing):
    lines = parameterised(passing, "entry_size_is_8_bytes",
                          [("ok", "low"), ("not ok", "high (TTBR1)")])
    lines = edit(lines, "] ok 1 arm_lpae_pgtable", "] not ok 1 arm_lpae_pgtable")
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert v["kunit"]["fail"] == 1
    assert v["failures"][:2] == [
        "kunit arm_lpae_pgtable: entry_size_is_8_bytes",
        "  parameter not ok: high (TTBR1)"]


def test_kunit_plan_mismatch(passing):
    lines = edit(passing, "    ok 2 pgd_covers_4gib_with_4_entries", None)
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert ("kunit arm_lpae_pgtable: KTAP plan 1..82 but 81 result(s)"
            in v["failures"])


def test_kunit_missing_suite(passing):
    start = next(i for i, line in enumerate(passing) if "# Subtest: arm_pgd" in line)
    end = next(i for i, line in enumerate(passing) if "] ok 3 arm_pgd" in line)
    lines = passing[:start - 1] + passing[end + 1:]
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert "kunit: KTAP plan 1..4 but 3 suite result(s)" in v["failures"]


def test_selftest_plan_mismatch(passing):
    lines = edit(passing, "1..18", "1..19")
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert v["selftest"]["fail"] == 1
    assert "selftest lpae_prot_test: TAP plan 1..19 but 18 result(s)" in v["failures"]


def test_selftest_crash(passing):
    lines = edit(passing, "LPAE-SELFTEST-END lpae_vma_test rc=0",
                 "LPAE-SELFTEST-END lpae_vma_test rc=139")
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert "selftest lpae_vma_test: exited 139 after 8 result(s)" in v["failures"]


def test_zero_tests(passing):
    lines = [line for line in passing
             if not judge.TAP_RESULT.match(judge.strip(line))
             and not judge.TAP_PLAN.match(judge.strip(line))
             and "# Subtest" not in line and "LPAE-SELFTEST" not in line]
    v = judge.judge(lines)
    assert not judge.passed(v)
    assert "no test reported a result" in v["problems"]
    # A benchmark boot runs no test and is not judged for it.
    assert judge.passed(judge.judge(lines, expect_tests=False))


def test_minimums(passing):
    v = judge.judge(passing, min_kunit=100, min_selftests=71)
    assert not judge.passed(v)
    assert ("kunit: 93 result(s), fewer than the 100 this boot must report"
            in v["problems"])
    assert ("selftests: 70 result(s), fewer than the 71 this boot must report"
            in v["problems"])


def test_missing_program_fails_the_minimum(passing):
    start = next(i for i, line in enumerate(passing)
                 if "LPAE-SELFTEST-BEGIN lpae_dirty_test" in line)
    end = next(i for i, line in enumerate(passing)
               if "LPAE-SELFTEST-END lpae_dirty_test" in line)
    v = judge.judge(passing[:start] + passing[end + 1:], min_selftests=60)
    assert not judge.passed(v)


def test_rejudge_a_saved_log(tmp_path, passing):
    saved = tmp_path / "boot.log"
    saved.write_text("".join(edit(passing, "1..18", "1..17")))
    (tmp_path / "boot.log.json").write_text(json.dumps(
        {"label": "lpae-3G", "seconds": 40.0, "init_seconds": 2.8,
         "kunit": {}, "selftest": {}, "failures": [], "problems": [],
         "facts": {}}))
    r = subprocess.run([sys.executable, os.path.join(LPAE, "run_qemu.py"),
                        "--judge", str(saved), "--min-kunit", "85"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1
    assert r.stdout.startswith("lpae-3G: FAIL in 40s (/init at 2.8s); ")
    v = judge.load_verdict(str(saved) + ".json")
    assert v["label"] == "lpae-3G"
    assert "selftest lpae_prot_test: TAP plan 1..17 but 18 result(s)" in v["failures"]


def test_judge_program(passing, tmp_path):
    saved = tmp_path / "boot.log"
    saved.write_text("".join(passing))
    r = subprocess.run([sys.executable, os.path.join(LPAE, "judge.py"),
                        str(saved), "--label", "x", "--min-kunit", "85"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout
    assert r.stdout == ("x: PASS; kunit 92 passed 0 failed 1 skipped; "
                        "selftests 69 passed 0 failed 1 skipped\n")


def test_load_verdict(tmp_path):
    assert judge.load_verdict(str(tmp_path / "missing.json")) is None
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert judge.load_verdict(str(bad)) is None


LATE_KTAP = """\
[    9.000000] KTAP version 1
[    9.000001] 1..1
[    9.000002]     KTAP version 1
[    9.000003]     # Subtest: arm_lpae_walk
[    9.000004]     1..2
[    9.000005]     ok 1 walk_kernel_regions
[    9.000006]     ok 2 walk_user_pages
[    9.000007] ok 5 arm_lpae_walk
"""


def with_late_suites(lines, text=LATE_KTAP):
    """The log with a second KTAP document (suites run by /init) added
    just before the selftests."""
    at = next(i for i, line in enumerate(lines) if "LPAE-SELFTEST-BEGIN" in line)
    return lines[:at] + text.splitlines(keepends=True) + lines[at:]


def test_second_ktap_document_counts(passing):
    v = judge.judge(with_late_suites(passing))
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["kunit"]["pass"] == KUNIT["pass"] + 2


def test_second_ktap_document_missing_suite(passing):
    text = LATE_KTAP.replace("1..1\n", "1..2\n")
    v = judge.judge(with_late_suites(passing, text))
    assert not judge.passed(v)
    assert "kunit: KTAP plan 1..2 but 1 suite result(s)" in v["failures"]


def test_second_ktap_document_failed_case(passing):
    text = LATE_KTAP.replace("    ok 2 walk_user_pages", "    not ok 2 walk_user_pages")
    text = text.replace("ok 5 arm_lpae_walk", "not ok 5 arm_lpae_walk")
    v = judge.judge(with_late_suites(passing, text))
    assert not judge.passed(v)
    assert v["kunit"]["fail"] == 1

DVP_RAN = ("[    0.685300] debug_vm_pgtable: [debug_vm_pgtable         ]: "
           "Validating architecture page table helpers\n")
DVP_WARN = [
    "[    0.685400] ------------[ cut here ]------------\n",
    "[    0.685500] WARNING: CPU: 0 PID: 1 at ../../../src/linux/mm/"
    "debug_vm_pgtable.c:977 debug_vm_pgtable+0x4d0/0xc50\n",
    "[    0.685600] ---[ end trace 0000000000000000 ]---\n",
]


def with_debug_vm_pgtable(lines, extra=()):
    """The log with debug_vm_pgtable's line (and @extra) where it runs."""
    at = next(i for i, line in enumerate(lines)
              if "Registering SWP/SWPB" in line)
    return lines[:at] + [DVP_RAN] + list(extra) + lines[at:]


def test_debug_vm_pgtable_required(passing):
    # The recorded kernel has no DEBUG_VM_PGTABLE: not asked, not missed.
    assert judge.passed(judge.judge(passing))
    v = judge.judge(passing, debug_vm_pgtable=True)
    assert not judge.passed(v)
    assert ("debug_vm_pgtable: the kernel has CONFIG_DEBUG_VM_PGTABLE=y but "
            "never printed 'Validating architecture page table helpers'"
            in v["problems"])
    v = judge.judge(with_debug_vm_pgtable(passing), debug_vm_pgtable=True)
    assert judge.passed(v), v["problems"]
    assert v["facts"]["debug_vm_pgtable"] == ["validating"]


def test_debug_vm_pgtable_failed_check(passing):
    # pmd_basic_tests() runs once per protection: sixteen times the same.
    v = judge.judge(with_debug_vm_pgtable(passing, DVP_WARN * 16),
                    debug_vm_pgtable=True)
    assert not judge.passed(v)
    # The check that failed comes first, before the generic WARNING lines.
    assert v["problems"][0] == ("debug_vm_pgtable: the check at "
                                "mm/debug_vm_pgtable.c:977 failed")
    assert not v["problems"][1].startswith("debug_vm_pgtable")
    assert any(p.startswith("warning: WARNING: CPU: 0") for p in v["problems"])
    assert v["facts"]["debug_vm_pgtable"] == [
        "validating", "failed mm/debug_vm_pgtable.c:977"]


def test_debug_vm_pgtable_set_up_failed(passing):
    err = ("[    0.685350] debug_vm_pgtable: [init_args                ]: "
           "Failed to allocate pmd entries\n")
    v = judge.judge(with_debug_vm_pgtable(passing, [err]),
                    debug_vm_pgtable=True)
    assert not judge.passed(v)
    assert v["problems"] == ["debug_vm_pgtable: no check ran: "
                             "Failed to allocate pmd entries"]


def test_debug_vm_pgtable_from_kernel_config(tmp_path, passing):
    # run_qemu.py reads the option from OUT/.config beside OUT's zImage.
    sys.path.insert(0, LPAE)
    import run_qemu  # noqa: E402
    boot = tmp_path / "arch" / "arm" / "boot"
    boot.mkdir(parents=True)
    (boot / "zImage").write_bytes(b"")
    zimage = str(boot / "zImage")
    assert not run_qemu.kernel_has_option(zimage, "CONFIG_DEBUG_VM_PGTABLE")
    (tmp_path / ".config").write_text("# CONFIG_DEBUG_VM_PGTABLE is not set\n")
    assert not run_qemu.kernel_has_option(zimage, "CONFIG_DEBUG_VM_PGTABLE")
    (tmp_path / ".config").write_text("CONFIG_DEBUG_VM_PGTABLE=y\n")
    assert run_qemu.kernel_has_option(zimage, "CONFIG_DEBUG_VM_PGTABLE")

    # A saved verdict that required the line holds a re-judge to it.
    saved = tmp_path / "boot.log"
    saved.write_text("".join(passing))
    (tmp_path / "boot.log.json").write_text(json.dumps(
        {"label": "lpae-3G", "kunit": {}, "selftest": {}, "failures": [],
         "problems": [], "facts": {}, "debug_vm_pgtable": True}))
    r = subprocess.run([sys.executable, os.path.join(LPAE, "run_qemu.py"),
                        "--judge", str(saved)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1
    assert "never printed 'Validating architecture page table helpers'" in r.stdout


# Bad-input boots (run_qemu.py --expect, --stop).
STOPPED = r"Kernel.panic.*Unable.to.mount.root"


def test_stop_message_is_the_expected_outcome():
    lines = log("lpae-3G-panic.log")
    v = judge.judge(lines, expect_tests=False)
    judge.expect_messages(v, lines, stop=STOPPED)
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["stop"] == STOPPED
    assert len(v["said"]) == 1 and re.search(STOPPED, v["said"][0])


def test_stop_with_another_message_fails():
    lines = log("lpae-3G-panic.log")
    v = judge.judge(lines, expect_tests=False)
    judge.expect_messages(v, lines, stop=r"kernel.image.*is.not.inside")
    assert not judge.passed(v)
    assert any(p.startswith("panic:") for p in v["problems"])
    assert any("did not stop with" in p for p in v["problems"])


def test_stop_expected_but_the_boot_went_on(passing):
    v = judge.judge(passing, expect_tests=False)
    judge.expect_messages(v, passing, stop=r"Linux.version")
    assert any("reached /init" in p for p in v["problems"])


def test_stop_does_not_excuse_an_oops():
    lines = edit(log("lpae-3G-panic.log"), "Kernel panic",
                 "Internal error: Oops: 5 [#1]\n[    1.9] Kernel panic")
    v = judge.judge(lines, expect_tests=False)
    judge.expect_messages(v, lines, stop=STOPPED)
    assert any(p.startswith("oops:") for p in v["problems"])


def test_expected_message(passing):
    v = judge.judge(passing)
    judge.expect_messages(v, passing, expect=[r"Memory.policy:.Data"])
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["said"] == ["Memory policy: Data cache writealloc"]
    judge.expect_messages(v, passing, expect=[r"mem=64G:.the.firmware"])
    assert v["problems"] == ["expected message not printed: "
                             "mem=64G:.the.firmware"]


# The kernel's checkers (lpae+debug): each report fails the boot, named
# after its checker, once per line.
CHECKER_REPORTS = [
    ("kasan", "[   41.000000] BUG: KASAN: use-after-free in "
              "pgd_table_free+0x30/0x7c\n"),
    ("lockdep", "[   41.000000] WARNING: possible circular locking "
                "dependency detected\n"),
    ("lockdep", "[   41.000000] BUG: sleeping function called from invalid "
                "context at mm/page_alloc.c:5236\n"),
    ("lockdep", "[   41.000000] INFO: trying to register non-static key.\n"),
    ("lockdep", "[   41.000000] WARNING: suspicious RCU usage\n"),
    ("slub", "[   41.000000] BUG kmalloc-64 (Not tainted): Poison "
             "overwritten\n"),
    ("slub", "[   41.000000] INFO: Object 0xc4a0b2c0 @offset=704 "
             "fp=0x00000000\n"),
    ("page-poison", "[   41.000000] pagealloc: memory corruption\n"),
    ("kmemleak", "[   41.000000] kmemleak: Memory pool empty, consider "
                 "increasing CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE\n"),
    ("kmemleak", "unreferenced object 0xc5f1e000 (size 64):\n"),
]


def before_done(lines, extra):
    at = next(i for i, line in enumerate(lines) if "LPAE-DONE" in line)
    return lines[:at] + list(extra) + lines[at:]


@pytest.mark.parametrize("name,line", CHECKER_REPORTS)
def test_checker_report_fails_the_boot(passing, name, line):
    v = judge.judge(before_done(passing, [line]))
    assert not judge.passed(v)
    assert v["problems"] == [f"{name}: {judge.strip(line).strip()}"]
    sys.path.insert(0, os.path.join(REPO, "harness"))
    import report  # noqa: E402
    assert report.failed_names(v) == {name}


KMEMLEAK_CLEAN = ["LPAE-KMEMLEAK-BEGIN at 40.10s\n",
                  "LPAE-KMEMLEAK: 0 unreferenced\n"]
KMEMLEAK_LEAK = [
    "LPAE-KMEMLEAK-BEGIN at 40.10s\n",
    "unreferenced object 0xc5f1e000 (size 64):\n",
    "  comm \"lpae_process_te\", pid 212, jiffies 4294941000 (age 9.1s)\n",
    "  hex dump (first 32 bytes):\n",
    "    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n",
    "  backtrace:\n",
    "    [<c03a1b2c>] kmem_cache_alloc+0x1a4/0x3b0\n",
    "LPAE-KMEMLEAK: 1 unreferenced\n",
]


def test_kmemleak_scan_required(passing):
    # A kernel with kmemleak must show guest-init.sh's scan.
    v = judge.judge(passing, kmemleak=True)
    assert not judge.passed(v)
    assert any("has no scan report" in p for p in v["problems"])
    v = judge.judge(before_done(passing, KMEMLEAK_CLEAN), kmemleak=True)
    assert judge.passed(v), v["problems"]
    assert v["facts"]["LPAE-KMEMLEAK"] == ["0 unreferenced"]


def test_kmemleak_not_built_is_fine_without_it(passing):
    v = judge.judge(before_done(passing, ["LPAE-KMEMLEAK: not built\n"]))
    assert judge.passed(v), v["problems"]
    v = judge.judge(before_done(passing, ["LPAE-KMEMLEAK: not built\n"]),
                    kmemleak=True)
    assert "kmemleak: the scan after the selftests found not built" \
        in v["problems"]


def test_kmemleak_leak_fails(passing):
    v = judge.judge(before_done(passing, KMEMLEAK_LEAK), kmemleak=True)
    assert not judge.passed(v)
    assert v["problems"] == [
        "kmemleak: unreferenced object 0xc5f1e000 (size 64):",
        "kmemleak: the scan after the selftests found 1 unreferenced"]
    # The report's lines are neither KTAP nor TAP results.
    assert v["kunit"] == KUNIT and v["selftest"] == SELFTEST


def test_kmemleak_from_kernel_config_and_rejudge(tmp_path, passing):
    sys.path.insert(0, LPAE)
    import run_qemu  # noqa: E402
    out = tmp_path / "out"
    (out / "arch" / "arm" / "boot").mkdir(parents=True)
    (out / ".config").write_text("CONFIG_DEBUG_KMEMLEAK=y\n")
    zimage = str(out / "arch" / "arm" / "boot" / "zImage")
    assert run_qemu.kernel_has_option(zimage, "CONFIG_DEBUG_KMEMLEAK")
    # A saved verdict that wanted the scan keeps wanting it.
    saved = tmp_path / "boot.log"
    saved.write_text("".join(passing))
    (tmp_path / "boot.log.json").write_text(json.dumps(
        {"label": "lpae-debug", "kunit": {}, "selftest": {}, "failures": [],
         "problems": [], "facts": {}, "kmemleak": True}))
    r = subprocess.run([sys.executable, os.path.join(LPAE, "run_qemu.py"),
                        "--judge", str(saved)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1
    assert "has no scan report" in r.stdout


def test_slub_debug_folded_with_the_pgd_cache():
    sys.path.insert(0, LPAE)
    import run_qemu  # noqa: E402
    assert run_qemu.slub_debug_word(["lpae_quick=1"]) == (
        "slub_debug=A,pgd_lpae", ["lpae_quick=1"])
    # One slub_debug= only: the kernel keeps the last one it is given.
    assert run_qemu.slub_debug_word(["slub_debug=FZPU", "lpae_quick=1"]) == (
        "slub_debug=FZPU;FZPUA,pgd_lpae", ["lpae_quick=1"])
    with pytest.raises(SystemExit):
        run_qemu.slub_debug_word(["slub_debug=F,kmalloc-64"])


# An LKDTM crash type as the lpae-lkdtm boot prints it (guest-init.sh,
# lpae_lkdtm=): the shell's markers around LKDTM's lines and the oops.
def lkdtm_section(name, pid=77, oops_pid=None, rc=139, pan=True,
                  fail=False):
    addr = "b6f7e000"
    lines = [f"LPAE-LKDTM-BEGIN {name} pid={pid}\n",
             f"[   10.100000] lkdtm: Performing direct entry {name}\n",
             f"[   10.100100] lkdtm: attempting bad read at {addr}\n"]
    if fail:
        lines.append("[   10.100200] lkdtm: FAIL: survived bad read\n")
    if pan:
        lines += [
            "[   10.100300] 8<--- cut here ---\n",
            "[   10.100400] Unable to handle kernel access to user memory "
            "with PAN (TTBR0 walks disabled) at virtual address "
            f"{addr}\n",
            "[   10.100500] Internal error: Oops: 7 [#1] SMP ARM\n",
            f"[   10.100600] CPU: 1 PID: {oops_pid or pid} Comm: sh Tainted: "
            "G      D            6.1.0-lpae-harness #1\n"]
    lines.append(f"LPAE-LKDTM-END {name} rc={rc}\n")
    return lines


def with_lkdtm(passing, *sections):
    at = next(i for i, line in enumerate(passing)
              if line.startswith("LPAE-SELFTEST-BEGIN"))
    extra = [line for s in sections for line in s]
    return passing[:at] + extra + passing[at:]


LKDTM = ["ACCESS_USERSPACE", "EXEC_USERSPACE"]


def test_lkdtm_pass(passing):
    lines = with_lkdtm(passing, lkdtm_section(LKDTM[0]),
                       lkdtm_section(LKDTM[1], pid=78))
    v = judge.judge(lines, lkdtm=LKDTM)
    assert judge.passed(v), v["problems"] + v["failures"]
    assert v["selftest"]["pass"] == SELFTEST["pass"] + 2


@pytest.mark.parametrize("kw, why", [
    ({"pan": False, "rc": 0}, "0 PAN report(s) and 0 oops(es)"),
    ({"fail": True}, "LKDTM says FAIL"),
    ({"oops_pid": 1}, "not the shell's 77"),
    ({"rc": 0}, "the shell exited 0"),
])
def test_lkdtm_case_fails(passing, kw, why):
    lines = with_lkdtm(passing, lkdtm_section(LKDTM[0], **kw),
                       lkdtm_section(LKDTM[1], pid=78))
    v = judge.judge(lines, lkdtm=LKDTM)
    assert not judge.passed(v)
    assert v["selftest"]["fail"] == 1
    assert any(why in f for f in v["failures"]), v["failures"]


def test_lkdtm_never_provoked(passing):
    v = judge.judge(with_lkdtm(passing, lkdtm_section(LKDTM[0])),
                    lkdtm=LKDTM)
    assert not judge.passed(v)
    assert "lkdtm EXEC_USERSPACE: never provoked" in v["failures"]


def test_lkdtm_not_expected(passing):
    v = judge.judge(with_lkdtm(passing, lkdtm_section(LKDTM[0])))
    assert not judge.passed(v)
    assert any("not a crash type this boot provokes" in f
               for f in v["failures"])


def test_lkdtm_oops_outside_a_section(passing):
    lines = with_lkdtm(passing, lkdtm_section(LKDTM[0]),
                       lkdtm_section(LKDTM[1], pid=78))
    lines += ["[   40.100100] Internal error: Oops: 805 [#1] SMP ARM\n"]
    v = judge.judge(lines, lkdtm=LKDTM)
    assert not judge.passed(v)
    assert any(p.startswith("oops:") for p in v["problems"])


def test_lkdtm_types_from_the_command_line():
    assert judge.lkdtm_types(["quiet", "lpae_lkdtm=A,B"]) == ["A", "B"]
    assert judge.lkdtm_types(["quiet"]) == []


# lpae-on-a9: the LPAE zImage on a Cortex-A9, whose recorded console is
# that one line (arch/arm/boot/compressed/lpae_check.c) and nothing else.
def no_lpae_stop():
    with open(os.path.join(REPO, "harness", "test.sh"), encoding="utf-8") as f:
        m = re.search(r"^NO_LPAE_STOP='@stop=(.*)'$", f.read(), re.M)
    assert m, "no NO_LPAE_STOP in harness/test.sh"
    return m.group(1)


def test_no_lpae_message_stops_the_boot():
    lines = log("lpae-on-a9-stop.log")
    v = judge.judge(lines, expect_tests=False)
    judge.expect_messages(v, lines, stop=no_lpae_stop())
    assert judge.passed(v), v["problems"] + v["failures"]


def test_no_lpae_silence_fails():
    """What the A9 boot did before: nothing on the console, a spin."""
    v = judge.judge([], expect_tests=False)
    judge.expect_messages(v, [], stop=no_lpae_stop())
    assert not judge.passed(v)
    assert any("did not stop with" in p for p in v["problems"])


def test_no_lpae_message_must_be_whole():
    lines = edit(log("lpae-on-a9-stop.log"), "(MIDR 0x410fc090)", "(MIDR ?)")
    v = judge.judge(lines, expect_tests=False)
    judge.expect_messages(v, lines, stop=no_lpae_stop())
    assert not judge.passed(v)
