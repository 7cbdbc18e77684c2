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
import contextlib
import importlib
import io
import json

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import LOOKUP_TTL, azure_errors, raw_json
from ansible_collections.mlops.autoscale.plugins.module_utils._cache import NoCache, cache_key
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._model import id_key


def same_id(first, second):
    """Azure resource ids compare case-insensitively."""
    return id_key(first) == id_key(second)


#: The api-version of Microsoft.Insights/autoscalesettings that azure-mgmt-monitor 7 speaks.
API_VERSION = "2022-10-01"

#: Cache namespaces (see AutoscaleSettings.find_by_target): the name of the setting of each target, and which run
#: last listed each resource group. One small entry each, so every lookup and write costs the same at any fleet size.
SETTING_NAMES = "setting-names"
SETTINGS_LISTED = "settings-listed"


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
                return self._operations.get(resource_group, name, cls=raw_json)
        except AutoscaleError as error:
            if error.status == 404 and (error.code or "resourcenotfound").lower() in ("resourcenotfound", "notfound"):
                return None
            raise

    def list(self, resource_group=None):
        """Every setting of a resource group, or of the subscription, in wire format.

        Listing a resource group also records the name of each target's setting (see find_by_target)."""
        if not resource_group:
            with azure_errors("list the autoscale settings of the subscription"):
                return self.session.list_raw(self._path(), API_VERSION)
        with self.session.cache.lock(SETTINGS_LISTED, self._group_key(resource_group)):
            return self._list_resource_group(resource_group)

    def _list_resource_group(self, resource_group):
        """List a resource group and record what it holds; the caller holds the group's lock."""
        with azure_errors("list the autoscale settings of resource group {0!r}".format(resource_group)):
            found = self.session.list_raw(self._path(resource_group), API_VERSION)
        for setting in found:
            if _target_of(setting):
                self._record(resource_group, _target_of(setting), setting["name"])
        self.session.cache.put(SETTINGS_LISTED, self._group_key(resource_group), {"run": self.session.run_id}, LOOKUP_TTL)
        return found

    def _path(self, resource_group=None):
        scope = "/subscriptions/{0}".format(self.session.subscription_id)
        if resource_group:
            scope += "/resourcegroups/{0}".format(resource_group)
        return scope + "/providers/Microsoft.Insights/autoscalesettings"

    def _group_key(self, resource_group):
        return cache_key(self.session.cloud.resource_manager, self.session.subscription_id, resource_group.lower())

    def _target_key(self, resource_group, target_id):
        return cache_key(self.session.cloud.resource_manager, self.session.subscription_id, resource_group.lower(),
                         id_key(target_id))

    def _recorded(self, resource_group, target_id):
        """``{"name": setting name or None (deleted), "run": run that recorded it}``, or None."""
        return self.session.cache.get(SETTING_NAMES, self._target_key(resource_group, target_id))

    def _record(self, resource_group, target_id, name):
        self.session.cache.put(SETTING_NAMES, self._target_key(resource_group, target_id),
                               {"name": name, "run": self.session.run_id}, LOOKUP_TTL)

    def _listed_in_this_run(self, resource_group):
        listed = self.session.cache.get(SETTINGS_LISTED, self._group_key(resource_group)) or {}
        return self.session.run_id is not None and listed.get("run") == self.session.run_id

    def _absent_from_this_run(self, resource_group, target_id):
        """True when this run listed the resource group and neither that listing nor a write since saw a setting."""
        recorded = self._recorded(resource_group, target_id) or {}
        seen = recorded.get("name") and recorded.get("run") == self.session.run_id
        return self._listed_in_this_run(resource_group) and not seen

    def find_by_target(self, resource_group, target_id, candidate_names=(), trust_run_listing=True):
        """The setting that targets ``target_id`` (Azure allows one per target), in wire format, or None.

        Names are tried first: the one last recorded for the target, then ``candidate_names``. Otherwise the resource
        group is listed, and within one playbook run at most once: all the run's module processes (forks) share that
        listing through the cache, so a fleet costs one listing per resource group, not one per deployment. A listing
        from an earlier run only suggests a name; it never answers "no setting". ``trust_run_listing=False`` lists
        again even so (for answers that must be of this moment).
        """
        recorded = self._recorded(resource_group, target_id) or {}
        tried = set()
        for name in [recorded.get("name")] + list(candidate_names):
            if not name or name.lower() in tried:
                continue
            tried.add(name.lower())
            setting = self.get(resource_group, name)
            if setting is not None and same_id(_target_of(setting), target_id):
                return setting
        if trust_run_listing and self._absent_from_this_run(resource_group, target_id):
            return None
        with self.session.cache.lock(SETTINGS_LISTED, self._group_key(resource_group)):
            # Another fork may have listed the resource group while this one waited for the lock.
            stale = ((self._recorded(resource_group, target_id) or {}).get("name") or "").lower() in tried
            if stale or not (trust_run_listing and self._listed_in_this_run(resource_group)):
                self._list_resource_group(resource_group)
        recorded = self._recorded(resource_group, target_id) or {}
        name = recorded.get("name") if recorded.get("run") == self.session.run_id else None
        setting = self.get(resource_group, name) if name else None
        return setting if setting is not None and same_id(_target_of(setting), target_id) else None

    def put(self, resource_group, name, body):
        """Create or replace the whole setting (the API has no ETag: last writer wins)."""
        payload = json.dumps(body).encode("utf-8")
        with azure_errors("write autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            written = self._operations.create_or_update(resource_group, name, payload, content_type="application/json",
                                                        cls=raw_json)
        self._record(resource_group, _target_of(body), name)
        return written

    def delete(self, resource_group, name, target_id):
        """Delete the setting (of ``target_id``)."""
        with azure_errors("delete autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            self._operations.delete(resource_group, name)
        self._record(resource_group, target_id, None)


#: Cache namespaces (see OnlineDeployments): each deployment, each endpoint, and which workspaces were listed.
DEPLOYMENTS = "deployments"
ENDPOINTS = "endpoints"
WORKSPACES_LISTED = "workspaces-listed"

#: What the cache keeps of a deployment.
DEPLOYMENT_KEYS = ("id", "name", "endpoint", "workspace", "resource_group", "subscription_id", "endpoint_location")

#: How many endpoints' deployments are listed at the same time.
LISTING_THREADS = 4

#: azure-ai-ml's generated models (TypeSpec's model_base), whose field tables are built on first use.
ML_MODELS = "azure.ai.ml._restclient.arm_ml_service.models"
ML_MODEL_BASE = "azure.ai.ml._restclient.arm_ml_service._utils.model_base"


def prepare_ml_models():
    """Build the field table of every azure-ai-ml model class in this thread, before listings run in several.

    TypeSpec's model_base builds a class's table on its first object without a lock; threads that build related
    tables at once may silently get raw dicts instead of models (Azure/azure-sdk-for-python#47426, fixed in
    microsoft/typespec#11236, not yet in azure-ai-ml 1.35). About 0.2 s once per process; a no-op for azure-ai-ml
    versions without these models."""
    try:
        models, model_base = importlib.import_module(ML_MODELS), importlib.import_module(ML_MODEL_BASE)
    except ImportError:
        return
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, model_base.Model):
            value.__new__(value)


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


