# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How Azure failures reach the user: authentication, authorization, missing targets, 409 on a second setting."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AZURE_AUTH_SPEC, AzureAutoscaleModule, Session
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AUTH_HINT, CODE_HINTS, AutoscaleError
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_info, autoscale_profile, autoscale_state
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import (
    AnsibleExitJson, AnsibleFailJson, patched_module, run_module, set_module_args,
)

PROFILE = {"name": "default", "capacity": {"minimum": 1, "maximum": 3, "default": 1}}


def test_wrong_secret(emulator, target_args):
    kind, result = run_module(autoscale_profile, dict(target_args, secret="not-the-secret", **PROFILE))
    assert kind is AnsibleFailJson
    assert "AADSTS7000215" in result["msg"]
    assert "client_id, secret and tenant" in result["msg"]
    assert result["error"]["code"] == "AADSTS7000215"
    assert result["error"]["status"] == 401
    assert result["error"]["hint"] == AUTH_HINT
    assert "not-the-secret" not in result["msg"]
    assert emulator.writes() == []


def test_wrong_secret_from_the_environment(emulator, target_args, monkeypatch):
    monkeypatch.setenv("AZURE_SECRET", "not-the-secret")
    kind, result = run_module(autoscale_info, target_args)
    assert kind is AnsibleFailJson
    assert result["error"]["code"] == "AADSTS7000215"
    assert "client_id, secret and tenant" in result["msg"]


def test_reader_principal_cannot_write(emulator, target_args, monkeypatch):
    reader = next(item for item in emulator.env["principals"] if item["role"] == "reader")
    monkeypatch.setenv("AZURE_CLIENT_ID", reader["client_id"])
    monkeypatch.setenv("AZURE_SECRET", reader["secret"])
    monkeypatch.setenv("AZURE_TENANT", reader["tenant"])
    # Reading works.
    kind, result = run_module(autoscale_info, target_args)
    assert (kind, result["autoscale_settings"]) == (AnsibleExitJson, [])
    # Writing is refused, naming the action.
    kind, result = run_module(autoscale_profile, dict(target_args, **PROFILE))
    assert kind is AnsibleFailJson
    assert "AuthorizationFailed" in result["msg"]
    assert "microsoft.insights/autoscalesettings/write" in result["msg"]
    assert result["msg"].startswith("Failed to write autoscale setting 'autoscale-ep-fraud-blue' in resource group 'rg-ml-prod'")
    assert (result["error"]["code"], result["error"]["status"]) == ("AuthorizationFailed", 403)
    assert result["error"]["hint"] == CODE_HINTS["authorizationfailed"]
    assert [entry["status"] for entry in emulator.writes()] == [403]


@pytest.mark.parametrize("module", [autoscale_profile, autoscale_state])
def test_nonexistent_deployment(emulator, target_args, module):
    args = dict(target_args, deployment="purple")
    args.update(PROFILE if module is autoscale_profile else {"profiles": [PROFILE]})
    kind, result = run_module(module, args)
    assert kind is AnsibleFailJson
    msg = result["msg"]
    assert "'purple'" in msg and "'ep-fraud'" in msg and "'ws-prod'" in msg and "'rg-ml-prod'" in msg
    assert msg.startswith("Failed to find online deployment 'purple' of endpoint 'ep-fraud' in workspace 'ws-prod'")
    assert result["error"]["status"] == 404
    assert emulator.writes() == []


def test_nonexistent_workspace(emulator, target_args):
    kind, result = run_module(autoscale_profile, dict(target_args, workspace="ws-nope", **PROFILE))
    assert kind is AnsibleFailJson
    assert "'ws-nope'" in result["msg"] and "'purple'" not in result["msg"]
    assert emulator.writes() == []


def session_params(env, **kwargs):
    params = {key: None for key in AZURE_AUTH_SPEC}
    params.update(subscription_id=env["AZURE_SUBSCRIPTION_ID"], client_id=env["AZURE_CLIENT_ID"], secret=env["AZURE_SECRET"],
                  tenant=env["AZURE_TENANT"], cloud_environment=env["AZURE_CLOUD_ENVIRONMENT"], retry_total=0, retry_timeout=30)
    params.update(kwargs)
    return params


def test_second_setting_for_a_target_is_a_conflict(emulator, target_args, deployment, arm):
    kind, result = run_module(autoscale_profile, dict(target_args, **PROFILE))
    assert kind is AnsibleExitJson, result
    existing = result["autoscale_setting"]["name"]
    target = deployment()["id"]
    body = {"location": "eastus", "properties": {
        "enabled": True, "targetResourceUri": target,
        "profiles": [{"name": "default", "capacity": {"minimum": "1", "maximum": "2", "default": "1"}, "rules": []}]}}

    # The emulator answers a raw second PUT for the same target with 409, naming the existing setting.
    response = arm.call("PUT", "/subscriptions/{0}/resourceGroups/rg-ml-prod/providers/Microsoft.Insights/autoscalesettings/"
                               "duplicate".format(emulator.env["AZURE_SUBSCRIPTION_ID"]), body)
    assert response.status_code == 409
    assert existing in response.text

    # Through the SDK, that becomes an AutoscaleError with the Conflict hint...
    session = Session(session_params(emulator.env))
    with pytest.raises(AutoscaleError) as caught:
        AutoscaleSettings(session).put("rg-ml-prod", "duplicate", body)
    error = caught.value
    assert (error.code, error.status, error.hint) == ("Conflict", 409, CODE_HINTS["conflict"])
    assert existing in error.message
    assert error.action == "write autoscale setting 'duplicate' in resource group 'rg-ml-prod'"

    # ... which fail_from_error turns into the module's message.
    with set_module_args(dict(target_args)), patched_module():
        module = AzureAutoscaleModule(argument_spec={key: {"type": "str"} for key in target_args})
        with pytest.raises(AnsibleFailJson) as failed:
            module.fail_from_error(error)
    result = failed.value.args[0]
    assert result["msg"] == error.describe()
    assert result["msg"].startswith("Failed to write autoscale setting 'duplicate' in resource group 'rg-ml-prod': Conflict: ")
    assert existing in result["msg"] and CODE_HINTS["conflict"] in result["msg"]
    assert result["error"] == {"code": "Conflict", "status": 409, "message": error.message, "hint": CODE_HINTS["conflict"]}
    assert [item["name"] for item in arm.settings()] == [existing]


def test_setting_moved_to_another_target_is_refused_by_azure(emulator, deployment):
    """TargetResourceIdIsImmutable through the edge: the hint says to delete and recreate."""
    session = Session(session_params(emulator.env))
    settings = AutoscaleSettings(session)
    ids = _model.target_ids_from_deployment_id(deployment()["id"])
    body = {"location": "eastus", "properties": {
        "enabled": True, "targetResourceUri": ids.deployment_id,
        "profiles": [{"name": "default", "capacity": {"minimum": "1", "maximum": "2", "default": "1"}, "rules": []}]}}
    settings.put("rg-ml-prod", "movable", body)
    body["properties"]["targetResourceUri"] = deployment(name="green")["id"]
    with pytest.raises(AutoscaleError) as caught:
        settings.put("rg-ml-prod", "movable", body)
    assert caught.value.code == "TargetResourceIdIsImmutable"
    assert caught.value.hint == CODE_HINTS["targetresourceidisimmutable"]
    assert settings.get("rg-ml-prod", "nothing-here") is None
