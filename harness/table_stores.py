#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every store to a table entry is followed by its cache maintenance.

  table_stores.py FILE...

A table walker that does not snoop the data cache (B3.10.1 "General
TLB maintenance requirements", "Ordering of translation table entry
writes") sees a new level 1 or level 2 entry only after the line is
cleaned and a barrier orders the store before later walks: in Linux,
flush_pmd_entry() or clean_pmd_entry(). QEMU walks its tables through
the host's memory, so no boot can show one missing; this reads the
source instead. In each function of the C files given, a store through
a pmd_t, pud_t or pgd_t pointer ("*p = ...", "p[i] = ...") must be
followed in the same function by flush_pmd_entry() or clean_pmd_entry()
of that pointer, unless the function's comment, or one in its body,
says that its caller flushes. Prints one line per store that breaks the
rule and exits 1 if any does.
"""

import re
import sys

TABLE_PTR = re.compile(r"\b(?:pmd_t|pud_t|pgd_t)\s*\*\s*(?:const\s+)?(\w+)")
STORE = re.compile(r"^\s*(?:\*\s*(\w+)|(\w+)\s*\[[^\]]*\])\s*=[^=]")
MAINTENANCE = r"\b(?:flush|clean)_pmd_entry\(\s*&?\(?\s*{}\b"
CALLER_FLUSHES = re.compile(r"caller\w*\W+(?:\w+\W+){0,4}flush", re.I)


def functions(lines):
    """(comment above, first line number, body lines) of each function
    whose body opens with "{" in column 0 (kernel style)."""
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{") and start is None:
            start = i
        elif line.startswith("}") and start is not None:
            head = start - 1
            while head > 0 and not lines[head - 1].strip().endswith(("*/", ";", "}")) \
                    and lines[head - 1].strip():
                head -= 1
            comment = []
            j = head - 1
            while j >= 0 and (lines[j].lstrip().startswith(("*", "/*"))):
                comment.insert(0, lines[j])
                j -= 1
            yield "".join(comment), head, lines[head:i + 1]
            start = None


def check(path):
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    bad = []
    for comment, first, body in functions(lines):
        text = "".join(body)
        ptrs = set(TABLE_PTR.findall(text))
        if CALLER_FLUSHES.search(comment + text):
            continue
        for n, line in enumerate(body):
            m = STORE.match(line)
            if not m:
                continue
            var = m.group(1) or m.group(2)
            if var not in ptrs:
                continue
            rest = "".join(body[n:])
            if not re.search(MAINTENANCE.format(re.escape(var)), rest):
                bad.append(f"{path}:{first + n + 1}: store to {var} without "
                           "flush_pmd_entry() or clean_pmd_entry()")
    return bad


def main():
    bad = []
    for path in sys.argv[1:]:
        bad += check(path)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
