#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device tree with only its first CPU, for uniprocessor kernels: a UP
# kernel given a tree that names more CPUs than it supports warns at
# boot (arch/arm/kernel/devtree.c), as a UP kernel on the real two-CPU
# board would. Uses the dtc the kernel build made.
#
#   one-cpu-dtb.sh KOUT IN.dtb OUT.dtb
set -eu

DTC=$1/scripts/dtc/dtc
[ -x "$DTC" ] || { echo "one-cpu-dtb: no $DTC (kernel not built)" >&2; exit 1; }
"$DTC" -I dtb -O dts -q "$2" |
	python3 -c '
import re, sys
dts = sys.stdin.read()
out, n = re.subn(r"\n(\t+)cpu@[1-9][0-9a-f]* \{.*?\n\1\};", "", dts, flags=re.S)
if not n:
	sys.exit("one-cpu-dtb: no second CPU node found")
sys.stdout.write(out)' |
	"$DTC" -I dts -O dtb -q -o "$3"
