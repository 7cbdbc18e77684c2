"""Shared fixtures: one emulator per session (HTTPS on 127.0.0.1), real Azure SDK clients pointed at it."""

import os

import pytest

from arm_emulator.testing import EmulatorProcess
from emulator_helpers import PAGE_SIZE, ArmHttp


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """A session-scoped emulator; the process environment points the SDKs at it (CA bundle, cloud metadata)."""
    emu = EmulatorProcess.start(tmp_path_factory.mktemp("arm-emulator"), extra_args=("--page-size", str(PAGE_SIZE)))
    saved = {key: os.environ.get(key) for key in ("REQUESTS_CA_BUNDLE", "ARM_CLOUD_METADATA_URL", "AZUREML_CURRENT_CLOUD")}
    os.environ["REQUESTS_CA_BUNDLE"] = emu.env["REQUESTS_CA_BUNDLE"]
    os.environ["ARM_CLOUD_METADATA_URL"] = emu.env["ARM_CLOUD_METADATA_URL"]
    try:
        yield emu
    finally:
        emu.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(autouse=True)
def _clean(emulator):
    """Every test starts with no faults, an empty request log and no autoscale settings."""
    emulator.clear_faults()
    yield
    emulator.clear_faults()
    http = ArmHttp(emulator)
    sub = emulator.env["AZURE_SUBSCRIPTION_ID"]
    for setting in http.list_all("/subscriptions/%s/providers/microsoft.insights/autoscalesettings" % sub):
        http.call("DELETE", setting["id"])
    emulator.clear_requests()


@pytest.fixture
def env(emulator):
    """The emulator's env.json."""
    return emulator.env


@pytest.fixture
def http(emulator):
    """Raw client authenticated as the writer principal."""
    return ArmHttp(emulator)


@pytest.fixture
def http_as(emulator):
    """Factory: raw client authenticated as a named principal."""
    return lambda name: ArmHttp(emulator, name)


@pytest.fixture
def credential_for(emulator):
    """Factory: azure-identity ClientSecretCredential for a principal name (loopback authority, no instance discovery)."""
    from azure.identity import ClientSecretCredential  # pylint: disable=import-outside-toplevel

    def _make(name="automation", secret=None, tenant=None):
        principal = emulator.principal(name)
        return ClientSecretCredential(tenant or principal["tenant"], principal["client_id"], secret or principal["secret"],
                                      authority=emulator.base_url, disable_instance_discovery=True)
    return _make


@pytest.fixture
def monitor_for(emulator, credential_for):
    """Factory: azure-mgmt-monitor MonitorManagementClient for a principal name."""
    from azure.mgmt.monitor import MonitorManagementClient  # pylint: disable=import-outside-toplevel

    def _make(name="automation", **kwargs):
        return MonitorManagementClient(credential_for(name), emulator.env["AZURE_SUBSCRIPTION_ID"],
                                       base_url=emulator.env["resource_manager_url"],
                                       credential_scopes=[emulator.env["audience"] + ".default"], **kwargs)
    return _make


@pytest.fixture
def monitor(monitor_for):
    """MonitorManagementClient as the writer principal."""
    return monitor_for("automation")
