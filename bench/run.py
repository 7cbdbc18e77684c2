# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet benchmark: mlops.autoscale against azure.azcollection.azure_rm_autoscale on the ARM emulator.

Run by ``make bench`` (see bench/README.md). For every fleet size and each tool, on one emulator with added latency
per ARM call: (1) first apply of the policy, (2) converged re-run, (3) --check drift scan. Wall time, and the
emulator's request log (cleared before each phase) split into ARM reads, ARM writes, token and metadata requests.
Settings are deleted between tools so both do the same first apply. Then the start-up measurements
(bench/startup.py) on a second emulator without added latency, and docs/performance.md from all of it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from urllib.parse import quote

import requests
import yaml
from arm_emulator.testing import EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OURS_VENV = os.path.join(ROOT, ".venv")
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
AUTOSCALE_API = "2022-10-01"
BASELINE = os.path.join(HERE, "baseline.yml")
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)")

# Fleet shape of the seed: 5 endpoints per workspace, 2 deployments per endpoint, workspaces spread over 4 resource groups.
ENDPOINTS_PER_WORKSPACE = 5
DEPLOYMENTS_PER_ENDPOINT = 2
RESOURCE_GROUPS = 4

#: The sides of the comparison, in the order they run for each size.
TOOLS = {
    "ours": "autoscale_state, one task per deployment as the peer's playbook, run in the controller's workers",
    "ours-role": "the endpoint_autoscale role (argument check, the mode's include, autoscale_state), in the workers",
    "ours-process": "ours shipped as module processes (MLOPS_AUTOSCALE_IN_CONTROLLER=0)",
    "peer": "azure.azcollection.azure_rm_autoscale, one task per deployment",
}


def log(message):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), message))
    sys.stderr.flush()


class Emulator:
    """One arm_emulator process (started and stopped by arm_emulator.testing) with its own state directory."""

    def __init__(self, state_dir, latency_ms, seed=None):
        shutil.rmtree(state_dir, ignore_errors=True)
        self.process = EmulatorProcess.start(state_dir, seed=seed, extra_args=("--latency-ms", str(latency_ms)), timeout=120)
        self.info = self.process.env
        self.ca = self.info["REQUESTS_CA_BUNDLE"]
        self.base = self.info["resource_manager_url"].rstrip("/")
        self.session = requests.Session()
        self.session.verify = self.ca
        self._token = None

    def env(self):
        """Environment variables that point both tools at this emulator."""
        keys = ("AZURE_CLOUD_ENVIRONMENT", "ARM_CLOUD_METADATA_URL", "AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID",
                "AZURE_SECRET", "AZURE_TENANT", "REQUESTS_CA_BUNDLE", "ARM_EMULATOR_ADMIN_URL")
        env = {key: self.info[key] for key in keys}
        env["AZURE_AUTHORITY_HOST"] = self.base
        return env

    def clear_log(self):
        self.process.clear_requests()

    def requests_log(self):
        return self.process.requests()

    def _headers(self):
        if self._token is None or self._token[1] < time.time() + 300:
            response = self.session.post("%s/%s/oauth2/v2.0/token" % (self.base, self.info["AZURE_TENANT"]), data={
                "grant_type": "client_credentials", "client_id": self.info["AZURE_CLIENT_ID"],
                "client_secret": self.info["AZURE_SECRET"], "scope": self.base + "/.default"}, timeout=60, verify=self.ca)
            response.raise_for_status()
            self._token = (response.json()["access_token"], time.time() + response.json()["expires_in"])
        return {"Authorization": "Bearer " + self._token[0]}

    def arm(self, method, path, **kwargs):
        url = path if path.startswith("https://") else self.base + path
        response = self.session.request(method, url, headers=self._headers(), timeout=120, verify=self.ca, **kwargs)
        return response

    def settings(self, resource_group):
        """Every autoscale setting of a resource group (follows nextLink)."""
        url = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Insights/autoscalesettings?api-version=%s" % (
            self.info["AZURE_SUBSCRIPTION_ID"], resource_group, AUTOSCALE_API)
        items = []
        while url:
            response = self.arm("GET", url)
            response.raise_for_status()
            body = response.json()
            items.extend(body.get("value", []))
            url = body.get("nextLink")
        return items

    def delete_all_settings(self, resource_groups):
        """Delete every autoscale setting of the resource groups (between tools, so both start from nothing)."""
        doomed = [item["id"] for group in resource_groups for item in self.settings(group)]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            for response in pool.map(lambda rid: self.arm("DELETE", rid + "?api-version=" + AUTOSCALE_API), doomed):
                if response.status_code not in (200, 204):
                    raise RuntimeError("DELETE failed: %s %s" % (response.status_code, response.text[:300]))
        return len(doomed)

    def stop(self):
        self.process.stop(timeout=30)


