# SPDX-License-Identifier: GPL-2.0
"""harness/lib.sh: the list of our files, from the work tree and from
HEAD (make faults and make bench assemble from HEAD)."""

import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def owned_files(**env):
    script = ('die() { echo "$*" >&2; exit 1; }; '
              'REPO=$1; . harness/lib.sh; owned_files')
    r = subprocess.run(["bash", "-c", script, "lib", REPO], cwd=REPO,
                       env={**os.environ, **env}, capture_output=True,
                       text=True, check=False)
    return r.returncode, r.stdout.split(), r.stderr


@pytest.mark.parametrize("env", [
    {},
    {"LPAE_FROM_HEAD": "1"},
    {"LPAE_FROM_HEAD": "1", "LPAE_WORK": "tools/testing/lpae/Makefile"},
])
def test_owned_files_listed(env):
    rc, files, err = owned_files(**env)
    assert rc == 0, err
    for f in ("arch/arm/mm/mmu.c", "arch/arm/mm/pgd.c",
              "arch/arm/include/asm/pgtable-3level.h"):
        assert f in files
    assert "harness/lib.sh" not in files
