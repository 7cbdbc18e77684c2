# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cloud resolution and credential selection, without any network: credentials are built, never asked for a token."""

from __future__ import annotations

import json
import os
import socket

import pytest
import requests
from azure.core.exceptions import ServiceRequestError
from azure.identity import AzureCliCredential, ClientSecretCredential, ManagedIdentityCredential

from ansible_collections.mlops.autoscale.plugins.module_utils import _azure
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import (
    KNOWN_CLOUDS, Session, _cloud_from_metadata, azure_errors, resolve_cloud,
)
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
FILE_SUBSCRIPTION = "99999999-8888-7777-6666-555555555555"
CLI_SUBSCRIPTION = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
METADATA_URL = "https://arm.stack.example.test/metadata/endpoints?api-version=2022-09-01"


def metadata_entry(name, arm, login, audience, portal=None, storage=None):
    entry = {"name": name, "resourceManager": arm, "authentication": {"loginEndpoint": login, "audiences": [audience]}}
    if portal:
        entry["portal"] = portal
    if storage:
        entry["suffixes"] = {"storage": storage}
    return entry


STACK = metadata_entry("AzureStackLab", "https://arm.stack.example.test/", "https://login.stack.example.test/adfs/",
                       "https://management.stack.example.test/abc", portal="https://portal.stack.example.test/",
                       storage="stack.example.test")
OTHER = metadata_entry("OtherCloud", "https://arm.other.example.test/", "https://login.other.example.test/",
                       "https://management.other.example.test/")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No Azure variables from the caller, a private HOME, and no network at all."""
    for key in list(os.environ):
        if key.startswith(("AZURE_", "ARM_", "MSI_", "IDENTITY_", "IMDS_")) or key == "ANSIBLE_AZURE_AUTH_SOURCE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))

    def refuse(*args, **kwargs):
        raise AssertionError("a unit test tried to open a network connection: {0!r}".format(args))
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(_azure.shutil, "which", lambda name: None)
    return tmp_path


def params(**kwargs):
    """Module params as AnsibleModule would pass them (every common option present)."""
    base = {key: None for key in _azure.AZURE_AUTH_SPEC}
    base.update(retry_total=6, retry_timeout=300, cloud_environment="AzureCloud")
    base.update(kwargs)
    return base


def write_credentials(home, text):
    os.makedirs(os.path.join(str(home), ".azure"), exist_ok=True)
    with open(os.path.join(str(home), ".azure", "credentials"), "w", encoding="utf-8") as handle:
        handle.write(text)


def write_cli_profile(home, subscriptions):
    os.makedirs(os.path.join(str(home), ".azure"), exist_ok=True)
    # The Azure CLI writes this file with a byte order mark.
    with open(os.path.join(str(home), ".azure", "azureProfile.json"), "w", encoding="utf-8-sig") as handle:
        json.dump({"installationId": "x", "subscriptions": subscriptions}, handle)


CREDENTIALS = """\
[default]
subscription_id={sub}
client_id=file-client
secret=file-secret
tenant=file-tenant

