# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._diff import compare
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CPU_OUT, HOOK, TARGET


def round_trip(setting, raw=None):
    body = _model.to_wire(setting, raw)
    body["id"] = setting["id"]
    return _model.normalise_setting(body)


def test_round_trip(portal_setting):
    assert round_trip(portal_setting) == portal_setting
    assert round_trip(portal_setting, {}) == portal_setting


def test_unknown_fields_survive(portal_raw, portal_setting):
    portal_raw["properties"]["profiles"][0]["rules"][0]["metricTrigger"]["metricResourceLocation"] = "eastus"
    portal_raw["properties"]["predictiveAutoscalePolicy"] = {"scaleMode": "Enabled", "scaleLookAheadTime": "PT10M"}
    after = _model.apply_rule(portal_setting, None, _model.build_rule(dict(CPU_OUT, threshold=75, time_aggregation="Last"), TARGET, "r"), "present")
    body = _model.to_wire(after, portal_raw)
    assert "id" not in body and "systemData" not in body and "type" not in body
    assert body["properties"]["someFutureProperty"] == {"kept": True}
    assert body["properties"]["targetResourceLocation"] == "eastus"
    assert body["properties"]["predictiveAutoscalePolicy"] == {"scaleMode": "Enabled", "scaleLookAheadTime": "PT10M"}
    trigger = body["properties"]["profiles"][0]["rules"][0]["metricTrigger"]
    assert trigger["metricResourceLocation"] == "eastus" and trigger["threshold"] == 75
    assert body["properties"]["notifications"] == portal_raw["properties"]["notifications"]


@pytest.mark.parametrize("enabled", [True, False])
def test_enabled_explicit(portal_setting, portal_raw, enabled):
    del portal_raw["properties"]["enabled"]
    body = _model.to_wire(_model.apply_setting(portal_setting, enabled=enabled), portal_raw)
    assert body["properties"]["enabled"] is enabled


def test_wire_shapes(portal_setting):
    body = _model.to_wire(portal_setting, None)
    profiles = body["properties"]["profiles"]
    assert [profile["name"] for profile in profiles] == ["default", "weekend", '{"name":"default","for":"weekend"}', "black-friday"]
    rule = profiles[0]["rules"][1]
    assert rule["metricTrigger"]["metricNamespace"] == _model.ML_DEPLOYMENT_NAMESPACE
    assert rule["metricTrigger"]["timeWindow"] == "PT5M" and rule["scaleAction"] == {
        "direction": "Decrease", "type": "ChangeCount", "value": "1", "cooldown": "PT1H"}
    assert profiles[1]["recurrence"] == {"frequency": "Week", "schedule": {"timeZone": "Pacific Standard Time", "days": ["Saturday", "Sunday"],
                                                                           "hours": [0], "minutes": [0]}}
    assert profiles[2]["capacity"] == {"minimum": "2", "maximum": "5", "default": "2"} and len(profiles[2]["rules"]) == 3
    assert profiles[2]["recurrence"]["schedule"]["hours"] == [23] and profiles[2]["recurrence"]["schedule"]["minutes"] == [59]
    assert profiles[3]["fixedDate"] == {"timeZone": "UTC", "start": "2026-11-27T00:00:00", "end": "2026-11-28T23:59:00"}
    assert body["properties"]["notifications"] == []


def test_end_profile_follows_default(portal_setting, portal_raw):
    wider = _model.apply_profile(portal_setting, dict(_model.find_profile(portal_setting, None), capacity={"minimum": 2, "maximum": 8, "default": 3}),
                                 "present")
    body = _model.to_wire(wider, portal_raw)
    end = body["properties"]["profiles"][2]
    assert end["capacity"] == {"minimum": "2", "maximum": "8", "default": "3"}
    no_end = dict(_model.find_profile(wider, "weekend"), recurrence={"days": ["Saturday"], "time_zone": "UTC", "start": "01:00"})
    names = [profile["name"] for profile in _model.to_wire(_model.apply_profile(wider, no_end, "present"), portal_raw)["properties"]["profiles"]]
    assert names == ["default", "weekend", "black-friday"]


def test_masked_webhook_never_written(portal_setting, portal_raw):
    block = _model.build_notifications({"webhooks": [{"service_uri": HOOK, "properties": {"channel": "ops"}}]}, "notifications")
    with_hook = _model.apply_setting(portal_setting, notifications=block)
    raw = _model.to_wire(with_hook, portal_raw)
    assert raw["properties"]["notifications"][0]["webhooks"] == [{"serviceUri": HOOK, "properties": {"channel": "ops"}}]
    rendered = _model.render(_model.normalise_setting(raw))
    body = _model.to_wire(rendered, raw)
    assert body["properties"]["notifications"][0]["webhooks"][0]["serviceUri"] == HOOK
    with pytest.raises(ValueError, match=r"^notifications\.webhooks\[0\]\.service_uri: .* matches no existing webhook"):
        _model.to_wire(rendered, portal_raw)