def classify(entries):
    """Counts of one phase's request log."""
    counts = {"arm_reads": 0, "arm_writes": 0, "tokens": 0, "metadata": 0, "discovery": 0, "autoscale_get": 0,
              "autoscale_list": 0, "autoscale_put": 0, "ml_reads": 0, "other_reads": 0, "errors": 0, "total": len(entries)}
    for entry in entries:
        kind, method, path = entry.get("kind"), entry.get("method"), entry.get("path", "").lower()
        if entry.get("status", 200) >= 400 and entry.get("status") != 404:
            counts["errors"] += 1
        if kind == "token":
            counts["tokens"] += 1
        elif kind == "metadata":
            counts["metadata"] += 1
        elif kind == "arm":
            if method in ("GET", "HEAD"):
                counts["arm_reads"] += 1
                if path.endswith("/autoscalesettings"):
                    counts["autoscale_list"] += 1
                elif "/autoscalesettings/" in path:
                    counts["autoscale_get"] += 1
                elif "machinelearningservices" in path:
                    counts["ml_reads"] += 1
                else:
                    counts["other_reads"] += 1
            else:
                counts["arm_writes"] += 1
                if method == "PUT" and "/autoscalesettings/" in path:
                    counts["autoscale_put"] += 1
        else:
            counts["discovery"] += 1
    return counts


def fleet(seed):
    """Every deployment of the seed, workspace by workspace (ws-fleet-000 first), with its resource group's location."""
    items = []
    for sub in seed["subscriptions"]:
        for group in sub["resource_groups"]:
            for workspace in group["workspaces"]:
                for endpoint in workspace["endpoints"]:
                    for deployment in endpoint["deployments"]:
                        items.append({"subscription": sub["subscription_id"], "resource_group": group["name"],
                                      "location": group["location"], "workspace": workspace["name"],
                                      "endpoint": endpoint["name"], "deployment": deployment["name"]})
    items.sort(key=lambda item: (item["workspace"], item["endpoint"], item["deployment"]))
    return items


def write_inventory(path, deployments, python):
    """One host per deployment; the policy (bench/policy.yml) in the group vars, where operators keep it (as the
    example inventory does). A play's vars_files would be parsed again for every host and task by ansible-core 2.19
    (DataLoader cache='vaulted'): about 10 % of a 200-deployment run's CPU, for either tool."""
    with open(os.path.join(HERE, "policy.yml"), encoding="utf-8") as handle:
        policy = yaml.safe_load(handle)
    hosts = {}
    for item in deployments:
        hosts["%s.%s.%s" % (item["workspace"], item["endpoint"], item["deployment"])] = {
            "endpoint_autoscale_resource_group": item["resource_group"],
            "endpoint_autoscale_workspace": item["workspace"],
            "endpoint_autoscale_endpoint": item["endpoint"],
            "endpoint_autoscale_deployment": item["deployment"],
            "bench_subscription_id": item["subscription"],
            "bench_location": item["location"],
        }
    group_vars = dict(policy, ansible_connection="local", ansible_python_interpreter=python)
    inventory = {"all": {"hosts": hosts, "vars": group_vars}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=1)


class Tool:
    """One side of the comparison: its venv (ansible-playbook and module interpreter) and its playbook."""

    def __init__(self, name, venv, playbook, extra_env, drop_env=()):
        self.name = name
        self.drop_env = drop_env
        self.venv = venv
        self.playbook = playbook
        self.extra_env = extra_env

    @property
    def python(self):
        return os.path.join(self.venv, "bin", "python")


