# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The edge to Azure: common options, cloud resolution, credentials, SDK clients and the base module class."""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import traceback
from contextlib import contextmanager
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.mlops.autoscale.plugins.module_utils._cache import (
    HAS_CRYPTOGRAPHY, CachingCredential, DiskCache, NoCache, cache_key, default_directory,
)
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError, from_exception
from ansible_collections.mlops.autoscale.plugins.module_utils._run import current_run_id

SDK_IMPORT_ERROR = None
try:
    import requests
    from azure.core.rest import HttpRequest
    from azure.identity import AzureCliCredential, ClientSecretCredential, ManagedIdentityCredential
    from azure.mgmt.monitor import MonitorManagementClient
except ImportError:
    SDK_IMPORT_ERROR = traceback.format_exc()

# The options every module takes to reach Azure (documented in doc_fragments/_azure.py).
AZURE_AUTH_SPEC = {
    "auth_source": {"type": "str", "choices": ["auto", "env", "credential_file", "cli", "msi"],
                    "fallback": (env_fallback, ["ANSIBLE_AZURE_AUTH_SOURCE"])},
    "subscription_id": {"type": "str", "fallback": (env_fallback, ["AZURE_SUBSCRIPTION_ID"])},
    "client_id": {"type": "str", "fallback": (env_fallback, ["AZURE_CLIENT_ID"])},
    "secret": {"type": "str", "no_log": True, "fallback": (env_fallback, ["AZURE_SECRET", "AZURE_CLIENT_SECRET"])},
    "tenant": {"type": "str", "fallback": (env_fallback, ["AZURE_TENANT", "AZURE_TENANT_ID"])},
    "profile": {"type": "str", "fallback": (env_fallback, ["AZURE_PROFILE"])},
    "cloud_environment": {"type": "str", "fallback": (env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])},
    "lookup_cache": {"type": "bool", "default": True},
    "retry_total": {"type": "int", "default": 6},
    "retry_timeout": {"type": "int", "default": 300},
}

# Public clouds known without a metadata request: name -> (resource manager, login endpoint, ARM audience, portal).
KNOWN_CLOUDS = {
    "azurecloud": ("AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/",
                   "https://management.core.windows.net/", "https://portal.azure.com/", "core.windows.net"),
    "azurechinacloud": ("AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/",
                        "https://management.core.chinacloudapi.cn/", "https://portal.azure.cn/", "core.chinacloudapi.cn"),
    "azureusgovernment": ("AzureUSGovernment", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/",
                          "https://management.core.usgovcloudapi.net/", "https://portal.azure.us/", "core.usgovcloudapi.net"),
}

METADATA_HINT = ("cloud_environment must be a cloud name or the ARM metadata discovery URL of the cloud's own Resource Manager "
                 "(https://<resource manager>/metadata/endpoints?api-version=2022-09-01).")

#: How long a cloud's metadata document and a resolved deployment are reused by later module runs.
LOOKUP_TTL = 3600

CREDENTIAL_FILE = os.path.join("~", ".azure", "credentials")
CLI_PROFILE_FILE = os.path.join("~", ".azure", "azureProfile.json")


class Cloud:
    """Endpoints of one Azure cloud (public, sovereign or Azure Stack)."""

    def __init__(self, name, resource_manager, login_endpoint, audience, portal, storage_suffix, custom):
        self.name = name
        self.resource_manager = resource_manager.rstrip("/")
        self.login_endpoint = login_endpoint.rstrip("/")
        self.audience = audience
        self.portal = portal
        self.storage_suffix = storage_suffix
        self.custom = custom

    @property
    def ml_cloud_name(self):
        """The name azure-ai-ml registers this cloud under: tied to its endpoints, as its registry never overwrites a name."""
        if not self.custom:
            return self.name
        return "{0}-{1}".format(self.name, hashlib.sha256(self.resource_manager.encode("utf-8")).hexdigest()[:12])

    @property
    def arm_scope(self):
        """The OAuth2 scope of Azure Resource Manager in this cloud."""
        return self.audience.rstrip("/") + "/.default"


