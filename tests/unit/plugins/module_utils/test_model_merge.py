# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._diff import compare
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import (
    CPU_IN, CPU_OUT, DEPLOYMENT_ID, HOOK, TARGET, build_profiles,
)


def rule(**changes):
    return _model.build_rule(dict(CPU_OUT, **changes), TARGET, "rule")


def default_rules(setting):
    return _model.find_profile(setting, None)["rules"]


@pytest.mark.parametrize("changes, path", [
    ({"threshold": 80}, "profiles.default.rules[CpuUtilizationPercentage > 80 Increase].threshold"),
    ({"cooldown": "2h"}, "profiles.default.rules[CpuUtilizationPercentage > 70 Increase].cooldown"),
])
def test_apply_rule_updates_in_place(portal_setting, changes, path):
    after = _model.apply_rule(portal_setting, None, rule(**changes), "present")
    assert len(default_rules(after)) == 3
    assert default_rules(after)[0]["threshold"] == changes.get("threshold", 70)
    assert default_rules(after)[0]["cooldown"] == changes.get("cooldown", "1h")
    assert list(compare(portal_setting, after).get_after()) == [path]
    assert default_rules(portal_setting)[0]["threshold"] == 70


def test_apply_rule_appends_and_is_idempotent(portal_setting):
    new = rule(metric_name="GpuUtilizationPercentage")
    after = _model.apply_rule(portal_setting, None, new, "present")
    assert default_rules(after)[-1] == new
    assert not compare(after, _model.apply_rule(after, None, new, "present")).has_differences()


def test_apply_rule_ambiguous(portal_setting):
    stepped = _model.apply_rule(portal_setting, None, rule(metric_name="GpuUtilizationPercentage", threshold=80), "present")
    _model.find_profile(stepped, None)["rules"].append(rule(metric_name="GpuUtilizationPercentage", threshold=90))
    with pytest.raises(ValueError, match=r"^profiles\.default\.rules: 2 existing rules share the identity of .*GpuUtilizationPercentage GreaterThan 80"):
        _model.apply_rule(stepped, None, rule(metric_name="GpuUtilizationPercentage", threshold=85), "present")
    exact = _model.apply_rule(stepped, None, rule(metric_name="GpuUtilizationPercentage", threshold=90), "absent")
    assert [item["threshold"] for item in default_rules(exact) if item["metric_name"].startswith("Gpu")] == [80]
    # A given threshold narrows the match: no rule at 85, so nothing is removed.
    unchanged = _model.apply_rule(stepped, None, rule(metric_name="GpuUtilizationPercentage", threshold=85), "absent")
    assert not compare(stepped, unchanged).has_differences()
    partial = _model.build_rule({"metric_name": "GpuUtilizationPercentage", "direction": "Increase"}, TARGET, "", partial=True)
    with pytest.raises(ValueError, match="give the operator and threshold of the one to remove"):
        _model.apply_rule(stepped, None, partial, "absent")


def test_apply_rule_absent(portal_setting):
    assert not compare(portal_setting, _model.apply_rule(portal_setting, None, rule(threshold=99), "absent")).has_differences()
    partial = _model.build_rule({"metric_name": "CpuUtilizationPercentage", "direction": "Increase"}, TARGET, "", partial=True)
    after = _model.apply_rule(portal_setting, None, partial, "absent")
    assert len(default_rules(after)) == 2
    assert not compare(portal_setting, _model.apply_rule(portal_setting, None, rule(metric_name="DiskUtilization"), "absent")).has_differences()
    assert _model.apply_rule(None, None, rule(), "absent") is None


