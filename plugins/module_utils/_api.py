# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Thin service calls: autoscale settings through azure-mgmt-monitor, online deployments through azure-ai-ml.

Every call returns plain dicts in the ARM wire format (camelCase, as the REST API sends them) and raises
AutoscaleError naming what it was doing.
"""

from __future__ import annotations

import concurrent.futures
import json

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import LOOKUP_TTL, azure_errors
from ansible_collections.mlops.autoscale.plugins.module_utils._cache import NoCache, cache_key
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._model import id_key


def _raw_json(pipeline_response, _deserialized, _headers):
    """``cls`` hook for SDK operations: the response body as sent, so no field is lost to the SDK's models."""
    return pipeline_response.http_response.json()


def same_id(first, second):
    """Azure resource ids compare case-insensitively."""
    return id_key(first) == id_key(second)


#: Cache namespace of the per-resource-group index ``{target: setting name}`` (see AutoscaleSettings.find_by_target).
SETTINGS_INDEX = "settings-index"


def _target_of(setting):
    return (setting.get("properties") or {}).get("targetResourceUri") or ""


class AutoscaleSettings:
    """Autoscale settings of one subscription (Microsoft.Insights/autoscalesettings, api-version 2022-10-01)."""

    def __init__(self, session):
        self.session = session

    @property
    def _operations(self):
        return self.session.monitor.autoscale_settings

    def get(self, resource_group, name):
        """The setting, or None when Azure answers 404 (and only then)."""
        try:
            with azure_errors("read autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
                return self._operations.get(resource_group, name, cls=_raw_json)
        except AutoscaleError as error:
            if error.status == 404 and (error.code or "resourcenotfound").lower() in ("resourcenotfound", "notfound"):
                return None
            raise

    def list(self, resource_group=None):
        """Every setting of a resource group, or of the subscription, in wire format.

        Listing a resource group also refreshes its index of targets (see find_by_target)."""
        if not resource_group:
            with azure_errors("list the autoscale settings of the subscription"):
                return [item.serialize(keep_readonly=True) for item in self._operations.list_by_subscription()]
        with self.session.cache.lock(SETTINGS_INDEX, self._index_key(resource_group)):
            return self._list_resource_group(resource_group)

    def _list_resource_group(self, resource_group):
        """List a resource group and store its index; the caller holds the index's lock."""
        with azure_errors("list the autoscale settings of resource group {0!r}".format(resource_group)):
            found = [item.serialize(keep_readonly=True) for item in self._operations.list_by_resource_group(resource_group)]
        self._store_index(resource_group, {
            "run": self.session.run_id,
            "targets": {id_key(_target_of(setting)): setting["name"] for setting in found if _target_of(setting)},
        })
        return found

    def _index_key(self, resource_group):
        return cache_key(self.session.cloud.resource_manager, self.session.subscription_id, resource_group.lower())

    def _index(self, resource_group):
        """The resource group's targets as last listed (``{"run": run id, "targets": {id key: setting name}}``)."""
        return self.session.cache.get(SETTINGS_INDEX, self._index_key(resource_group)) or {"run": None, "targets": {}}

    def _store_index(self, resource_group, index):
        self.session.cache.put(SETTINGS_INDEX, self._index_key(resource_group), index, LOOKUP_TTL)

    def _listed_in_this_run(self, index):
        return self.session.run_id is not None and index["run"] == self.session.run_id

    def _update_index(self, resource_group, update):
        """Apply ``update(targets)`` to the stored index, under its lock (a listing may be storing it meanwhile)."""
        with self.session.cache.lock(SETTINGS_INDEX, self._index_key(resource_group)):
            index = self._index(resource_group)
            update(index["targets"])
            self._store_index(resource_group, index)

    def find_by_target(self, resource_group, target_id, candidate_names=(), trust_run_listing=True):
        """The setting that targets ``target_id`` (Azure allows one per target), in wire format, or None.

        Names are tried first: the one the resource group's index last saw for the target, then ``candidate_names``.
        Otherwise the resource group is listed, and within one playbook run at most once: all the run's module
        processes (forks) share that listing through the cache, so a fleet costs one listing per resource group,
        not one per deployment. A listing from an earlier run only suggests a name; it never answers "no setting".
        ``trust_run_listing=False`` lists again even so (for answers that must be of this moment).
        """
        target = id_key(target_id)
        index = self._index(resource_group)
        tried = set()
        for name in [index["targets"].get(target)] + list(candidate_names):
            if not name or name.lower() in tried:
                continue
            tried.add(name.lower())
            setting = self.get(resource_group, name)
            if setting is not None and same_id(_target_of(setting), target_id):
                return setting
        if trust_run_listing and self._listed_in_this_run(index) and target not in index["targets"]:
            return None
        with self.session.cache.lock(SETTINGS_INDEX, self._index_key(resource_group)):
            # Another fork may have listed the resource group while this one waited for the lock.
            index = self._index(resource_group)
            name = index["targets"].get(target)
            if not (trust_run_listing and self._listed_in_this_run(index)) or (name and name.lower() in tried):
                found = [setting for setting in self._list_resource_group(resource_group)
                         if same_id(_target_of(setting), target_id)]
                name = found[0]["name"] if found else None
        setting = self.get(resource_group, name) if name else None
        return setting if setting is not None and same_id(_target_of(setting), target_id) else None

    def put(self, resource_group, name, body):
        """Create or replace the whole setting (the API has no ETag: last writer wins)."""
        payload = json.dumps(body).encode("utf-8")
        with azure_errors("write autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            written = self._operations.create_or_update(resource_group, name, payload, content_type="application/json",
                                                        cls=_raw_json)
        target = id_key(_target_of(body))
        if target and self._index(resource_group)["targets"].get(target) != name:
            self._update_index(resource_group, lambda targets: targets.update({target: name}))
        return written

    def delete(self, resource_group, name):
        """Delete the setting."""
        with azure_errors("delete autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            self._operations.delete(resource_group, name)

        def forget(targets):
            for target in [key for key, value in targets.items() if value.lower() == name.lower()]:
                del targets[target]
        if name.lower() in (value.lower() for value in self._index(resource_group)["targets"].values()):
            self._update_index(resource_group, forget)


#: Cache namespace of the per-workspace index of endpoints and deployments (see OnlineDeployments).
WORKSPACE_INDEX = "workspace-index"

#: How many endpoints' deployments are listed at the same time.
LISTING_THREADS = 4


def _deployment_record(deployment_entity, subscription_id, resource_group, workspace, endpoint):
    return {
        "id": _plain(deployment_entity.id),
        "name": _plain(deployment_entity.name),
        "endpoint": endpoint,
        "workspace": workspace,
        "resource_group": resource_group,
        "subscription_id": subscription_id,
    }


def _plain(value):
    """A plain str or int from an SDK value (azure-ai-ml returns str enums, which Ansible cannot store)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    return str(getattr(value, "value", value))


def _entity_tags(entity):
    return {str(key): str(value) for key, value in (getattr(entity, "tags", None) or {}).items()}


def _listed_deployment_record(entity, endpoint, subscription_id, resource_group, workspace):
    """A deployment as listing describes it: its names, ids, and what Azure ML says of it and of its endpoint."""
    share = None
    for name, value in (getattr(endpoint, "traffic", None) or {}).items():
        if name.lower() == entity.name.lower():
            share = int(value)
    record = _deployment_record(entity, subscription_id, resource_group, workspace, _plain(endpoint.name))
    record.update({
        "deployment": _plain(entity.name),
        "endpoint_id": _plain(endpoint.id),
        "endpoint_location": _plain(endpoint.location),
        "location": _plain(getattr(entity, "location", None) or getattr(endpoint, "location", None)),
        "tags": _entity_tags(entity),
        "endpoint_tags": _entity_tags(endpoint),
        "instance_type": _plain(getattr(entity, "instance_type", None)),
        "instance_count": _plain(getattr(entity, "instance_count", None)),
        "traffic": share,
        "provisioning_state": _plain(getattr(entity, "provisioning_state", None)),
    })
    return record


def _add_endpoint(index, name, location):
    """The index entry of an endpoint, added when missing."""
    return index.setdefault(name.lower(), {"name": name, "location": location, "deployments": {}})


def _add_deployment(index, record, endpoint_location):
    entry = _add_endpoint(index, record["endpoint"], endpoint_location)
    entry["deployments"][record["name"].lower()] = {key: record[key] for key in
                                                    ("id", "name", "endpoint", "workspace", "resource_group", "subscription_id")}


class OnlineDeployments:
    """Azure ML online endpoints and deployments, looked up by name through azure-ai-ml.

    Lookups go through a per-workspace index in the cache (``{endpoint: {name, location, deployments}}``), reused by
    later module runs for LOOKUP_TTL (ids derive from names, so they do not go stale). The first lookup in a
    workspace lists all of it under a lock, so the forks of a fleet run import azure-ai-ml (seconds of CPU) once per
    workspace rather than once per deployment; a name missing from the index is looked up on its own.
    """

    def __init__(self, session):
        self.session = session

    def _index_key(self, subscription_id, resource_group, workspace):
        return cache_key(self.session.cloud.resource_manager, subscription_id, resource_group.lower(), workspace.lower())

    def _resolve(self, scope, pick, fetch_into):
        """``pick(index)`` from the workspace's index; when it finds nothing, ``fetch_into(client, index)`` adds it."""
        cache = self.session.cache
        key = self._index_key(*scope)
        found = pick(cache.get(WORKSPACE_INDEX, key) or {})
        if found is not None:
            return found
        with cache.lock(WORKSPACE_INDEX, key):
            # Another fork may have listed the workspace while this one waited for the lock.
            index = cache.get(WORKSPACE_INDEX, key)
            if index is None and not isinstance(cache, NoCache):
                index = self._list_workspace(*scope)[1]
            index = index or {}
            found = pick(index)
            if found is None:
                fetch_into(self.session.ml_client(scope[1], scope[2], scope[0]), index)
                cache.put(WORKSPACE_INDEX, key, index, LOOKUP_TTL)
                found = pick(index)
        return found

    def get(self, resource_group, workspace, endpoint, deployment, subscription_id=None):
        """One deployment: its id, its names and its endpoint's location (``endpoint_location``).

        Fails naming what was looked up when any part is missing."""
        subscription_id = subscription_id or self.session.subscription_id

        def pick(index):
            entry = index.get(endpoint.lower())
            found = entry and entry["deployments"].get(deployment.lower())
            return dict(found, endpoint_location=entry["location"]) if found else None

        def fetch_into(client, index):
            with azure_errors("find online deployment {0!r} of endpoint {1!r} in workspace {2!r} (resource group {3!r}, "
                              "subscription {4})".format(deployment, endpoint, workspace, resource_group, subscription_id)):
                entity = client.online_deployments.get(deployment, endpoint)
            location = self._endpoint_location(client, index, workspace, endpoint)
            _add_deployment(index, _deployment_record(entity, subscription_id, resource_group, workspace, endpoint), location)
        return self._resolve((subscription_id, resource_group, workspace), pick, fetch_into)

    def endpoint_location(self, resource_group, workspace, endpoint, subscription_id=None):
        """The Azure region of an online endpoint (new autoscale settings are created there)."""
        subscription_id = subscription_id or self.session.subscription_id

        def pick(index):
            entry = index.get(endpoint.lower())
            return entry["location"] if entry else None

        def fetch_into(client, index):
            self._endpoint_location(client, index, workspace, endpoint)
        return self._resolve((subscription_id, resource_group, workspace), pick, fetch_into)

    @staticmethod
    def _endpoint_location(client, index, workspace, endpoint):
        entry = index.get(endpoint.lower())
        if entry is None:
            with azure_errors("find online endpoint {0!r} in workspace {1!r}".format(endpoint, workspace)):
                found = client.online_endpoints.get(endpoint)
            entry = _add_endpoint(index, _plain(found.name), _plain(found.location))
        return entry["location"]

    def workspaces(self, subscription_id=None):
        """Every Azure Machine Learning workspace of a subscription, as ``{resource_group, name, subscription_id}``."""
        subscription_id = subscription_id or self.session.subscription_id
        client = self.session.ml_client(None, None, subscription_id)
        with azure_errors("list the Azure Machine Learning workspaces of subscription {0}".format(subscription_id)):
            found = [{"resource_group": item.resource_group, "name": item.name, "subscription_id": subscription_id}
                     for item in client.workspaces.list(scope="subscription")]
        return sorted(found, key=lambda item: (item["resource_group"].lower(), item["name"].lower()))

    def list(self, resource_group, workspace, subscription_id=None):
        """Every online deployment of a workspace, with its endpoint's location, tags and traffic share.

        The listing also refreshes the workspace's index, so modules run after an inventory refresh resolve names
        without azure-ai-ml."""
        return self._list_workspace(subscription_id or self.session.subscription_id, resource_group, workspace)[0]

    def _list_workspace(self, subscription_id, resource_group, workspace):
        """The workspace's deployment records and its index (which is stored)."""
        client = self.session.ml_client(resource_group, workspace, subscription_id)
        with azure_errors("list the online endpoints of workspace {0!r} (resource group {1!r}, subscription {2})".format(
                workspace, resource_group, subscription_id)):
            endpoints = list(client.online_endpoints.list())

        def deployments_of(endpoint):
            with azure_errors("list the deployments of online endpoint {0!r} in workspace {1!r}".format(endpoint.name, workspace)):
                return [_listed_deployment_record(entity, endpoint, subscription_id, resource_group, workspace)
                        for entity in client.online_deployments.list(endpoint.name)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=LISTING_THREADS) as pool:
            listed = list(pool.map(deployments_of, endpoints))
        index, records = {}, []
        for endpoint, deployments in zip(endpoints, listed):
            _add_endpoint(index, _plain(endpoint.name), _plain(endpoint.location))
            for record in deployments:
                _add_deployment(index, record, record["endpoint_location"])
                records.append(record)
        self.session.cache.put(WORKSPACE_INDEX, self._index_key(subscription_id, resource_group, workspace), index, LOOKUP_TTL)
        return records, index
