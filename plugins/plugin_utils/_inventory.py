# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Inventory helpers: host names, groups and host variables of online deployments (pure), and their discovery (edge).

The pure part is shared by the inventory plugin ``online_deployments`` and the policy export, so that both name a
deployment's host and groups alike. The edge part reuses the modules' Session (credentials, cloud, clients) and turns
every Azure failure into an AnsibleError with the message the modules give.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

from ansible.errors import AnsibleError

from ansible_collections.mlops.autoscale.plugins.module_utils._api import OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AZURE_AUTH_SPEC, SDK_IMPORT_ERROR, Session
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import ROLE_PREFIX

#: The host variables that name a deployment, in the role endpoint_autoscale's vocabulary.
TARGET_VARS = ("resource_group", "workspace", "endpoint", "deployment", "subscription_id")
VAR_PREFIX = ROLE_PREFIX

#: The Session options an inventory source may set (documented by the doc fragment mlops.autoscale._azure).
#: Other Session options (present or future) take their defaults: ``cache`` is the inventory cache option
#: of an inventory source, not the modules' lookup_cache.
PLUGIN_AUTH_OPTIONS = ("auth_source", "subscription_id", "client_id", "secret", "tenant", "profile", "cloud_environment",
                       "retry_total", "retry_timeout")

_UNSAFE_GROUP_CHARS = re.compile(r"[^A-Za-z0-9_]")


# ---------------------------------------------------------------- pure: names, groups, variables

def safe_group_name(name):
    """A group name Ansible accepts without warnings: characters other than letters, digits and _ become _."""
    return _UNSAFE_GROUP_CHARS.sub("_", name)


def host_name(record, qualified=False):
    """``<workspace>.<endpoint>.<deployment>``; qualified: ``<resource group>.<workspace>.<endpoint>.<deployment>``."""
    parts = [record["workspace"], record["endpoint"], record["deployment"]]
    if qualified:
        parts.insert(0, record["resource_group"])
    return ".".join(parts)


def _record_key(record):
    return tuple((record.get(key) or "").lower() for key in ("subscription_id", "resource_group", "workspace", "endpoint", "deployment"))


def assign_host_names(records):
    """``[(host name, record)]`` sorted by host name, one per distinct deployment.

    A deployment is ``<workspace>.<endpoint>.<deployment>``. When two deployments of different resource groups (or
    subscriptions) would get the same name, all of them are qualified with their resource group; if that still
    collides (the same names in two subscriptions), the subscription id is appended.
    """
    unique = {}
    for record in records:
        unique.setdefault(_record_key(record), record)
    records = sorted(unique.values(), key=_record_key)
    counts = {}
    for record in records:
        counts[host_name(record).lower()] = counts.get(host_name(record).lower(), 0) + 1
    named = []
    for record in records:
        name = host_name(record, qualified=counts[host_name(record).lower()] > 1)
        named.append([name, record])
    seen = {}
    for item in named:
        seen[item[0].lower()] = seen.get(item[0].lower(), 0) + 1
    for item in named:
        if seen[item[0].lower()] > 1:
            item[0] = "{0}.{1}".format(item[0], item[1]["subscription_id"])
    return sorted(((name, record) for name, record in named), key=lambda item: item[0])


def default_groups(record):
    """The groups a deployment's host is put in: ``workspace_<ws>`` and ``endpoint_<ws>_<ep>`` (sanitised)."""
    return [safe_group_name("workspace_{0}".format(record["workspace"])),
            safe_group_name("endpoint_{0}_{1}".format(record["workspace"], record["endpoint"]))]


def target_vars(record):
    """The role endpoint_autoscale's target variables for a deployment."""
    return {VAR_PREFIX + key: record[key] for key in TARGET_VARS}


def deployment_facts(record):
    """The ``online_deployment`` host variable: what Azure ML says of the deployment and its endpoint."""
    keys = ("id", "name", "endpoint_id", "location", "tags", "endpoint_tags", "instance_type", "instance_count",
            "traffic", "provisioning_state")
    return {key: record.get(key) for key in keys}


