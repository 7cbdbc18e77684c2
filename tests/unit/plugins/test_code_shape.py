# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shape of the code in plugins/: short functions a reader can follow."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[2].parent / "plugins"
MAX_FUNCTION_LINES = 60


def _long_functions():
    for path in sorted(PLUGINS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                yield "{0}:{1} {2} ({3} lines)".format(path.relative_to(PLUGINS.parent), node.lineno, node.name,
                                                       node.end_lineno - node.lineno + 1)


def test_no_function_in_plugins_is_longer_than_60_lines():
    assert PLUGINS.is_dir() and any(PLUGINS.rglob("*.py"))
    assert list(_long_functions()) == []
