# SPDX-License-Identifier: GPL-2.0
"""harness/table_stores.py: table stores must be followed by their
cache maintenance; our files keep the rule, a store without it fails."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(REPO, "harness", "table_stores.py")
OURS = [os.path.join(REPO, p) for p in (
    "arch/arm/include/asm/pgtable-3level.h", "arch/arm/mm/mmu.c",
    "arch/arm/mm/pgd.c")]


def run(*paths):
    return subprocess.run([sys.executable, SCRIPT, *paths],
                          capture_output=True, text=True)


def test_our_files_keep_the_rule():
    r = run(*OURS)
    assert r.returncode == 0, r.stdout


def test_missing_flush_is_named(tmp_path):
    f = tmp_path / "t.h"
    f.write_text("static inline void set_it(pmd_t *pmdp, pmd_t pmd)\n"
                 "{\n\t*pmdp = pmd;\n}\n")
    r = run(str(f))
    assert r.returncode == 1
    assert "t.h:3: store to pmdp" in r.stdout


def test_flush_of_another_pointer_does_not_count(tmp_path):
    f = tmp_path / "t.c"
    f.write_text("static void two(pmd_t *a, pmd_t *b)\n"
                 "{\n\t*a = __pmd(0);\n\tflush_pmd_entry(b);\n}\n")
    assert run(str(f)).returncode == 1


def test_caller_that_flushes_is_accepted(tmp_path):
    f = tmp_path / "t.c"
    f.write_text("/* The caller flushes the line. */\n"
                 "static void one(pmd_t *a)\n"
                 "{\n\ta[1] = __pmd(0);\n}\n")
    assert run(str(f)).returncode == 0