def _cloud_from_metadata(url, document):
    """Pick the cloud that a metadata discovery document describes for ``url``."""
    clouds = document if isinstance(document, list) else [document]
    if not clouds or not all(isinstance(entry, dict) for entry in clouds):
        raise AutoscaleError("load the cloud metadata from {0}".format(url), "the document is not a cloud object or a list of them",
                             code="InvalidCloudMetadata", hint=METADATA_HINT)
    host = urlsplit(url).netloc.lower()
    chosen = None
    for entry in clouds:
        if urlsplit(entry.get("resourceManager", "")).netloc.lower() == host:
            chosen = entry
            break
    if chosen is None:
        if len(clouds) != 1:
            raise AutoscaleError("load the cloud metadata from {0}".format(url),
                                 "the document lists {0} clouds and none has this host as resourceManager".format(len(clouds)),
                                 code="InvalidCloudMetadata", hint=METADATA_HINT)
        chosen = clouds[0]
    try:
        auth = chosen["authentication"]
        audiences = auth["audiences"]
        if not isinstance(audiences, list) or not audiences or not isinstance(audiences[0], str):
            raise TypeError("authentication.audiences is not a list of URLs")
        return Cloud(chosen["name"], chosen["resourceManager"], auth["loginEndpoint"], audiences[0],
                     chosen.get("portal", chosen["resourceManager"]), chosen.get("suffixes", {}).get("storage", ""), True)
    except (KeyError, TypeError) as exc:
        raise AutoscaleError("load the cloud metadata from {0}".format(url), "invalid document: {0}".format(exc),
                             code="InvalidCloudMetadata", hint=METADATA_HINT) from exc


def resolve_cloud(value, cache=None):
    """A Cloud from a cloud name (AzureCloud, AzureChinaCloud, AzureUSGovernment) or a metadata discovery URL."""
    value = value or "AzureCloud"
    if value.lower() in KNOWN_CLOUDS:
        name, arm, login, audience, portal, storage = KNOWN_CLOUDS[value.lower()]
        return Cloud(name, arm, login, audience, portal, storage, False)
    if not value.lower().startswith(("https://", "http://")):
        raise AutoscaleError("resolve cloud_environment", "unknown cloud {0!r}".format(value), code="UnknownCloud",
                             hint="Use AzureCloud, AzureChinaCloud, AzureUSGovernment or a metadata discovery URL "
                                  "(https://<resource manager>/metadata/endpoints?api-version=2022-09-01).")
    cache = cache or NoCache()
    document = cache.get("clouds", cache_key(value))
    if document is not None:
        return _cloud_from_metadata(value, document)
    action = "load the cloud metadata from {0}".format(value)
    try:
        response = requests.get(value, timeout=30)
        response.raise_for_status()
        document = response.json()
    except ValueError as exc:
        raise AutoscaleError(action, "the response is not JSON", code="InvalidCloudMetadata", hint=METADATA_HINT) from exc
    except requests.RequestException as exc:
        raise AutoscaleError(action, str(exc), code="CloudMetadataUnavailable",
                             hint="Check the URL and the network; for a private CA point REQUESTS_CA_BUNDLE at it.") from exc
    cloud = _cloud_from_metadata(value, document)
    cache.put("clouds", cache_key(value), document, LOOKUP_TTL)
    return cloud


def raw_json(pipeline_response, _deserialized, _headers):
    """``cls`` hook for SDK operations: the response body as sent, so no field is lost to the SDK's models (and 10,000
    metric points are not deserialised slowly into them)."""
    return pipeline_response.http_response.json()


@contextmanager
def azure_errors(action):
    """Re-raise SDK exceptions raised in the block as AutoscaleError, naming ``action``."""
    try:
        yield
    except AutoscaleError:
        raise
    except Exception as exc:  # pylint: disable=broad-exception-caught
        error = from_exception(action, exc)
        if error is None:
            raise
        raise error from exc


def _read_credential_file(profile):
    """The section ``profile`` (or ``default``) of ~/.azure/credentials, or None when there is none."""
    path = os.path.expanduser(CREDENTIAL_FILE)
    if not os.path.exists(path):
        return None
    parser = configparser.ConfigParser()
    parser.read(path)
    section = profile or "default"
    if not parser.has_section(section):
        if profile:
            raise AutoscaleError("read {0}".format(path), "it has no profile [{0}]".format(profile), code="ProfileNotFound",
                                 hint="Add the section or give another profile.")
        return None
    return dict(parser.items(section))


def _cli_default_subscription():
    """The default subscription of the Azure CLI's profile, without running the CLI."""
    path = os.path.expanduser(CLI_PROFILE_FILE)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8-sig") as handle:
        profile = json.load(handle)
    for subscription in profile.get("subscriptions", []):
        if subscription.get("isDefault"):
            return subscription.get("id")
    return None


