"""A real small or read-only file system (tmpfs), where the machine lets the tests mount
one (root in a container); the tests that need it are skipped elsewhere."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture
def tmpfs(tmp_path):
    """``make(options)`` mounts a tmpfs with ``options`` (e.g. ``"size=64k"``, ``"ro"``)
    and returns its path; everything is unmounted afterwards."""
    mounted = []

    def make(options: str):
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(where)
        return where

    yield make
    for where in mounted:
        subprocess.run(["umount", str(where)], capture_output=True)
