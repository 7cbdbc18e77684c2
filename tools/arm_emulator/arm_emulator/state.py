"""The emulator's world: built from a seed, persisted atomically to ``state.json``."""

import json
import os
import threading
import time

from arm_emulator import resources
from arm_emulator.seed import stable_uuid

STATE_FILE = "state.json"
COLLECTIONS = ("resource_groups", "workspaces", "endpoints", "deployments", "autoscale")


def parse_id(resource_id):
    """Split an ARM id into a lowercase-keyed dict of its name/value pairs (plus ``sub``, ``rg``)."""
    parts = [part for part in resource_id.split("/") if part]
    pairs = {}
    index = 0
    while index + 1 < len(parts):
        key = parts[index].lower()
        if key == "providers":
            index += 2
            continue
        pairs[key] = parts[index + 1]
        index += 2
    return pairs


class State:
    """Thread-safe in-memory state with atomic persistence."""

    def __init__(self, path, data):
        self.path = path
        self.data = data
        self.lock = threading.RLock()

    @classmethod
    def open(cls, state_dir, seed):
        """Load ``state.json`` when present (it wins over the seed), else build from the seed."""
        path = os.path.join(state_dir, STATE_FILE)
        if os.path.exists(path):
            with open(path, "r", encoding="utf-8") as handle:
                return cls(path, json.load(handle))
        state = cls(path, build_from_seed(seed))
        state.save()
        return state

    def save(self):
        """Persist atomically (write a temporary file, then ``os.replace``)."""
        with self.lock:
            tmp = "%s.%d.tmp" % (self.path, os.getpid())
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(self.data, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)

    def get(self, collection, resource_id):
        """Return the stored body for an id (case-insensitive) or None."""
        return self.data[collection].get(resource_id.lower())

    def put(self, collection, body):
        """Store a body under its id."""
        self.data[collection][body["id"].lower()] = body

    def delete(self, collection, resource_id):
        """Remove a body; return whether it existed."""
        return self.data[collection].pop(resource_id.lower(), None) is not None

    def children(self, collection, prefix):
        """Bodies whose id starts with the prefix (case-insensitive), sorted by id."""
        prefix = prefix.lower().rstrip("/") + "/"
        return [self.data[collection][key] for key in sorted(self.data[collection]) if key.startswith(prefix)]

    def subscription(self, sub):
        """The subscription record or None."""
        return self.data["subscriptions"].get(sub.lower())

    def principal_by_client_id(self, client_id):
        """The principal with that client id or None."""
        for principal in self.data["principals"]:
            if principal["client_id"].lower() == (client_id or "").lower():
                return principal
        return None

    def inventory(self):
        """Flat lists describing the world, for env.json."""
        with self.lock:
            subs = [{"subscription_id": rec["subscription_id"], "name": rec["display_name"],
                     "id": "/subscriptions/" + rec["subscription_id"]} for rec in self.data["subscriptions"].values()]
            out = {"subscriptions": subs, "resource_groups": [], "workspaces": [], "endpoints": [], "deployments": []}
            for collection in ("resource_groups", "workspaces", "endpoints", "deployments"):
                for key in sorted(self.data[collection]):
                    body = self.data[collection][key]
                    pairs = parse_id(body["id"])
                    entry = {"name": body["name"], "id": body["id"], "location": body.get("location"),
                             "subscription_id": pairs["subscriptions"]}
                    if collection != "resource_groups":
                        entry["resource_group"] = pairs["resourcegroups"]
                    if collection in ("endpoints", "deployments"):
                        entry["workspace"] = pairs["workspaces"]
                    if collection == "deployments":
                        entry["endpoint"] = pairs["onlineendpoints"]
                        entry["instance_count"] = body.get("sku", {}).get("capacity")
                    out[collection].append(entry)
            return out