class OnlineDeployments:
    """Azure ML online endpoints and deployments, looked up by name through azure-ai-ml.

    Lookups are cached (one small entry per deployment and per endpoint) and reused by later module runs for
    LOOKUP_TTL: ids derive from names, so they do not go stale. The first lookup that misses in a workspace lists all
    of it, under a lock, so the forks of a fleet run import azure-ai-ml (seconds of CPU) once per workspace rather than
    once per deployment; a name the listing lacks is looked up on its own.
    """

    def __init__(self, session):
        self.session = session

    def _key(self, subscription_id, resource_group, workspace, *names):
        return cache_key(self.session.cloud.resource_manager, subscription_id, resource_group.lower(), workspace.lower(),
                         *(name.lower() for name in names))

    def _resolve(self, scope, namespace, names, fetch):
        """The cache entry ``names`` of the workspace ``scope``. On a miss the workspace is listed, once (concurrent
        forks wait on its lock for that listing); what the listing lacks comes from ``fetch(client)``."""
        cache = self.session.cache
        key, workspace_key = self._key(*scope, *names), self._key(*scope)
        found = cache.get(namespace, key)
        if found is not None:
            return found
        with cache.lock(WORKSPACES_LISTED, workspace_key):
            found = cache.get(namespace, key)
            if found is None and not isinstance(cache, NoCache) and cache.get(WORKSPACES_LISTED, workspace_key) is None:
                self._list_workspace(*scope)
                found = cache.get(namespace, key)
            if found is None:
                found = fetch(self.session.ml_client(scope[1], scope[2], scope[0]))
        return found

    def get(self, resource_group, workspace, endpoint, deployment, subscription_id=None):
        """One deployment: its id, its names and its endpoint's location (``endpoint_location``).

        Fails naming what was looked up when any part is missing."""
        scope = (subscription_id or self.session.subscription_id, resource_group, workspace)

        def fetch(client):
            with azure_errors("find online deployment {0!r} of endpoint {1!r} in workspace {2!r} (resource group {3!r}, "
                              "subscription {4})".format(deployment, endpoint, workspace, resource_group, scope[0])):
                entity = client.online_deployments.get(deployment, endpoint)
            record = dict(_deployment_record(entity, scope[0], resource_group, workspace, endpoint),
                          endpoint_location=self._endpoint(scope, client, endpoint)["location"])
            self.session.cache.put(DEPLOYMENTS, self._key(*scope, endpoint, deployment), record, LOOKUP_TTL)
            return record
        return self._resolve(scope, DEPLOYMENTS, (endpoint, deployment), fetch)

    def endpoint_location(self, resource_group, workspace, endpoint, subscription_id=None):
        """The Azure region of an online endpoint (new autoscale settings are created there)."""
        scope = (subscription_id or self.session.subscription_id, resource_group, workspace)
        return self._resolve(scope, ENDPOINTS, (endpoint,), lambda client: self._endpoint(scope, client, endpoint))["location"]

    def _endpoint(self, scope, client, endpoint):
        """An endpoint's cache entry (``{name, location}``), fetched alone and cached when missing."""
        key = self._key(*scope, endpoint)
        entry = self.session.cache.get(ENDPOINTS, key)
        if entry is None:
            with azure_errors("find online endpoint {0!r} in workspace {1!r}".format(endpoint, scope[2])):
                found = client.online_endpoints.get(endpoint)
            entry = {"name": _plain(found.name), "location": _plain(found.location)}
            self.session.cache.put(ENDPOINTS, key, entry, LOOKUP_TTL)
        return entry

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

        The listing is also cached for name lookups, so modules run after an inventory refresh resolve names without
        azure-ai-ml."""
        return self._list_workspace(subscription_id or self.session.subscription_id, resource_group, workspace)

    def _list_workspace(self, subscription_id, resource_group, workspace):
        """The workspace's deployment records, each also cached with its endpoint."""
        client = self.session.ml_client(resource_group, workspace, subscription_id)
        with azure_errors("list the online endpoints of workspace {0!r} (resource group {1!r}, subscription {2})".format(
                workspace, resource_group, subscription_id)):
            endpoints = list(client.online_endpoints.list())

        def deployments_of(endpoint):
            with azure_errors("list the deployments of online endpoint {0!r} in workspace {1!r}".format(endpoint.name, workspace)):
                return [_listed_deployment_record(entity, endpoint, subscription_id, resource_group, workspace)
                        for entity in client.online_deployments.list(endpoint.name)]
        prepare_ml_models()
        with concurrent.futures.ThreadPoolExecutor(max_workers=LISTING_THREADS) as pool:
            records = [record for listed in pool.map(deployments_of, endpoints) for record in listed]
        cache, scope = self.session.cache, (subscription_id, resource_group, workspace)
        for endpoint in endpoints:
            cache.put(ENDPOINTS, self._key(*scope, _plain(endpoint.name)),
                      {"name": _plain(endpoint.name), "location": _plain(endpoint.location)}, LOOKUP_TTL)
        for record in records:
            cache.put(DEPLOYMENTS, self._key(*scope, record["endpoint"], record["name"]),
                      {key: record[key] for key in DEPLOYMENT_KEYS}, LOOKUP_TTL)
        cache.put(WORKSPACES_LISTED, self._key(*scope), True, LOOKUP_TTL)
        return records


