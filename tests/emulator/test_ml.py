"""Azure ML online endpoints and deployments through an unmodified azure-ai-ml MLClient, plus raw ARM calls."""

import time

import pytest
from azure.ai.ml import MLClient
from azure.core.exceptions import ResourceNotFoundError

from arm_emulator import operations

ML_API = "2023-04-01-preview"


@pytest.fixture
def ml_client(emulator, credential_for):
    """MLClient for ws-prod, cloud resolved through ARM_CLOUD_METADATA_URL."""
    return MLClient(credential_for("reader"), emulator.env["AZURE_SUBSCRIPTION_ID"], "rg-ml-prod", "ws-prod", cloud="ArmEmulator")


def test_mlclient_endpoints(ml_client, emulator):
    endpoint = ml_client.online_endpoints.get("ep-fraud")
    assert endpoint.name == "ep-fraud" and endpoint.traffic == {"blue": 100, "green": 0}
    assert endpoint.provisioning_state == "Succeeded" and endpoint.auth_mode.lower() == "key" and endpoint.scoring_uri
    assert sorted(item.name for item in ml_client.online_endpoints.list()) == ["ep-fraud", "ep-recommend"]
    arm_calls = [(entry["method"], entry["path"].split("/workspaces/")[-1], entry["query"]) for entry in emulator.requests() if entry["kind"] == "arm"]
    assert ("GET", "ws-prod/onlineEndpoints/ep-fraud/deployments", "api-version=2022-02-01-preview") in arm_calls


def test_mlclient_deployments(ml_client):
    blue = ml_client.online_deployments.get("blue", "ep-fraud")
    assert blue.instance_count == 3 and blue.instance_type == "Standard_DS3_v2" and blue.provisioning_state == "Succeeded"
    assert sorted(item.name for item in ml_client.online_deployments.list("ep-recommend")) == ["blue", "green"]
    with pytest.raises(ResourceNotFoundError) as info:
        ml_client.online_deployments.get("purple", "ep-fraud")
    assert "purple" in str(info.value)
    with pytest.raises(ResourceNotFoundError):
        ml_client.online_endpoints.get("ep-missing")


def test_raw_ml_routes(http, env):
    sub = env["AZURE_SUBSCRIPTION_ID"]
    ws = http.call("GET", "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/WS-PROD" % sub,
                   api_version="2024-04-01").json()
    assert ws["name"] == "ws-prod" and ws["properties"]["provisioningState"] == "Succeeded" and ws["location"] == "eastus"
    names = [item["name"] for item in http.list_all("/subscriptions/%s/providers/Microsoft.MachineLearningServices/workspaces" % sub,
                                                    api_version="2024-04-01")]
    assert names == ["ws-dev", "ws-prod"]
    by_rg = http.list_all("/subscriptions/%s/resourcegroups/rg-ml-dev/providers/Microsoft.MachineLearningServices/workspaces" % sub,
                          api_version="2024-04-01")
    assert [item["name"] for item in by_rg] == ["ws-dev"]
    base = "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces" % sub
    missing_ws = http.call("GET", base + "/ws-nope/onlineEndpoints/ep-fraud", api_version=ML_API)
    assert missing_ws.status_code == 404 and missing_ws.json()["error"]["code"] == "ParentResourceNotFound"
    missing_ep = http.call("GET", base + "/ws-prod/onlineEndpoints/ep-nope/deployments", api_version=ML_API)
    assert missing_ep.status_code == 404 and missing_ep.json()["error"]["code"] == "ParentResourceNotFound"
    missing = http.call("GET", base + "/ws-prod/onlineEndpoints/ep-nope", api_version=ML_API)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceNotFound" and "ep-nope" in missing.json()["error"]["message"]


