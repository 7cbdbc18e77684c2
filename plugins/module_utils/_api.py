# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Thin service calls: autoscale settings through azure-mgmt-monitor, online deployments through azure-ai-ml.

Every call returns plain dicts in the ARM wire format (camelCase, as the REST API sends them) and raises
AutoscaleError naming what it was doing.
"""

from __future__ import annotations

import json

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import LOOKUP_TTL, azure_errors
from ansible_collections.mlops.autoscale.plugins.module_utils._cache import cache_key
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._model import id_key


def _raw_json(pipeline_response, _deserialized, _headers):
    """``cls`` hook for SDK operations: the response body as sent, so no field is lost to the SDK's models."""
    return pipeline_response.http_response.json()


def same_id(first, second):
    """Azure resource ids compare case-insensitively."""
    return id_key(first) == id_key(second)


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
        """Every setting of a resource group, or of the subscription, in wire format."""
        where = "resource group {0!r}".format(resource_group) if resource_group else "the subscription"
        with azure_errors("list the autoscale settings of {0}".format(where)):
            if resource_group:
                pages = self._operations.list_by_resource_group(resource_group)
            else:
                pages = self._operations.list_by_subscription()
            return [item.serialize(keep_readonly=True) for item in pages]

    def find_by_target(self, resource_group, target_id, candidate_names=()):
        """The setting that targets ``target_id``: first by the candidate names, then by listing the resource group."""
        for name in candidate_names:
            if not name:
                continue
            setting = self.get(resource_group, name)
            if setting is not None and same_id(setting.get("properties", {}).get("targetResourceUri"), target_id):
                return setting
        for setting in self.list(resource_group):
            if same_id(setting.get("properties", {}).get("targetResourceUri"), target_id):
                return self.get(resource_group, setting["name"])
        return None

    def put(self, resource_group, name, body):
        """Create or replace the whole setting (the API has no ETag: last writer wins)."""
        payload = json.dumps(body).encode("utf-8")
        with azure_errors("write autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            return self._operations.create_or_update(resource_group, name, payload, content_type="application/json", cls=_raw_json)

    def delete(self, resource_group, name):
        """Delete the setting."""
        with azure_errors("delete autoscale setting {0!r} in resource group {1!r}".format(name, resource_group)):
            self._operations.delete(resource_group, name)


def _deployment_record(deployment_entity, subscription_id, resource_group, workspace, endpoint):
    return {
        "id": deployment_entity.id,
        "name": deployment_entity.name,
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
        "id": _plain(entity.id),
        "name": _plain(entity.name),
        "deployment": _plain(entity.name),
        "endpoint_id": _plain(endpoint.id),
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
    """Azure ML online endpoints and deployments, looked up by name through azure-ai-ml."""

    def __init__(self, session):
        self.session = session

    def _lookup(self, kind, names, fetch):
        """A lookup through azure-ai-ml, reused by later module runs for LOOKUP_TTL (ids are derived from names)."""
        key = cache_key(self.session.cloud.resource_manager, kind, *names)
        value = self.session.cache.get("resolved", key)
        if value is None:
            value = fetch()
            self.session.cache.put("resolved", key, value, LOOKUP_TTL)
        return value

    def get(self, resource_group, workspace, endpoint, deployment, subscription_id=None):
        """One deployment: its id and names. Fails naming what was looked up when any part is missing."""
        subscription_id = subscription_id or self.session.subscription_id
        what = "find online deployment {0!r} of endpoint {1!r} in workspace {2!r} (resource group {3!r}, subscription {4})".format(
            deployment, endpoint, workspace, resource_group, subscription_id)

        def fetch():
            client = self.session.ml_client(resource_group, workspace, subscription_id)
            with azure_errors(what):
                entity = client.online_deployments.get(deployment, endpoint)
            return _deployment_record(entity, subscription_id, resource_group, workspace, endpoint)
        return self._lookup("deployment", (subscription_id, resource_group, workspace, endpoint, deployment), fetch)

    def endpoint_location(self, resource_group, workspace, endpoint, subscription_id=None):
        """The Azure region of an online endpoint (new autoscale settings are created there)."""
        subscription_id = subscription_id or self.session.subscription_id
        what = "find online endpoint {0!r} in workspace {1!r} (resource group {2!r})".format(endpoint, workspace, resource_group)

        def fetch():
            client = self.session.ml_client(resource_group, workspace, subscription_id)
            with azure_errors(what):
                return client.online_endpoints.get(endpoint).location
        return self._lookup("location", (subscription_id, resource_group, workspace, endpoint), fetch)

    def workspaces(self, subscription_id=None):
        """Every Azure Machine Learning workspace of a subscription, as ``{resource_group, name, subscription_id}``."""
        subscription_id = subscription_id or self.session.subscription_id
        client = self.session.ml_client(None, None, subscription_id)
        with azure_errors("list the Azure Machine Learning workspaces of subscription {0}".format(subscription_id)):
            found = [{"resource_group": item.resource_group, "name": item.name, "subscription_id": subscription_id}
                     for item in client.workspaces.list(scope="subscription")]
        return sorted(found, key=lambda item: (item["resource_group"].lower(), item["name"].lower()))

    def list(self, resource_group, workspace, subscription_id=None):
        """Every online deployment of a workspace, with its endpoint's location, tags and traffic share."""
        subscription_id = subscription_id or self.session.subscription_id
        client = self.session.ml_client(resource_group, workspace, subscription_id)
        with azure_errors("list the online endpoints of workspace {0!r} (resource group {1!r}, subscription {2})".format(
                workspace, resource_group, subscription_id)):
            endpoints = list(client.online_endpoints.list())
        records = []
        for endpoint in endpoints:
            with azure_errors("list the deployments of online endpoint {0!r} in workspace {1!r}".format(endpoint.name, workspace)):
                for entity in client.online_deployments.list(endpoint.name):
                    records.append(_listed_deployment_record(entity, endpoint, subscription_id, resource_group, workspace))
        return records
