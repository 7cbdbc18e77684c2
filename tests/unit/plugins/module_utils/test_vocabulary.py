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
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CPU_OUT, TARGET

ROOT = Path(__file__).resolve().parents[4]
GENERATOR = ROOT / "hacking" / "regenerate.py"
# What the generator reads and writes, relative to the repository root.
INPUTS = ("plugins/module_utils/_vocabulary.py", "docs/simulation.md", "hacking/regenerate.py")
OUTPUTS = ("plugins/doc_fragments/_policy.py", "plugins/doc_fragments/_target.py", "plugins/doc_fragments/_simulate.py",
           "roles/endpoint_autoscale/meta/argument_specs.yml", "roles/endpoint_autoscale/defaults/main.yml", "docs/simulation.md",
           "plugins/doc_fragments/_manual_scale.py", "plugins/modules/autoscale_state.py", "plugins/modules/autoscale_profile.py",
           "plugins/modules/autoscale_rule.py")


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
    changed = changed.replace('"sample": ["profiles.default.capacity.maximum", "profiles.weekend"]', '"sample": ["tags"]')
    changed = changed.replace('"type": "int", "default": 1800, "range": (1, 86400)', '"type": "int", "default": 900, "range": (1, 86400)')
    assert changed.count("20 * 60") == 1 and '"default": "4m"' in changed and '"sample": ["tags"]' in changed
    assert '"default": 900' in changed
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
    assert _fragment(copy, "_manual_scale.py", "DOCUMENTATION")["wait_timeout"]["default"] == 900
    for module in ("autoscale_state", "autoscale_profile", "autoscale_rule"):
        text = (copy / "plugins" / "modules" / (module + ".py")).read_text(encoding="utf-8")
        returned = yaml.safe_load(re.search(r'RETURN = r"""\n(.*?)"""', text, re.DOTALL).group(1))
        assert returned["changes"]["sample"] == ["tags"] and "autoscale_setting" in returned, module


def test_a_changed_default_reaches_the_code(monkeypatch):
    """Specs, the model and the export read the vocabulary when they run, not a copy of it."""
    monkeypatch.setitem(_vocabulary.RULE["cooldown"], "default", "20m")
    monkeypatch.setitem(_vocabulary.RULE["time_window"], "range", (60, 600))
    assert _specs.rule_options()["cooldown"]["default"] == "20m"
    assert _specs.profiles_spec()["options"]["rules"]["options"]["cooldown"]["default"] == "20m"
    assert _model.build_rule(dict(CPU_OUT, cooldown=None), TARGET, "rule")["cooldown"] == "20m"
    with pytest.raises(ValueError, match=r"rule\.time_window"):
        _model.build_rule(dict(CPU_OUT, time_window="15m"), TARGET, "rule")


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


def _renamed_wire(monkeypatch, fields, name, wire):
    monkeypatch.setitem(fields[name], "wire", wire)


def test_the_arm_names_come_from_the_vocabulary(monkeypatch):
    """Renaming a field's wire name in the vocabulary renames it in the PUT body, and reading follows."""
    _renamed_wire(monkeypatch, _vocabulary.CAPACITY, "maximum", "capacity.maximumCount")
    _renamed_wire(monkeypatch, _vocabulary.FIXED_DATE, "time_zone", "fixedDate.zone")
    _renamed_wire(monkeypatch, _vocabulary.RECURRENCE, "days", "recurrence.schedule.weekDays")
    _renamed_wire(monkeypatch, _vocabulary.NOTIFICATIONS, "custom_emails", "email.emails")
    _renamed_wire(monkeypatch, _vocabulary.WEBHOOK, "service_uri", "uri")
    _renamed_wire(monkeypatch, _vocabulary.RULE, "threshold", "metricTrigger.limit")
    profiles = [_model.build_profile({"name": "default", "capacity": {"minimum": 1, "maximum": 4, "default": 1}, "rules": [CPU_OUT]},
                                     TARGET, "profiles[0]"),
                _model.build_profile({"name": "weekend", "capacity": {"minimum": 1, "maximum": 2, "default": 1},
                                      "recurrence": {"days": ["Saturday"], "time_zone": "UTC"}}, TARGET, "profiles[1]"),
                _model.build_profile({"name": "launch", "capacity": {"minimum": 2, "maximum": 2, "default": 2},
                                      "fixed_date": {"start": "2026-12-24T00:00:00", "end": "2026-12-26T00:00:00"}}, TARGET, "profiles[2]")]
    notifications = _model.build_notifications({"custom_emails": ["ops@example.com"], "webhooks": [{"service_uri": "https://h.example.com/x"}]},
                                               "notifications")
    setting = _model.apply_setting(_model.new_setting("s", "eastus", TARGET.deployment_id), profiles=profiles, notifications=notifications)
    body = _model.to_wire(setting, None)
    default, weekend, launch = body["properties"]["profiles"]
    assert default["capacity"]["maximumCount"] == "4" and "maximum" not in default["capacity"]
    assert default["rules"][0]["metricTrigger"]["limit"] == 70.0
    assert weekend["recurrence"]["schedule"]["weekDays"] == ["Saturday"]
    assert launch["fixedDate"]["zone"] == "UTC"
    notification = body["properties"]["notifications"][0]
    assert notification["email"]["emails"] == ["ops@example.com"] and notification["webhooks"][0]["uri"] == "https://h.example.com/x"
    body["id"] = "/subscriptions/0000-1111/resourceGroups/rg-ml/providers/microsoft.insights/autoscalesettings/s"
    body["name"] = "s"
    read = _model.normalise_setting(body)
    assert [profile["capacity"]["maximum"] for profile in read["profiles"]] == [4, 2, 2]
    assert read["profiles"][0]["rules"][0]["threshold"] == 70.0
    assert read["notifications"]["custom_emails"] == ["ops@example.com"]
