"""Admin API: request log, fault injection (status, Retry-After, count, rate, latency, drop)."""

import time

import pytest
import requests

from emulator_helpers import deployment, setting_body


def test_request_log_entries(monitor, emulator):
    emulator.clear_requests()
    list(monitor.autoscale_settings.list_by_resource_group("rg-ml-prod"))
    log = emulator.requests()
    arm = [entry for entry in log if entry["kind"] == "arm"]
    assert len(arm) == 1
    entry = arm[0]
    assert set(entry) == {"method", "path", "query", "status", "principal", "time", "kind"}
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["principal"] == "automation"
    assert "api-version=2022-10-01" in entry["query"] and entry["path"].lower().endswith("/autoscalesettings")
    assert not any("/_emulator" in item["path"] for item in log)
    emulator.clear_requests()
    assert emulator.requests() == []


def test_throttling_is_retried_by_the_sdk(monitor, env, emulator):
    rules = emulator.set_faults([{"action": "status", "status": 429, "retry_after": 1, "methods": ["PUT"], "path": "autoscalesettings", "count": 1}])
    assert rules[0]["remaining"] == 1
    started = time.monotonic()
    result = monitor.autoscale_settings.create_or_update("rg-ml-prod", "throttled", setting_body(deployment(env)["id"]))
    assert result.name == "throttled" and time.monotonic() - started >= 1.0
    assert [entry["status"] for entry in emulator.writes()] == [429, 201]
    assert emulator.faults()[0]["remaining"] == 0


def test_fault_response_shapes(http, env, emulator):
    path = "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings" % env["AZURE_SUBSCRIPTION_ID"]
    emulator.set_faults([{"action": "status", "status": 429, "retry_after": 7, "count": 1},
                         {"action": "status", "status": 503, "retry_after": 2, "count": 1},
                         {"action": "status", "status": 500, "count": 1}])
    first, second, third, fourth = (http.call("GET", path) for _call in range(4))
    assert (first.status_code, first.json()["error"]["code"], first.headers["Retry-After"]) == (429, "TooManyRequests", "7")
    assert (second.status_code, second.json()["error"]["code"], second.headers["Retry-After"]) == (503, "ServiceUnavailable", "2")
    assert (third.status_code, third.json()["error"]["code"]) == (500, "InternalServerError") and "Retry-After" not in third.headers
    assert fourth.status_code == 200


def _pattern(http, env, emulator, seed):
    emulator.clear_faults()
    emulator.set_faults([{"action": "status", "status": 503, "rate": 0.5, "seed": seed, "path": "resourcegroups/rg-ml-dev$"}])
    path = "/subscriptions/%s/resourcegroups/rg-ml-dev" % env["AZURE_SUBSCRIPTION_ID"]
    return [http.call("GET", path, api_version="2021-04-01").status_code for _call in range(20)]


def test_rate_rules_are_deterministic(http, env, emulator):
    first = _pattern(http, env, emulator, 7)
    assert _pattern(http, env, emulator, 7) == first
    assert 3 <= first.count(503) <= 17 and set(first) == {200, 503}
    assert _pattern(http, env, emulator, 8) != first
    other = http.call("GET", "/subscriptions/%s/resourcegroups/rg-ml-prod" % env["AZURE_SUBSCRIPTION_ID"], api_version="2021-04-01")
    assert other.status_code == 200, "the path regex limits the rule"


def test_rate_and_count_combine(http, env, emulator):
    emulator.set_faults([{"action": "status", "status": 500, "rate": 0.5, "seed": 3, "count": 2, "methods": ["GET"]}])
    path = "/subscriptions/%s/resourcegroups/rg-ml-dev" % env["AZURE_SUBSCRIPTION_ID"]
    statuses = [http.call("GET", path, api_version="2021-04-01").status_code for _call in range(30)]
    assert statuses.count(500) == 2


def test_latency_rule(http, env, emulator):
    emulator.set_faults([{"action": "latency", "latency_ms": 400, "count": 1}])
    path = "/subscriptions/%s/resourcegroups/rg-ml-dev" % env["AZURE_SUBSCRIPTION_ID"]
    started = time.monotonic()
    assert http.call("GET", path, api_version="2021-04-01").status_code == 200
    assert time.monotonic() - started >= 0.4


def test_drop_closes_connection(http, env, emulator):
    emulator.set_faults([{"action": "drop", "count": 1, "path": "rg-ml-dev"}])
    path = "/subscriptions/%s/resourcegroups/rg-ml-dev" % env["AZURE_SUBSCRIPTION_ID"]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(emulator.base_url + path, params={"api-version": "2021-04-01"}, headers={"Authorization": "Bearer " + http.token},
                     verify=env["REQUESTS_CA_BUNDLE"], timeout=10)
    assert http.call("GET", path, api_version="2021-04-01").status_code == 200
    assert [entry["status"] for entry in emulator.requests()] == [0, 200]


def test_bad_fault_rule_rejected(emulator):
    with pytest.raises(Exception) as info:
        emulator.set_faults([{"action": "explode"}])
    assert "400" in str(info.value)


def test_admin_token_and_state(emulator):
    reader = emulator.principal("reader")
    token = emulator.token(client_id=reader["client_id"], expires_in=120, audience="https://example.invalid")
    assert token.count(".") == 2
    state = emulator.state()
    assert set(state["subscriptions"]) == {emulator.env["AZURE_SUBSCRIPTION_ID"].lower()}
