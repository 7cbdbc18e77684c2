"""Entra ID: discovery, JWKS, client-credential tokens and AADSTS errors."""

import time

import jwt
import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError


def _post_token(emulator, tenant=None, **form):
    data = {"grant_type": "client_credentials", "scope": emulator.env["audience"] + ".default",
            "client_id": emulator.env["AZURE_CLIENT_ID"], "client_secret": emulator.env["AZURE_SECRET"]}
    data.update(form)
    url = "%s/%s/oauth2/v2.0/token" % (emulator.base_url, tenant or emulator.env["AZURE_TENANT"])
    return requests.post(url, data=data, verify=emulator.env["REQUESTS_CA_BUNDLE"], timeout=10)


def test_discovery_and_jwks(emulator):
    verify, tenant, base = emulator.env["REQUESTS_CA_BUNDLE"], emulator.env["AZURE_TENANT"], emulator.base_url
    doc = requests.get("%s/%s/v2.0/.well-known/openid-configuration" % (base, tenant), verify=verify, timeout=10).json()
    assert doc["token_endpoint"] == "%s/%s/oauth2/v2.0/token" % (base, tenant)
    assert doc["issuer"] == "%s/%s/v2.0" % (base, tenant)
    assert doc["authorization_endpoint"].startswith(base)
    keys = requests.get(doc["jwks_uri"], verify=verify, timeout=10).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["kid"]
    bad = requests.get("%s/%s/v2.0/.well-known/openid-configuration" % (base, "00000000-0000-0000-0000-000000000000"), verify=verify, timeout=10)
    assert bad.status_code == 400 and bad.json()["error_description"].startswith("AADSTS90002")


def test_client_secret_credential_gets_signed_token(emulator, credential_for):
    token = credential_for("automation").get_token(emulator.env["audience"] + ".default")
    assert token.expires_on > time.time() + 3000
    header = jwt.get_unverified_header(token.token)
    jwks = requests.get("%s/%s/discovery/v2.0/keys" % (emulator.base_url, emulator.env["AZURE_TENANT"]),
                        verify=emulator.env["REQUESTS_CA_BUNDLE"], timeout=10).json()
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"]))
    claims = jwt.decode(token.token, key.key, algorithms=["RS256"], audience="https://management.armemulator.local")
    principal = emulator.principal("automation")
    assert claims["appid"] == principal["client_id"] and claims["tid"] == principal["tenant"] and claims["oid"]
    assert claims["iss"] == "%s/%s/v2.0" % (emulator.base_url, principal["tenant"])
    assert claims["exp"] - claims["iat"] in range(3500, 3700) and claims["nbf"] <= claims["iat"]
    kinds = [(entry["kind"], entry["status"]) for entry in emulator.requests()]
    assert ("discovery", 200) in kinds and ("token", 200) in kinds


def test_token_response_shape(emulator):
    resp = _post_token(emulator)
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 3000 and body["ext_expires_in"] > 3000 and body["access_token"]


@pytest.mark.parametrize("case, status, error, code", [
    ("tenant", 400, "invalid_request", "AADSTS90002"),
    ("client", 400, "unauthorized_client", "AADSTS700016"),
    ("secret", 401, "invalid_client", "AADSTS7000215"),
    ("grant", 400, "unsupported_grant_type", "AADSTS70003"),
])
def test_token_errors(emulator, case, status, error, code):
    kwargs = {"tenant": {"tenant": "11111111-2222-3333-4444-555555555555"},
              "client": {"client_id": "99999999-0000-0000-0000-000000000000"},
              "secret": {"client_secret": "wrong-secret"},
              "grant": {"grant_type": "password"}}[case]
    resp = _post_token(emulator, **kwargs)
    assert resp.status_code == status
    body = resp.json()
    assert body["error"] == error and body["error_description"].startswith(code + ":")
    assert int(code[6:]) in body["error_codes"]


def test_credential_with_wrong_secret_fails(emulator, credential_for):
    with pytest.raises(ClientAuthenticationError) as info:
        credential_for("reader", secret="not-the-secret").get_token(emulator.env["audience"] + ".default")
    assert "AADSTS7000215" in str(info.value)
