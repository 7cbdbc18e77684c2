# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication and authorisation failures: each a clear error, no write, no secret or token in the result.

Managed identity and Azure CLI authentication are covered without network by
tests/unit/plugins/module_utils/test_azure.py (test_managed_identity_*, test_cli_*, test_auto_uses_the_cli_when_az_is_installed).
"""

from __future__ import annotations

import json
import time

import pytest

import helpers

TARGET = {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud", "deployment": "green"}
NAME = "autoscale-ep-fraud-green"
PROFILE = {"name": "default", "capacity": {"minimum": 1, "maximum": 4, "default": 1}, "write_verify_delay": 0}
UNKNOWN = "9d1f0c2e-0000-4000-8000-00000000dead"


class StubCredential:
    """A credential that hands out a fixed token (one the emulator minted expired, or for another audience)."""

    def __init__(self, token):
        self.token = token

    def get_token(self, *scopes, **kwargs):  # pylint: disable=unused-argument
        from azure.core.credentials import AccessToken  # pylint: disable=import-outside-toplevel
        return AccessToken(self.token, int(time.time()) + 3600)

    def close(self):
        return None


def _stub(monkeypatch, token):
    from ansible_collections.mlops.autoscale.plugins.module_utils import _azure  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(_azure.Session, "_build_credential", lambda self: StubCredential(token))


def _reader(emulator, monkeypatch):
    reader = emulator.principal("reader")
    monkeypatch.setenv("AZURE_CLIENT_ID", reader["client_id"])
    monkeypatch.setenv("AZURE_SECRET", reader["secret"])


# (id, how to break it, substrings of msg)
CASES = [
    ("wrong-secret", lambda emulator, monkeypatch: monkeypatch.setenv("AZURE_SECRET", "Wr0ng~SecretValue.ForReliability5"),
     ["AADSTS7000215", "client_id, secret and tenant"]),
    ("unknown-tenant", lambda emulator, monkeypatch: monkeypatch.setenv("AZURE_TENANT", UNKNOWN), [UNKNOWN]),
    ("unknown-client", lambda emulator, monkeypatch: monkeypatch.setenv("AZURE_CLIENT_ID", UNKNOWN), ["AADSTS700016", UNKNOWN]),
    ("expired-token", lambda emulator, monkeypatch: _stub(monkeypatch, emulator.token(expires_in=-60)),
     ["ExpiredAuthenticationToken", "client_id, secret and tenant"]),
    ("wrong-audience", lambda emulator, monkeypatch: _stub(monkeypatch, emulator.token(audience="https://vault.armemulator.local/")),
     ["InvalidAuthenticationTokenAudience", "client_id, secret and tenant"]),
    ("forged-token", lambda emulator, monkeypatch: _stub(monkeypatch, "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"),
     ["InvalidAuthenticationToken"]),
    ("reader-principal", _reader, ["AuthorizationFailed", "microsoft.insights/autoscalesettings/write", "Monitoring Contributor"]),
    # auth_source auto with client_id and tenant but no secret: a clear error, never a managed-identity probe.
    ("missing-secret", lambda emulator, monkeypatch: monkeypatch.delenv("AZURE_SECRET"), ["MissingCredentials", "no secret", "auth_source: msi"]),
    ("missing-secret-env-source", lambda emulator, monkeypatch: (monkeypatch.delenv("AZURE_SECRET"),
                                                                 monkeypatch.setenv("ANSIBLE_AZURE_AUTH_SOURCE", "env")),
     ["MissingCredentials", "secret", "AZURE_SECRET"]),
]


@pytest.fixture(scope="module")
def existing(emulator, arm):
    target = helpers.deployment_entry(emulator, "ep-fraud", "green")["id"]
    arm.put("rg-ml-prod", NAME, helpers.setting_body(target, maximum=3))
    return helpers.vocabulary(arm.get("rg-ml-prod", NAME))


@pytest.fixture(scope="module")
def auth_results():
    return {}


@pytest.mark.parametrize("case_id, breaker, expected", CASES, ids=[case[0] for case in CASES])
def test_auth_failure_is_clear_and_writes_nothing(case_id, breaker, expected, emulator, arm, client_env, monkeypatch, existing,
                                                  auth_results):
    secrets = [item["secret"] for item in emulator.env["principals"]] + ["Wr0ng~SecretValue.ForReliability5"]
    monkeypatch.setenv("MLOPS_AUTOSCALE_CACHE_DIR", str(helpers.CACHE_DIR / ("auth-" + case_id)))  # no token from earlier runs
    breaker(emulator, monkeypatch)
    kind, result = helpers.run_module(helpers.module("autoscale_profile"), dict(TARGET, **PROFILE))
    writes = helpers.autoscale_writes(emulator.requests(), successful_only=True)
    text = json.dumps({key: value for key, value in result.items() if key != "exception"})
    auth_results[case_id] = {"failed": kind == "failed", "successful_writes": len(writes), "msg": result.get("msg")}
    assert kind == "failed", result
    missing = [item for item in expected if item not in result["msg"]]
    assert not missing, "{0}: message lacks {1}: {2}".format(case_id, missing, result["msg"])
    assert "Traceback" not in result["msg"]
    assert writes == []
    assert helpers.vocabulary(arm.get("rg-ml-prod", NAME)) == existing
    leaked = [secret for secret in secrets if secret in text or secret in result.get("exception", "")]
    assert not leaked
    assert "eyJ" not in text or case_id == "forged-token" and "eyJhbGciOiJSUzI1NiJ9" not in text


def test_auth_figures(auth_results, figures):
    assert len(auth_results) == len(CASES)
    figures["auth"] = {"cases": len(auth_results), "clear_failures": sum(1 for item in auth_results.values() if item["failed"]),
                       "successful_writes": sum(item["successful_writes"] for item in auth_results.values()),
                       "messages": {key: value["msg"] for key, value in sorted(auth_results.items())},
                       "unit_tested_elsewhere": ["managed identity", "Azure CLI", "credential file"],
                       "command": "make reliability PYTEST_ARGS='-k auth'"}
