"""ARM ids and realistic bodies for resource groups and Azure ML resources."""

import datetime

from arm_emulator.seed import stable_uuid

ML = "Microsoft.MachineLearningServices"
SEEDED_AT = "2024-05-02T08:15:00.0000000Z"


def utc_now():
    """ARM style timestamp with 7 fractional digits."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def system_data(actor, created_at=None, actor_type="Application"):
    """An ARM systemData block."""
    stamp = created_at or utc_now()
    return {"createdBy": actor, "createdByType": actor_type, "createdAt": stamp,
            "lastModifiedBy": actor, "lastModifiedByType": actor_type, "lastModifiedAt": stamp}


def rg_id(sub, rg):
    """Resource group id."""
    return "/subscriptions/%s/resourceGroups/%s" % (sub, rg)


def workspace_id(sub, rg, ws):
    """Workspace id."""
    return "%s/providers/%s/workspaces/%s" % (rg_id(sub, rg), ML, ws)


def endpoint_id(sub, rg, ws, ep):
    """Online endpoint id."""
    return "%s/onlineEndpoints/%s" % (workspace_id(sub, rg, ws), ep)


def deployment_id(sub, rg, ws, ep, dep):
    """Online deployment id."""
    return "%s/deployments/%s" % (endpoint_id(sub, rg, ws, ep), dep)


def autoscale_id(sub, rg, name):
    """Autoscale setting id, cased as the live service returns it."""
    return "%s/providers/microsoft.insights/autoscalesettings/%s" % (rg_id(sub, rg), name)


def resource_group_body(sub, name, location, tags=None):
    """A resource group resource."""
    return {"id": rg_id(sub, name), "name": name, "type": "Microsoft.Resources/resourceGroups", "location": location,
            "tags": dict(tags or {}), "properties": {"provisioningState": "Succeeded"}}


def workspace_body(sub, rg, ws, location, tenant, tags=None):
    """An Azure ML workspace resource."""
    short = ws.replace("-", "")[:12]
    rg_prefix = rg_id(sub, rg) + "/providers"
    return {
        "id": workspace_id(sub, rg, ws), "name": ws, "type": "%s/workspaces" % ML, "location": location,
        "tags": dict(tags or {}), "kind": "Default",
        "sku": {"name": "Basic", "tier": "Basic"},
        "identity": {"type": "SystemAssigned", "principalId": stable_uuid("ws-identity", sub, rg, ws), "tenantId": tenant},
        "systemData": system_data("seed@armemulator.local", SEEDED_AT, "User"),
        "properties": {
            "friendlyName": ws, "description": "", "workspaceId": stable_uuid("workspace", sub, rg, ws),
            "storageAccount": "%s/Microsoft.Storage/storageAccounts/st%s" % (rg_prefix, short),
            "keyVault": "%s/Microsoft.KeyVault/vaults/kv-%s" % (rg_prefix, short),
            "applicationInsights": "%s/Microsoft.Insights/components/ai-%s" % (rg_prefix, short),
            "containerRegistry": None,
            "discoveryUrl": "https://%s.api.ml.armemulator.local/discovery" % location,
            "mlFlowTrackingUri": "azureml://%s.api.ml.armemulator.local/mlflow/v1.0%s" % (location, workspace_id(sub, rg, ws)),
            "provisioningState": "Succeeded", "hbiWorkspace": False, "publicNetworkAccess": "Enabled",
            "v1LegacyMode": False, "tenantId": tenant, "storageHnsEnabled": False,
            "notebookInfo": None, "privateLinkCount": 0, "imageBuildCompute": None,
        },
    }


def endpoint_body(sub, rg, ws, ep, location, tenant, traffic=None, auth_mode="Key", tags=None):
    """A managed online endpoint resource."""
    return {
        "id": endpoint_id(sub, rg, ws, ep), "name": ep, "type": "%s/workspaces/onlineEndpoints" % ML,
        "location": location, "tags": dict(tags or {}), "kind": "Managed",
        "identity": {"type": "SystemAssigned", "principalId": stable_uuid("ep-identity", sub, rg, ws, ep), "tenantId": tenant},
        "systemData": system_data("seed@armemulator.local", SEEDED_AT, "User"),
        "properties": {
            "authMode": auth_mode, "description": None, "properties": {"azureml.onlineendpointid": endpoint_id(sub, rg, ws, ep).lower()},
            "provisioningState": "Succeeded", "publicNetworkAccess": "Enabled",
            "scoringUri": "https://%s.%s.inference.ml.armemulator.local/score" % (ep, location),
            "swaggerUri": "https://%s.%s.inference.ml.armemulator.local/swagger.json" % (ep, location),
            "traffic": dict(traffic or {}), "mirrorTraffic": {},
        },
    }


def deployment_body(sub, rg, ws, ep, dep, location, instance_count=1, instance_type="Standard_DS3_v2", sku=None, tags=None):
    """A managed online deployment resource."""
    sku_body = {"name": "Default", "tier": "Standard", "capacity": int(instance_count)}
    sku_body.update(sku or {})
    model = "%s/models/%s-model/versions/1" % (workspace_id(sub, rg, ws), ep)
    return {
        "id": deployment_id(sub, rg, ws, ep, dep), "name": dep, "type": "%s/workspaces/onlineEndpoints/deployments" % ML,
        "location": location, "tags": dict(tags or {}), "kind": "Managed", "sku": sku_body,
        "systemData": system_data("seed@armemulator.local", SEEDED_AT, "User"),
        "properties": {
            "endpointComputeType": "Managed", "instanceType": instance_type, "model": model,
            "environmentId": "azureml://registries/azureml/environments/sklearn-1.5/versions/1",
            "codeConfiguration": None, "description": None, "environmentVariables": {}, "properties": {},
            "appInsightsEnabled": False, "egressPublicNetworkAccess": "Enabled", "provisioningState": "Succeeded",
            "scaleSettings": {"scaleType": "Default"},
            "requestSettings": {"maxConcurrentRequestsPerInstance": 1, "requestTimeout": "PT5S", "maxQueueWait": "PT0.5S"},
            "livenessProbe": {"failureThreshold": 30, "successThreshold": 1, "timeout": "PT2S", "period": "PT10S",
                              "initialDelay": "PT10S"},
            "readinessProbe": {"failureThreshold": 30, "successThreshold": 1, "timeout": "PT2S", "period": "PT10S",
                               "initialDelay": "PT10S"},
        },
    }
