#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a kernel under QEMU vexpress or virt and judge the boot from its log.

The serial console goes to a log file, which judge.py judges: KUnit
cases, selftest cases and one "boot" check (see judge.py). While the
guest runs, a line on stderr says which phase it has reached (kernel,
each KUnit suite, /init, each selftest program) when it changes, and at
least once a minute. A kernel that has not reached /init within
--init-timeout seconds fails then. A failed boot keeps its log and
prints its last 40 lines.

On virt the guest also gets a scratch disk (a sparse raw file LOG.disk,
removed when QEMU ends, serial "lpae-scratch") and an entropy source, both
virtio on PCIe: with highmem=on their 64-bit BARs sit above 4 GiB, and
lpae_pcie_test writes and reads the disk from pages above 4 GiB.

--rootfs IMAGE (virt only) boots a root file system from a virtio disk
instead of the initramfs: the Debian image of harness/rootfs.sh, /dev/vda,
opened with snapshot=on so that no boot changes it, and beside it the
read-only disk of tests (--tests-disk, /dev/vdb), whose /init the image's
/sbin/lpae-init runs. The scratch disk comes after both.

The verdict is also written as JSON next to the log, for the harness to
add up across boots; the QEMU command line, shell-quoted, goes to
LOG.cmd. --judge LOG judges a saved log again (and rewrites LOG.json).

--initrd-at ADDR loads the initrd at that physical address, as a boot
loader may (QEMU's generic loader, and initrd=ADDR,SIZE on the command
line), instead of where QEMU's own boot code puts it, low in RAM.

A bad-input boot says what it must print: --expect REGEX (repeatable),
a line the console must show while the boot goes on as usual, and
--stop REGEX, the message the kernel must stop with: the boot passes
when it appears (QEMU is ended two seconds later), fails if the kernel
reaches /init or has not printed it within two minutes.

A kernel whose .config (found from --kernel, OUT/arch/arm/boot/zImage)
has CONFIG_DEBUG_VM_PGTABLE=y must print that mm/debug_vm_pgtable.c ran;
the verdict JSON records this, so --judge holds a saved log to it too.
Likewise CONFIG_DEBUG_KMEMLEAK=y: the log must have the kmemleak scan
that guest-init.sh makes after the selftests, and it must be empty.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge  # noqa: E402  (beside this file)

# Debian 12's QEMU 7.2 truncates LPAE table addresses to 32 bits
# (fixed by QEMU commit 67d762e716a7, first in 8.2.8 of the stable series).
QEMU_MIN = (8, 2, 8)
RAM_BASE = {"vexpress-a15": 0x80000000, "vexpress-a9": 0x60000000,
            "virt": 0x40000000}


def parse_size_mb(text):
    """'6G', '4097M', '512' (MiB) -> MiB as an int."""
    m = re.fullmatch(r"(\d+)([MmGg]?)", text)
    if not m:
        raise SystemExit(f"run_qemu: bad memory size '{text}' (use e.g. 6G or 4097M)")
    n = int(m.group(1))
    return n * 1024 if m.group(2).lower() == "g" else n


def ram_base(machine):
    """Physical start of RAM on a board ("virt,highmem=on" is virt); None if unknown."""
    return RAM_BASE.get(machine.split(",")[0])


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


def kernel_has_option(kernel, option):
    """Does the .config of the build that made @kernel set @option=y?

    The harness boots OUT/arch/arm/boot/zImage; without OUT/.config
    (a kernel from elsewhere) the answer is no.
    """
    out = os.path.join(os.path.dirname(os.path.abspath(kernel)),
                       "..", "..", "..")
    try:
        with open(os.path.join(out, ".config"), encoding="utf-8") as f:
            return any(line.strip() == f"{option}=y" for line in f)
    except OSError:
        return False


# A boot that must stop with a message (--stop) gets this long to do so.
STOP_DEADLINE = 120

# The disk lpae_pcie_test writes: more than its largest transfer (64 MiB).
DISK_MB = 64


def disk_path(args):
    return args.log + ".disk"