def host_vars(record):
    """Every host variable the inventory plugin sets for a deployment."""
    result = target_vars(record)
    result["online_deployment"] = deployment_facts(record)
    result["ansible_connection"] = "local"
    return result


def parse_workspaces(value):
    """The ``workspaces`` option as a list of ``{resource_group, name, subscription_id}``; ValueError names the entry."""
    result = []
    for index, item in enumerate(value or []):
        where = "workspaces[{0}]".format(index)
        if not isinstance(item, dict):
            raise ValueError("{0}: give a mapping with resource_group and name, not {1!r}".format(where, item))
        unknown = sorted(set(item) - {"resource_group", "name", "subscription_id"})
        if unknown:
            raise ValueError("{0}: unknown keys {1}; allowed: resource_group, name, subscription_id".format(where, ", ".join(unknown)))
        missing = [key for key in ("resource_group", "name") if not item.get(key)]
        if missing:
            raise ValueError("{0}: {1} required".format(where, " and ".join(missing)))
        result.append({"resource_group": str(item["resource_group"]), "name": str(item["name"]),
                       "subscription_id": str(item["subscription_id"]) if item.get("subscription_id") else None})
    return result


# ---------------------------------------------------------------- edge: credentials and discovery

def session_params(get_option, environ=None):
    """Session parameters from an inventory source's options, with the modules' environment fallbacks and defaults.

    ``get_option(name)`` reads a documented option (Ansible's config manager already applies the ``env:`` entries of the
    documentation); the fallback here reads the same variables as the modules, from AZURE_AUTH_SPEC, so the two cannot
    drift apart.
    """
    environ = os.environ if environ is None else environ
    params = {}
    for name, spec in AZURE_AUTH_SPEC.items():
        value = get_option(name) if name in PLUGIN_AUTH_OPTIONS else None
        if value is None and "fallback" in spec:
            for variable in spec["fallback"][1]:
                if environ.get(variable):
                    value = environ[variable]
                    break
        if value is None:
            value = spec.get("default")
        params[name] = value
    return params


class AzureInventoryError(AnsibleError):
    """An Azure failure of an inventory source: its message is the modules' (the cause stays chained for tracebacks)."""

    _include_cause_message = False  # ansible-core 2.19+ would append the cause's message, already in describe()


def ansible_error(error):
    """An AnsibleError with the message the modules fail with."""
    return AzureInventoryError(error.describe())


class DeploymentDiscovery:
    """Finds the online deployments of given workspaces, or of every workspace of the subscription."""

    def __init__(self, session):
        self.deployments = OnlineDeployments(session)

    def discover(self, workspaces=None):
        """The deployments of ``workspaces`` (``{resource_group, name, subscription_id}``), else of the subscription's."""
        records = []
        for workspace in workspaces or self.deployments.workspaces():
            records.extend(self.deployments.list(workspace["resource_group"], workspace["name"], workspace.get("subscription_id")))
        return records


@contextmanager
def preserved_environ(environ=None):
    """Undo changes to the process environment made in the block.

    The Session and azure-ai-ml change os.environ (ARM_CLOUD_METADATA_URL is removed, AZUREML_CURRENT_CLOUD set to a
    cloud registered only in this process). That is harmless in a module's own process, but an inventory plugin runs in
    the controller, whose environment every module it starts inherits: there azure-ai-ml would fail to import with
    "Unknown cloud environment".
    """
    environ = os.environ if environ is None else environ
    saved = dict(environ)
    try:
        yield
    finally:
        for key in [key for key in environ if key not in saved]:
            del environ[key]
        for key, value in saved.items():
            if environ.get(key) != value:
                environ[key] = value


def discover_deployments(params, workspaces=None):
    """Every online deployment in scope as plain records; AnsibleError (with the modules' message) on failure."""
    if SDK_IMPORT_ERROR:
        raise AnsibleError("The online_deployments inventory needs azure-identity, azure-mgmt-monitor and azure-ai-ml on the "
                           "controller's Python: {0}".format(SDK_IMPORT_ERROR.strip().splitlines()[-1]))
    with preserved_environ():
        try:
            return DeploymentDiscovery(Session(params)).discover(workspaces)
        except AutoscaleError as error:
            raise ansible_error(error) from error
