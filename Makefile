# SPDX-License-Identifier: GPL-2.0
#
# The LPAE harness. Not the kernel's Makefile: the repo root mirrors the
# kernel tree only below the directories harness/lib.sh overlays.
#
#   make run      set up, build the LPAE kernel, boot it with $(MEM) and
#                 print a summary (MEM=16G for more)
#   make test     every configuration, every test; ends "N passed, N failed"
#   make shell    interactive shell in the LPAE guest (busybox; on
#                 MACHINE=virt Debian 12's bash, see ROOTFS)
#   make bench    our kernel against the base kernel, timed (see README)
#   make faults   inject each known bug; do the tests catch it? (slow)
#
# Developer targets: tree, kernel, initramfs, selftests, rootfs, boot,
# series, check, judge-tests (see README).
#
# Settings (NAME=value on the command line; checked before anything is
# built, a bad one stops make with one line):
#   CONFIG=lpae          fragments of tools/testing/lpae/configs joined
#                        with + (lpae, classic, lpae+split2g, ...)
#   MEM=6G SMP=2         guest RAM (vexpress-a15: at most 30G) and CPUs
#   MACHINE=vexpress-a15, vexpress-a9 or virt,highmem=on; CPU and DTB follow it
#   CPU= DTB=            QEMU -cpu and the device tree, if not the default
#   ROOTFS=debian        make run and make shell: Debian 12 armhf from a
#                        virtio disk (the default on virt; harness/rootfs.sh
#                        builds it once into build/rootfs) or initramfs
#   APPEND="w ..."       kernel command-line words (lpae_tests=, ...)
#   TIMEOUT=900          limit of a whole boot, seconds
#   INIT_TIMEOUT=120     a kernel that has not reached /init by then fails
#   TREE=linux           assembled tree build/src/TREE
#   SKIP="file ..."      owned files left at their base version
#   HEAD=1 WORK="f ..."  our files as committed (plus these from the
#                        work tree); make faults and make bench always
#   TARGETS="dir/ ..."   make targets for make kernel
#   FAULTS="xn ..."      faults for make faults (default: all)
#   JOBS=N               make test: boots at a time, and make -j of builds
#   EXTENDED=1           make test: also the 16 GiB boot
#   NOCHECK=1            make test: without make check
#   BOOTS="glob ..."     make test: only the boots with these labels
#   NOBUILD=1            make series: do not build after each patch
#   LPAE_NO_BUILD_LOCK=1 (environment) builds skip the two build slots
#   BENCH_BOOTS, BENCH_TIMEOUT   make bench (see README)

TREE	?= linux
CONFIG	?= lpae
MEM	?= 6G
SMP	?= 2
MACHINE	?= vexpress-a15
CPU	?= $(if $(filter vexpress-a9,$(MACHINE)),cortex-a9,cortex-a15)
# virt: the device tree QEMU generates ("-").
DTB	?= $(if $(filter vexpress-a9,$(MACHINE)),vexpress-v2p-ca9.dtb,$(if $(filter virt%,$(MACHINE)),-,vexpress-v2p-ca15-tc1.dtb))
TIMEOUT	?= 900
INIT_TIMEOUT ?= 120
APPEND	?=
ROOTFS	?= $(if $(filter virt%,$(MACHINE)),debian,initramfs)
TARGETS	?=
SKIP	?=

B	:= build
SRC	:= $(B)/src/$(TREE)
KOUT	= $(B)/kernel/$(TREE)/$(CONFIG)
INITRD	:= $(B)/initramfs/$(TREE).cpio.gz
LABEL	= $(CONFIG)-$(MEM)-smp$(SMP)$(if $(filter-out cortex-a15,$(CPU)),-$(CPU))
LOG	= $(B)/logs/$(TREE)/$(LABEL).log
RUNQEMU	:= python3 tools/testing/lpae/run_qemu.py

HEAD	?= 0
WORK	?=

# Every setting is checked before any target runs: a misspelt one must
# not cost a build first.
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
SETTINGS_ERROR := $(shell bash harness/settings.sh CONFIG='$(CONFIG)' \
	MACHINE='$(MACHINE)' CPU='$(CPU)' DTB='$(DTB)' MEM='$(MEM)' \
	SMP='$(SMP)' TREE='$(TREE)' TIMEOUT='$(TIMEOUT)' \
	INIT_TIMEOUT='$(INIT_TIMEOUT)' JOBS='$(JOBS)' FAULTS='$(FAULTS)' \
	EXTENDED='$(EXTENDED)' NOCHECK='$(NOCHECK)' HEAD='$(HEAD)' \
	NOBUILD='$(NOBUILD)' $(if $(filter run shell rootfs,$(MAKECMDGOALS)),ROOTFS='$(ROOTFS)'))
