# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._diff import compare
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import (
    CPU_OUT, DEPLOYMENT_ID, ENDPOINT_ID, PORTAL_POLICY, TARGET, build_profiles,
)


def test_ids():
    assert _model.parse_online_deployment_id(DEPLOYMENT_ID.lower()) == {
        "subscription_id": "0000-1111", "resource_group": "rg-ml", "workspace": "ws", "endpoint": "ep", "deployment": "blue"}
    assert TARGET.deployment_id == DEPLOYMENT_ID and TARGET.endpoint_id == ENDPOINT_ID
    assert _model.parse_online_deployment_id(ENDPOINT_ID) is None
    assert _model.resource_type_of(DEPLOYMENT_ID) == _model.ML_DEPLOYMENT_NAMESPACE
    assert _model.resource_type_of("/subscriptions/x") is None
    with pytest.raises(ValueError, match="^target_id: .* is not an Azure ML online deployment id"):
        _model.target_ids_from_deployment_id(ENDPOINT_ID)


def test_portal_body_normalises(portal_setting):
    setting = portal_setting
    assert setting["resource_group"] == "rg-ml"
    assert setting["target"]["deployment"] == "blue"
    assert setting["notifications"] is None
    assert setting["tags"] == {"team": "search"}
    assert [profile["name"] for profile in setting["profiles"]] == ["default", "weekend", "black-friday"]
    default, weekend, black_friday = setting["profiles"]
    assert default["capacity"] == {"minimum": 2, "maximum": 5, "default": 2}
    assert [rule["metric_resource"] for rule in default["rules"]] == ["deployment", "deployment", "endpoint"]
    assert all(rule["metric_namespace"] is None for rule in default["rules"])
    assert default["rules"][1]["time_window"] == "5m"
    assert default["rules"][0]["threshold"] == 70 and isinstance(default["rules"][0]["threshold"], int)
    assert weekend["recurrence"] == {"days": ["Saturday", "Sunday"], "time_zone": "Pacific Standard Time", "start": "00:00", "end": "23:59"}
    assert black_friday["fixed_date"] == {"time_zone": "UTC", "start": "2026-11-27T00:00:00", "end": "2026-11-28T23:59:00"}


def test_cli_body_normalises(cli_raw):
    setting = _model.normalise_setting(cli_raw)
    assert setting["resource_group"] == "rg-ml" and setting["notifications"] is None
    assert setting["profiles"][0]["rules"][0]["metric_namespace"] is None


def test_zero_churn_portal(portal_setting):
    wanted = _model.apply_setting(portal_setting, profiles=build_profiles(PORTAL_POLICY), enabled=True, tags={"team": "search"},
                                  notifications=None)
    assert not compare(portal_setting, wanted).has_differences()


def test_zero_churn_reordered_rules(portal_setting):
    policy = copy.deepcopy(PORTAL_POLICY)
    policy[0]["rules"].reverse()
    wanted = _model.apply_setting(portal_setting, profiles=build_profiles(policy))
    assert not compare(portal_setting, wanted).has_differences()


def test_zero_churn_cli(cli_raw):
    have = _model.normalise_setting(cli_raw)
    profile = build_profiles([{"name": "default", "capacity": {"minimum": 2, "maximum": 5, "default": 2}, "rules": [CPU_OUT]}])[0]
    profile["rules"][0]["time_aggregation"] = "Last"
    assert not compare(have, _model.apply_profile(have, profile, "present")).has_differences()
    assert not compare(have, _model.apply_rule(have, None, profile["rules"][0], "present")).has_differences()


