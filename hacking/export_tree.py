# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Copy the collection's source files into DEST (``make sanity``).

ansible-test must run from a directory whose real path ends in
``ansible_collections/<namespace>/<name>`` (it resolves symlinks), so ``make sanity``
runs it in a copy under ``.build/sanity/``. The copy holds exactly the files that
git knows or would add (``git ls-files --cached --others --exclude-standard``), so
.venv, .build and tests/output never reach the sanity tests.

Usage: export_tree.py SOURCE DEST   (DEST is emptied first)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Used when SOURCE is not a git work tree (an unpacked archive, say).
FALLBACK_EXCLUDES = frozenset(('.git', '.venv', '.build', '.pytest_cache', '__pycache__'))


def git_files(source: str) -> list[str] | None:
    """Files git tracks or would track, relative to SOURCE; None outside a git work tree."""
    try:
        out = subprocess.run(
            ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
            cwd=source, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted({name for name in out.decode('utf-8').split('\0') if name})


def walked_files(source: str) -> list[str]:
    """All files under SOURCE except development directories and tests/output."""
    found = []
    for root, dirs, files in os.walk(source):
        rel_root = os.path.relpath(root, source)
        dirs[:] = sorted(
            d for d in dirs
            if d not in FALLBACK_EXCLUDES and os.path.normpath(os.path.join(rel_root, d)) != os.path.join('tests', 'output')
        )
        found.extend(os.path.normpath(os.path.join(rel_root, f)) for f in files)
    return sorted(found)


def export(source: str, dest: str) -> int:
    """Copy the files into an emptied DEST; return how many were copied."""
    names = git_files(source)
    if names is None:
        names = walked_files(source)

    if os.path.lexists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)

    count = 0
    for name in names:
        src = os.path.join(source, name)
        if not os.path.lexists(src):  # tracked but deleted in the work tree
            continue
        dst = os.path.join(dest, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
        count += 1
    return count


def main(argv: list[str]) -> int:
    """Entry point."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, dest = (os.path.abspath(arg) for arg in argv)
    if dest == source or dest.startswith(source + os.sep) and not dest.startswith(os.path.join(source, '.build') + os.sep):
        print('export_tree.py: DEST must be outside SOURCE or under SOURCE/.build', file=sys.stderr)
        return 2
    count = export(source, dest)
    print(f'copied {count} files to {dest}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