def _env_service_principal():
    """client_id, secret, tenant from the AWX or azure-identity environment variable names."""
    env = os.environ
    return (env.get("AZURE_CLIENT_ID"), env.get("AZURE_SECRET") or env.get("AZURE_CLIENT_SECRET"),
            env.get("AZURE_TENANT") or env.get("AZURE_TENANT_ID"))


class Session:
    """Credential, subscription and clients for one module run, built on first use."""

    def __init__(self, params):
        self.params = params
        self._cloud = None
        self._credential = None
        self._subscription_id = params.get("subscription_id")
        self._monitor = None
        self._ml_clients = {}
        self.cache = DiskCache(default_directory()) if params.get("lookup_cache") else NoCache()
        #: The ansible-playbook run this module runs in, or None outside one (lookups shared within a run only).
        self.run_id = current_run_id()

    @property
    def cloud(self):
        """The resolved cloud."""
        if self._cloud is None:
            self._cloud = resolve_cloud(self.params.get("cloud_environment"), self.cache)
        return self._cloud

    def _service_principal(self, client_id, secret, tenant):
        missing = [name for name, value in (("client_id", client_id), ("secret", secret), ("tenant", tenant)) if not value]
        if missing:
            raise AutoscaleError("build the credential", "service principal authentication needs {0}".format(", ".join(missing)),
                                 code="MissingCredentials",
                                 hint="Set the options, or AZURE_CLIENT_ID, AZURE_SECRET (or AZURE_CLIENT_SECRET) and AZURE_TENANT "
                                      "(or AZURE_TENANT_ID).")
        kwargs = {"authority": self.cloud.login_endpoint}
        if self.cloud.custom:
            kwargs["disable_instance_discovery"] = True
        if isinstance(self.cache, NoCache) or not HAS_CRYPTOGRAPHY:
            return ClientSecretCredential(tenant, client_id, secret, **kwargs)
        return CachingCredential(lambda: ClientSecretCredential(tenant, client_id, secret, **kwargs), secret,
                                 (self.cloud.login_endpoint, tenant, client_id), self.cache)

    def _build_credential(self):
        params = self.params
        source = params.get("auth_source") or "auto"
        if source == "env":
            return self._service_principal(*_env_service_principal())
        if source == "cli":
            self._subscription_id = self._subscription_id or _cli_default_subscription()
            return AzureCliCredential(tenant_id=params.get("tenant"))
        if source == "msi":
            return ManagedIdentityCredential(client_id=params.get("client_id"))
        if source == "auto" and params.get("client_id") and params.get("tenant") and not params.get("secret"):
            raise AutoscaleError("build the credential", "client_id and tenant are set but no secret", code="MissingCredentials",
                                 hint="Set secret (or AZURE_SECRET / AZURE_CLIENT_SECRET) for the service principal, or "
                                      "auth_source: msi to use a user-assigned managed identity with client_id.")
        if source == "credential_file" or (source == "auto" and not (params.get("client_id") and params.get("secret"))):
            section = _read_credential_file(params.get("profile"))
            if section:
                self._subscription_id = self._subscription_id or section.get("subscription_id")
                return self._service_principal(section.get("client_id"), section.get("secret"), section.get("tenant"))
            if source == "credential_file":
                raise AutoscaleError("build the credential", "no credentials in {0}".format(CREDENTIAL_FILE),
                                     code="MissingCredentials", hint="Create the file or choose another auth_source.")
            if shutil.which("az"):
                self._subscription_id = self._subscription_id or _cli_default_subscription()
                return AzureCliCredential(tenant_id=params.get("tenant"))
            return ManagedIdentityCredential(client_id=params.get("client_id"))
        return self._service_principal(params.get("client_id"), params.get("secret"), params.get("tenant"))

    @property
    def credential(self):
        """The azure-identity credential chosen by auth_source."""
        if self._credential is None:
            with azure_errors("build the credential"):
                self._credential = self._build_credential()
        return self._credential

    @property
    def subscription_id(self):
        """The subscription the run works in."""
        if self._credential is None:
            self.credential  # pylint: disable=pointless-statement
        if not self._subscription_id:
            raise AutoscaleError("choose a subscription", "no subscription_id was given", code="MissingSubscription",
                                 hint="Set subscription_id or AZURE_SUBSCRIPTION_ID.")
        return self._subscription_id

    def _client_kwargs(self):
        return {
            "credential_scopes": [self.cloud.arm_scope],
            "retry_total": self.params["retry_total"],
            "retry_status": self.params["retry_total"],
            "retry_connect": self.params["retry_total"],
            "retry_read": self.params["retry_total"],
            "timeout": self.params["retry_timeout"],
        }

    @property
    def monitor(self):
        """The azure-mgmt-monitor client (retries and Retry-After handled by its pipeline)."""
        if self._monitor is None:
            self._monitor = MonitorManagementClient(self.credential, self.subscription_id, base_url=self.cloud.resource_manager,
                                                    **self._client_kwargs())
        return self._monitor

    def list_raw(self, path, api_version):
        """Every item of an ARM list operation at ``path``, page after page, as the service sent them (the SDK's
        models would re-serialise them: durations, dates with offsets, fields they do not model), through the monitor
        client's pipeline (its credential, retries and Retry-After)."""
        client = self.monitor
        send = getattr(client, "send_request", None) or client._send_request  # pylint: disable=protected-access
        url, items = "{0}?api-version={1}".format(path, api_version), []
        while url:
            response = send(HttpRequest("GET", url))
            response.raise_for_status()
            page = response.json()
            items.extend(page.get("value") or [])
            url = page.get("nextLink")
        return items

    def ml_client(self, resource_group, workspace, subscription_id=None):
        """An azure-ai-ml MLClient for a workspace (imported on first use: it is slow to import)."""
        key = (subscription_id or self.subscription_id, resource_group, workspace)
        if key not in self._ml_clients:
            # The cloud is resolved once, from cloud_environment, and handed over explicitly: without this azure-ai-ml
            # would fetch the metadata document again from ARM_CLOUD_METADATA_URL several times per client.
            # AZUREML_CURRENT_CLOUD may name a cloud registered only in another process (azure-ai-ml sets it).
            os.environ.pop("ARM_CLOUD_METADATA_URL", None)
            os.environ.pop("AZUREML_CURRENT_CLOUD", None)
            with azure_errors("load azure-ai-ml"):
                from azure.ai.ml import MLClient  # pylint: disable=import-outside-toplevel
            cloud = self.cloud
            kwargs = {"enable_telemetry": False, "show_progress": False, "cloud": cloud.ml_cloud_name}
            kwargs.update({k: v for k, v in self._client_kwargs().items() if k != "credential_scopes"})
            if cloud.custom:
                kwargs["cloud_metadata"] = {
                    "azure_portal": cloud.portal,
                    "resource_manager": cloud.resource_manager + "/",
                    "active_directory": cloud.login_endpoint + "/",
                    "aml_resource_id": cloud.resource_manager + "/",
                    "storage_endpoint": cloud.storage_suffix,
                    "registry_discovery_endpoint": cloud.resource_manager + "/",
                }
            with azure_errors("create the Azure ML client for workspace {0}".format(workspace)):
                self._ml_clients[key] = MLClient(self.credential, key[0], resource_group, workspace, **kwargs)
        return self._ml_clients[key]


class AzureAutoscaleModule:
    """AnsibleModule with the common Azure options, SDK checks, a Session, and Azure-aware failures."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(AZURE_AUTH_SPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        if SDK_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("azure-identity, azure-mgmt-monitor and azure-ai-ml"),
                                  exception=SDK_IMPORT_ERROR)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.diff_mode = self.module._diff  # pylint: disable=protected-access
        self.session = Session(self.params)

    def warn(self, message):
        """Emit a warning."""
        self.module.warn(message)

    def exit_json(self, **result):
        """Finish successfully."""
        self.module.exit_json(**result)

    def fail_json(self, msg, **result):
        """Finish with a failure."""
        self.module.fail_json(msg=msg, **result)

    def execute(self, manager_class):
        """Run ``manager_class(self).run()`` and finish with its result, or with the Azure failure it raised."""
        try:
            result = manager_class(self).run()
        except AutoscaleError as error:
            self.fail_from_error(error)
        self.exit_json(**result)

    def fail_from_error(self, error, **result):
        """The one place where an Azure failure becomes fail_json: code, message and what to do."""
        self.module.fail_json(msg=error.describe(), error=error.as_dict(), exception=traceback.format_exc(), **result)