@pytest.mark.parametrize("uri, masked", [
    (HOOK, "https://hooks.example.com/scale?sig=VALUE_REDACTED&channel=ops"),
    ("https://f.example.net/api/x?code=abc%3D%3D&Token=t&APIKEY=k#frag",
     "https://f.example.net/api/x?code=VALUE_REDACTED&Token=VALUE_REDACTED&APIKEY=VALUE_REDACTED#frag"),
    ("https://user:pw@h.example.com/p?signature=s&secret=x&key=k",
     "https://user:VALUE_REDACTED@h.example.com/p?signature=VALUE_REDACTED&secret=VALUE_REDACTED&key=VALUE_REDACTED"),
    ("https://h.example.com/p?sigma=1&flag", "https://h.example.com/p?sigma=1&flag"),
    ("not a uri", "not a uri"),
])
def test_mask_uri(uri, masked):
    assert _model.mask_uri(uri) == masked


def test_mask_secrets_and_render(portal_setting):
    block = _model.build_notifications({"webhooks": [{"service_uri": HOOK}]}, "notifications")
    setting = _model.apply_setting(portal_setting, notifications=block)
    assert _model.mask_secrets(setting)["notifications"]["webhooks"][0]["service_uri"].endswith("sig=VALUE_REDACTED&channel=ops")
    assert setting["notifications"]["webhooks"][0]["service_uri"] == HOOK
    assert _model.render(None) is None and _model.mask_secrets(None) is None
    assert set(_model.render(setting)) == {"id", "name", "resource_group", "location", "target_id", "target", "enabled", "tags",
                                           "notifications", "predictive_policy", "profiles"}


def test_compare_paths(portal_setting):
    after = _model.apply_profile(portal_setting, dict(_model.find_profile(portal_setting, "weekend"),
                                                      capacity={"minimum": 2, "maximum": 4, "default": 2}), "present")
    after = _model.apply_setting(after, enabled=False)
    tracker = compare(portal_setting, after)
    assert tracker.get_before() == {"enabled": True, "profiles.weekend.capacity.maximum": 2}
    assert tracker.differences[1] == {"path": "profiles.weekend.capacity.maximum", "before": 2, "after": 4}
    removed = _model.apply_profile(portal_setting, {"name": "black-friday"}, "absent")
    assert compare(portal_setting, removed).get_after() == {"profiles.black-friday": None}
    relocated = dict(portal_setting, location="East US", target_id=portal_setting["target_id"].upper())
    assert compare(portal_setting, relocated).get_after() == {}
    assert not compare(None, None).has_differences()


def _as_other_tools_write_it(raw):
    """The portal body in other producers' forms: Dimensions capitalised, PT60S, 70.0, capacities as numbers, enums in
    other letter cases, a fixed date with Z and an offset."""
    default, _weekend, _end, black_friday = raw["properties"]["profiles"]
    first = default["rules"][0]["metricTrigger"]
    first["Dimensions"] = first.pop("dimensions", [])
    first["timeGrain"] = "PT60S"
    first["threshold"] = 70.0
    first["operator"] = "greaterThan"
    default["rules"][1]["scaleAction"]["direction"] = "decrease"
    default["capacity"] = {"minimum": 2, "maximum": 5, "default": 2}
    black_friday["fixedDate"] = dict(black_friday["fixedDate"], start="2026-11-27T00:00:00.000Z", end="2026-11-28T23:59:00+00:00")
    raw["properties"]["notifications"] = [{"operation": "scale", "email": {"customEmails": []}, "webhooks": []}]
    return raw


def test_other_tools_forms_read_as_the_same_policy(portal_raw, portal_setting):
    """Azure reads property names and enums case-insensitively; so does the model: the same setting, no difference."""
    assert not compare(portal_setting, _model.normalise_setting(_as_other_tools_write_it(portal_raw))).has_differences()


def test_a_write_keeps_what_it_does_not_change_as_its_producer_wrote_it(portal_raw):
    raw = _as_other_tools_write_it(portal_raw)
    have = _model.normalise_setting(raw)
    changed = _model.apply_rule(have, None, _model.build_rule(dict(CPU_OUT, threshold=80, time_aggregation="Last"), TARGET, "r"), "present")
    body = _model.to_wire(changed, raw)
    written = body["properties"]
    before, after = raw["properties"]["profiles"], written["profiles"]
    assert after[3] == before[3]   # the fixed-date profile, with its Z and offset, as written
    assert after[0]["capacity"] == before[0]["capacity"] and after[0]["rules"][1:] == before[0]["rules"][1:]
    trigger = after[0]["rules"][0]["metricTrigger"]
    assert trigger["threshold"] == 80 and "Dimensions" not in trigger and trigger["dimensions"] == []
    assert written["notifications"] == raw["properties"]["notifications"]
    regenerated = _model.normalise_setting(dict(body, id=raw["id"]))   # the end profile follows the default profile
    assert regenerated["profiles"][1]["recurrence"]["end"] == "23:59" and not compare(changed, regenerated).has_differences()


def test_an_unreadable_setting_names_itself_and_the_field(portal_raw):
    portal_raw["properties"]["profiles"][1]["recurrence"]["schedule"]["days"] = ["1"]
    with pytest.raises(ValueError, match=r"^autoscale setting 'autoscale-ep-blue' cannot be read: profiles\[1\]\.recurrence\.schedule\.days\[0\]"):
        _model.normalise_setting(portal_raw)