def test_apply_rule_limits_and_profiles(portal_setting):
    expected = r"^profile_name: autoscale setting 'autoscale-ep-blue' has no profile 'nope'; existing profiles: 'default', 'weekend', 'black-friday'"
    with pytest.raises(ValueError, match=expected):
        _model.apply_rule(portal_setting, "nope", rule(), "present")
    weekend = _model.apply_rule(portal_setting, "weekend", rule(), "present")
    assert len(_model.find_profile(weekend, "weekend")["rules"]) == 1  # allowed on a fixed-size profile; lint warns
    with pytest.raises(ValueError, match=r"^setting: no autoscale setting exists"):
        _model.apply_rule(None, None, rule(), "present")
    crowded = copy.deepcopy(portal_setting)
    crowded["profiles"][0]["rules"] = [rule(metric_name=name) for name in _model.DEPLOYMENT_METRICS[:10]]
    with pytest.raises(ValueError, match=r"^profiles\.default\.rules: adding .* would exceed Azure's limit of 10"):
        _model.apply_rule(crowded, None, rule(metric_name="RequestsPerMinute"), "present")
    with pytest.raises(ValueError, match=r"^profiles\.default\.rules\[0\]\.value: a ChangeCount of 4 exceeds maximum - minimum = 3"):
        _model.apply_rule(portal_setting, None, rule(value=4), "present")


def test_default_profile_errors(portal_setting):
    only_scheduled = copy.deepcopy(portal_setting)
    only_scheduled["profiles"] = only_scheduled["profiles"][2:]
    with pytest.raises(ValueError, match="has no default profile"):
        _model.find_profile(only_scheduled, None)
    doubled = copy.deepcopy(portal_setting)
    doubled["profiles"].append(dict(copy.deepcopy(doubled["profiles"][0]), name="other"))
    with pytest.raises(ValueError, match="has several default profiles"):
        _model.find_profile(doubled, None)


def profile(rules=None, **capacity):
    return build_profiles([{"name": "default", "capacity": dict({"minimum": 2, "maximum": 5, "default": 2}, **capacity), "rules": rules}])[0]


def test_apply_profile_keeps_merges_or_purges(portal_setting):
    kept = _model.apply_profile(portal_setting, profile(maximum=6), "present", rules_given=False)
    assert list(compare(portal_setting, kept).get_after()) == ["profiles.default.capacity.maximum"]
    assert len(default_rules(kept)) == 3
    merged = _model.apply_profile(portal_setting, profile([dict(CPU_OUT, threshold=75)]), "present", purge_rules=False)
    assert sorted(item["threshold"] for item in default_rules(merged)) == [30, 70, 75]
    purged = _model.apply_profile(portal_setting, profile([CPU_OUT, CPU_IN]), "present", purge_rules=True)
    assert len(default_rules(purged)) == 2