def normalize_autoscale(body, actor, created_at=None):
    """Add the read-only fields the service returns to a stored autoscale setting."""
    pairs = parse_id(body["id"])
    name = pairs["autoscalesettings"]
    body["id"] = resources.autoscale_id(pairs["subscriptions"], pairs["resourcegroups"], name)
    body["name"] = name
    body["type"] = "Microsoft.Insights/autoscaleSettings"
    props = body.setdefault("properties", {})
    props["name"] = props.get("name") or name
    props.setdefault("enabled", False)
    body.setdefault("tags", {})
    body["systemData"] = body.get("systemData") or resources.system_data(actor, created_at)
    return body


def build_from_seed(seed):
    """Turn a (nested) seed into the flat state layout."""
    tenant = seed["tenant_id"]
    data = {"version": 1, "tenant_id": tenant, "cloud_name": seed.get("cloud_name", "ArmEmulator"),
            "metrics_seed": int(seed.get("metrics_seed", 1)), "principals": [], "subscriptions": {}}
    for collection in COLLECTIONS:
        data[collection] = {}
    for principal in seed["principals"]:
        entry = dict(principal)
        entry.setdefault("tenant", tenant)
        entry.setdefault("object_id", stable_uuid("principal", entry["client_id"]))
        data["principals"].append(entry)
    for sub in seed["subscriptions"]:
        sub_id = sub["subscription_id"]
        data["subscriptions"][sub_id.lower()] = {"subscription_id": sub_id, "display_name": sub.get("display_name", sub_id),
                                                 "tenant_id": tenant}
        data.setdefault("quotas", {})[sub_id.lower()] = {region.replace(" ", "").lower(): dict(families)
                                                         for region, families in (sub.get("quotas") or {}).items()}
        for group in sub.get("resource_groups", []):
            rg, rg_loc = group["name"], group.get("location", "eastus")
            _store(data, "resource_groups", resources.resource_group_body(sub_id, rg, rg_loc, group.get("tags")))
            for ws in group.get("workspaces", []):
                ws_loc = ws.get("location", rg_loc)
                _store(data, "workspaces", resources.workspace_body(sub_id, rg, ws["name"], ws_loc, tenant, ws.get("tags")))
                for ep in ws.get("endpoints", []):
                    deps = ep.get("deployments", [])
                    traffic = ep.get("traffic") or ({deps[0]["name"]: 100} if deps else {})
                    for dep in deps[1:]:
                        traffic.setdefault(dep["name"], 0)
                    _store(data, "endpoints", resources.endpoint_body(sub_id, rg, ws["name"], ep["name"], ws_loc, tenant, traffic,
                                                                      ep.get("auth_mode", "Key"), ep.get("tags")))
                    for dep in deps:
                        _store(data, "deployments", resources.deployment_body(
                            sub_id, rg, ws["name"], ep["name"], dep["name"], ws_loc, dep.get("instance_count", 1),
                            dep.get("instance_type", "Standard_DS3_v2"), dep.get("sku"), dep.get("tags")))
    for setting in seed.get("autoscale_settings", []) or []:
        body = json.loads(json.dumps(setting))
        if "id" not in body:
            body["id"] = resources.autoscale_id(body.pop("subscription_id", seed["subscriptions"][0]["subscription_id"]),
                                                body.pop("resource_group"), body["name"])
        _store(data, "autoscale", normalize_autoscale(body, "seed@armemulator.local", resources.SEEDED_AT))
    data["history_anchor"] = int(seed.get("history_anchor") or time.time() // 60)
    data["autoscale_history"] = [_history_recipe(recipe, seed) for recipe in seed.get("autoscale_history") or []]
    data["activity_log"] = list(seed.get("activity_log") or [])
    return data


def _history_recipe(recipe, seed):
    """A history recipe with its setting and target ids (a seed names them by resource group, workspace, endpoint,
    deployment and setting name)."""
    entry = json.loads(json.dumps(recipe))
    sub = entry.pop("subscription_id", seed["subscriptions"][0]["subscription_id"])
    names = [entry.pop(key) for key in ("resource_group", "workspace", "endpoint", "deployment")]
    entry["target"] = resources.deployment_id(sub, *names)
    entry["setting_id"] = resources.autoscale_id(sub, names[0], entry.pop("setting_name"))
    return entry


def _store(data, collection, body):
    data[collection][body["id"].lower()] = body
