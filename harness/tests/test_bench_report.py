# SPDX-License-Identifier: GPL-2.0
"""harness/bench_report.py: the syscall table (ours with PAN against base
and against ours without PAN), its target line, and the highmem fault
penalty with the nohighpte kernel, from small console logs."""

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "harness"))
import bench_report  # noqa: E402

# name -> (median, min, max) per boot; unit ns unless named.
LOGS = {
    "ours-2G": {"null_syscall": (1030, 1020, 1040),
                "read_tmpfs_4K": (3120, 3110, 3130),
                "write_pipe_64K": (40000, 39900, 40100)},
    "base-2G": {"null_syscall": (1000, 990, 1010),
                "read_tmpfs_4K": (3000, 2990, 3010),
                "write_pipe_64K": (40000, 39900, 40100)},
    "nopan-2G": {"null_syscall": (980, 970, 990),
                 "read_tmpfs_4K": (2950, 2940, 2960)},
    "ours-512M": {"fault_anon_64M": (2000, 1990, 2010)},
    "ours-6G": {"fault_anon_64M": (2600, 2590, 2610)},
    "nohighpte-512M": {"fault_anon_64M": (2000, 1990, 2010)},
    "nohighpte-6G": {"fault_anon_64M": (2400, 2390, 2410)},
}


def write_logs(tmp_path):
    paths = []
    for boot, figs in LOGS.items():
        p = tmp_path / f"{boot}.log"
        p.write_text("".join(f"LPAE-BENCH: {n} {a} {b} {c} ns\n"
                             for n, (a, b, c) in figs.items()))
        paths.append(str(p))
    return paths


@pytest.fixture
def boots(tmp_path):
    return {os.path.basename(p)[:-4]: bench_report.parse_log(p)
            for p in write_logs(tmp_path)}


def test_pan_cost_ratios(boots):
    rows, csv_rows = bench_report.pan_cost(boots)
    by = {(r[0], r[2]): r for r in csv_rows}
    null = by[("null_syscall", "2G")]
    assert null[3:6] == [1030, 1000, 980]
    assert null[6] == pytest.approx(1.03)
    assert null[9] == pytest.approx(1030 / 980, abs=1e-6)
    # No nopan figure: its ratio is missing, not zero.
    assert by[("write_pipe_64K", "2G")][9] is None
    assert len(rows) == len(csv_rows)


def test_pan_verdict_names_the_figure_over_target(boots):
    _, csv_rows = bench_report.pan_cost(boots)
    line = bench_report.pan_verdict(csv_rows)
    assert "NOT met" in line
    assert "read_tmpfs_4K 2G x1.0400" in line
    # write_pipe_64K is copy-heavy but at parity.
    assert "write_pipe_64K" not in line
    # null_syscall is not copy-heavy: never named.
    assert "null_syscall" not in line


def test_pan_verdict_met():
    rows = [["read_tmpfs_4K", "ns", "2G", 1, 1, 1, 1.01, 1, 1, 1, 1, 1]]
    assert bench_report.pan_verdict(rows).startswith("PAN target met")


def test_penalty_has_nohighpte(boots):
    head, rows = bench_report.penalty(boots)
    by = {r[0]: r for r in rows}
    assert by["ours"][-1] == "1.3000"
    assert by["nohighpte"][-1] == "1.2000"
    assert "base" not in by


def test_main_writes_csvs(tmp_path):
    logs = write_logs(tmp_path)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable,
                        os.path.join(REPO, "harness", "bench_report.py"),
                        str(out)] + logs, capture_output=True, text=True,
                       check=False, env={**os.environ, "PATH": "/nonexistent"})
    assert r.returncode == 0, r.stderr
    assert "Syscall figures" in r.stdout
    for name in ("bench.csv", "bench-pan.csv", "bench-penalty.csv"):
        assert (out / name).exists()
