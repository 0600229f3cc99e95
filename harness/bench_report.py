#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables, CSV and a plot from the console logs of make bench.

Each log is one boot named <kernel>-<mem>.log (ours-6G.log, base-2G.log);
the guest printed "LPAE-BENCH: name median min max unit" lines (see
tools/testing/lpae/lpae_bench.c). Boot figures come from the same log:
the guest time before the kernel's clock started (boot_before_clock,
measured by lpae_bench with the generic timer's counter), the kernel
timestamp of "Run /init" and their sum, boot_to_init.

  bench_report.py OUTDIR LOG...
"""

import csv
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools", "testing", "lpae"))
from judge import load_verdict  # noqa: E402

KERNELS = ("ours", "base")
# Ours built with one option off (harness/bench.sh): privileged access
# never, and HIGHPTE.
NOPAN, NOHIGHPTE = "nopan", "nohighpte"
COMPARED = ("2G", "6G")
STAMP = re.compile(r"^\[\s*(\d+\.\d+)\]\s?(.*)$")
# Kernel lines whose timestamps mark boot phases. Their clock starts in
# time_init(), after the memory setup, so "Memory:" is always stamped 0;
# lpae_bench's boot_before_clock covers the memory setup.
PHASES = (("ts_memory_line", "Memory: "),
          ("ts_initrd_unpacked", "Freeing initrd memory"),
          ("ts_run_init", "Run /init as init process"))
BOOT = ("boot_to_init", "boot_before_clock", "ts_run_init")
# harness/bench-boot-marks.patch: "boot-mark: <mark> <ns> ns", the guest
# counter from reset at points of the memory setup. A phase runs from
# the mark before it (reset for the first) to its own mark.
MARKS = (("boot_decompress", "start_kernel"),
         ("boot_setup_arch_tables", "bootmem_init"),
         ("boot_sparse_init", "sparse_init_done"),
         ("boot_memmap_init", "bootmem_init_done"),
         ("boot_setup_arch_rest", "setup_arch_done"),
         ("boot_to_mm_init", "mm_init"),
         ("boot_mem_init_start", "memblock_free_all"),
         ("boot_free_lowmem", "memblock_free_all_done"),
         ("boot_free_highmem", "free_highpages_done"),
         ("boot_mm_init_rest", "mm_init_done"),
         ("boot_to_time_init", "time_init"))
PHASE_NAMES = tuple(n for n, _ in MARKS)
# The highmem fault penalty: fault_anon_64M in a guest without highmem
# against one where the pages come from highmem.
PENALTY = ("fault_anon_64M", "512M", "6G")
PENALTY_KERNELS = KERNELS + (NOHIGHPTE,)
# The syscall figures, ours (with PAN) against base and against ours
# without PAN; the copy-heavy ones have a target against base.
SYSCALL = ("null_syscall", "read_tmpfs_4K", "write_pipe_64K",
           "read_pipe_64K", "fork_exit_wait")
COPY_HEAVY = ("read_tmpfs_4K", "write_pipe_64K", "read_pipe_64K")
PAN_TARGET = 1.03
BOOT_SIZES = ("2G", "6G", "16G", "30G")
GROWTH = BOOT + ("boot_memmap_init", "boot_free_lowmem", "boot_free_highmem",
                 "fault_anon_64M", "fault_anon_256M", "unmap_per_page")
# Figures kept out of the printed tables (still in the CSV).
# The boot phases have a table of their own (every RAM size).
CSV_ONLY = ("init_uptime", "ts_memory_line", "ts_initrd_unpacked") + \
    PHASE_NAMES


def mem_gib(mem):
    return int(mem[:-1]) if mem.endswith("G") else int(mem[:-1]) / 1024


def parse_log(path):
    """Figures of one boot: name -> (median, min, max, unit) or a skip."""
    figs, skips, marks = {}, {}, {}
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    for raw in lines:
        line = raw.rstrip("\r\n")
        m = STAMP.match(line)
        text = m.group(2) if m else line
        if m:
            for name, key in PHASES:
                if text.startswith(key) and name not in figs:
                    t = float(m.group(1))
                    figs[name] = (t, t, t, "s")
        m = re.match(r"boot-mark: (\w+) (\d+) ns", text)
        if m:
            marks.setdefault(m.group(1), int(m.group(2)) / 1e6)
        m = re.match(r"LPAE-INIT: at (\d+\.\d+)s", text)
        if m:
            t = float(m.group(1))
            figs["init_uptime"] = (t, t, t, "s")
        if not text.startswith("LPAE-BENCH: "):
            continue
        w = text.split()
        if len(w) >= 3 and w[2] == "skip":
            skips[w[1]] = " ".join(w[3:])
        elif len(w) == 6:
            try:
                figs[w[1]] = (float(w[2]), float(w[3]), float(w[4]), w[5])
            except ValueError:
                pass
    prev = 0.0
    for name, mark in MARKS:
        if mark in marks:
            t = marks[mark] - prev
            figs[name] = (t, t, t, "ms")
            prev = marks[mark]
    init = figs.get("ts_run_init") or figs.get("init_uptime")
    if "boot_before_clock" in figs and init:
        # Reset to /init: the timestamps count from the clock's start.
        t = figs["boot_before_clock"][0] + init[0]
        figs["boot_to_init"] = (t, t, t, "s")
    return figs, skips


def verdict(path):
    v = load_verdict(path + ".json")
    if v is None:
        return "no verdict", None
    bad = v.get("problems", []) + v.get("failures", [])
    return ("ok" if not bad else "FAILED: " + bad[0]), v.get("seconds")


def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 1000:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.4f}"


def ratio(a, b):
    """Median ratio and its range (ours min / base max .. max / min)."""
    if not a or not b or not b[0] or not b[1] or not b[2]:
        return None, None, None
    return a[0] / b[0], a[1] / b[2], a[2] / b[1]


def table(rows, head):
    widths = [max(len(str(r[i])) for r in [head] + rows)
              for i in range(len(head))]
    out = []
    for n, r in enumerate([head] + rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.append(" | ".join(cells))
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def order(boots):
    """Boot figures first, then the benchmarks in the guest's order."""
    names = [n for n in BOOT if any(n in f for f, _ in boots.values())]
    for figs, _ in boots.values():
        for n in figs:
            if n not in names and n not in CSV_ONLY:
                names.append(n)
    return names