def children_cpu():
    """User + system CPU seconds of every finished child process of the benchmark (and their waited-for descendants)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command, output, env):
    """Run ``command``; (exit status, CPU seconds, peak MB) of it and its waited-for descendants (ansible-playbook, its
    workers and every module process): user + system time, which hardly moves when other work shares the machine, and
    the largest resident set among them (the controller's main process)."""
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=HERE)  # pylint: disable=consider-using-with
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def run_playbook(tool, emulator, inventory, forks, check, work, label):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "AZURE_", "ARM_", "IDENTITY_", "MSI_", "IMDS_"))}
    env.update(emulator.env())
    env.update({
        "PATH": os.path.join(tool.venv, "bin") + os.pathsep + env.get("PATH", ""),
        "ANSIBLE_FORKS": str(forks),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": os.path.join(work, "tmp", "local"),
        "ANSIBLE_REMOTE_TEMP": os.path.join(work, "tmp", "remote"),
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
        "ANSIBLE_SYSTEM_WARNINGS": "0",
    })
    env.update(tool.extra_env)
    for key in tool.drop_env:
        env.pop(key, None)
    command = [os.path.join(tool.venv, "bin", "ansible-playbook"), "-i", inventory, tool.playbook, "--forks", str(forks)]
    if check:
        command.append("--check")
    output_path = os.path.join(work, "logs", label + ".log")
    os.makedirs(os.path.dirname(output_path), exist_ok=True)
    emulator.clear_log()
    start = time.monotonic()
    with open(output_path, "w", encoding="utf-8") as output:
        status, cpu, peak_mb = run_measured(command, output, env)
    wall = time.monotonic() - start
    entries = emulator.requests_log()
    with open(output_path, encoding="utf-8") as handle:
        text = handle.read()
    hosts = {"ok": 0, "changed": 0, "failed": 0, "unreachable": 0}
    for line in text.splitlines():
        match = RECAP.match(line)
        if match:
            hosts["ok"] += 1
            hosts["changed"] += int(match.group(3) != "0")
            hosts["failed"] += int(match.group(5) != "0")
            hosts["unreachable"] += int(match.group(4) != "0")
    return {"wall": wall, "cpu": cpu, "peak_mb": peak_mb, "status": status, "hosts": hosts, "requests": classify(entries),
            "log": output_path}


def measure_sizes(args, tools, seed, deployments):
    work = args.work
    emulator = Emulator(os.path.join(work, "emulator"), args.latency_ms, seed)
    groups = sorted({item["resource_group"] for item in deployments})
    results = []
    try:
        log("emulator at %s, latency %d ms per ARM call" % (emulator.base, args.latency_ms))
        for size in args.sizes:
            chosen = deployments[:size]
            for tool in tools:
                if tool.name == "peer" and args.peer_max_size and size > args.peer_max_size:
                    log("size %d: peer skipped (--peer-max-size %d)" % (size, args.peer_max_size))
                    continue
                deleted = emulator.delete_all_settings(groups)
                shutil.rmtree(os.path.join(work, "cache"), ignore_errors=True)  # ours starts cold: no token, no lookups
                inventory = os.path.join(work, "inventory-%s-%d.json" % (tool.name, size))
                write_inventory(inventory, chosen, tool.python)
                row = {"tool": tool.name, "size": size, "deleted_before": deleted, "phases": {}}
                for phase, check in (("apply", False), ("rerun", False), ("check", True)):
                    label = "%s-%d-%s" % (tool.name, size, phase)
                    log("%s ..." % label)
                    result = run_playbook(tool, emulator, inventory, args.forks, check, work, label)
                    log("%s: %.1f s (CPU %.1f s), hosts %s, requests %s" % (label, result["wall"], result["cpu"], result["hosts"], result["requests"]))
                    row["phases"][phase] = result
                baseline = Tool(tool.name, tool.venv, BASELINE, tool.extra_env, tool.drop_env)
                row["baseline"] = run_playbook(baseline, emulator, inventory, args.forks, False, work,
                                               "%s-%d-baseline" % (tool.name, size))
                log("%s-%d-baseline: %.1f s (CPU %.1f s)" % (tool.name, size, row["baseline"]["wall"], row["baseline"]["cpu"]))
                results.append(row)
                save(args, {"sizes": results})
    finally:
        emulator.stop()
    return results


def save(args, partial):
    path = os.path.join(args.work, "results.json")
    existing = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            existing = json.load(handle)
    existing.update(partial)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(existing, handle, indent=1)
    return existing


