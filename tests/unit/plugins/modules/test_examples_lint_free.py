# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's own examples trigger none of its lints: every write module's EXAMPLES, run in order against the
emulator, autoscale_simulate's proposed policies, the seed walkthrough's final policy and the role's defaults applied to
the example inventory's policies (the last: tests/integration/test_awx.py, through the role)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._lint import lint_setting
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_profile, autoscale_rule, autoscale_simulate, autoscale_state
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, run_module

ROOT = Path(__file__).resolve().parents[4]
MODULES = {"mlops.autoscale.autoscale_state": autoscale_state, "mlops.autoscale.autoscale_profile": autoscale_profile,
           "mlops.autoscale.autoscale_rule": autoscale_rule}
TEMPLATE = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")


def _tasks(module):
    return [task for task in yaml.safe_load(module.EXAMPLES) if any(key in task for key in MODULES) or "mlops.autoscale.autoscale_simulate" in task]


def _resolved(value, variables):
    if isinstance(value, dict):
        return {key: _resolved(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item, variables) for item in value]
    match = TEMPLATE.match(value) if isinstance(value, str) else None
    return variables[match.group(1)] if match else value


# While a scale-out/scale-in pair is built one rule at a time, the first rule alone is one-sided.
BUILDING_UP = ("scale-out-without-scale-in", "scale-in-without-scale-out")


def _lint_codes(result):
    return [re.match(r"Policy lint (\S+):", text).group(1) for text in result["warnings"] if text.startswith("Policy lint")]


@pytest.mark.parametrize("module, before", [(autoscale_state, None), (autoscale_profile, None), (autoscale_rule, autoscale_profile)],
                         ids=["autoscale_state", "autoscale_profile", "autoscale_rule"])
def test_write_module_examples_run_in_order_without_a_lint(arm, target_args, module, before):
    """Each module's EXAMPLES in order (autoscale_rule's after autoscale_profile's first, which makes their profile)."""
    variables = {"scale_webhook_uri": "https://hooks.example.com/scale?sig=s3cr3t"}
    tasks = _tasks(before)[:1] + _tasks(module) if before else _tasks(module)
    for task in tasks:
        name, args = next((key, value) for key, value in task.items() if key in MODULES)
        kind, result = run_module(MODULES[name], _resolved(args, variables))
        assert kind is AnsibleExitJson, (task["name"], result.get("msg"))
        assert set(_lint_codes(result)) <= set(BUILDING_UP), task["name"]
    settings = [setting for setting in arm.settings() if setting["properties"]["targetResourceUri"].lower().endswith("/ep-fraud/deployments/blue")]
    for setting in settings:
        assert lint_setting(_model.normalise_setting(setting)) == []


def test_simulate_examples_propose_lint_free_policies(deployment):
    target = _model.target_ids_from_deployment_id(deployment("ep-fraud", "blue")["id"])
    proposals = [task["mlops.autoscale.autoscale_simulate"]["proposed"] for task in _tasks(autoscale_simulate)
                 if "proposed" in task.get("mlops.autoscale.autoscale_simulate", {})]
    assert proposals
    for proposed in proposals:
        assert lint_setting(_model.setting_from_policy(proposed, target, "s")) == []


def _walkthrough_policy():
    """The policy playbooks/seed_walkthrough.yml leaves (its tasks before the toggle and delete tags)."""
    plays = yaml.safe_load((ROOT / "playbooks" / "seed_walkthrough.yml").read_text(encoding="utf-8"))
    profiles, rules = {}, {}
    for task in plays[0]["tasks"]:
        tags = set(task.get("tags") or [])
        if tags & {"toggle", "delete"}:
            continue
        if "mlops.autoscale.autoscale_profile" in task:
            args = task["mlops.autoscale.autoscale_profile"]
            profiles[args["name"]] = {key: args[key] for key in ("name", "capacity", "recurrence", "fixed_date") if key in args}
        elif "mlops.autoscale.autoscale_rule" in task:
            args = dict(task["mlops.autoscale.autoscale_rule"])
            rules.setdefault(args.pop("profile_name"), []).append(args)
    return [dict(profile, rules=rules.get(name, [])) for name, profile in profiles.items()]


def test_the_seed_walkthrough_leaves_a_lint_free_policy(deployment):
    target = _model.target_ids_from_deployment_id(deployment("ep-fraud", "blue")["id"])
    profiles = _walkthrough_policy()
    resolved = _resolved(profiles, {"walkthrough_deployment": "blue"})
    assert lint_setting(_model.setting_from_policy({"profiles": resolved}, target, "s")) == []
