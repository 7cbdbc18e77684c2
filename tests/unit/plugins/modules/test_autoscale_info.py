# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_info in-process against the ARM emulator."""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils._errors import SERVER_ERROR_HINT
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_info, autoscale_profile
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module


def test_no_setting_gives_an_empty_list(emulator, target_args):
    kind, result = run_module(autoscale_info, target_args)
    assert kind is AnsibleExitJson
    assert result["changed"] is False
    assert result["autoscale_settings"] == []
    assert emulator.writes() == []


def test_no_setting_in_check_mode(emulator, target_args):
    kind, result = run_module(autoscale_info, dict(target_args, _ansible_check_mode=True))
    assert kind is AnsibleExitJson
    assert (result["changed"], result["autoscale_settings"]) == (False, [])


def test_reads_what_a_write_module_made(emulator, target_args, deployment):
    kind, _result = run_module(autoscale_profile, dict(target_args, name="default",
                                                       capacity={"minimum": 1, "maximum": 4, "default": 2}))
    assert kind is AnsibleExitJson
    emulator.clear_requests()
    kind, result = run_module(autoscale_info, target_args)
    assert kind is AnsibleExitJson
    assert result["changed"] is False
    [setting] = result["autoscale_settings"]
    assert setting["name"] == "autoscale-ep-fraud-blue"
    assert setting["target_id"].lower() == deployment()["id"].lower()
    assert setting["profiles"] == [{"name": "default", "capacity": {"minimum": 1, "maximum": 4, "default": 2}, "rules": []}]
    assert setting["raw"]["properties"]["targetResourceUri"].lower() == deployment()["id"].lower()
    assert emulator.writes() == []
    # Other deployments of the workspace have no setting: a neighbour's read stays empty.
    kind, result = run_module(autoscale_info, dict(target_args, deployment="green"))
    assert (kind, result["autoscale_settings"]) == (AnsibleExitJson, [])
    # Listing a workspace, a resource group or the subscription renders the setting the same way as reading it.
    for scope in ({"resource_group": "rg-ml-prod", "workspace": "ws-prod"}, {"resource_group": "rg-ml-prod"}, {}):
        kind, listed = run_module(autoscale_info, dict(scope, include_raw=False))
        assert kind is AnsibleExitJson, listed
        assert [item["name"] for item in listed["autoscale_settings"]] == ["autoscale-ep-fraud-blue"]
        assert listed["autoscale_settings"][0] == {key: value for key, value in setting.items() if key != "raw"}
    kind, result = run_module(autoscale_info, {"resource_group": "rg-ml-dev", "workspace": "ws-dev"})
    assert (kind, result["autoscale_settings"]) == (AnsibleExitJson, [])
    assert emulator.writes() == []


def test_server_errors_beyond_the_retry_budget(emulator, target_args):
    emulator.set_faults([{"action": "status", "status": 500, "methods": ["GET"], "path": "autoscalesettings"}])
    kind, result = run_module(autoscale_info, dict(target_args, retry_total=1))
    assert kind is AnsibleFailJson
    assert result["error"]["status"] == 500
    assert result["error"]["hint"] == SERVER_ERROR_HINT
    assert SERVER_ERROR_HINT in result["msg"]
    assert result["msg"].startswith("Failed to read autoscale setting 'autoscale-ep-fraud-blue' in resource group 'rg-ml-prod'")
    faulted = [entry for entry in emulator.requests() if entry["kind"] == "arm" and entry.get("status") == 500]
    assert len(faulted) == 2  # the first try and retry_total=1 retry


def test_deployments_say_who_controls_them(emulator, target_args):
    kind, _result = run_module(autoscale_profile, dict(target_args, name="default", capacity={"minimum": 1, "maximum": 4, "default": 2}))
    assert kind is AnsibleExitJson
    kind, result = run_module(autoscale_info, {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud"})
    assert kind is AnsibleExitJson, result
    control = {item["deployment"]: (item["control"], item["autoscale_setting"], item["instance_count"]) for item in result["deployments"]}
    assert control == {"blue": ("autoscale", "autoscale-ep-fraud-blue", 3), "green": ("manual", None, 1)}
    assert [item["orphaned"] for item in result["autoscale_settings"]] == [False]
    kind, without = run_module(autoscale_info, {"resource_group": "rg-ml-prod", "include_deployments": False})
    assert "deployments" not in without and "orphaned" not in without["autoscale_settings"][0]


def test_settings_without_azure_ml_read_access_come_with_a_warning(emulator, target_args):
    kind, _result = run_module(autoscale_profile, dict(target_args, name="default", capacity={"minimum": 1, "maximum": 4, "default": 2}))
    assert kind is AnsibleExitJson
    emulator.set_faults([{"action": "status", "status": 403, "methods": ["GET"], "path": "/onlineEndpoints"}])
    kind, result = run_module(autoscale_info, {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "retry_total": 0})
    assert kind is AnsibleExitJson, result
    assert "deployments" not in result and "orphaned" not in result["autoscale_settings"][0]
    assert any("include_deployments: false" in text for text in result["warnings"]), result["warnings"]