[staging]
subscription_id=22222222-0000-0000-0000-000000000000
client_id=staging-client
secret=staging-secret
tenant=staging-tenant
""".format(sub=FILE_SUBSCRIPTION)


# Clouds ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, key", [
    (None, "azurecloud"), ("", "azurecloud"), ("AzureCloud", "azurecloud"), ("azurecloud", "azurecloud"),
    ("AzureChinaCloud", "azurechinacloud"), ("AZUREUSGOVERNMENT", "azureusgovernment"),
])
def test_known_clouds_need_no_network(value, key):
    cloud = resolve_cloud(value)
    name, arm, login, audience, portal, storage = KNOWN_CLOUDS[key]
    assert cloud.name == name
    assert cloud.resource_manager == arm.rstrip("/")
    assert cloud.login_endpoint == login.rstrip("/")
    assert cloud.arm_scope == audience.rstrip("/") + "/.default"
    assert (cloud.portal, cloud.storage_suffix, cloud.custom) == (portal, storage, False)


@pytest.mark.parametrize("value", ["AzureGermanCloud", "stack", "ftp://arm.example.test/metadata"])
def test_unknown_cloud_name(value):
    with pytest.raises(AutoscaleError) as caught:
        resolve_cloud(value)
    assert caught.value.code == "UnknownCloud"
    assert value in caught.value.message
    assert "metadata discovery URL" in caught.value.hint


def test_metadata_list_chooses_by_host():
    cloud = _cloud_from_metadata(METADATA_URL, [OTHER, STACK])
    assert cloud.name == "AzureStackLab"
    assert cloud.resource_manager == "https://arm.stack.example.test"
    assert cloud.login_endpoint == "https://login.stack.example.test/adfs"
    assert cloud.arm_scope == "https://management.stack.example.test/abc/.default"
    assert (cloud.portal, cloud.storage_suffix, cloud.custom) == ("https://portal.stack.example.test/", "stack.example.test", True)


def test_metadata_host_match_is_case_insensitive():
    assert _cloud_from_metadata("https://ARM.Stack.Example.Test/metadata/endpoints", [OTHER, STACK]).name == "AzureStackLab"


def test_metadata_dict_document():
    cloud = _cloud_from_metadata(METADATA_URL, STACK)
    assert cloud.name == "AzureStackLab" and cloud.custom


def test_metadata_single_entry_for_another_host_is_used():
    cloud = _cloud_from_metadata(METADATA_URL, [OTHER])
    assert cloud.name == "OtherCloud"
    # Without portal and suffixes: portal falls back to the resource manager, no storage suffix.
    assert cloud.portal == "https://arm.other.example.test/"
    assert cloud.storage_suffix == ""


def test_metadata_list_without_the_host():
    with pytest.raises(AutoscaleError) as caught:
        _cloud_from_metadata("https://arm.nowhere.example.test/metadata/endpoints", [OTHER, STACK])
    assert caught.value.code == "InvalidCloudMetadata"
    assert "2 clouds" in caught.value.message
    assert caught.value.action == "load the cloud metadata from https://arm.nowhere.example.test/metadata/endpoints"


@pytest.mark.parametrize("document, missing", [
    ({"name": "x", "resourceManager": "https://arm.stack.example.test/"}, "authentication"),
    ({"resourceManager": "https://arm.stack.example.test/", "authentication": {"loginEndpoint": "https://l/", "audiences": ["a"]}},
     "name"),
    (metadata_entry("x", "https://arm.stack.example.test/", "https://l/", "a") | {"authentication": {"audiences": ["a"]}},
     "loginEndpoint"),
    ([{"name": "x", "resourceManager": "https://arm.stack.example.test/",
       "authentication": {"loginEndpoint": "https://l/", "audiences": []}}], None),
])
def test_malformed_metadata(document, missing):
    with pytest.raises(AutoscaleError) as caught:
        _cloud_from_metadata(METADATA_URL, document)
    error = caught.value
    assert error.code == "InvalidCloudMetadata"
    assert "cloud_environment" in error.hint
    if missing:
        assert missing in error.message
    assert "cloud_environment" in error.describe()


class FakeResponse:
    def __init__(self, payload=None, status=200, text=None):
        self.payload, self.status, self.text = payload, status, text

    def raise_for_status(self):
        if self.status >= 400:
            raise requests.HTTPError("{0} Client Error".format(self.status))

    def json(self):
        if self.text is not None:
            return json.loads(self.text)
        return self.payload


def test_resolve_cloud_from_url(monkeypatch):
    calls = []
    monkeypatch.setattr(_azure.requests, "get", lambda url, timeout: calls.append(url) or FakeResponse([OTHER, STACK]))
    cloud = resolve_cloud(METADATA_URL)
    assert calls == [METADATA_URL]
    assert cloud.name == "AzureStackLab" and cloud.custom


@pytest.mark.parametrize("response, code", [
    (FakeResponse(text="<html>not json</html>"), "InvalidCloudMetadata"),
    (FakeResponse(status=404), "CloudMetadataUnavailable"),
])
def test_resolve_cloud_url_failures(monkeypatch, response, code):
    monkeypatch.setattr(_azure.requests, "get", lambda url, timeout: response)
    with pytest.raises(AutoscaleError) as caught:
        resolve_cloud(METADATA_URL)
    assert caught.value.code == code
    assert METADATA_URL in caught.value.action


def test_resolve_cloud_url_unreachable(monkeypatch):
    def unreachable(url, timeout):
        raise requests.ConnectionError("connection refused")
    monkeypatch.setattr(_azure.requests, "get", unreachable)
    with pytest.raises(AutoscaleError) as caught:
        resolve_cloud(METADATA_URL)
    assert caught.value.code == "CloudMetadataUnavailable"
    assert "REQUESTS_CA_BUNDLE" in caught.value.hint


# Credentials ----------------------------------------------------------------------------------------------------------

def assert_service_principal(credential, client_id, secret, tenant):
    assert isinstance(credential, ClientSecretCredential)
    assert (credential._client_id, credential._client_credential, credential._tenant_id) == (  # pylint: disable=protected-access
        client_id, secret, tenant)


@pytest.mark.parametrize("auth_source", [None, "auto"])
def test_service_principal_from_params(auth_source):
    session = Session(params(auth_source=auth_source, client_id="c1", secret="s1", tenant="t1", subscription_id=SUBSCRIPTION))
    credential = session.credential
    assert_service_principal(credential, "c1", "s1", "t1")
    assert credential._authority == KNOWN_CLOUDS["azurecloud"][2].rstrip("/")  # pylint: disable=protected-access
    assert credential._instance_discovery is not False  # pylint: disable=protected-access
    assert session.subscription_id == SUBSCRIPTION
    assert session.credential is credential


def test_service_principal_params_win_over_a_credential_file(isolated):
    write_credentials(isolated, CREDENTIALS)
    session = Session(params(client_id="c1", secret="s1", tenant="t1"))
    assert_service_principal(session.credential, "c1", "s1", "t1")
    with pytest.raises(AutoscaleError) as caught:
        session.subscription_id  # pylint: disable=pointless-statement
    assert caught.value.code == "MissingSubscription"


def test_service_principal_on_a_custom_cloud_disables_instance_discovery(monkeypatch):
    monkeypatch.setattr(_azure.requests, "get", lambda url, timeout: FakeResponse([OTHER, STACK]))
    session = Session(params(client_id="c1", secret="s1", tenant="t1", cloud_environment=METADATA_URL))
    credential = session.credential
    assert credential._authority == "https://login.stack.example.test/adfs"  # pylint: disable=protected-access
    assert credential._instance_discovery is False  # pylint: disable=protected-access


@pytest.mark.parametrize("missing", ["client_id", "secret", "tenant"])
def test_service_principal_params_missing_one(missing):
    values = {"client_id": "c1", "secret": "s1", "tenant": "t1"}
    values[missing] = None
    session = Session(params(**values))
    if missing == "tenant":
        with pytest.raises(AutoscaleError) as caught:
            session._build_credential()  # pylint: disable=protected-access
        assert caught.value.code == "MissingCredentials"
        assert caught.value.message == "service principal authentication needs tenant"
        assert "AZURE_TENANT" in caught.value.hint
    elif missing == "secret":
        # A client id and tenant without a secret is a service principal missing its secret, never a managed identity probe.
        with pytest.raises(AutoscaleError) as caught:
            session._build_credential()  # pylint: disable=protected-access
        assert caught.value.code == "MissingCredentials"
        assert caught.value.message == "client_id and tenant are set but no secret"
        assert "auth_source: msi" in caught.value.hint
    else:
        # Without client_id, auto falls through to the other sources (no file, no az: managed identity; only constructed).
        assert isinstance(session._build_credential(), ManagedIdentityCredential)  # pylint: disable=protected-access


@pytest.mark.parametrize("secret_var, tenant_var", [
    ("AZURE_SECRET", "AZURE_TENANT"), ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID"),
    ("AZURE_SECRET", "AZURE_TENANT_ID"), ("AZURE_CLIENT_SECRET", "AZURE_TENANT"),
])
def test_env_service_principal(monkeypatch, secret_var, tenant_var):
    monkeypatch.setenv("AZURE_CLIENT_ID", "env-client")
    monkeypatch.setenv(secret_var, "env-secret")
    monkeypatch.setenv(tenant_var, "env-tenant")
    session = Session(params(auth_source="env", client_id="ignored", secret="ignored", tenant="ignored"))
    assert_service_principal(session._build_credential(), "env-client", "env-secret", "env-tenant")  # pylint: disable=protected-access


def test_env_service_principal_prefers_the_awx_names(monkeypatch):
    for key, value in {"AZURE_CLIENT_ID": "c", "AZURE_SECRET": "awx", "AZURE_CLIENT_SECRET": "identity",
                       "AZURE_TENANT": "awx-t", "AZURE_TENANT_ID": "identity-t"}.items():
        monkeypatch.setenv(key, value)
    assert_service_principal(Session(params(auth_source="env"))._build_credential(), "c", "awx", "awx-t")  # pylint: disable=protected-access


def test_env_service_principal_missing(monkeypatch):
    monkeypatch.setenv("AZURE_CLIENT_ID", "env-client")
    with pytest.raises(AutoscaleError) as caught:
        Session(params(auth_source="env")).credential  # pylint: disable=expression-not-assigned
    assert caught.value.code == "MissingCredentials"
    assert caught.value.message == "service principal authentication needs secret, tenant"
    assert "AZURE_CLIENT_SECRET" in caught.value.hint and "AZURE_TENANT_ID" in caught.value.hint


@pytest.mark.parametrize("auth_source", ["credential_file", "auto", None])
def test_credential_file_default_profile(isolated, auth_source):
    write_credentials(isolated, CREDENTIALS)
    session = Session(params(auth_source=auth_source))
    assert_service_principal(session.credential, "file-client", "file-secret", "file-tenant")
    assert session.subscription_id == FILE_SUBSCRIPTION


def test_credential_file_named_profile_and_explicit_subscription(isolated):
    write_credentials(isolated, CREDENTIALS)
    session = Session(params(auth_source="credential_file", profile="staging", subscription_id=SUBSCRIPTION))
    assert_service_principal(session.credential, "staging-client", "staging-secret", "staging-tenant")
    assert session.subscription_id == SUBSCRIPTION


@pytest.mark.parametrize("auth_source", ["credential_file", "auto"])
def test_credential_file_missing_profile(isolated, auth_source):
    write_credentials(isolated, CREDENTIALS)
    with pytest.raises(AutoscaleError) as caught:
        Session(params(auth_source=auth_source, profile="prod")).credential  # pylint: disable=expression-not-assigned
    error = caught.value
    assert error.code == "ProfileNotFound"
    assert "[prod]" in error.message
    assert error.action == "read {0}".format(os.path.join(str(isolated), ".azure", "credentials"))
    assert "profile" in error.hint


def test_credential_file_absent(isolated):
    with pytest.raises(AutoscaleError) as caught:
        Session(params(auth_source="credential_file")).credential  # pylint: disable=expression-not-assigned
    assert caught.value.code == "MissingCredentials"
    assert "credentials" in caught.value.message
    assert "auth_source" in caught.value.hint


def test_credential_file_without_default_section(isolated):
    write_credentials(isolated, "[staging]\nclient_id=a\nsecret=b\ntenant=c\n")
    with pytest.raises(AutoscaleError) as caught:
        Session(params(auth_source="credential_file")).credential  # pylint: disable=expression-not-assigned
    assert caught.value.code == "MissingCredentials"


def test_credential_file_section_incomplete(isolated):
    write_credentials(isolated, "[default]\nclient_id=a\n")
    with pytest.raises(AutoscaleError) as caught:
        Session(params(auth_source="credential_file")).credential  # pylint: disable=expression-not-assigned
    assert caught.value.message == "service principal authentication needs secret, tenant"


def test_cli_credential_and_default_subscription(isolated):
    write_cli_profile(isolated, [{"id": "not-default", "isDefault": False}, {"id": CLI_SUBSCRIPTION, "isDefault": True}])
    session = Session(params(auth_source="cli", tenant="cli-tenant"))
    credential = session.credential
    assert isinstance(credential, AzureCliCredential)
    assert credential.tenant_id == "cli-tenant"
    assert session.subscription_id == CLI_SUBSCRIPTION


def test_cli_explicit_subscription_wins(isolated):
    write_cli_profile(isolated, [{"id": CLI_SUBSCRIPTION, "isDefault": True}])
    session = Session(params(auth_source="cli", subscription_id=SUBSCRIPTION))
    assert isinstance(session.credential, AzureCliCredential)
    assert session.subscription_id == SUBSCRIPTION


@pytest.mark.parametrize("subscriptions", [None, [], [{"id": CLI_SUBSCRIPTION, "isDefault": False}]])
def test_cli_without_default_subscription(isolated, subscriptions):
    if subscriptions is not None:
        write_cli_profile(isolated, subscriptions)
    session = Session(params(auth_source="cli"))
    assert isinstance(session.credential, AzureCliCredential)
    with pytest.raises(AutoscaleError) as caught:
        session.subscription_id  # pylint: disable=pointless-statement
    assert caught.value.code == "MissingSubscription"
    assert caught.value.hint == "Set subscription_id or AZURE_SUBSCRIPTION_ID."
    assert caught.value.describe() == ("Failed to choose a subscription: MissingSubscription: no subscription_id was given "
                                       "Set subscription_id or AZURE_SUBSCRIPTION_ID.")


def test_auto_uses_the_cli_when_az_is_installed(isolated, monkeypatch):
    monkeypatch.setattr(_azure.shutil, "which", lambda name: "/usr/bin/az" if name == "az" else None)
    write_cli_profile(isolated, [{"id": CLI_SUBSCRIPTION, "isDefault": True}])
    session = Session(params())
    assert isinstance(session.credential, AzureCliCredential)
    assert session.subscription_id == CLI_SUBSCRIPTION


@pytest.mark.parametrize("auth_source", ["msi", "auto"])
def test_managed_identity_system_assigned(auth_source):
    credential = Session(params(auth_source=auth_source, subscription_id=SUBSCRIPTION)).credential
    assert isinstance(credential, ManagedIdentityCredential)
    assert credential._credential._settings["client_id"] is None  # pylint: disable=protected-access


def test_managed_identity_user_assigned():
    session = Session(params(auth_source="msi", client_id="user-assigned-id", subscription_id=SUBSCRIPTION))
    credential = session.credential
    assert isinstance(credential, ManagedIdentityCredential)
    assert credential._credential._settings["client_id"] == "user-assigned-id"  # pylint: disable=protected-access
    assert session.subscription_id == SUBSCRIPTION


def test_missing_subscription_with_a_service_principal():
    session = Session(params(client_id="c1", secret="s1", tenant="t1"))
    with pytest.raises(AutoscaleError) as caught:
        session.subscription_id  # pylint: disable=pointless-statement
    assert (caught.value.code, caught.value.action) == ("MissingSubscription", "choose a subscription")
    assert "AZURE_SUBSCRIPTION_ID" in caught.value.hint


def test_monitor_client_is_built_for_the_cloud_without_a_request(monkeypatch):
    monkeypatch.setattr(_azure.requests, "get", lambda url, timeout: FakeResponse(STACK))
    session = Session(params(client_id="c1", secret="s1", tenant="t1", subscription_id=SUBSCRIPTION,
                             cloud_environment=METADATA_URL, retry_total=2, retry_timeout=30))
    kwargs = session._client_kwargs()  # pylint: disable=protected-access
    assert kwargs == {"credential_scopes": ["https://management.stack.example.test/abc/.default"], "retry_total": 2,
                      "retry_status": 2, "retry_connect": 2, "retry_read": 2, "timeout": 30}
    client = session.monitor
    assert client._client._base_url == "https://arm.stack.example.test"  # pylint: disable=protected-access
    assert session.monitor is client


# azure_errors ---------------------------------------------------------------------------------------------------------

def test_azure_errors_maps_sdk_exceptions():
    cause = ServiceRequestError("connection refused")
    with pytest.raises(AutoscaleError) as caught:
        with azure_errors("list the autoscale settings"):
            raise cause
    assert caught.value.action == "list the autoscale settings"
    assert caught.value.code == "ServiceUnreachable"
    assert caught.value.__cause__ is cause


def test_azure_errors_passes_autoscale_errors_and_unknown_exceptions():
    original = AutoscaleError("x", "y")
    with pytest.raises(AutoscaleError) as caught:
        with azure_errors("other"):
            raise original
    assert caught.value is original
    with pytest.raises(KeyError):
        with azure_errors("other"):
            raise KeyError("programming error")


@pytest.mark.parametrize("document", [None, "AzureStackLab", ["not-a-cloud"], [STACK, 42]], ids=["null", "string", "strings", "mixed"])
def test_metadata_that_is_not_a_list_of_objects(document):
    with pytest.raises(AutoscaleError) as caught:
        _cloud_from_metadata("https://arm.nowhere.example.test/metadata/endpoints", document)
    assert caught.value.code == "InvalidCloudMetadata"
    assert "cloud_environment" in caught.value.hint


def test_metadata_audiences_must_be_a_list():
    document = metadata_entry("x", "https://arm.stack.example.test/", "https://l.example.test/", "unused")
    document["authentication"]["audiences"] = "https://management.stack.example.test/"
    with pytest.raises(AutoscaleError):
        _cloud_from_metadata(METADATA_URL, document)
