# SPDX-License-Identifier: GPL-2.0
"""The settings checks (harness/settings.sh and the Makefile's use of it):
a bad setting stops everything with one line and exit status 2."""

import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# Run from make judge-tests or make test, the environment carries the
# outer make's flags and variables.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL")}


def settings(*words):
    return subprocess.run(["bash", "harness/settings.sh", *words], cwd=REPO,
                          env=ENV, capture_output=True, text=True,
                          check=False)


def make_n(*words):
    # -n: were the check to let a setting through, nothing would run.
    return subprocess.run(["make", "-n", *words], cwd=REPO, env=ENV,
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("words", [
    ["CONFIG=lpae", "MACHINE=vexpress-a15", "CPU=cortex-a15", "MEM=6G",
     "SMP=2", "DTB=vexpress-v2p-ca15-tc1.dtb"],
    ["CONFIG=lpae+split2g", "MACHINE=vexpress-a15", "MEM=4097M"],
    ["CONFIG=classic", "MACHINE=vexpress-a9", "CPU=cortex-a9", "MEM=1G",
     "DTB=vexpress-v2p-ca9.dtb"],
    ["FAULTS=xn asid pmd-leaf", "TREE=linux", "JOBS=2", "NOCHECK=1",
     "TIMEOUT=900"],
    ["CONFIG=lpae", "MACHINE=virt,highmem=on", "CPU=cortex-a7", "DTB=-",
     "MEM=8G"],
    ["CONFIG=lpae+up", "MACHINE=vexpress-a15",
     "DTB=vexpress-v2p-ca15-tc1-1cpu.dtb"],
    ["CONFIG=classic", "MACHINE=virt,highmem=off", "CPU=cortex-a7",
     "DTB=-", "MEM=2G"],
    ["CONFIG=lpae", "MACHINE=virt,highmem=on", "CPU=cortex-a15", "MEM=16G"],
    ["CONFIG=lpae", "MACHINE=virt", "ROOTFS=debian"],
    ["CONFIG=classic", "MACHINE=virt,highmem=off", "ROOTFS=debian"],
    ["MACHINE=vexpress-a15", "ROOTFS=initramfs"],
    # lpae-on-a9 of make test: a boot that must stop with a message.
    ["CONFIG=lpae", "MACHINE=vexpress-a9", "CPU=cortex-a9", "MEM=1G",
     "DTB=vexpress-v2p-ca9.dtb", "STOP=1"],
    [],
])
def test_good(words):
    r = settings(*words)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@pytest.mark.parametrize("words, message", [
    (["CONFIG=lpea"], "CONFIG=lpea: no fragment lpea"),
    (["CONFIG=lpae+"], "CONFIG=lpae+: an empty fragment name"),
    (["MACHINE=versatilepb"],
     "MACHINE=versatilepb: not a board the harness boots"),
    (["MACHINE=vexpress-a15", "CPU=cortex-a7"],
     "CPU=cortex-a7: QEMU's vexpress-a15 takes cortex-a15"),
    (["MACHINE=virt,highmem=on", "CPU=cortex-a9"],
     "CPU=cortex-a9: QEMU's virt takes cortex-a7,cortex-a15"),
    (["MACHINE=virt", "DTB=vexpress-v2p-ca15-tc1.dtb"],
     "DTB=vexpress-v2p-ca15-tc1.dtb: not a device tree of virt"),
    (["MACHINE=vexpress-a15", "MEM=40G"],
     "MEM=40G: QEMU's vexpress-a15 takes at most 30G"),
    (["CONFIG=classic", "MACHINE=vexpress-a9", "MEM=2G"],
     "MEM=2G: QEMU's vexpress-a9 takes at most 1G"),
    (["CONFIG=lpae", "MACHINE=vexpress-a9"],
     "CONFIG=lpae on MACHINE=vexpress-a9: an LPAE kernel does not run"),
    (["CONFIG=classic", "MACHINE=virt,highmem=on", "CPU=cortex-a7"],
     "CONFIG=classic on MACHINE=virt,highmem=on: a classic kernel cannot"),
    (["CONFIG=classic", "MACHINE=virt,highmem=off", "MEM=4G"],
     "MEM=4G: QEMU's virt,highmem=off takes at most 3G"),
    (["MACHINE=vexpress-a15", "MEM=6X"], "MEM=6X: not a size"),
    (["MACHINE=vexpress-a15", "DTB=vexpress-v2p-ca9.dtb"],
     "DTB=vexpress-v2p-ca9.dtb: not a device tree of vexpress-a15"),
    (["SMP=5"], "SMP=5: at most 4"),
    (["TIMEOUT=soon"], "TIMEOUT=soon: not a positive number"),
    (["NOCHECK=yes"], "NOCHECK=yes: 0 or 1"),
    (["STOP=yes"], "STOP=yes: 0 or 1"),
    (["CONFIG=lpae", "MACHINE=vexpress-a9", "STOP=0"],
     "CONFIG=lpae on MACHINE=vexpress-a9: an LPAE kernel does not run"),
    (["TREE=../x"], "TREE=../x: a plain directory name"),
    (["FAULTS=xn xm"], "FAULTS=xn xm: no fault xm"),
    (["COLOUR=1"], "COLOUR: not a setting"),
    (["MACHINE=virt", "ROOTFS=ubuntu"], "ROOTFS=ubuntu: debian or initramfs"),
    (["MACHINE=vexpress-a15", "ROOTFS=debian"],
     "ROOTFS=debian on MACHINE=vexpress-a15: the Debian image boots from a virtio disk"),
    (["CONFIG=lpae+be", "MACHINE=virt", "ROOTFS=debian"],
     "ROOTFS=debian with CONFIG=lpae+be: Debian armhf is little-endian"),
])
def test_bad(words, message):
    r = settings(*words)
    assert r.returncode == 2
    assert r.stdout.startswith("settings: " + message), r.stdout
    assert r.stdout.count("\n") == 1


@pytest.mark.parametrize("goal, word", [
    ("test", "CONFIG=lpea"),
    ("run", "MEM=40G"),
    ("run", "MACHINE=vexpress-a9"),       # CPU follows, the LPAE kernel not
    ("faults", "FAULTS=xm"),
    ("run", "ROOTFS=debian"),             # vexpress: no virtio disk
    ("shell", "MACHINE=virt CONFIG=lpae+be"),   # ROOTFS=debian follows
])
def test_make_stops_at_once(goal, word):
    r = make_n(goal, *word.split())
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "*** settings: " in lines[0], r.stderr


def test_make_help_lists_settings():
    r = subprocess.run(["make", "help"], cwd=REPO, env=ENV,
                       capture_output=True, text=True, check=True)
    for name in ("CONFIG=", "MEM=", "MACHINE=", "FAULTS=", "JOBS=", "ROOTFS=",
                 "INIT_TIMEOUT=", "LPAE_NO_BUILD_LOCK="):
        assert name in r.stdout


def test_faults_names():
    r = subprocess.run(["bash", "harness/faults.sh", "nosuch"], cwd=REPO,
                       env=ENV, capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert r.stderr.startswith("faults: no fault nosuch (faults: xn ")