def virt_devices(args):
    """QEMU arguments for virt's PCIe devices; none on other boards.

    No network card: QEMU would add a virtio-net one, which the kernels
    (no CONFIG_NET) leave without a driver.
    """
    if args.machine.split(",")[0] != "virt":
        return []
    devices = []
    # The root file system and the tests first: PCI probes in slot order,
    # which QEMU gives in the order of -device, so they are vda and vdb.
    if args.rootfs:
        devices += ["-drive", "if=none,id=lpaeroot,format=raw,snapshot=on,"
                    f"file={args.rootfs}",
                    "-device", "virtio-blk-pci,drive=lpaeroot,serial=lpae-root",
                    "-drive", "if=none,id=lpaetests,format=raw,readonly=on,"
                    f"file={args.tests_disk}",
                    "-device", "virtio-blk-pci,drive=lpaetests,serial=lpae-tests"]
    with open(disk_path(args), "wb") as f:
        f.truncate(DISK_MB << 20)
    return devices + [
        "-drive", f"if=none,id=lpaedisk,format=raw,file={disk_path(args)}",
        "-device", "virtio-blk-pci,drive=lpaedisk,serial=lpae-scratch",
        "-device", "virtio-rng-pci", "-nic", "none"]


def qemu_version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                         check=False).stdout
    m = re.search(r"version (\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def check_qemu(args, ram_mb):
    """Refuse RAM above 4 GiB on a QEMU whose LPAE walk truncates it."""
    ram_end = (ram_base(args.machine) or 0) + ram_mb * 1024 * 1024
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


def ram_end(args, base, managed_mb):
    """The end of the RAM the kernel manages (exclusive).

    A classic kernel has 32-bit physical addresses: its RAM ends at 4 GiB
    whatever QEMU gives it (qemu_command() caps its size), and one byte
    short of it, since memblock cannot hold an end above 0xffffffff.
    """
    end = base + (managed_mb << 20)
    if end >= 1 << 32 and not kernel_has_option(args.kernel,
                                                "CONFIG_ARM_LPAE"):
        end = (1 << 32) - 1
    return end


# The PGD cache's failslab flag, which the PGD fault injection test needs.
PGD_SLUB_DEBUG = ("A", "pgd_lpae")


def slub_debug_word(words):
    """The one slub_debug= word of a test boot, given the --append words.

    Lets the PGD fault injection test scope failslab to the PGD cache
    (6.1's sysfs failslab flag is read-only). The kernel keeps only the
    last slub_debug= it is given, and a cache that a block names gets
    that block's flags alone; so a boot's own slub_debug=FLAGS (lpae+debug:
    FZPU for every cache) becomes "FLAGS;FLAGSA,pgd_lpae". Returns the
    word and @words without the boot's own slub_debug=.
    """
    own = [w for w in words if w.startswith("slub_debug=")]
    rest = [w for w in words if not w.startswith("slub_debug=")]
    flags, cache = PGD_SLUB_DEBUG
    if not own:
        return f"slub_debug={flags},{cache}", rest
    mine = own[-1][len("slub_debug="):]
    if not re.fullmatch(r"[A-Za-z-]+", mine):
        raise SystemExit(f"run_qemu: {own[-1]}: only flags for every cache "
                         f"can be combined with the PGD cache's {flags}")
    both = mine + "".join(f for f in flags if f not in mine)
    return f"slub_debug={mine};{both},{cache}", rest


def qemu_command(args, ram_mb):
    if args.rootfs:
        boot = ["root=/dev/vda", "rootfstype=ext4", "rw", "rootwait",
                "init=/sbin/lpae-init"]
    else:
        boot = ["rdinit=/init"]
    append = ["console=ttyAMA0", "panic=-1", *boot, f"lpae_mode={args.mode}"]
    words = args.append
    # Not for benchmarks: any slub_debug string switches SLUB's debug
    # checks on.
    if args.mode == "test":
        slub, words = slub_debug_word(words)
        append.append(slub)
    managed = managed_ram_mb(ram_mb, args.append)
    base = ram_base(args.machine)
    if (managed is not None and base is not None
            and not kernel_has_option(args.kernel, "CONFIG_ARM_LPAE")):
        managed = min(managed, ((1 << 32) - base) >> 20)
    if managed is not None:
        append.append(f"lpae_ram={managed}")
        # Where that RAM ends: the tests that need RAM above 4 GiB
        # decide from this, not from what the kernel under test shows.
        if base is not None:
            append.append(f"lpae_ram_end={ram_end(args, base, managed):#x}")
    initrd = []
    if args.rootfs:
        pass
    elif args.initrd_at is None:
        initrd = ["-initrd", args.initrd]
    else:
        # Where a boot loader might put it, QEMU's generic loader puts
        # it; the command line, which the kernel reads after the device
        # tree, says where it is.
        initrd = ["-device", f"loader,file={args.initrd},"
                  f"addr={args.initrd_at:#x},force-raw=on"]
        words = words + [f"initrd={args.initrd_at:#x},"
                         f"{os.path.getsize(args.initrd)}"]
    append += words
    cmd = [args.qemu, "-M", args.machine, "-cpu", args.cpu,
           "-smp", str(args.smp), "-m", f"{ram_mb}M", "-audio", "none",
           "-kernel", args.kernel, "-append", " ".join(append), "-no-reboot"]
    cmd += initrd
    # "-" (QEMU virt): the machine's own generated device tree.
    if args.dtb != "-":
        cmd += ["-dtb", args.dtb]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if args.mem_file:
        # Guest RAM in a sparse file: a 30 GiB guest on a smaller host
        # costs only the pages the boot touches.
        cmd += ["-object", f"memory-backend-file,id=ram,size={ram_mb}M,"
                f"mem-path={args.mem_file},share=on",
                "-machine", "memory-backend=ram"]
    cmd += virt_devices(args)
    if args.mode == "shell":
        return cmd + ["-nographic"]
    return cmd + ["-display", "none", "-monitor", "none",
                  "-serial", "file:" + args.log]


class LogFollower:
    """The console log's complete lines, as QEMU writes them."""

    def __init__(self, path):
        self.path, self.pos, self.partial = path, 0, b""

    def new_lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return []
        self.pos += len(data)
        *lines, self.partial = (self.partial + data).split(b"\n")
        return [line.decode("utf-8", "replace") for line in lines]


def progress(label, start, text):
    print(f"{label}: {time.monotonic() - start:4.0f}s {text}",
          file=sys.stderr, flush=True)


def run(args, ram_mb):
    """Boot once; returns (seconds, seconds to /init or None, problem).

    The problem is why the boot was stopped (a timeout), or None.
    """
    cmd = qemu_command(args, ram_mb)
    with open(args.log + ".cmd", "w", encoding="utf-8") as f:
        f.write(shlex.join(cmd) + "\n")
    start = time.monotonic()
    if args.mode == "shell":
        subprocess.run(cmd, check=False)
        return time.monotonic() - start, None, None
    # Wall time from QEMU's start to the first line of /init: the "boot to
    # user space" figure. The log is looked at five times a second.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    follow, live = LogFollower(args.log), judge.Judge()
    init_s, problem, stopped_at = None, None, None
    stop = re.compile(args.stop) if args.stop else None
    phase, said, said_at = None, None, start
    progress(args.label, start, f"QEMU started (-m {args.mem} -smp {args.smp}"
             f" -M {args.machine})")
    while proc.poll() is None:
        now = time.monotonic()
        elapsed = now - start
        for line in follow.new_lines():
            live.feed(line)
            if init_s is None and "LPAE-INIT:" in line:
                init_s = time.monotonic() - start
            if stop and not stopped_at and stop.search(judge.strip(line)):
                stopped_at = time.monotonic()
        phase = live.phase
        # The kernel stopped as it should: keep two seconds of what it
        # prints after the message (the backtrace), then end QEMU.
        if stopped_at and now - stopped_at > 2:
            proc.kill()
            proc.wait()
            break
        if phase != said and (now - said_at >= 10 or said is None):
            progress(args.label, start, f"in {phase}")
            said, said_at = phase, now
        elif now - said_at >= 60:
            progress(args.label, start, f"still in {phase}")
            said_at = now
        if elapsed > args.timeout:
            problem = f"timeout after {args.timeout}s (in {phase})"
        elif (init_s is None and args.init_timeout
              and elapsed > args.init_timeout):
            problem = (f"no /init after {args.init_timeout}s: the kernel "
                       f"did not reach user space (in {phase})")
        if problem:
            proc.kill()
            proc.wait()
            break
        time.sleep(0.2)
    return time.monotonic() - start, init_s, problem


def remove_disk(args):
    for path in (disk_path(args), args.mem_file):
        if not path:
            continue
        try:
            os.unlink(path)
        except OSError:
            pass


def report(args, verdict, lines):
    """Print the verdict; true when the boot passed."""
    print(judge.summary_line(args.label, verdict, verdict.get("seconds"),
                             verdict.get("init_seconds")))
    for line in judge.detail_lines(args.label, verdict):
        print(line)
    ok = judge.passed(verdict)
    if not ok:
        print(f"  --- last 40 lines of {args.log} ---")
        sys.stdout.writelines("  " + line for line in lines[-40:])
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel")
    ap.add_argument("--dtb")
    ap.add_argument("--initrd")
    ap.add_argument("--initrd-at", metavar="ADDR", type=lambda a: int(a, 0),
                    help="load the initrd at this physical address "
                    "(initrd=ADDR,SIZE) rather than where QEMU puts it")
    ap.add_argument("--log", help="console log file")
    ap.add_argument("--rootfs", metavar="IMAGE",
                    help="boot this root file system image (virt) instead "
                    "of the initramfs")
    ap.add_argument("--tests-disk", metavar="IMAGE",
                    help="with --rootfs: the disk of tests (harness/rootfs.sh)")
    ap.add_argument("--judge", metavar="LOG",
                    help="judge this saved log again; boot nothing")
    ap.add_argument("--label", default="boot")
    ap.add_argument("--mem", default="6G")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--machine", default="vexpress-a15")
    ap.add_argument("--cpu", default="cortex-a15")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--timeout", type=int, default=900, help="seconds")
    ap.add_argument("--init-timeout", type=int, default=None,
                    help="seconds to reach /init (default 120; 0: none)")
    ap.add_argument("--min-kunit", type=int, default=0,
                    help="fewest KUnit results the boot must report")
    ap.add_argument("--min-selftests", type=int, default=0,
                    help="fewest selftest results the boot must report")
    ap.add_argument("--mode", choices=["test", "bench", "shell"],
                    default="test")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--mem-file", metavar="FILE",
                    help="back guest RAM with this sparse file (made, "
                    "then removed)")
    ap.add_argument("--debug-vm-pgtable", action="store_true",
                    help="require debug_vm_pgtable's line (default: when "
                    "the kernel's .config sets CONFIG_DEBUG_VM_PGTABLE)")
    ap.add_argument("--kmemleak", action="store_true",
                    help="require guest-init.sh's kmemleak scan, empty "
                    "(default: when the kernel's .config sets "
                    "CONFIG_DEBUG_KMEMLEAK)")
    ap.add_argument("--append", action="append", default=[],
                    help="extra kernel command-line words")
    ap.add_argument("--expect", action="append", default=[],
                    metavar="REGEX", help="a console line must match")
    ap.add_argument("--stop", metavar="REGEX",
                    help="the boot must stop with a line that matches, "
                    f"within {STOP_DEADLINE}s")
    args = ap.parse_args()
    expect = {"min_kunit": args.min_kunit,
              "min_selftests": args.min_selftests,
              "expect_tests": args.mode == "test" and not args.stop,
              "lkdtm": judge.lkdtm_types(args.append)}

    if args.judge:
        args.log = args.judge
        with open(args.log, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        old = judge.load_verdict(args.log + ".json") or {}
        args.expect = args.expect or old.get("expect", [])
        args.stop = args.stop or old.get("stop")
        expect["expect_tests"] &= not args.stop
        expect["debug_vm_pgtable"] = not args.stop and (
            args.debug_vm_pgtable or old.get("debug_vm_pgtable", False))
        expect["kmemleak"] = not args.stop and (
            args.kmemleak or old.get("kmemleak", False))
        expect["lkdtm"] = expect["lkdtm"] or old.get("lkdtm", [])
        verdict = judge.judge(lines, **expect)
        judge.expect_messages(verdict, lines, args.expect, args.stop)
        verdict["lkdtm"] = expect["lkdtm"]
        verdict["debug_vm_pgtable"] = expect["debug_vm_pgtable"]
        verdict["kmemleak"] = expect["kmemleak"]
        for key in ("label", "seconds", "init_seconds", "mem_mb", "smp",
                    "machine", "cpu"):
            if key in old:
                verdict[key] = old[key]
        if args.label != "boot" or "label" not in verdict:
            verdict["label"] = args.label
        verdict["log"] = args.log
        args.label = verdict["label"]
        verdict["problems"] = ([p for p in old.get("problems", [])
                                if p.startswith(("timeout", "no /init"))]
                               + verdict["problems"])
        with open(args.log + ".json", "w", encoding="utf-8") as f:
            json.dump(verdict, f, indent=1)
        return 0 if report(args, verdict, lines) else 1

    for need in ("kernel", "dtb", "log",
                 *(["tests_disk"] if args.rootfs else ["initrd"])):
        if not getattr(args, need):
            ap.error(f"--{need.replace('_', '-')} is required to boot "
                     "(or --judge LOG)")
    if args.rootfs and args.machine.split(",")[0] != "virt":
        ap.error("--rootfs boots from a virtio disk: only on virt")
    if args.init_timeout is None:
        # -icount boots of 16 GiB spend minutes in the memory setup.
        args.init_timeout = 0 if args.mode == "bench" else 120
    if args.stop:
        # It never reaches /init; a hang instead of the message fails at
        # the deadline.
        args.init_timeout = 0
        args.timeout = min(args.timeout, STOP_DEADLINE)
    # A boot that must stop early never gets to debug_vm_pgtable or to
    # the kmemleak scan.
    expect["debug_vm_pgtable"] = not args.stop and (
        args.debug_vm_pgtable
        or kernel_has_option(args.kernel, "CONFIG_DEBUG_VM_PGTABLE"))
    expect["kmemleak"] = not args.stop and (args.kmemleak or (
        args.mode == "test"
        and kernel_has_option(args.kernel, "CONFIG_DEBUG_KMEMLEAK")))
    ram_mb = parse_size_mb(args.mem)
    check_qemu(args, ram_mb)
    if args.mem_file:
        os.makedirs(os.path.dirname(os.path.abspath(args.mem_file)),
                    exist_ok=True)
        with open(args.mem_file, "wb") as f:
            f.truncate(ram_mb << 20)
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    if os.path.exists(args.log):
        os.unlink(args.log)
    try:
        seconds, init_s, problem = run(args, ram_mb)
    finally:
        remove_disk(args)
    if args.mode == "shell":
        return 0
    with open(args.log, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    verdict = judge.judge(lines, **expect)
    if problem:
        verdict["problems"].insert(0, problem)
    judge.expect_messages(verdict, lines, args.expect, args.stop)
    verdict.update(label=args.label, seconds=round(seconds, 1),
                   init_seconds=round(init_s, 1) if init_s else None,
                   log=args.log,
                   mem_mb=ram_mb, smp=args.smp, machine=args.machine,
                   cpu=args.cpu, debug_vm_pgtable=expect["debug_vm_pgtable"],
                   kmemleak=expect["kmemleak"], lkdtm=expect["lkdtm"])
    with open(args.log + ".json", "w", encoding="utf-8") as f:
        json.dump(verdict, f, indent=1)
    return 0 if report(args, verdict, lines) else 1


if __name__ == "__main__":
    sys.exit(main())