#: The provisioning states in which Azure ML takes an update; in the others (Creating, Updating, Scaling, Deleting) an
#: operation is running on the deployment.
UPDATABLE_STATES = ("Succeeded", "Failed", "Canceled")


def scale_record(entity):
    """What manual scale reads of a deployment: its instance count, VM size and provisioning state."""
    return {"instance_count": _plain(entity.instance_count), "instance_type": _plain(entity.instance_type),
            "provisioning_state": _plain(entity.provisioning_state)}


class DeploymentScale:
    """The instance count of one online deployment, read and set through azure-ai-ml (``MLClient.online_deployments``).

    Setting it is what ``az ml online-deployment update --set instance_count=N`` does: the deployment is read, its
    instance count changed, and the whole deployment written back with ``begin_create_or_update``, a long-running
    operation that is polled until it ends (bounded by ``wait_timeout``)."""

    def __init__(self, session, names):
        self.session = session
        self.names = names

    @property
    def _operations(self):
        names = self.names
        return self.session.ml_client(names["resource_group"], names["workspace"], names["subscription_id"]).online_deployments

    def _describe(self):
        return "online deployment {0!r} of endpoint {1!r} in workspace {2!r}".format(
            self.names["deployment"], self.names["endpoint"], self.names["workspace"])

    def _entity(self):
        with azure_errors("read " + self._describe()):
            return self._operations.get(self.names["deployment"], self.names["endpoint"])

    def read(self):
        """The deployment's scale record (fresh: never cached)."""
        return scale_record(self._entity())

    def set_instance_count(self, count, wait_timeout):
        """Write the new count and wait for the operation; returns the scale record after it."""
        entity = self._entity()
        entity.instance_count = count
        action = "set the instance count of {0} to {1}".format(self._describe(), count)
        # azure-ai-ml's poller prints a dot to stdout at every poll, which would corrupt the module's JSON result.
        with contextlib.redirect_stdout(io.StringIO()), azure_errors(action):
            poller = self._operations.begin_create_or_update(entity, skip_script_validation=True)
            poller.wait(timeout=wait_timeout)  # raises the operation's failure (OutOfQuota, ...)
        if not poller.done():
            raise AutoscaleError(action, "the update was still running after wait_timeout ({0} s)".format(wait_timeout),
                                 code="OperationTimedOut",
                                 hint="Azure ML keeps updating the deployment. Raise wait_timeout, or run the task again "
                                      "later: it makes no write once the count holds.")
        return self.read()