def test_apply_profile_add_and_remove(portal_setting):
    night = build_profiles([{"name": "night", "capacity": {"minimum": 1, "maximum": 2},
                             "recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "22:00", "end": "06:00"}, "rules": None}])[0]
    added = _model.apply_profile(portal_setting, night, "present")
    assert _model.find_profile(added, "night")["rules"] == []
    removed = _model.apply_profile(added, {"name": "weekend"}, "absent")
    assert [item["name"] for item in removed["profiles"]] == ["default", "black-friday", "night"]
    assert not compare(removed, _model.apply_profile(removed, {"name": "weekend"}, "absent")).has_differences()
    with pytest.raises(ValueError, match=r"^profiles\.weekend\.recurrence\.end: needs a default profile"):
        _model.apply_profile(portal_setting, {"name": "default"}, "absent")
    assert _model.apply_profile(None, {"name": "x"}, "absent") is None


def test_apply_profile_counts_end_profiles(portal_setting):
    crowded = portal_setting
    for index in range(15):
        crowded = _model.apply_profile(crowded, build_profiles([{
            "name": "p{0}".format(index), "capacity": {"minimum": 1, "maximum": 2},
            "recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "{0:02d}:00".format(index)}}])[0], "present")
    assert len(crowded["profiles"]) == 18
    last = build_profiles([{"name": "p15", "capacity": {"minimum": 1, "maximum": 2},
                            "recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "16:00", "end": "17:00"}}])[0]
    with pytest.raises(ValueError, match=r"^profiles: 21 profiles \(counting the end profile each recurrence\.end adds\) exceed Azure's limit of 20"):
        _model.apply_profile(crowded, last, "present")


def test_apply_setting(portal_setting):
    unchanged = _model.apply_setting(portal_setting)
    assert not compare(portal_setting, unchanged).has_differences()
    changed = _model.apply_setting(portal_setting, enabled=False, tags={"env": "prod"}, purge_tags=False)
    assert compare(portal_setting, changed).get_after() == {"enabled": False, "tags": {"team": "search", "env": "prod"}}
    assert _model.apply_setting(portal_setting, tags={"env": 1})["tags"] == {"env": "1"}
    kept = _model.apply_setting(portal_setting, profiles=[profile(maximum=6)], purge_profiles=False)
    assert [item["name"] for item in kept["profiles"]] == ["default", "weekend", "black-friday"]
    assert len(default_rules(kept)) == 3
    purged = _model.apply_setting(portal_setting, profiles=[profile([CPU_OUT, CPU_IN])])
    assert [item["name"] for item in purged["profiles"]] == ["default"]
    assert len(_model.apply_setting(portal_setting, tags={str(index): "v" for index in range(50)})["tags"]) == 50
    with pytest.raises(ValueError, match=r"^tags: 51 tags exceed Azure's limit of 50"):
        _model.apply_setting(portal_setting, tags={str(index): "v" for index in range(51)})
    with pytest.raises(ValueError, match=r"^tags\.k: keys may have at most 128 characters"):
        _model.apply_setting(portal_setting, tags={"k": "v" * 257})


def test_apply_setting_create():
    skeleton = _model.new_setting("autoscale-ep-blue", "eastus", DEPLOYMENT_ID)
    assert skeleton["resource_group"] == "rg-ml" and skeleton["enabled"] is True and skeleton["id"] is None
    with pytest.raises(ValueError, match=r"^profiles: required to create autoscale setting 'autoscale-ep-blue'"):
        _model.apply_setting(skeleton, enabled=True)
    created = _model.apply_setting(skeleton, profiles=[profile([CPU_OUT])])
    assert created["enabled"] is True and len(default_rules(created)) == 1
    assert list(compare(None, created).get_after()) == ["setting"]
    with pytest.raises(ValueError, match="start a new one from new_setting"):
        _model.apply_setting(None, profiles=[profile()])


def test_notifications_masked_input_resolves(portal_setting):
    block = _model.build_notifications({"webhooks": [{"service_uri": HOOK}]}, "notifications")
    with_hook = _model.apply_setting(portal_setting, notifications=block)
    masked = _model.render(with_hook)["notifications"]
    assert "s3cr3t" not in str(masked)
    again = _model.apply_setting(with_hook, notifications=masked)
    assert again["notifications"]["webhooks"][0]["service_uri"] == HOOK
    assert not compare(with_hook, again).has_differences()
    other = dict(masked, webhooks=[{"service_uri": "https://other.example.com/?sig=VALUE_REDACTED", "properties": {}}])
    with pytest.raises(ValueError, match=r"^notifications\.webhooks\[0\]\.service_uri: .* matches no existing webhook"):
        _model.apply_setting(with_hook, notifications=other)
    cleared = _model.apply_setting(with_hook, notifications=None)
    assert compare(with_hook, cleared).get_after() == {"notifications": None}
    assert "s3cr3t" not in str(compare(with_hook, cleared).get_before())


def test_keep_default_profile_name_adopts_the_existing_name(portal_setting):
    existing_default = next(profile["name"] for profile in portal_setting["profiles"] if _model.is_default_profile(profile))
    declared = _model.build_profile({"name": "default-by-inventory", "capacity": {"minimum": 1, "maximum": 4}}, TARGET, "p")
    kept = _model.apply_setting(portal_setting, profiles=[declared], purge_profiles=False, keep_default_profile_name=True)
    assert [profile["name"] for profile in kept["profiles"] if _model.is_default_profile(profile)] == [existing_default]
    replaced = _model.apply_setting(portal_setting, profiles=[declared], purge_profiles=False)
    assert "default-by-inventory" in [profile["name"] for profile in replaced["profiles"]]


def test_keep_default_profile_name_keeps_a_name_that_exists(portal_setting):
    existing = [profile["name"] for profile in portal_setting["profiles"]]
    declared = [dict(profile) for profile in portal_setting["profiles"]]
    assert _model.adopt_default_profile_name(portal_setting["profiles"], declared) == declared
    assert existing == [profile["name"] for profile in declared]