def comparison(boots, names):
    rows, csv_rows = [], []
    for n in names:
        unit = next(b[0][n][3] for b in boots.values() if n in b[0])
        row, crow = [f"{n} ({unit})"], [n, unit]
        for mem in COMPARED:
            o = boots.get(f"ours-{mem}", ({}, {}))[0].get(n)
            b = boots.get(f"base-{mem}", ({}, {}))[0].get(n)
            r, lo, hi = ratio(o, b)
            row += [fmt(o and o[0]), fmt(b and b[0]),
                    "-" if r is None else f"{r:.4f} ({lo:.4f}..{hi:.4f})"]
            crow += [x if x is None else round(x, 6) for x in
                     (o and o[0], o and o[1], o and o[2],
                      b and b[0], b and b[1], b and b[2], r, lo, hi)]
        rows.append(row)
        csv_rows.append(crow)
    return rows, csv_rows


def verdict_line(csv_rows):
    """Figures slower than base beyond the spread and by over 0.05 %."""
    slower, n = [], 0
    for row in csv_rows:
        worse = []
        for k, mem in enumerate(COMPARED):
            r, lo = row[2 + 9 * k + 6], row[2 + 9 * k + 7]
            if r is None:
                continue
            n += 1
            if r > 1.0005 and lo > 1:
                worse.append(f"{mem} x{r:.4f}")
        if worse:
            slower.append(f"{row[0]} ({', '.join(worse)})")
    if not n:
        return "no figure of both kernels to compare"
    if not slower:
        return f"ours <= base (within the spread or 0.05 %) on all {n}"
    return ("slower than base beyond the spread and by over 0.05 %:\n  "
            + "\n  ".join(slower))