def peer_playbook(work, name):
    """The peer's playbooks are kept as bench/<name>.in and copied into the work directory to run:
    azure.azcollection is not installed in the dev venv, so `make lint` (ansible-lint) must not see them as playbooks."""
    os.makedirs(work, exist_ok=True)
    target = os.path.join(work, name)
    shutil.copyfile(os.path.join(HERE, name + ".in"), target)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1 10 50 200", help="fleet sizes, space separated")
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--peer-venv", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "performance.md"))
    parser.add_argument("--peer-max-size", type=int, default=int(os.environ.get("BENCH_PEER_MAX_SIZE", "0") or 0),
                        help="skip the peer above this fleet size (0: never)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma separated: " + "; ".join(
        "%s (%s)" % item for item in TOOLS.items()))
    parser.add_argument("--skip", default="", help="comma separated: fleet,startup,doc")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size) for size in args.sizes.split()})
    args.work = os.path.abspath(args.work)
    skip = set(filter(None, args.skip.split(",")))
    os.makedirs(args.work, exist_ok=True)
    started = time.monotonic()

    largest = max(args.sizes)
    workspaces = -(-largest // (ENDPOINTS_PER_WORKSPACE * DEPLOYMENTS_PER_ENDPOINT))
    seed_path = os.path.join(args.work, "seed.json")
    seed_text = subprocess.check_output([os.path.join(OURS_VENV, "bin", "python"), "-m", "arm_emulator", "make-seed",
                                         "--workspaces", str(workspaces),
                                         "--endpoints-per-workspace", str(ENDPOINTS_PER_WORKSPACE),
                                         "--deployments-per-endpoint", str(DEPLOYMENTS_PER_ENDPOINT),
                                         "--resource-groups", str(RESOURCE_GROUPS)])
    with open(seed_path, "wb") as handle:
        handle.write(seed_text)
    deployments = fleet(json.loads(seed_text))

    cache_dir = os.path.join(args.work, "cache")
    ours = Tool("ours", OURS_VENV, os.path.join(HERE, "ours_module.yml"),
                {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "MLOPS_AUTOSCALE_CACHE_DIR": cache_dir})
    ours_role = Tool("ours-role", OURS_VENV, os.path.join(HERE, "ours_role.yml"), ours.extra_env)
    ours_process = Tool("ours-process", OURS_VENV, ours.playbook, dict(ours.extra_env, MLOPS_AUTOSCALE_IN_CONTROLLER="0"))
    peer = Tool("peer", os.path.abspath(args.peer_venv), peer_playbook(args.work, "peer.yml"),
                {"ANSIBLE_COLLECTIONS_PATH": os.path.join(args.work, "no-collections"),
                 "ANSIBLE_FILTER_PLUGINS": os.path.join(HERE, "filter_plugins"),
                 "AZURE_CONFIG_DIR": os.path.join(args.work, "peer-azure-config")},
                # azure-cli-core fetches ARM_CLOUD_METADATA_URL at import time with its own downloader: the peer is
                # pointed at the emulator through its cloud_environment option only (AZURE_CLOUD_ENVIRONMENT).
                drop_env=("ARM_CLOUD_METADATA_URL",))
    meta = {
        "command": "make bench BENCH_SIZES=%s BENCH_FORKS=%d BENCH_LATENCY_MS=%d" % (
            quote(" ".join(map(str, args.sizes)), safe=""), args.forks, args.latency_ms),
        "sizes": args.sizes, "forks": args.forks, "latency_ms": args.latency_ms,
        "seed": {"workspaces": workspaces, "endpoints_per_workspace": ENDPOINTS_PER_WORKSPACE,
                 "deployments_per_endpoint": DEPLOYMENTS_PER_ENDPOINT, "resource_groups": RESOURCE_GROUPS,
                 "deployments": len(deployments)},
        "peer_max_size": args.peer_max_size,
        "load_before": " ".join(open("/proc/loadavg", encoding="utf-8").read().split()[:3]),
    }
    # A part skipped (--skip) keeps its figures and its run time from the previous run's results.json.
    parts = dict(save(args, {"meta": meta}).get("elapsed_parts", {}))
    if "fleet" not in skip:
        chosen = [tool for tool in (ours, ours_role, ours_process, peer) if tool.name in args.tools.split(",")]
        measure_sizes(args, chosen, seed_path, deployments)
        parts["fleet"] = time.monotonic() - started
    if "startup" not in skip:
        from startup import measure_startup  # pylint: disable=import-outside-toplevel
        begun = time.monotonic()
        emulator = Emulator(os.path.join(args.work, "emulator-startup"), 0)
        try:
            startup = measure_startup(emulator, ours, peer, args.work, log)
        finally:
            emulator.stop()
        parts["startup"] = time.monotonic() - begun
        save(args, {"startup": startup})
    notes = os.path.join(HERE, "notes.md")
    notes_md = open(notes, encoding="utf-8").read() if os.path.exists(notes) else ""
    results = save(args, {"elapsed": sum(parts.values()), "elapsed_parts": parts, "notes_md": notes_md,
                          "load_after": " ".join(open("/proc/loadavg", encoding="utf-8").read().split()[:3])})
    if "doc" not in skip:
        from report import write_report  # pylint: disable=import-outside-toplevel
        write_report(results, args.doc, ours, peer)
        log("wrote %s" % args.doc)
    log("done in %.0f s; raw results in %s" % (time.monotonic() - started, os.path.join(args.work, "results.json")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