def test_put_endpoint_and_deployment(http, env, emulator):
    base = next(item for item in env["workspaces"] if item["name"] == "ws-dev")["id"]
    resp = http.call("PUT", base + "/onlineEndpoints/ep-new", {"location": "westeurope", "properties": {"authMode": "AMLToken"}}, api_version=ML_API)
    assert resp.status_code == 201 and resp.json()["properties"]["authMode"] == "AMLToken" and resp.json()["kind"] == "Managed"
    zero = http.call("PUT", base + "/onlineEndpoints/ep-new/deployments/blue", {"location": "westeurope", "sku": {"capacity": 0}}, api_version=ML_API)
    assert zero.status_code == 400 and zero.json()["error"]["code"] == "BadRequest"
    dep = http.call("PUT", base + "/onlineEndpoints/ep-new/deployments/blue", {"location": "westeurope", "sku": {"capacity": 2}}, api_version=ML_API)
    assert dep.status_code == 201 and dep.json()["sku"] == {"name": "Default", "tier": "Standard", "capacity": 2}
    again = http.call("PUT", base + "/onlineEndpoints/ep-new/deployments/blue", {"location": "westeurope", "sku": {"capacity": 4}}, api_version=ML_API)
    assert again.status_code == 200 and again.json()["sku"]["capacity"] == 4
    assert emulator.state()["deployments"][dep.json()["id"].lower()]["sku"]["capacity"] == 4
    # The region's cores quota is shared: leave it as the other tests expect it.
    assert http.call("DELETE", base + "/onlineEndpoints/ep-new/deployments/blue", api_version=ML_API).status_code == 202


def _deployment_path(env, endpoint="ep-fraud-dev", deployment="blue"):
    workspace = next(item for item in env["workspaces"] if item["name"] == "ws-dev")["id"]
    return "%s/onlineEndpoints/%s/deployments/%s" % (workspace, endpoint, deployment)


def test_deployment_update_is_a_long_running_operation(http, env, emulator):
    """PUT answers with Azure-AsyncOperation; the deployment is Updating until the operation settles."""
    path = _deployment_path(env)
    emulator.operations(seconds=1.5)
    try:
        started = http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": 2}}, api_version=ML_API)
        assert started.status_code == 200 and started.json()["properties"]["provisioningState"] == "Updating"
        status_url = started.headers["Azure-AsyncOperation"]
        assert "/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/" in status_url
        assert started.headers["x-ms-async-operation-timeout"] == "PT1H" and started.headers["Retry-After"] == "1"
        status_path = status_url.split(emulator.base_url, 1)[1].split("?")[0]
        assert http.call("GET", status_path, api_version=ML_API).json()["status"] == "InProgress"
        assert http.call("GET", path, api_version=ML_API).json()["properties"]["provisioningState"] == "Updating"
        time.sleep(1.6)
        done = http.call("GET", status_path, api_version=ML_API).json()
        assert done["status"] == "Succeeded" and done["endTime"]
        settled = http.call("GET", path, api_version=ML_API).json()
        assert settled["sku"]["capacity"] == 2 and settled["properties"]["provisioningState"] == "Succeeded"
    finally:
        emulator.operations(seconds=0)
        http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": 1}}, api_version=ML_API)


def _status(http, emulator, response):
    return http.call("GET", response.headers["Azure-AsyncOperation"].split(emulator.base_url, 1)[1].split("?")[0],
                     api_version=ML_API).json()