def growth(boots, kernel="ours"):
    mems = sorted({k.split("-", 1)[1] for k in boots
                   if k.startswith(kernel + "-")}, key=mem_gib)
    rows = []
    for n in GROWTH:
        vals = [boots[f"{kernel}-{m}"][0].get(n) for m in mems]
        if not any(vals):
            continue
        rows.append([f"{n} ({next(v for v in vals if v)[3]})"] +
                    [fmt(v and v[0]) for v in vals])
    return mems, rows


def slopes(boots, kernel, mems):
    """boot_to_init between successive RAM sizes of 2 GiB and more."""
    pts = [(mem_gib(m), boots[f"{kernel}-{m}"][0].get("boot_to_init"))
           for m in mems if mem_gib(m) >= 2]
    pts = [(g, v[0]) for g, v in pts if v]
    return [(a[0], b[0], (b[1] - a[1]) / (b[0] - a[0]))
            for a, b in zip(pts, pts[1:])]


def linearity(boots, mems, kernel="ours"):
    """Slopes of boot_to_init between successive RAM sizes, per GiB."""
    sl = slopes(boots, kernel, mems)
    if len(sl) < 2:
        return (f"{kernel} boot_to_init: fewer than three RAM sizes of"
                " 2 GiB or more, no growth check")
    desc = ", ".join(f"{a:g}->{b:g} GiB {s * 1000:.1f} ms/GiB"
                     for a, b, s in sl)
    ok = all(s2 <= s1 * 1.05 + 0.001
             for (_, _, s1), (_, _, s2) in zip(sl, sl[1:]))
    return (f"{kernel} boot_to_init growth: {desc}: "
            f"{'no faster than linear' if ok else 'FASTER than linear'}")


def breakdown(boots):
    """The boot phases (ms) of both kernels at every size booted."""
    mems = [m for m in BOOT_SIZES
            if any(f"{k}-{m}" in boots for k in KERNELS)]
    head, rows = ["phase (ms)"], []
    for m in mems:
        head += [f"ours {m}", f"base {m}", f"ratio {m}"]
    for n in PHASE_NAMES + ("boot_before_clock", "boot_to_init"):
        row, seen = [n], False
        for m in mems:
            o = boots.get(f"ours-{m}", ({},))[0].get(n)
            b = boots.get(f"base-{m}", ({},))[0].get(n)
            scale = 1000 if n in BOOT else 1
            o = o and o[0] * scale
            b = b and b[0] * scale
            seen |= o is not None or b is not None
            row += [fmt(o), fmt(b), f"{o / b:.3f}" if o and b else "-"]
        if seen:
            rows.append(row)
    return head, rows


def rfmt(r):
    """A ratio() as "median (lo..hi)", "-" when there is none."""
    if r[0] is None:
        return "-"
    return f"{r[0]:.4f} ({r[1]:.4f}..{r[2]:.4f})"


def pan_cost(boots):
    """The syscall figures: ours, base, nopan and two ratios per size.

    Returns the printed rows and the CSV rows (ratios as numbers).
    """
    rows, csv_rows = [], []
    for n in SYSCALL:
        for mem in COMPARED:
            o, b, p = (boots.get(f"{k}-{mem}", ({},))[0].get(n)
                       for k in ("ours", "base", NOPAN))
            if not (o or b or p):
                continue
            rb, rp = ratio(o, b), ratio(o, p)
            unit = next(v[3] for v in (o, b, p) if v)
            rows.append([f"{n} ({unit})", mem, fmt(o and o[0]),
                         fmt(b and b[0]), fmt(p and p[0]), rfmt(rb),
                         rfmt(rp)])
            csv_rows.append([n, unit, mem] +
                            [v and v[0] for v in (o, b, p)] +
                            [x if x is None else round(x, 6)
                             for x in rb + rp])
    return rows, csv_rows


def pan_verdict(csv_rows):
    """The copy-heavy figures against PAN_TARGET, ours (PAN) / base."""
    over, n = [], 0
    for row in csv_rows:
        name, mem, r = row[0], row[2], row[6]
        if name not in COPY_HEAVY or r is None:
            continue
        n += 1
        if r > PAN_TARGET:
            over.append(f"{name} {mem} x{r:.4f}")
    if not n:
        return "PAN target: no copy-heavy figure of ours and base"
    if not over:
        return (f"PAN target met: copy-heavy ours/base <= {PAN_TARGET}"
                f" on all {n}")
    return (f"PAN target NOT met (copy-heavy ours/base > {PAN_TARGET}): "
            + ", ".join(over))


