# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_state in-process against the ARM emulator: enabled toggles alone, whole-setting create and delete."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_state
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

PROFILES = [{
    "name": "default",
    "capacity": {"minimum": 1, "maximum": 5, "default": 2},
    "rules": [{"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70,
               "direction": "Increase", "value": 2, "cooldown": "15m"}],
}]


@pytest.fixture
def created(emulator, target_args, arm):
    kind, result = run_module(autoscale_state, dict(target_args, profiles=PROFILES, tags={"team": "fraud"}))
    assert kind is AnsibleExitJson, result
    assert result["changed"] is True
    assert len(emulator.writes()) == 1
    emulator.clear_requests()
    [raw] = arm.settings()
    return raw


def test_create_then_repeat(emulator, target_args, created):
    assert created["properties"]["enabled"] is True
    assert created["tags"] == {"team": "fraud"}
    kind, result = run_module(autoscale_state, dict(target_args, profiles=PROFILES, tags={"team": "fraud"}))
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert result["changes"] == []
    assert emulator.writes() == []


def test_changes_name_what_differs_with_or_without_diff_mode(emulator, target_args, created):
    wider = [dict(PROFILES[0], capacity={"minimum": 1, "maximum": 8, "default": 2})]
    kind, result = run_module(autoscale_state, dict(target_args, profiles=wider, tags={"team": "fraud", "tier": "gold"},
                                                    _ansible_check_mode=True))
    assert (kind, result["changed"], "diff" in result) == (AnsibleExitJson, True, False), result
    assert result["changes"] == ["tags", "profiles.default.capacity.maximum"]
    assert emulator.writes() == []
    kind, result = run_module(autoscale_state, dict(target_args, profiles=wider, tags={"team": "fraud"}, _ansible_diff=True))
    assert result["changes"] == ["profiles.default.capacity.maximum"] == list(result["diff"]["after"])
    assert len(emulator.writes()) == 1


def test_enabled_toggles_with_one_write_and_keeps_the_profiles(emulator, target_args, created, arm):
    # Check mode first: reported, not written.
    kind, result = run_module(autoscale_state, dict(target_args, enabled=False, _ansible_check_mode=True, _ansible_diff=True))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert (result["diff"]["before"]["enabled"], result["diff"]["after"]["enabled"]) == (True, False)
    assert emulator.writes() == []

    kind, result = run_module(autoscale_state, dict(target_args, enabled=False))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert result["autoscale_setting"]["enabled"] is False
    assert [entry["method"] for entry in emulator.writes()] == ["PUT"]
    [raw] = arm.settings()
    assert raw["properties"]["enabled"] is False
    assert raw["properties"]["profiles"] == created["properties"]["profiles"]
    assert raw["tags"] == created["tags"]
    assert raw["name"] == created["name"]

    emulator.clear_requests()
    kind, result = run_module(autoscale_state, dict(target_args, enabled=False))
    assert (kind, result["changed"]) == (AnsibleExitJson, False)
    assert emulator.writes() == []

    kind, result = run_module(autoscale_state, dict(target_args, enabled=True))
    assert (kind, result["changed"]) == (AnsibleExitJson, True)
    assert len(emulator.writes()) == 1
    [raw] = arm.settings()
    assert raw["properties"]["enabled"] is True
    assert raw["properties"]["profiles"] == created["properties"]["profiles"]


def test_new_setting_without_profiles_is_refused(emulator, target_args):
    kind, result = run_module(autoscale_state, dict(target_args, enabled=True))
    assert kind is AnsibleFailJson
    assert result["msg"].startswith("profiles: a new autoscale setting needs at least one profile")
    assert emulator.writes() == []


def test_absent_check_mode_then_delete(emulator, target_args, created, arm):
    kind, result = run_module(autoscale_state, dict(target_args, state="absent", _ansible_check_mode=True))
    assert (kind, result["changed"], result["autoscale_setting"]) == (AnsibleExitJson, True, None)
    assert emulator.writes() == []
    assert len(arm.settings()) == 1
    kind, result = run_module(autoscale_state, dict(target_args, state="absent"))
    assert (kind, result["changed"]) == (AnsibleExitJson, True)
    assert [entry["method"] for entry in emulator.writes()] == ["DELETE"]
    assert arm.settings() == []
    emulator.clear_requests()
    kind, result = run_module(autoscale_state, dict(target_args, state="absent"))
    assert (kind, result["changed"]) == (AnsibleExitJson, False)
    assert emulator.writes() == []


# The role's vocabulary: a default profile from capacity and rules, a scheduled profile without rules, rule defaults.
POLICY = {
    "capacity": {"minimum": 1, "maximum": 5, "default": 2},
    "rules": [{"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase"},
              {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease",
               "cooldown": "45m"}],
    "rule_defaults": {"cooldown": "25m", "value": 2},
    "profiles": [{"name": "weekend", "capacity": {"minimum": 1, "maximum": 2},
                  "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "UTC"}}],
}


def test_policy_in_the_roles_vocabulary_then_repeat(emulator, target_args):
    kind, result = run_module(autoscale_state, dict(target_args, policy=POLICY))
    assert kind is AnsibleExitJson, result
    default, weekend = result["autoscale_setting"]["profiles"]
    assert [(rule["cooldown"], rule["value"]) for rule in default["rules"]] == [("25m", 2), ("45m", 2)]
    assert default["name"] == "default" and weekend["rules"] == []
    emulator.clear_requests()
    kind, result = run_module(autoscale_state, dict(target_args, policy=POLICY))
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert emulator.writes() == []


def test_policy_and_the_simulators_proposed_policy_are_the_same_profiles(emulator, target_args, deployment):
    kind, result = run_module(autoscale_state, dict(target_args, policy=POLICY, _ansible_check_mode=True))
    assert kind is AnsibleExitJson, result
    ids = _model.target_ids_from_deployment_id(deployment()["id"])
    role_variables = {"endpoint_autoscale_" + key: value for key, value in POLICY.items()}
    proposed = _model.setting_from_policy(role_variables, ids, "x")
    assert _model.render(proposed)["profiles"] == result["autoscale_setting"]["profiles"]


@pytest.mark.parametrize("args, message", [
    ({"policy": POLICY, "profiles": PROFILES}, "mutually exclusive: profiles|policy"),
    ({"policy": dict(POLICY, rules=[{"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70}])},
     "policy.rules[0].direction"),
    ({"policy": dict(POLICY, profiles=[{"name": "weekend", "capacity": {"minimum": 3, "maximum": 2}}])},
     "policy.profiles[0].capacity"),
])
def test_bad_policy_fails_before_any_write(emulator, target_args, args, message):
    kind, result = run_module(autoscale_state, dict(target_args, **args))
    assert kind is AnsibleFailJson
    assert message in result["msg"]
    assert emulator.writes() == []


def test_new_setting_from_an_empty_policy_names_policy(emulator, target_args):
    kind, result = run_module(autoscale_state, dict(target_args, policy={"capacity": None, "profiles": []}))
    assert kind is AnsibleFailJson
    assert result["msg"].startswith("policy: a new autoscale setting needs at least one profile (Azure requires 1 to 20)")
    assert emulator.writes() == []
