"""env.json / env.sh contents, the CLI and the cloud metadata document."""

import json
import os
import subprocess
import sys

import requests

ENV_KEYS = {"AZURE_CLOUD_ENVIRONMENT", "ARM_CLOUD_METADATA_URL", "AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_SECRET",
            "AZURE_TENANT", "REQUESTS_CA_BUNDLE", "ARM_EMULATOR_ADMIN_URL", "resource_manager_url", "login_endpoint", "audience",
            "cloud_name", "principals", "subscriptions", "resource_groups", "workspaces", "endpoints", "deployments"}


def test_env_json_keys(emulator):
    env = emulator.env
    assert set(env) == ENV_KEYS
    base = emulator.base_url
    assert base.startswith("https://127.0.0.1:")
    assert env["ARM_CLOUD_METADATA_URL"] == env["AZURE_CLOUD_ENVIRONMENT"] == base + "/metadata/endpoints?api-version=2022-09-01"
    assert env["ARM_EMULATOR_ADMIN_URL"] == base + "/_emulator"
    assert env["resource_manager_url"] == env["login_endpoint"] == base + "/"
    assert os.path.isfile(env["REQUESTS_CA_BUNDLE"])
    writer = emulator.principal("automation")
    assert (env["AZURE_CLIENT_ID"], env["AZURE_SECRET"], env["AZURE_TENANT"]) == (writer["client_id"], writer["secret"], writer["tenant"])
    assert {p["name"]: p["actions"] for p in env["principals"]} == {
        "automation": ["*"], "reader": ["*/read"], "ml-only": ["Microsoft.MachineLearningServices/*", "*/read"]}
    assert all(len(p["secret"]) == 40 for p in env["principals"])
    assert {(rg["name"], rg["location"]) for rg in env["resource_groups"]} == {("rg-ml-prod", "eastus"), ("rg-ml-dev", "westeurope")}
    assert sorted((d["workspace"], d["endpoint"], d["name"]) for d in env["deployments"]) == [
        ("ws-dev", "ep-fraud-dev", "blue"), ("ws-prod", "ep-fraud", "blue"), ("ws-prod", "ep-fraud", "green"),
        ("ws-prod", "ep-recommend", "blue"), ("ws-prod", "ep-recommend", "green")]
    for dep in env["deployments"]:
        assert dep["id"].endswith("/onlineEndpoints/%s/deployments/%s" % (dep["endpoint"], dep["name"]))
        assert dep["subscription_id"] == env["AZURE_SUBSCRIPTION_ID"] and dep["resource_group"] and dep["location"]
    assert emulator.client_env()["AZURE_SECRET"] == writer["secret"]
    assert set(emulator.client_env()) == {key for key in ENV_KEYS if key.isupper()}


def test_env_sh_and_pid(emulator):
    with open(os.path.join(emulator.state_dir, "env.sh"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert len(lines) == 8 and all(line.startswith("export ") for line in lines)
    assert "export ARM_EMULATOR_ADMIN_URL=%s/_emulator" % emulator.base_url in lines
    with open(os.path.join(emulator.state_dir, "emulator.pid"), encoding="utf-8") as handle:
        assert int(handle.read()) == emulator.process.pid
    for name in ("ca.pem", "server.pem", "server-key.pem", "jwt-signing-key.pem", "state.json"):
        assert os.path.isfile(os.path.join(emulator.state_dir, name))


def test_cli_help_and_make_seed():
    out = subprocess.run([sys.executable, "-m", "arm_emulator", "--help"], check=True, capture_output=True, text=True).stdout
    assert "serve" in out and "make-seed" in out
    out = subprocess.run([sys.executable, "-m", "arm_emulator", "make-seed", "--workspaces", "10", "--endpoints-per-workspace", "4",
                          "--deployments-per-endpoint", "5", "--resource-groups", "3"], check=True, capture_output=True, text=True).stdout
    seed = json.loads(out)
    groups = seed["subscriptions"][0]["resource_groups"]
    assert len(groups) == 3
    assert sum(len(ep["deployments"]) for rg in groups for ws in rg["workspaces"] for ep in ws["endpoints"]) == 200
    assert [p["name"] for p in seed["principals"]] == ["automation", "reader", "ml-only"]


def test_metadata_document(emulator):
    base = emulator.base_url
    verify = emulator.env["REQUESTS_CA_BUNDLE"]
    clouds = requests.get(emulator.env["ARM_CLOUD_METADATA_URL"], verify=verify, timeout=10).json()
    assert isinstance(clouds, list) and len(clouds) == 1
    cloud = clouds[0]
    assert cloud["name"] == "ArmEmulator" and cloud["resourceManager"] == base + "/"
    assert cloud["authentication"] == {"loginEndpoint": base + "/", "audiences": [base + "/", "https://management.armemulator.local/"],
                                       "tenant": "common", "identityProvider": "AAD"}
    for key in ("storage", "keyVaultDns", "acrLoginServer"):
        assert cloud["suffixes"][key]
    for key in ("portal", "graph", "microsoftGraphResourceId", "media", "activeDirectoryDataLake"):
        assert cloud[key].startswith("https://")
    old = requests.get(base + "/metadata/endpoints?api-version=2015-01-01", verify=verify, timeout=10).json()
    assert isinstance(old, dict) and old["resourceManager"] == base + "/"
    missing = requests.get(base + "/metadata/endpoints", verify=verify, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "MissingApiVersionParameter"
    kinds = {entry["kind"] for entry in emulator.requests()}
    assert kinds == {"metadata"}