@pytest.mark.parametrize("mutate", [
    lambda raw: raw["properties"]["profiles"][2]["capacity"].update(maximum="6"),
    lambda raw: raw["properties"]["profiles"][2]["recurrence"]["schedule"].update(days=["Saturday"]),
    lambda raw: raw["properties"]["profiles"][2]["rules"].pop(),
    lambda raw: raw["properties"]["profiles"][2].update(name='{"name":"old","for":"weekend"}'),
])
def test_drifted_end_profile_stays_a_profile_and_its_fold_is_a_difference(portal_raw, mutate):
    """An end profile that is no copy of the default profile is what Azure replays: it stays a profile of its own, and
    asking for recurrence.end again names both changes."""
    mutate(portal_raw)
    end_name = portal_raw["properties"]["profiles"][2]["name"]
    have = _model.normalise_setting(portal_raw)
    assert "end" not in have["profiles"][1]["recurrence"] and have["profiles"][2]["name"] == end_name
    wanted = _model.apply_setting(have, profiles=build_profiles(PORTAL_POLICY))
    tracker = compare(have, wanted)
    assert {"profiles.weekend.recurrence", "profiles." + _model.display_name(end_name)} <= set(tracker.get_before())
    regenerated = _model.normalise_setting(dict(_model.to_wire(wanted, portal_raw), id=portal_raw["id"]))
    assert not compare(wanted, regenerated).has_differences()


def test_drifted_end_profile_round_trips_as_a_profile(portal_raw):
    portal_raw["properties"]["profiles"][2]["rules"].pop()
    have = _model.normalise_setting(portal_raw)
    policy = [_model.role_profile(profile) for profile in _model.render(have)["profiles"]]
    wanted = _model.apply_setting(have, profiles=build_profiles(policy))
    assert not compare(have, wanted).has_differences()
    assert _model.to_wire(wanted, portal_raw)["properties"]["profiles"] == portal_raw["properties"]["profiles"]


def test_the_cli_spelling_of_an_end_profile_folds_and_is_kept(portal_raw):
    """The Azure CLI names end profiles json.dumps({...}) with spaces; the portal without. Both are the same end profile."""
    portal_raw["properties"]["profiles"][2]["name"] = '{"name": "default", "for": "weekend"}'
    have = _model.normalise_setting(portal_raw)
    assert have["profiles"][1]["recurrence"]["end"] == "23:59"
    wanted = _model.apply_setting(have, profiles=build_profiles(PORTAL_POLICY))
    assert not compare(have, wanted).has_differences()
    changed = _model.apply_rule(have, None, _model.build_rule(dict(CPU_OUT, threshold=90), TARGET, "rule"), "present")
    written = _model.to_wire(changed, portal_raw)["properties"]["profiles"]
    assert [profile["name"] for profile in written][2] == '{"name": "default", "for": "weekend"}'
    assert written[2]["rules"] == written[0]["rules"]


def test_end_profile_without_default_stays_a_profile(portal_raw):
    del portal_raw["properties"]["profiles"][0]
    names = [profile["name"] for profile in _model.normalise_setting(portal_raw)["profiles"]]
    assert '{"name":"default","for":"weekend"}' in names


def test_notification_block_and_predictive(portal_raw):
    portal_raw["properties"]["notifications"][0]["email"]["customEmails"] = ["b@example.com", "A@example.com"]
    portal_raw["properties"]["predictiveAutoscalePolicy"] = {"scaleMode": "ForecastOnly", "scaleLookAheadTime": "PT10M"}
    setting = _model.normalise_setting(portal_raw)
    assert setting["notifications"]["custom_emails"] == ["A@example.com", "b@example.com"]
    assert setting["predictive_policy"] == {"scale_mode": "ForecastOnly", "scale_look_ahead_time": "10m"}
    assert _model.normalise_setting(None) is None


@pytest.mark.parametrize("name, shown", [
    ('{"name":"default","for":"weekend"}', "default after weekend"),  # the portal's spelling
    ('{"name": "Auto created scale condition", "for": "nights"}', "Auto created scale condition after nights"),  # the CLI's
    ('{"for":"weekend"}', "after weekend"),
    ("weekend", "weekend"),
    ('{"name":"default"}', '{"name":"default"}'),  # JSON, but not an end profile's name
])
def test_end_profiles_are_shown_after_the_profile_they_end(name, shown):
    assert _model.display_name(name) == shown
