"""ARM authentication (401), RBAC (403), api-version checks, subscriptions and resource groups."""

import pytest
from azure.core.exceptions import HttpResponseError

from emulator_helpers import deployment, setting_body


def _rg_path(env, rg="rg-ml-prod"):
    return "/subscriptions/%s/resourcegroups/%s" % (env["AZURE_SUBSCRIPTION_ID"], rg)


def _assert_401(resp, code):
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == code
    challenge = resp.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer authorization_uri="https://127.0.0.1:') and 'error="invalid_token"' in challenge
    assert "error_description=" in challenge


def test_missing_token(http, env):
    resp = http.session.get(http.emulator.base_url + _rg_path(env), params={"api-version": "2021-04-01"}, timeout=10)
    _assert_401(resp, "AuthenticationFailed")


def test_expired_token(emulator, http, env):
    resp = http.call("GET", _rg_path(env), api_version="2021-04-01", token=emulator.token(expires_in=-600))
    _assert_401(resp, "ExpiredAuthenticationToken")


def test_wrong_audience(emulator, http, env):
    resp = http.call("GET", _rg_path(env), api_version="2021-04-01", token=emulator.token(audience="https://vault.azure.net"))
    _assert_401(resp, "InvalidAuthenticationTokenAudience")


def test_bad_signature(emulator, http, env):
    head, payload, signature = emulator.token().split(".")
    forged = "%s.%s.%s" % (head, payload, ("A" if signature[0] != "A" else "B") + signature[1:])
    _assert_401(http.call("GET", _rg_path(env), api_version="2021-04-01", token=forged), "InvalidAuthenticationToken")
    _assert_401(http.call("GET", _rg_path(env), api_version="2021-04-01", token="not-a-jwt"), "InvalidAuthenticationToken")


def test_both_audiences_accepted(emulator, http, env):
    for audience in (emulator.base_url + "/", emulator.base_url, "https://management.armemulator.local"):
        assert http.call("GET", _rg_path(env), api_version="2021-04-01", token=emulator.token(audience=audience)).status_code == 200


def test_reader_cannot_write(emulator, monitor_for, env):
    target = deployment(env)["id"]
    setting = setting_body(target)
    path = "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/ws-prod" % env["AZURE_SUBSCRIPTION_ID"]
    for name in ("reader", "ml-only"):
        with pytest.raises(HttpResponseError) as info:
            monitor_for(name).autoscale_settings.create_or_update("rg-ml-prod", "ws-prod", setting)
        assert info.value.status_code == 403 and info.value.error.code == "AuthorizationFailed"
        principal = emulator.principal(name)
        assert info.value.error.message.lower() == (
            "The client '%s' with object id '%s' does not have authorization to perform action "
            "'microsoft.insights/autoscalesettings/write' over scope '%s' or the scope is invalid. If access was recently granted, "
            "please refresh your credentials." % (principal["client_id"], principal["object_id"], path)).lower()
    monitor_for("automation").autoscale_settings.create_or_update("rg-ml-prod", "ws-prod", setting)
    for name in ("reader", "ml-only"):
        assert monitor_for(name).autoscale_settings.get("rg-ml-prod", "ws-prod").target_resource_uri == target
        with pytest.raises(HttpResponseError) as info:
            monitor_for(name).autoscale_settings.delete("rg-ml-prod", "ws-prod")
        assert info.value.status_code == 403 and "autoscalesettings/delete" in info.value.error.message
    assert [entry["principal"] for entry in emulator.writes()] == ["reader", "ml-only", "automation", "reader", "ml-only"]


def test_ml_only_can_write_ml(http_as, env):
    endpoint = next(item for item in env["endpoints"] if item["name"] == "ep-fraud-dev")
    body = {"location": endpoint["location"], "sku": {"capacity": 2}, "properties": {"instanceType": "Standard_DS3_v2"}}
    resp = http_as("ml-only").call("PUT", endpoint["id"] + "/deployments/canary", body, api_version="2023-04-01-preview")
    assert resp.status_code == 201 and resp.json()["sku"]["capacity"] == 2
    resp = http_as("reader").call("PUT", endpoint["id"] + "/deployments/canary2", body, api_version="2023-04-01-preview")
    assert resp.status_code == 403
    assert "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write" in resp.json()["error"]["message"]


def test_api_version_checks(http, env):
    path = _rg_path(env) + "/providers/Microsoft.Insights/autoscalesettings"
    missing = http.call("GET", path, api_version=None)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "MissingApiVersionParameter"
    wrong = http.call("GET", path, api_version="2019-01-01")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "InvalidApiVersionParameter"
    assert "2022-10-01" in wrong.json()["error"]["message"]
    for version in ("2022-10-01", "2015-04-01", "2021-05-01-preview"):
        assert http.call("GET", path, api_version=version).status_code == 200


def test_subscription_and_resource_groups(http, env):
    sub = env["AZURE_SUBSCRIPTION_ID"]
    body = http.call("GET", "/subscriptions/" + sub, api_version="2022-12-01").json()
    assert body["subscriptionId"] == sub and body["tenantId"] == env["AZURE_TENANT"] and body["state"] == "Enabled"
    rg = http.call("GET", "/SUBSCRIPTIONS/%s/resourceGroups/RG-ML-DEV" % sub, api_version="2021-04-01").json()
    assert rg == {"id": "/subscriptions/%s/resourceGroups/rg-ml-dev" % sub, "name": "rg-ml-dev", "type": "Microsoft.Resources/resourceGroups",
                  "location": "westeurope", "tags": {}, "properties": {"provisioningState": "Succeeded"}}
    names = [item["name"] for item in http.list_all("/subscriptions/%s/resourcegroups" % sub, api_version="2021-04-01")]
    assert names == ["rg-ml-dev", "rg-ml-prod"]
    missing = http.call("GET", "/subscriptions/%s/resourcegroups/rg-nope" % sub, api_version="2021-04-01")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceGroupNotFound"
    nosub = http.call("GET", "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups", api_version="2021-04-01")
    assert nosub.status_code == 404 and nosub.json()["error"]["code"] == "SubscriptionNotFound"
