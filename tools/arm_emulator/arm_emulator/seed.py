"""Seeds: the embedded default world, a fleet generator and the loader."""

import hashlib
import json
import uuid

DEFAULT_TENANT = "7a3c1e52-9b0d-4f6e-8d21-5c4b3a291f80"
DEFAULT_SUBSCRIPTION = "3f2b6c1d-8e4a-4b7f-9c05-1d2e3f4a5b6c"
_SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.~-"
_NAMESPACE = uuid.UUID("5d1f3c2a-7e44-4c1b-9a0e-6f2d8b3c4a10")


def stable_uuid(*parts):
    """A deterministic UUID for the given name parts."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(part).lower() for part in parts)))


def stable_secret(label):
    """A deterministic, realistic looking 40 character client secret (Entra style ``xxx8Q~...``)."""
    digest = hashlib.sha512(("arm-emulator-secret:" + label).encode()).digest()
    chars = [_SECRET_ALPHABET[byte % len(_SECRET_ALPHABET)] for byte in digest]
    return "".join(chars[:3]) + "8Q~" + "".join(chars[3:37])


def default_principals():
    """The three principals shared by the default seed and generated fleet seeds."""
    return [
        {"name": "automation", "client_id": "0c9a7e31-4d2b-4f58-a6e1-2b3c4d5e6f70", "object_id": "a1b2c3d4-1111-4e5f-8a9b-0c1d2e3f4a51",
         "secret": stable_secret("automation"), "role": "writer", "actions": ["*"]},
        {"name": "reader", "client_id": "1d8b6f42-5e3c-4a69-b7f2-3c4d5e6f7a81", "object_id": "b2c3d4e5-2222-4f60-9bac-1d2e3f4a5b62",
         "secret": stable_secret("reader"), "role": "reader", "actions": ["*/read"]},
        {"name": "ml-only", "client_id": "2e7c5a53-6f4d-4b7a-c8a3-4d5e6f7a8b92", "object_id": "c3d4e5f6-3333-4a71-8cbd-2e3f4a5b6c73",
         "secret": stable_secret("ml-only"), "role": "ml-contributor",
         "actions": ["Microsoft.MachineLearningServices/*", "*/read"]},
    ]


def default_seed():
    """The embedded default world."""
    return {
        "tenant_id": DEFAULT_TENANT,
        "metrics_seed": 1,
        "principals": default_principals(),
        "subscriptions": [{
            "subscription_id": DEFAULT_SUBSCRIPTION,
            "display_name": "ML Platform (emulated)",
            # Cores quota of managed online deployments per region and VM family (what an update may draw on).
            "quotas": {"eastus": {"standardDSv2Family": 100, "standardFSv2Family": 100},
                       "westeurope": {"standardDSv2Family": 48}},
            "resource_groups": [
                {"name": "rg-ml-prod", "location": "eastus", "workspaces": [
                    {"name": "ws-prod", "endpoints": [
                        {"name": "ep-fraud", "deployments": [
                            {"name": "blue", "instance_count": 3, "instance_type": "Standard_DS3_v2"},
                            {"name": "green", "instance_count": 1, "instance_type": "Standard_DS3_v2"}]},
                        {"name": "ep-recommend", "deployments": [
                            {"name": "blue", "instance_count": 2, "instance_type": "Standard_F4s_v2"},
                            {"name": "green", "instance_count": 1, "instance_type": "Standard_F4s_v2"}]},
                    ]},
                ]},
                {"name": "rg-ml-dev", "location": "westeurope", "workspaces": [
                    {"name": "ws-dev", "endpoints": [
                        {"name": "ep-fraud-dev", "deployments": [
                            {"name": "blue", "instance_count": 1, "instance_type": "Standard_DS2_v2"}]},
                    ]},
                ]},
            ],
        }],
        "autoscale_settings": [],
        "autoscale_history": [fraud_green_history()],
    }


def _cpu_rule(operator, threshold, window, direction):
    """A CPU rule of ep-fraud/green's history profile, in Azure's wire format."""
    return {"metricTrigger": {"metricName": "CpuUtilizationPercentage", "operator": operator, "threshold": threshold,
                              "statistic": "Average", "timeAggregation": "Average", "timeGrain": "PT1M", "timeWindow": window},
            "scaleAction": {"direction": direction, "type": "ChangeCount", "value": "1", "cooldown": "PT15M"}}


def fraud_green_history():
    """The synthetic autoscale history of ws-prod/ep-fraud/green (history.py makes it): the two weeks before the
    emulator started, under the policy playbooks/inventory gives the deployment (production: 2 to 6 instances, CPU above
    70 % over 5 minutes adds one, below 30 % over 10 minutes removes one, 15 minute cooldowns), with an engine that
    runs every minute, reads metrics 4 minutes late and waits 10 minutes for a new instance."""
    return {
        "resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud", "deployment": "green",
        "setting_name": "autoscale-ep-fraud-green", "days": 14,
        "engine": {"evaluation_minutes": 1, "metric_lag_minutes": 4, "provisioning_minutes": 10},
        "profile": {"name": "default", "capacity": {"minimum": "2", "maximum": "6", "default": "2"},
                    "rules": [_cpu_rule("GreaterThan", 70, "PT5M", "Increase"), _cpu_rule("LessThan", 30, "PT10M", "Decrease")]},
    }


def make_seed(workspaces, endpoints_per_workspace, deployments_per_endpoint, resource_groups=1):
    """A fleet seed: N workspaces spread over R resource groups, M endpoints each, K deployments each."""
    locations = ["eastus", "westeurope", "westus2", "northeurope"]
    colors = ["blue", "green", "red", "yellow", "purple", "orange", "black", "white"]
    groups = [{"name": "rg-fleet-%02d" % index, "location": locations[index % len(locations)], "workspaces": []}
              for index in range(max(1, resource_groups))]
    for ws_index in range(workspaces):
        endpoints = []
        for ep_index in range(endpoints_per_workspace):
            deployments = []
            for dep_index in range(deployments_per_endpoint):
                name = colors[dep_index] if dep_index < len(colors) else "dep-%02d" % dep_index
                deployments.append({"name": name, "instance_count": 1 + (dep_index + ep_index) % 3,
                                    "instance_type": "Standard_DS3_v2"})
            endpoints.append({"name": "ep-%03d-%02d" % (ws_index, ep_index), "deployments": deployments})
        groups[ws_index % len(groups)]["workspaces"].append({"name": "ws-fleet-%03d" % ws_index, "endpoints": endpoints})
    seed = default_seed()
    seed["subscriptions"][0]["display_name"] = "ML Fleet (emulated)"
    seed["subscriptions"][0]["resource_groups"] = groups
    seed["autoscale_history"] = []
    return seed


def load_seed(path):
    """Load a seed file (JSON, or YAML when PyYAML is installed)."""
    with open(path, "r", encoding="utf-8") as handle:
        text = handle.read()
    try:
        return json.loads(text)
    except ValueError:
        try:
            import yaml  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            raise ValueError("seed %s is not JSON and PyYAML is not installed" % path) from exc
        return yaml.safe_load(text)