def test_update_beyond_the_cores_quota_fails_with_out_of_quota(http, env, emulator):
    """The seed gives westeurope 48 DSv2 cores; n Standard_DS2_v2 instances need ceil(1.2 x n) x 2 of them."""
    path = _deployment_path(env)
    used = 0
    for body in emulator.state()["deployments"].values():
        if body["location"] == "westeurope" and body["id"].lower() != path.lower():
            used += operations.quota_cores(body["properties"]["instanceType"], body["sku"]["capacity"])[1]
    largest = max(count for count in range(1, 60) if used + operations.quota_cores("Standard_DS2_v2", count)[1] <= 48)
    fits = http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": largest}}, api_version=ML_API)
    assert _status(http, emulator, fits)["status"] == "Succeeded"
    status = _status(http, emulator, http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": largest + 1}}, api_version=ML_API))
    assert status["status"] == "Failed" and status["error"]["code"] == "OutOfQuota"
    assert "Current usage/limit: %d/48. Additional needed: " % used in status["error"]["message"]
    after = http.call("GET", path, api_version=ML_API).json()
    assert after["sku"]["capacity"] == largest and after["properties"]["provisioningState"] == "Failed"
    http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": 1}}, api_version=ML_API)


def test_mlclient_scales_a_deployment_and_waits(ml_client, emulator, credential_for):
    """azure-ai-ml's own update path (get, set instance_count, begin_create_or_update) polls the operation to its end."""
    writer = MLClient(credential_for("automation"), emulator.env["AZURE_SUBSCRIPTION_ID"], "rg-ml-prod", "ws-prod", cloud="ArmEmulator")
    emulator.operations(seconds=1)
    try:
        deployment = writer.online_deployments.get("green", "ep-fraud")
        deployment.instance_count = 2
        result = writer.online_deployments.begin_create_or_update(deployment, skip_script_validation=True).result()
        assert result.instance_count == 2 and result.provisioning_state == "Succeeded"
        deployment.instance_count = 1
        writer.online_deployments.begin_create_or_update(deployment, skip_script_validation=True).result()
    finally:
        emulator.operations(seconds=0)
    assert [item["status"] for item in emulator.operations()["operations"] if item["resourceId"].endswith("/ep-fraud/deployments/green")][-2:] == \
        ["Succeeded", "Succeeded"]


def test_delete_deployment_keeps_its_autoscale_setting(http, env, emulator):
    """DELETE answers 202 with a Location to poll; the setting that targets the deployment stays, as in Azure."""
    path = _deployment_path(env, deployment="doomed")
    http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": 1}}, api_version=ML_API)
    setting = {"location": "westeurope", "properties": {"enabled": True, "targetResourceUri": path, "profiles": [
        {"name": "default", "capacity": {"minimum": "1", "maximum": "2", "default": "1"}, "rules": []}]}}
    setting_path = "/subscriptions/%s/resourceGroups/rg-ml-dev/providers/microsoft.insights/autoscalesettings/doomed" % env["AZURE_SUBSCRIPTION_ID"]
    assert http.call("PUT", setting_path, setting).status_code == 201
    emulator.operations(seconds=1)
    try:
        deleted = http.call("DELETE", path, api_version=ML_API)
        assert deleted.status_code == 202 and deleted.headers["Retry-After"] == "1"
        result_path = deleted.headers["Location"].split(emulator.base_url, 1)[1].split("?")[0]
        assert "/mfeOperationResults/" in result_path and http.call("GET", result_path, api_version=ML_API).status_code == 202
        time.sleep(1.1)
        assert http.call("GET", result_path, api_version=ML_API).status_code == 204
    finally:
        emulator.operations(seconds=0)
    assert http.call("GET", path, api_version=ML_API).status_code == 404
    assert http.call("GET", setting_path).json()["properties"]["targetResourceUri"] == path
    refused = http.call("PUT", setting_path, setting)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "TargetResourceNotFound"


def test_a_deployment_names_its_last_operation(http, env):
    """Azure ML shows the status URL of a deployment's last operation in properties.AzureAsyncOperationUri."""
    path = _deployment_path(env)
    started = http.call("PUT", path, {"location": "westeurope", "sku": {"capacity": 1}}, api_version=ML_API)
    uri = http.call("GET", path, api_version=ML_API).json()["properties"]["properties"]["AzureAsyncOperationUri"]
    assert uri == started.headers["Azure-AsyncOperation"] and "/mfeOperationsStatus/odidp:" in uri