ifneq ($(SETTINGS_ERROR),)
$(error $(SETTINGS_ERROR))
endif
endif

export LPAE_SKIP := $(SKIP)
export LPAE_FROM_HEAD := $(HEAD)
export LPAE_WORK := $(WORK)

.PHONY: all run test faults bench shell setup tree kernel initramfs selftests boot clean help judge-tests rootfs

all: help

help:
	@sed -n '3,/^$$/p' Makefile | sed '$$d; s/^# \{0,1\}//'

setup:
	@bash harness/setup.sh $(B)/cache

tree: setup
	@bash harness/assemble.sh ours $(SRC)

kernel: tree
	@bash harness/build-kernel.sh $(SRC) $(KOUT) $(CONFIG) $(TARGETS)

initramfs selftests: tree
	@bash harness/initramfs.sh $(SRC) $(INITRD)

QEMU_ARGS = --kernel $(KOUT)/arch/arm/boot/zImage \
	--dtb $(if $(filter -,$(DTB)),-,$(KOUT)/arch/arm/boot/dts/$(DTB)) --initrd $(INITRD) \
	--machine $(MACHINE) --cpu $(CPU) --mem $(MEM) --smp $(SMP) \
	--timeout $(TIMEOUT) --init-timeout $(INIT_TIMEOUT) \
	$(foreach a,$(APPEND),--append $(a))

# make run and make shell with ROOTFS=debian: the Debian image (built
# once, again only when its recipe in harness/rootfs.sh changes; its
# stage 2 boots this configuration's kernel) and the disk of this tree's
# tests beside it.
DEBIAN_IMG := $(B)/rootfs/debian-12-armhf.ext4
TESTS_IMG = $(B)/rootfs/$(TREE)-tests.ext4
ROOTFS_DEP = $(if $(filter debian,$(ROOTFS)),rootfs)
ROOTFS_ARGS = $(if $(filter debian,$(ROOTFS)),--rootfs $(DEBIAN_IMG) --tests-disk $(TESTS_IMG))
RUN_LABEL = $(LABEL)$(if $(filter debian,$(ROOTFS)),-debian)

rootfs: kernel initramfs
	@bash harness/setup.sh --rootfs $(B)/cache
	@bash harness/rootfs.sh image $(KOUT)/arch/arm/boot/zImage $(DEBIAN_IMG)
	@bash harness/rootfs.sh tests $(SRC) $(B)/initramfs/$(TREE).d/root $(TESTS_IMG)

# Boot what is built; build it first if needed.
boot: kernel initramfs
	@$(RUNQEMU) $(QEMU_ARGS) --label $(LABEL) --log $(LOG)

run: kernel initramfs $(ROOTFS_DEP)
	@rc=0; $(RUNQEMU) $(QEMU_ARGS) $(ROOTFS_ARGS) --label $(RUN_LABEL) \
		--log $(B)/logs/$(TREE)/$(RUN_LABEL).log || rc=$$?; \
	echo; python3 harness/report.py --summary "$$(cat $(SRC)/.lpae-version)" \
		$(B)/logs/$(TREE)/$(RUN_LABEL).log.json || rc=1; exit $$rc

shell: kernel initramfs $(ROOTFS_DEP)
	@$(RUNQEMU) $(QEMU_ARGS) $(ROOTFS_ARGS) --mode shell --label shell --log $(B)/logs/shell.log

test: setup
	@TREE=$(TREE) bash harness/test.sh

# Inject each bug the selftests target into a scratch build; all caught?
faults: setup
	@bash harness/faults.sh $(FAULTS)

# Our kernel against the base kernel under QEMU -icount (harness/bench.sh).
bench:
	@bash harness/setup.sh --bench $(B)/cache
	@bash harness/bench.sh

# The harness's own tests (the judge on recorded logs, the settings
# checks); make test runs them too.
judge-tests:
	@PYTHONDONTWRITEBYTECODE=1 pytest-3 -q -p no:cacheprovider harness/tests

clean:
	rm -rf $(B)/kernel $(B)/logs $(B)/initramfs

# The series and its checks (harness/series.sh, harness/check.sh):
#   make series [NOBUILD=1]   the work as a git format-patch series in
#                             build/series/out, the kernel built after
#                             each patch unless NOBUILD=1
#   make check                checkpatch --strict on the series, W=1,
#                             sparse and kernel-doc on our files
NOBUILD	?= 0

.PHONY: series check

series: setup
	@NOBUILD=$(NOBUILD) bash harness/series.sh $(B)/series/out

check: tree
	@bash harness/check.sh $(SRC)
