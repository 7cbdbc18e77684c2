# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_profile in-process against the ARM emulator: check mode, one write, idempotence, diff, input errors."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.modules import autoscale_info, autoscale_profile
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

CAPACITY = {"minimum": 1, "maximum": 4, "default": 2}
RULES = [
    {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
     "value": 1, "cooldown": "10m"},
    {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease",
     "value": 1, "cooldown": "10m"},
]


@pytest.fixture
def profile_args(target_args):
    return dict(target_args, name="default", capacity=dict(CAPACITY), rules=[dict(rule) for rule in RULES])


def successful_writes(emulator):
    return [entry for entry in emulator.writes() if 200 <= entry["status"] < 300]


def test_check_mode_apply_repeat(emulator, profile_args, arm):
    # Check mode: a change is reported, nothing is written.
    kind, result = run_module(autoscale_profile, dict(profile_args, _ansible_check_mode=True))
    assert kind is AnsibleExitJson, result
    assert result["changed"] is True
    assert result["autoscale_setting"]["profiles"][0]["capacity"] == CAPACITY
    assert emulator.writes() == []
    assert arm.settings() == []

    # Apply: one write.
    kind, result = run_module(autoscale_profile, profile_args)
    assert kind is AnsibleExitJson, result
    assert result["changed"] is True
    [profile] = result["autoscale_setting"]["profiles"]
    assert profile["name"] == "default" and profile["capacity"] == CAPACITY
    assert [(rule["direction"], rule["threshold"], rule["cooldown"]) for rule in profile["rules"]] == [
        ("Increase", 70, "10m"), ("Decrease", 30, "10m")]
    writes = emulator.writes()
    assert [entry["method"] for entry in writes] == ["PUT"]
    assert writes[0]["path"].lower().endswith("/providers/microsoft.insights/autoscalesettings/autoscale-ep-fraud-blue")
    [raw] = arm.settings()
    assert raw["properties"]["profiles"][0]["capacity"] == {"minimum": "1", "maximum": "4", "default": "2"}

    # Repeat, in check mode and for real: nothing to do, nothing written.
    for extra in ({"_ansible_check_mode": True}, {}):
        emulator.clear_requests()
        kind, result = run_module(autoscale_profile, dict(profile_args, **extra))
        assert kind is AnsibleExitJson, result
        assert result["changed"] is False
        assert emulator.writes() == []


def test_diff_has_before_and_after(emulator, profile_args):
    """A new setting's diff is the whole setting; a change's diff is the paths that differ, and only those."""
    kind, result = run_module(autoscale_profile, dict(profile_args, _ansible_diff=True))
    assert kind is AnsibleExitJson, result
    assert result["diff"]["before"] == {"setting": None}
    assert result["diff"]["after"]["setting"]["profiles"][0]["capacity"] == CAPACITY

    changed = dict(profile_args, capacity={"minimum": 1, "maximum": 6, "default": 2}, _ansible_diff=True)
    emulator.clear_requests()
    kind, result = run_module(autoscale_profile, dict(changed, _ansible_check_mode=True))
    assert kind is AnsibleExitJson, result
    assert result["changed"] is True
    assert result["diff"] == {"before": {"profiles.default.capacity.maximum": 4}, "after": {"profiles.default.capacity.maximum": 6}}
    assert emulator.writes() == []

    kind, result = run_module(autoscale_profile, changed)
    assert (kind, result["changed"]) == (AnsibleExitJson, True)
    assert len(emulator.writes()) == 1
    kind, result = run_module(autoscale_profile, changed)
    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}
    assert len(emulator.writes()) == 1


def test_partial_update_keeps_unset_options(emulator, profile_args):
    run_module(autoscale_profile, profile_args)
    emulator.clear_requests()
    # Without capacity and rules, an existing profile keeps its values: no change.
    args = {key: value for key, value in profile_args.items() if key not in ("capacity", "rules")}
    kind, result = run_module(autoscale_profile, args)
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert len(result["autoscale_setting"]["profiles"][0]["rules"]) == 2
    assert emulator.writes() == []


def test_state_absent_of_the_last_profile_is_refused(emulator, profile_args):
    run_module(autoscale_profile, profile_args)
    emulator.clear_requests()
    kind, result = run_module(autoscale_profile, dict(profile_args, state="absent"))
    assert kind is AnsibleFailJson
    assert emulator.writes() == []


@pytest.mark.parametrize("change, expected", [
    ({"capacity": {"minimum": 0, "maximum": 4, "default": 2}}, "capacity.minimum: 0 is out of range; allowed: 1 to 1000"),
    ({"rules": [dict(RULES[0], cooldown="2w")]}, "rules[0].cooldown: 2w is out of range; allowed: 1m to 1w"),
    ({"rules": [dict(RULES[0], time_window="13h")]}, "rules[0].time_window: 13h is out of range; allowed: 1m to 12h"),
    ({"recurrence": {"days": ["Saturday"], "time_zone": "Mars Standard Time"}},
     "recurrence.time_zone: 'Mars Standard Time' is not a Windows time zone id"),
    ({"recurrence": {"days": ["Funday"], "time_zone": "UTC"}},
     "recurrence.days[0]: 'Funday' is not one of Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"),
    ({"capacity": {"minimum": 3, "maximum": 4, "default": 2}},
     "capacity: need minimum <= default <= maximum, got minimum 3, default 2, maximum 4"),
    ({"rules": [dict(RULES[0], value=5)]}, "profiles.default.rules[0].value: a ChangeCount of 5 exceeds maximum - minimum = 3 (Azure: InvalidActionValue)"),
])
def test_invalid_input_fails_before_any_write(emulator, profile_args, change, expected):
    kind, result = run_module(autoscale_profile, dict(profile_args, **change))
    assert kind is AnsibleFailJson, result
    assert result["msg"].startswith(expected), result["msg"]
    assert emulator.writes() == []


def test_throttled_puts_are_retried(emulator, profile_args):
    emulator.set_faults([{"action": "status", "status": 429, "retry_after": 1, "methods": ["PUT"], "count": 2}])
    kind, result = run_module(autoscale_profile, profile_args)
    assert kind is AnsibleExitJson, result
    assert result["changed"] is True
    puts = [entry for entry in emulator.writes() if entry["method"] == "PUT"]
    assert [entry["status"] for entry in puts] == [429, 429, 200] or [entry["status"] for entry in puts] == [429, 429, 201]
    assert len(successful_writes(emulator)) == 1
    kind, result = run_module(autoscale_info, {"resource_group": "rg-ml-prod", "workspace": "ws-prod",
                                               "endpoint": "ep-fraud", "deployment": "blue"})
    assert result["autoscale_settings"][0]["profiles"][0]["capacity"] == CAPACITY
