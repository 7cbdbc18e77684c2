# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The vocabulary is the one source: the generated text is in step with it, and a change to it reaches every place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model, _specs, _vocabulary
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _export
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CPU_OUT, TARGET

ROOT = Path(__file__).resolve().parents[4]
GENERATOR = ROOT / "hacking" / "regenerate.py"
# What the generator reads and writes, relative to the repository root.
INPUTS = ("plugins/module_utils/_vocabulary.py", "docs/simulation.md", "hacking/regenerate.py")
OUTPUTS = ("plugins/doc_fragments/_policy.py", "plugins/doc_fragments/_target.py", "plugins/doc_fragments/_simulate.py",
           "roles/endpoint_autoscale/meta/argument_specs.yml", "roles/endpoint_autoscale/defaults/main.yml", "docs/simulation.md")


def _regenerate(root, *args):
    return subprocess.run([sys.executable, str(GENERATOR if root == ROOT else root / "hacking" / "regenerate.py"),
                           "--root", str(root), *args], capture_output=True, text=True, check=False)


def _fragment(root, name, attribute):
    text = (root / "plugins" / "doc_fragments" / name).read_text(encoding="utf-8")
    block = re.search(r'    {0} = r"""\n(.*?)"""'.format(attribute), text, re.DOTALL).group(1)
    return yaml.safe_load(block)["options"]


def test_checked_in_text_is_what_regenerate_writes():
    result = _regenerate(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def copy(tmp_path):
    """A copy of what the generator reads and writes, with the rule cooldown and the metric lag defaults changed."""
    for relative in set(INPUTS + OUTPUTS):
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, target)
    vocabulary = tmp_path / INPUTS[0]
    text = vocabulary.read_text(encoding="utf-8")
    changed = text.replace("DEFAULT_COOLDOWN = 15 * 60", "DEFAULT_COOLDOWN = 20 * 60")
    changed = changed.replace('"metric_lag": {\n        "type": "str", "default": "3m"', '"metric_lag": {\n        "type": "str", "default": "4m"')
    assert changed.count("20 * 60") == 1 and '"default": "4m"' in changed
    vocabulary.write_text(changed, encoding="utf-8")
    return tmp_path


def test_a_changed_default_reaches_every_generated_place(copy):
    assert _regenerate(copy, "--check").returncode == 1
    assert _regenerate(copy).returncode == 0
    assert _regenerate(copy, "--check").returncode == 0
    rule = _fragment(copy, "_policy.py", "RULE")
    assert rule["cooldown"]["default"] == "20m" and "The default, 20 minutes," in rule["cooldown"]["description"][1]
    assert _fragment(copy, "_policy.py", "PROFILE")["rules"]["suboptions"]["cooldown"]["default"] == "20m"
    assert _fragment(copy, "_policy.py", "PROFILES")["profiles"]["suboptions"]["rules"]["suboptions"]["cooldown"]["default"] == "20m"
    assert _fragment(copy, "_simulate.py", "DOCUMENTATION")["parameters"]["suboptions"]["metric_lag"]["default"] == "4m"
    specs = yaml.safe_load((copy / OUTPUTS[3]).read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]
    assert specs["endpoint_autoscale_rules"]["options"]["cooldown"]["default"] == "20m"
    assert specs["endpoint_autoscale_rule_defaults"]["default"] == {"cooldown": "20m"}
    assert yaml.safe_load((copy / OUTPUTS[4]).read_text(encoding="utf-8"))["endpoint_autoscale_rule_defaults"] == {"cooldown": "20m"}
    assert "| `metric_lag` | `4m` |" in (copy / "docs" / "simulation.md").read_text(encoding="utf-8")


def test_a_changed_default_reaches_the_code(monkeypatch):
    """Specs, the model and the export read the vocabulary when they run, not a copy of it."""
    monkeypatch.setitem(_vocabulary.RULE["cooldown"], "default", "20m")
    monkeypatch.setitem(_vocabulary.RULE["time_window"], "range", (60, 600))
    assert _specs.rule_options()["cooldown"]["default"] == "20m"
    assert _specs.profiles_spec()["options"]["rules"]["options"]["cooldown"]["default"] == "20m"
    assert _model.build_rule(dict(CPU_OUT, cooldown=None), TARGET, "rule")["cooldown"] == "20m"
    with pytest.raises(ValueError, match=r"rule\.time_window"):
        _model.build_rule(dict(CPU_OUT, time_window="15m"), TARGET, "rule")
    assert _export.RULE_KEYS == tuple(_vocabulary.RULE)


def test_engine_defaults_are_the_documented_ones():
    """docs/simulation.md's table, the module's documented defaults and the engine's defaults agree."""
    table = dict(re.findall(r"^\| `(\w+)` \| (.*?) \|", (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8"), re.MULTILINE))
    documented = _fragment(ROOT, "_simulate.py", "DOCUMENTATION")["parameters"]["suboptions"]
    defaults = _engine.parameters()
    assert set(table) == set(documented) == set(defaults)
    for name, value in defaults.items():
        assert documented[name].get("default") == value, name
        if value is None:
            assert table[name] == "not set"
        elif isinstance(value, list):
            assert table[name] == "`[{0}]`".format(", ".join(value)), name
        else:
            assert table[name] == "`{0}`".format(str(value).lower() if isinstance(value, bool) else value), name
