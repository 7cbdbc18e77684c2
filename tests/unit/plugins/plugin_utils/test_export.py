# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The export's pure conversion: autoscale_info settings to the role endpoint_autoscale's variables and files."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.mlops.autoscale.plugins.module_utils import _diff, _model, _vocabulary
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _export
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CLI_RAW, HOOK, PORTAL_RAW

P = "endpoint_autoscale_"


def info(raw):
    """A setting as autoscale_info returns it."""
    return _model.render(_model.normalise_setting(copy.deepcopy(raw)))


def with_webhook(raw, uri=HOOK):
    raw = copy.deepcopy(raw)
    raw["properties"]["notifications"] = [{"operation": "Scale", "email": {
        "sendToSubscriptionAdministrator": True, "sendToSubscriptionCoAdministrators": False, "customEmails": ["ops@example.com"]},
        "webhooks": [{"serviceUri": uri, "properties": {"channel": "ops"}},
                     {"serviceUri": "https://hooks.example.com/plain", "properties": {}}]}]
    return raw


def apply_as_role(raw, variables):
    """What the role's one autoscale_state task makes of the variables on the live setting (pure layer, as the module)."""
    have = _model.normalise_setting(copy.deepcopy(raw))
    target = _model.target_ids_from_deployment_id(have["target_id"])
    rendered = yaml.safe_load(yaml.safe_dump(variables))  # what Ansible reads back from host_vars
    masked = rendered.get(P + "masked_webhook_uris", [])
    notifications = copy.deepcopy(rendered[P + "notifications"])
    for webhook in notifications["webhooks"]:
        for index, uri in enumerate(masked):
            webhook["service_uri"] = webhook["service_uri"].replace("{{ %smasked_webhook_uris[%d] }}" % (P, index), uri)
    profiles = [{"name": rendered[P + "default_profile_name"], "capacity": rendered[P + "capacity"], "rules": rendered[P + "rules"]}]
    profiles += rendered[P + "profiles"]
    built = [_model.build_profile(profile, target, "profiles[{0}]".format(index)) for index, profile in enumerate(profiles)]
    want = _model.apply_setting(have, enabled=rendered[P + "enabled"], notifications=_model.build_notifications(notifications, "n"),
                                tags=rendered[P + "tags"], profiles=built)
    return have, want


@pytest.mark.parametrize("raw", [PORTAL_RAW, CLI_RAW, with_webhook(PORTAL_RAW)], ids=["portal", "cli", "webhook"])
def test_applying_the_export_changes_nothing(raw):
    variables, _notes = _export.setting_to_role_vars(info(raw))
    have, want = apply_as_role(raw, variables)
    tracker = _diff.compare(have, want)
    assert not tracker.has_differences(), (tracker.get_before(), tracker.get_after())


def test_conversion_of_the_portal_setting():
    setting = info(PORTAL_RAW)
    variables, notes = _export.setting_to_role_vars(setting)
    assert variables[P + "resource_group"] == "rg-ml"
    assert (variables[P + "workspace"], variables[P + "endpoint"], variables[P + "deployment"]) == ("ws", "ep", "blue")
    assert variables[P + "subscription_id"] == "0000-1111"
    assert variables[P + "setting_name"] == "autoscale-ep-blue"
    assert variables[P + "default_profile_name"] == setting["profiles"][0]["name"]
    assert variables[P + "capacity"] == setting["profiles"][0]["capacity"]
    assert [rule["metric_resource"] for rule in variables[P + "rules"]] == ["deployment", "deployment", "endpoint"]
    for rule in variables[P + "rules"]:
        assert "metric_resource_uri" not in rule
        assert "metric_namespace" not in rule  # null: the standard namespace
        assert set(rule) <= set(_vocabulary.RULE)
    assert [profile["name"] for profile in variables[P + "profiles"]] == [p["name"] for p in setting["profiles"][1:]]
    assert variables[P + "tags"] == {"team": "search"}
    assert variables[P + "notifications"] == _export.EMPTY_NOTIFICATIONS
    assert P + "masked_webhook_uris" not in variables
    assert notes == []


