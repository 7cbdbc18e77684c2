# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_state in-process against the ARM emulator: enabled toggles alone, whole-setting create and delete."""

from __future__ import annotations

import pytest

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
