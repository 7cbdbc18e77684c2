"""Azure ML online endpoints and deployments through an unmodified azure-ai-ml MLClient, plus raw ARM calls."""

import pytest
from azure.ai.ml import MLClient
from azure.core.exceptions import ResourceNotFoundError

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