def test_no_notifications_and_no_tags_are_written_explicitly():
    raw = copy.deepcopy(CLI_RAW)
    raw.pop("tags", None)
    variables, _notes = _export.setting_to_role_vars(info(raw))
    assert variables[P + "tags"] == {}
    assert variables[P + "notifications"] == {"send_to_subscription_administrator": False,
                                              "send_to_subscription_co_administrators": False, "custom_emails": [], "webhooks": []}


def test_masked_webhooks_become_a_placeholder_variable():
    variables, notes = _export.setting_to_role_vars(info(with_webhook(PORTAL_RAW)))
    text = _export.host_vars_text("ws.ep.blue", variables, notes)
    assert "s3cr3t" not in text
    assert variables[P + "masked_webhook_uris"] == [_model.mask_uri(HOOK)]
    assert variables[P + "notifications"]["webhooks"] == [
        {"service_uri": "{{ endpoint_autoscale_masked_webhook_uris[0] }}", "properties": {"channel": "ops"}},
        {"service_uri": "https://hooks.example.com/plain", "properties": {}}]
    assert variables[P + "notifications"]["custom_emails"] == ["ops@example.com"]
    assert any("masked" in note for note in notes)
    assert "# NOTE: Webhook URIs carry secrets" in text


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw["properties"].update(targetResourceUri="/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/sites/app"),
     "does not target an Azure ML online deployment"),
    (lambda raw: raw.update(id=raw["id"].replace("/rg-ml/", "/rg-other/")), "not in its workspace's resource group"),
], ids=["not-a-deployment", "other-resource-group"])
def test_settings_the_role_cannot_express_are_refused(mutate, message):
    raw = copy.deepcopy(PORTAL_RAW)
    mutate(raw)
    with pytest.raises(ValueError, match=message):
        _export.setting_to_role_vars(info(raw))


def test_a_setting_without_a_default_profile_is_all_scheduled_profiles():
    """The portal's recurring conditions and Terraform's weekend example have no default profile: capacity null."""
    raw = copy.deepcopy(PORTAL_RAW)
    raw["properties"]["profiles"] = [p for p in raw["properties"]["profiles"] if p.get("recurrence") or p.get("fixedDate")]
    variables, notes = _export.setting_to_role_vars(info(raw))
    assert variables["endpoint_autoscale_capacity"] is None and variables["endpoint_autoscale_rules"] == []
    assert [profile["name"] for profile in variables["endpoint_autoscale_profiles"]] == [
        p["name"] for p in raw["properties"]["profiles"]]
    assert any("no default profile" in note for note in notes)


def test_several_default_profiles_and_predictive_policy_are_noted():
    raw = copy.deepcopy(CLI_RAW)
    extra = copy.deepcopy(raw["properties"]["profiles"][0])
    extra["name"] = "second-default"
    raw["properties"]["profiles"].append(extra)
    raw["properties"]["predictiveAutoscalePolicy"] = {"scaleMode": "ForecastOnly"}
    variables, notes = _export.setting_to_role_vars(info(raw))
    assert [profile["name"] for profile in variables[P + "profiles"]][-1] == "second-default"
    assert any("2 default profiles" in note for note in notes)
    assert any("predictive" in note for note in notes)


def test_disabled_predictive_policy_is_not_noted():
    raw = copy.deepcopy(CLI_RAW)
    raw["properties"]["predictiveAutoscalePolicy"] = {"scaleMode": "Disabled"}
    _variables, notes = _export.setting_to_role_vars(info(raw))
    assert notes == []


def _setting_for(raw, resource_group, workspace, endpoint, deployment, subscription="0000-1111"):
    raw = copy.deepcopy(raw)
    target = ("/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.MachineLearningServices/workspaces/{2}/onlineEndpoints/"
              "{3}/deployments/{4}").format(subscription, resource_group, workspace, endpoint, deployment)
    raw["id"] = "/subscriptions/{0}/resourceGroups/{1}/providers/microsoft.insights/autoscalesettings/as-{2}-{3}-{4}".format(
        subscription, resource_group, workspace, endpoint, deployment)
    raw["name"] = raw["id"].rsplit("/", 1)[1]
    raw["properties"]["targetResourceUri"] = target
    for profile in raw["properties"]["profiles"]:
        for rule in profile.get("rules") or []:
            rule["metricTrigger"]["metricResourceUri"] = target
    return info(raw)


