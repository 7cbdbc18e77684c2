# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transient faults: a fleet run of playbooks/configure_fleet.yml (24 deployments, seed from `arm-emulator make-seed`)
under 429 with Retry-After, 500, 503, latency and dropped connections on reads and writes (seeded rates) converges every
deployment; one deployment whose setting answers 503 to every request fails its host with a clear message and nothing
else is lost. Then: a restart of the emulator loses no setting.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from arm_emulator.testing import ArmClient

import helpers

ARM = r"^/subscriptions/"
#: The one deployment that cannot converge: every request on its setting answers 503.
BROKEN = ("ws-fleet-001", "ep-001-02", "yellow")
BROKEN_HOST = ".".join(BROKEN)
FAULTS = [
    {"action": "status", "status": 503, "retry_after": 1, "path": r"/autoscalesettings/autoscale-ep-001-02-yellow$"},
    {"action": "status", "status": 429, "retry_after": 1, "rate": 0.08, "seed": 501, "path": ARM, "methods": ["GET", "PUT"]},
    {"action": "status", "status": 500, "rate": 0.06, "seed": 502, "path": ARM, "methods": ["GET", "PUT"]},
    {"action": "status", "status": 503, "rate": 0.06, "seed": 503, "path": ARM, "methods": ["GET", "PUT"]},
    {"action": "drop", "rate": 0.05, "seed": 504, "path": ARM, "methods": ["GET", "PUT"]},
    {"action": "latency", "latency_ms": 400, "rate": 0.15, "seed": 505, "path": ARM},
]
POLICY = {
    "endpoint_autoscale_capacity": {"minimum": 1, "maximum": 4, "default": 1},
    "endpoint_autoscale_tags": {"managed-by": "ansible", "suite": "reliability"},
    "endpoint_autoscale_notifications": {"custom_emails": ["oncall@example.com"],
                                         "webhooks": [{"service_uri": "https://hooks.example.com/scale?api-version=1&sig=" + helpers.SIGNATURES[0]}]},
    "endpoint_autoscale_rules": [
        {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase", "value": 1},
        {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease", "value": 1,
         "time_window": "10m"},
    ],
}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """An emulator of its own, seeded with a 24-deployment fleet by `arm-emulator make-seed`."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    work = tmp_path_factory.mktemp("fleet")
    seed = work / "seed.json"
    seed.write_text(subprocess.run([sys.executable, "-m", "arm_emulator", "make-seed", "--workspaces", "2", "--endpoints-per-workspace", "3",
                                    "--deployments-per-endpoint", "4", "--resource-groups", "2"],
                                   check=True, capture_output=True, text=True).stdout, encoding="utf-8")
    emu = EmulatorProcess.start(work / "state", seed=seed)
    try:
        yield emu
    finally:
        emu.stop()


def _inventory(fleet, path):
    hosts = {}
    for item in fleet.env["deployments"]:
        hosts["{0}.{1}.{2}".format(item["workspace"], item["endpoint"], item["name"])] = {
            "endpoint_autoscale_resource_group": item["resource_group"], "endpoint_autoscale_workspace": item["workspace"],
            "endpoint_autoscale_endpoint": item["endpoint"], "endpoint_autoscale_deployment": item["name"]}
    variables = dict(POLICY, ansible_connection="local", ansible_python_interpreter=sys.executable)
    path.write_text(json.dumps({"all": {"hosts": hosts, "vars": variables}}), encoding="utf-8")
    return hosts


def _converged(fleet, monkeypatch, tmp_path, hosts):
    """For each host: does autoscale_state (check mode, same policy) find nothing to change? Faults must be cleared."""
    helpers.point_env_at(monkeypatch, fleet, tmp_path)
    state = helpers.module("autoscale_state")
    ids = {(item["workspace"], item["endpoint"], item["name"]): item["id"] for item in fleet.env["deployments"]}
    profiles = [{"name": "default", "capacity": POLICY["endpoint_autoscale_capacity"],
                 "rules": [dict(rule, cooldown="15m") for rule in POLICY["endpoint_autoscale_rules"]]}]
    existing = {item["properties"]["targetResourceUri"].lower() for item in ArmClient(fleet).settings()}
    outcome = {}
    for host in hosts:
        target = ids[tuple(host.split("."))]
        kind, result = helpers.run_module(state, {
            "target_id": target, "profiles": profiles, "tags": POLICY["endpoint_autoscale_tags"],
            "notifications": POLICY["endpoint_autoscale_notifications"], "_ansible_check_mode": True, "location": "eastus"})
        if kind != "ok":
            outcome[host] = "error: " + result["msg"]
        elif target.lower() not in existing:
            outcome[host] = "missing"
        else:
            outcome[host] = "drifted" if result["changed"] else "converged"
    return outcome


def test_fleet_converges_under_transient_faults(fleet, ansible_env, tmp_path, monkeypatch, figures):
    hosts = _inventory(fleet, tmp_path / "inventory.json")
    assert len(hosts) >= 20
    fleet.clear_requests()
    fleet.clear_faults()
    fleet.set_faults(FAULTS)
    env = helpers.playbook_env(ansible_env, fleet, tmp_path)
    rc, output, seconds = helpers.run_playbook(["-i", tmp_path / "inventory.json", "playbooks/configure_fleet.yml", "--forks", "6"],
                                               env, "fleet-faults")
    applied = fleet.faults()
    fleet.clear_faults()
    log = fleet.requests()

    # Only the broken deployment's host fails; its message says what failed, with which code, and what to do.
    recap = helpers.recap(output)
    assert set(recap) == set(hosts), output[-3000:]
    failed = sorted(host for host, counts in recap.items() if counts["failed"])
    assert failed == [BROKEN_HOST], output[-5000:]
    assert rc != 0
    message = helpers.failures(output)[BROKEN_HOST]["msg"]
    assert "autoscale-ep-001-02-yellow" in message and "ServiceUnavailable" in message, message
    assert "retry_total" in message, message  # the hint: what to do
    assert helpers.SIGNATURES[0] not in output

    # With the faults gone, every other deployment has exactly the policy (autoscale_state in check mode: no change),
    # the broken one has no setting, and no setting exists that the run did not ask for.
    outcome = _converged(fleet, monkeypatch, tmp_path, hosts)
    not_converged = {host: state for host, state in outcome.items() if host != BROKEN_HOST and state != "converged"}
    assert not not_converged
    assert outcome[BROKEN_HOST] == "missing"
    settings = ArmClient(fleet).settings()
    assert len(settings) == len(hosts) - 1

    arm = [entry for entry in log if entry["kind"] == "arm"]
    faulted = [entry for entry in arm if entry["status"] in (0, 429, 500, 503)]
    broken = [entry for entry in arm if "autoscale-ep-001-02-yellow" in entry["path"]]
    transient = [entry for entry in faulted if entry not in broken]
    by_kind = {str(status): sum(1 for entry in transient if entry["status"] == status) for status in (429, 500, 503, 0)}
    latency = next(rule["applied"] for rule in applied if rule["action"] == "latency")
    writes = helpers.autoscale_writes(arm)
    ok_writes = [entry for entry in writes if 200 <= entry["status"] < 300]
    fault_rate = (len(transient) + latency) / float(len(arm) - len(broken))
    failing_rate = len(transient) / float(len(arm) - len(broken))
    assert fault_rate >= 0.20, fault_rate
    assert {entry["method"] for entry in transient} == {"GET", "PUT"}  # faults hit reads and writes
    figures["faults_fleet"] = {
        "deployments": len(hosts), "converged": sum(1 for state in outcome.values() if state == "converged"),
        "failed_hosts": failed, "arm_requests": len(arm), "faulted_responses": len(transient), "faulted_by_status": by_kind,
        "latency_spikes": latency, "fault_rate": round(fault_rate, 3), "failing_response_rate": round(failing_rate, 3),
        "retries": len(transient), "broken_host_requests": len(broken), "writes": len(writes), "successful_writes": len(ok_writes),
        "faulted_writes": sum(1 for entry in writes if entry["status"] in (0, 429, 500, 503)),
        "seconds": round(seconds, 1), "fault_rules": applied,
        "command": "make reliability PYTEST_ARGS='-k fleet'",
    }


def test_broken_host_converges_once_the_fault_is_gone(fleet, ansible_env, tmp_path, monkeypatch, figures):
    """The failed host is not left half-done: a re-run of just that host, without faults, converges it."""
    hosts = _inventory(fleet, tmp_path / "inventory.json")
    fleet.clear_faults()
    env = helpers.playbook_env(ansible_env, fleet, tmp_path)
    rc, output, _seconds = helpers.run_playbook(["-i", tmp_path / "inventory.json", "playbooks/configure_fleet.yml",
                                                 "--limit", BROKEN_HOST], env, "fleet-rerun-broken-host")
    assert rc == 0, output[-3000:]
    outcome = _converged(fleet, monkeypatch, tmp_path, hosts)
    assert set(outcome.values()) == {"converged"}, outcome
    figures["faults_fleet"]["rerun_converged"] = sum(1 for state in outcome.values() if state == "converged")


def test_restart_loses_no_setting(fleet, figures):
    """The emulator keeps its state across a restart, as the tests assume of a real service."""
    arm = ArmClient(fleet)
    before = {item["id"].lower(): item for item in arm.settings()}
    assert before
    fleet.restart()
    arm = ArmClient(fleet)
    after = {item["id"].lower(): item for item in arm.settings()}
    assert after == before
    figures["emulator_restart"] = {"settings_before": len(before), "settings_after": len(after),
                                   "identical": after == before, "command": "make reliability PYTEST_ARGS='-k restart'"}