def penalty(boots):
    """fault_anon_64M with and without highmem, per kernel."""
    name, low, high = PENALTY
    rows = []
    for k in PENALTY_KERNELS:
        lo = boots.get(f"{k}-{low}", ({},))[0]
        hi = boots.get(f"{k}-{high}", ({},))[0]
        a, b = lo.get(name), hi.get(name)
        if not a and not b:
            continue
        share = [f.get(name + "_highmem") for f in (lo, hi)]
        rows.append([k, fmt(a and a[0]),
                     fmt(share[0] and share[0][0]), fmt(b and b[0]),
                     fmt(share[1] and share[1][0]),
                     f"{b[0] / a[0]:.4f}" if a and b else "-"])
    head = ["kernel", f"{low} ns/page", "highmem %", f"{high} ns/page",
            "highmem %", "high/low"]
    return head, rows


def plot(outdir, boots, names, mems):
    """Ratios at 2 and 6 GiB, and ours against RAM size, in one PNG."""
    data = os.path.join(outdir, "bench-ratio.dat")
    grow = os.path.join(outdir, "bench-growth.dat")
    png = os.path.join(outdir, "bench.png")
    table_r = {n: [ratio(boots.get(f"ours-{m}", ({},))[0].get(n),
                         boots.get(f"base-{m}", ({},))[0].get(n))[0]
                   for m in COMPARED] for n in names}
    cols = [i for i in range(len(COMPARED))
            if any(r[i] is not None for r in table_r.values())]
    with open(data, "w", encoding="utf-8") as f:
        for n, r in table_r.items():
            if any(r[i] is not None for i in cols):
                f.write(n + " " + " ".join("NaN" if r[i] is None
                                           else f"{r[i]:.4f}"
                                           for i in cols) + "\n")
    bars = ", ".join(f"'{data}' using (100 * (${k + 2} - 1))"
                     f"{':xtic(1)' if k == 0 else ''}"
                     f" title '{COMPARED[i][:-1]} GiB'"
                     for k, i in enumerate(cols))
    with open(grow, "w", encoding="utf-8") as f:
        for m in mems:
            figs = boots[f"ours-{m}"][0]
            b = figs.get("boot_to_init")
            a = figs.get("fault_anon_256M")
            f.write(f"{mem_gib(m):g} {b[0] if b else 'NaN'} "
                    f"{a[0] if a else 'NaN'}\n")
    top = "" if not cols else f"""
set title 'ours against base: (median ratio - 1) in %, below 0 is faster'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set xtics rotate by -30 scale 0
set key outside right top
set grid y
set xzeroaxis lt -1
set ylabel '%'
plot {bars}
set key inside right top
"""
    if not mems:
        bottom = ""
    else:
        bottom = f"""
set title 'ours against RAM size'
set style data linespoints
set xtics norotate 2
set xlabel 'RAM (GiB)'
set ylabel 'boot to init (s)'
set y2label 'fault_anon_256M (ns/page)'
set y2tics
set ytics nomirror
plot '{grow}' using 1:2 axes x1y1 title 'boot to init', \\
     '' using 1:3 axes x1y2 title 'fault per 4 KiB page'
"""
    panels = bool(cols) + bool(mems)
    if not panels:
        return None
    script = f"""
set terminal pngcairo size 1200,{450 * panels} font ",9" noenhanced
set output '{png}'
set multiplot layout {panels},1
{top}{bottom}unset multiplot
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or str(e)
        print(f"bench: gnuplot failed: {err.strip()}")
        return None
    return png


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir, logs = sys.argv[1], sys.argv[2:]
    boots, status = {}, []
    for path in logs:
        label = os.path.basename(path)[:-len(".log")]
        if not os.path.exists(path):
            status.append(f"  {label}: no log")
            continue
        boots[label] = parse_log(path)
        v, secs = verdict(path)
        skips = "".join(f"; {k} skipped ({r})"
                        for k, r in boots[label][1].items())
        status.append(f"  {label}: {v}"
                      f"{'' if secs is None else f' in {secs:.0f}s'}{skips}")
    names = order(boots)
    extra = [n for n in CSV_ONLY if any(n in f for f, _ in boots.values())]
    rows, csv_rows = comparison(boots, names + extra)
    rows = rows[:len(names)]
    head = ["figure (unit)"]
    for mem in COMPARED:
        head += [f"ours {mem}", f"base {mem}", f"ratio {mem} (range)"]
    print("Boots:")
    print("\n".join(status))
    print()
    print(table(rows, head))
    print()
    print("ratio = ours median / base median; (range) = ours min / base max"
          " .. ours max / base min;")
    print("boot_* and ts_* are one sample per boot, the others medians of"
          " the repetitions.")
    print(verdict_line(csv_rows[:len(names)]))
    head, rows = breakdown(boots)
    if rows:
        print()
        print("Boot phases, reset to the kernel's clock (boot marks), then"
              " the totals:")
        print(table(rows, head))
    pan_rows, pan_csv = pan_cost(boots)
    if pan_rows:
        print()
        print("Syscall figures: ours (PAN on) against base (no PAN) and"
              " against ours with PAN off (nopan):")
        print(table(pan_rows, ["figure (unit)", "RAM", "ours", "base",
                               "nopan", "ours/base (range)",
                               "ours/nopan (range)"]))
        print(pan_verdict(pan_csv))
    pen_head, pen_rows = penalty(boots)
    if pen_rows:
        print()
        print(f"Highmem fault penalty ({PENALTY[0]}, a guest without"
              " highmem against one whose pages come from highmem;"
              f" {NOHIGHPTE}: ours with the PTE tables in lowmem):")
        print(table(pen_rows, pen_head))
    mems = []
    for k in KERNELS:
        km, grows = growth(boots, k)
        if k == "ours":
            mems = km
        if grows:
            print()
            print(table(grows, [f"{k} (unit)"] + [f"{m}" for m in km]))
            print()
            print(linearity(boots, km, k))
    per_gib = []
    for k in KERNELS:
        for a, b, sl in slopes(boots, k, growth(boots, k)[0]):
            if (a, b) == (6, 16):
                per_gib.append(f"{k} {sl * 1000:.1f}")
    if per_gib:
        print("boot_to_init from 6 to 16 GiB, ms per GiB (target <= 60): "
              + ", ".join(per_gib))

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "bench.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        hdr = ["figure", "unit"]
        for mem in COMPARED:
            hdr += [f"{k}_{mem}_{s}" for k in KERNELS
                    for s in ("median", "min", "max")]
            hdr += [f"ratio_{mem}", f"ratio_{mem}_lo", f"ratio_{mem}_hi"]
        w.writerow(hdr)
        w.writerows(csv_rows)
    gpath = os.path.join(outdir, "bench-ours-by-ram.csv")
    with open(gpath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["figure", "unit", "mem", "median", "min", "max"])
        for m in mems:
            for n, v in boots[f"ours-{m}"][0].items():
                w.writerow([n, v[3], m] + list(v[:3]))
    ppath = os.path.join(outdir, "bench-pan.csv")
    with open(ppath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["figure", "unit", "mem", "ours", "base", NOPAN,
                    "ours_base", "ours_base_lo", "ours_base_hi",
                    "ours_nopan", "ours_nopan_lo", "ours_nopan_hi"])
        w.writerows(pan_csv)
    hpath = os.path.join(outdir, "bench-penalty.csv")
    with open(hpath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(pen_head)
        w.writerows(pen_rows)
    png = plot(outdir, boots, names, mems)
    print()
    print(f"bench: table {path}")
    print(f"bench: ours by RAM size {gpath}")
    print(f"bench: syscall figures {ppath}, fault penalty {hpath}")
    if png:
        print(f"bench: plot {png}")


if __name__ == "__main__":
    main()