def test_export_inventory_files_hosts_groups_and_scope():
    settings = [_setting_for(CLI_RAW, "rg-a", "ws-a", "ep-1", "blue"), _setting_for(CLI_RAW, "rg-a", "ws-a", "ep-1", "green"),
                _setting_for(CLI_RAW, "rg-b", "ws-b", "ep.2", "blue")]
    bad = info(CLI_RAW)
    bad["target"] = None
    result = _export.export_inventory(settings + [bad])
    assert result["hosts"] == ["ws-a.ep-1.blue", "ws-a.ep-1.green", "ws-b.ep.2.blue"]
    assert [item["setting"] for item in result["skipped"]] == [bad["id"]]
    assert set(result["files"]) == {"hosts.yml", "group_vars/all.yml", "host_vars/ws-a.ep-1.blue.yml",
                                    "host_vars/ws-a.ep-1.green.yml", "host_vars/ws-b.ep.2.blue.yml"}
    hosts = yaml.safe_load(result["files"]["hosts.yml"])
    assert list(hosts["all"]["hosts"]) == result["hosts"]
    assert hosts["all"]["children"]["workspace_ws_a"]["hosts"] == {"ws-a.ep-1.blue": None, "ws-a.ep-1.green": None}
    assert list(hosts["all"]["children"]["endpoint_ws_b_ep_2"]["hosts"]) == ["ws-b.ep.2.blue"]
    assert "SKIPPED" in result["files"]["hosts.yml"]
    assert yaml.safe_load(result["files"]["group_vars/all.yml"])["ansible_connection"] == "local"
    host_vars = yaml.safe_load(result["files"]["host_vars/ws-b.ep.2.blue.yml"])
    assert host_vars[P + "resource_group"] == "rg-b"

    scoped = _export.export_inventory(settings, workspace="WS-A")
    assert scoped["hosts"] == ["ws-a.ep-1.blue", "ws-a.ep-1.green"]
    assert _export.export_inventory(settings, resource_group="rg-b")["hosts"] == ["ws-b.ep.2.blue"]
    assert _export.export_inventory([], workspace="none")["files"]["hosts.yml"].endswith("all:\n  hosts: {}\n")


def test_colliding_host_names_are_qualified_with_the_resource_group():
    settings = [_setting_for(CLI_RAW, "rg-a", "ws", "ep", "blue"), _setting_for(CLI_RAW, "rg-b", "ws", "ep", "blue")]
    assert _export.export_inventory(settings)["hosts"] == ["rg-a.ws.ep.blue", "rg-b.ws.ep.blue"]


def test_yaml_round_trips_and_quotes_times_of_day():
    variables, notes = _export.setting_to_role_vars(info(PORTAL_RAW))
    text = _export.host_vars_text("ws.ep.blue", variables, notes)
    assert yaml.safe_load(text) == variables
    assert "start: '00:00'" in text
    assert text.startswith("# Exported by mlops.autoscale")
    assert all(len(line) <= 120 for line in text.splitlines() if line.startswith("#"))


def test_plain_strips_subclasses():
    class Tagged(str):
        pass
    assert type(_export.plain({"a": [Tagged("x")]})["a"][0]) is str  # noqa: E721 pylint: disable=unidiomatic-typecheck


def test_an_edited_export_would_change_the_setting():
    """The round-trip check above can fail: a different policy is a difference."""
    variables, _notes = _export.setting_to_role_vars(info(PORTAL_RAW))
    variables[P + "capacity"]["maximum"] += 1
    have, want = apply_as_role(PORTAL_RAW, variables)
    assert _diff.compare(have, want).has_differences()


def test_orphaned_settings_are_skipped_and_named():
    live, orphan = _setting_for(CLI_RAW, "rg-a", "ws-a", "ep-1", "blue"), _setting_for(CLI_RAW, "rg-a", "ws-a", "ep-1", "retired")
    live["orphaned"], orphan["orphaned"] = False, True
    result = _export.export_inventory([live, orphan])
    assert result["hosts"] == ["ws-a.ep-1.blue"]
    [skipped] = result["skipped"]
    assert skipped["setting"] == orphan["id"]
    assert skipped["reason"].startswith("orphaned: its target deployment") and orphan["target_id"] in skipped["reason"]
    assert "retired" not in "".join(result["files"])
