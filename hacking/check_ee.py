# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`make ee`: check the execution environment's build context that `ansible-builder create` wrote.

Usage: check_ee.py CONTEXT INTROSPECTED_REQUIREMENTS COLLECTION_REQUIREMENTS

- CONTEXT/Containerfile installs the collection tarball that CONTEXT/_build/collections holds, with ansible-core and
  ansible-runner;
- `ansible-builder introspect` of that tarball, installed, finds exactly the collection's requirements.txt (so the
  image gets the Azure SDKs: a build_ignore or a wrong meta/execution-environment.yml would lose them).
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement


def requirements(path):
    """The requirements of a pip requirements file, comments and blank lines aside."""
    lines = (line.split("#", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return sorted(str(Requirement(line)) for line in lines if line)


def main(context, introspected, declared):
    context = Path(context)
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    problems = []
    tarballs = sorted((context / "_build" / "collections").glob("*.tar.gz"))
    if len(tarballs) != 1:
        problems.append("expected one collection tarball in {0}, found {1}".format(context / "_build" / "collections", tarballs))
    for needed in ("ansible-galaxy collection install", "ansible-core", "ansible-runner", "introspect"):
        if needed not in containerfile:
            problems.append("the Containerfile lacks {0!r}".format(needed))
    found, wanted = requirements(introspected), requirements(declared)
    if found != wanted:
        problems.append("the collection introspects to {0}, not to requirements.txt's {1}".format(found, wanted))
    if problems:
        sys.exit("make ee: " + "; ".join(problems))
    print("ee: {0} ({1} Python requirements from the collection)".format(context / "Containerfile", len(found)))


if __name__ == "__main__":
    main(*sys.argv[1:])
