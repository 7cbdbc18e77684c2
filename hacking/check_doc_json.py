# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the output of ``ansible-doc --json -t module FQCN`` (``make doc``).

ansible-doc exits 0 even when a plugin is missing or its documentation does not
load (it only warns), so ``make doc`` checks that the JSON has the module with
DOCUMENTATION, EXAMPLES and RETURN.

Usage: check_doc_json.py FQCN FILE
"""

from __future__ import annotations

import json
import sys


def check(fqcn: str, data: dict) -> list[str]:
    """Return a list of problems found in ansible-doc's JSON for one module."""
    entry = data.get(fqcn)
    if not entry:
        return [f'{fqcn}: ansible-doc returned no documentation (module missing or DOCUMENTATION broken)']

    problems = []
    doc = entry.get('doc') or {}
    for key in ('short_description', 'description', 'author', 'version_added'):
        if not doc.get(key):
            problems.append(f'{fqcn}: DOCUMENTATION has no {key}')
    if not entry.get('examples'):
        problems.append(f'{fqcn}: no EXAMPLES')
    if not entry.get('return'):
        problems.append(f'{fqcn}: no RETURN')
    return problems


def main(argv: list[str]) -> int:
    """Entry point."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    fqcn, path = argv
    with open(path, encoding='utf-8') as handle:
        try:
            data = json.load(handle)
        except ValueError as exc:
            print(f'{fqcn}: ansible-doc did not print JSON: {exc}', file=sys.stderr)
            return 1
    problems = check(fqcn, data)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
