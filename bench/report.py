# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/performance.md from .build/bench/results.json (bench/run.py calls this; `python bench/report.py RESULTS DOC`
re-renders it)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import run

OURS_PACKAGES = ("ansible-core", "azure-identity", "azure-mgmt-monitor", "azure-core", "azure-ai-ml", "msal", "cryptography")
PEER_PACKAGES = ("ansible", "ansible-core", "azure-identity", "azure-mgmt-monitor", "azure-core", "azure-cli-core", "msal",
                 "msgraph-sdk")
PHASES = (("apply", "first apply"), ("rerun", "converged re-run"), ("check", "`--check` drift scan"))


def _versions(python, names):
    code = ("import importlib.metadata as m, json, sys\nout = {}\nfor n in sys.argv[1:]:\n"
            "    try: out[n] = m.version(n)\n    except Exception: out[n] = '-'\nprint(json.dumps(out))")
    try:
        return json.loads(subprocess.check_output([python, "-c", code] + list(names), text=True))
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {}


def _azcollection_version(python):
    code = ("import json, sysconfig, os\np = os.path.join(sysconfig.get_paths()['purelib'], 'ansible_collections', 'azure', "
            "'azcollection', 'MANIFEST.json')\nprint(json.load(open(p))['collection_info']['version'])")
    try:
        return subprocess.check_output([python, "-c", code], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _machine():
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(handle.readline().split()[1])
        memory = "%.1f GiB" % (kib / 1024.0 / 1024.0)
    except (OSError, ValueError, IndexError):
        pass
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "memory": memory, "cpu": cpu, "kernel": platform.release()}


def _f(value, digits=2):
    return "-" if value is None else ("%.*f" % (digits, value))


def _row(results, tool, size):
    return next((row for row in results.get("sizes", []) if row["tool"] == tool and row["size"] == size), None)


def _per(row, phase, key, size):
    return row["phases"][phase]["requests"][key] / float(size)


def _net_ratio(ours_row, peer_row, phase):
    """Peer / ours of a phase's wall time minus each tool's ansible-playbook baseline, or "-" without baselines."""
    if not (ours_row.get("baseline") and peer_row.get("baseline")):
        return "-"
    ours = ours_row["phases"][phase]["wall"] - ours_row["baseline"]["wall"]
    peer = peer_row["phases"][phase]["wall"] - peer_row["baseline"]["wall"]
    return "%.2fx" % (peer / ours) if ours > 0 else "-"


#: The tools of the fleet tables, in bench/run.py's order; the peer is the last.
TOOLS = tuple(run.TOOLS)
OUR_SIDES = TOOLS[:-1]


def _largest(results, tool):
    return max((row for row in results.get("sizes", []) if row["tool"] == tool), key=lambda row: row["size"], default=None)


def _fleet_targets(row, what):
    """Issue 15's targets of the converged run and the drift scan for one of our sides: (text, met or None, evidence)."""
    size, targets = row["size"], []
    per_task = row["baseline"]["cpu"] / size if row.get("baseline") else None
    for phase in ("rerun", "check"):
        data = row["phases"][phase]
        targets.append(("%s, %s, of %d deployments: at most 20 s wall and 0.1 CPU s per deployment (target at N = 200)" % (
            what, dict(PHASES)[phase], size), data["wall"] <= 20 and data["cpu"] / size <= 0.1 if size >= 200 else None,
            "%.1f s wall, %.3f CPU s per deployment%s" % (data["wall"], data["cpu"] / size, "" if per_task is None else
                                                          " (ansible-playbook's own cost of one no-op task per host: %.3f)" % per_task)))
    return targets


def _in_controller_targets(results):
    """The targets of issue 15 (the in-controller path): (text, met or None, evidence)."""
    largest = _largest(results, "ours")
    if largest is None:
        return []
    size = largest["size"]
    targets = _fleet_targets(largest, "autoscale_state, one task per deployment")
    role = _largest(results, "ours-role")
    if role is not None:
        targets.extend(_fleet_targets(role, "the endpoint_autoscale role (three tasks per host)"))
    apply = largest["phases"]["apply"]
    role_apply = "" if role is None else "; the role: %.1f s" % role["phases"]["apply"]["wall"]
    targets.append(("First apply of %d deployments at most 60 s (target at N = 200)" % size,
                    apply["wall"] <= 60 if size >= 200 else None, "%.1f s%s" % (apply["wall"], role_apply)))
    peaks = {tool: max(row["phases"][phase].get("peak_mb", 0) for phase, _label in PHASES)
             for tool, row in (("ours", largest), ("ours-role", role)) if row is not None}
    targets.append(("Controller peak memory at most 300 MB (target at N = 200)", max(peaks.values()) <= 300 if size >= 200 else None,
                    "largest process of the runs: %s" % ", ".join("%s %.0f MB" % item for item in peaks.items())))
    ratios = []
    for row in results.get("sizes", []):
        peer = _row(results, "peer", row["size"])
        if row["tool"] != "ours" or row["size"] < 10 or peer is None:
            continue
        for phase in ("rerun", "check"):
            others = [(tool, _row(results, tool, row["size"])) for tool in OUR_SIDES[1:]]
            ratios.append((row["size"], phase, peer["phases"][phase]["wall"] / row["phases"][phase]["wall"], "".join(
                ", peer/%s %.1fx" % (tool, peer["phases"][phase]["wall"] / other["phases"][phase]["wall"])
                for tool, other in others if other)))
    if ratios:
        targets.append(("Peer / ours at least 10x on converged runs and drift scans (N >= 10)", all(item[2] >= 10 for item in ratios),
                        "; ".join("N=%d %s: peer/ours %.1fx%s" % item for item in ratios)))
    return targets


def evaluate(results):
    """The targets of issues 6 and 15: (text, met or None when not measured, evidence)."""
    meta, targets = results["meta"], _in_controller_targets(results)
    sizes = meta["sizes"]
    ours_rows = [row for row in results.get("sizes", []) if row["tool"] == "ours"]
    if ours_rows:
        worst_reads = max(_per(row, "rerun", "arm_reads", row["size"]) for row in ours_rows)
        worst_writes = max(_per(row, "rerun", "arm_writes", row["size"]) for row in ours_rows)
        targets.append(("Converged re-run: zero writes and at most two reads per deployment",
                        worst_writes == 0 and worst_reads <= 2,
                        "worst over sizes: %.2f writes, %.2f ARM reads per deployment" % (worst_writes, worst_reads)))
        apply_writes = sorted({_per(row, "apply", "arm_writes", row["size"]) for row in ours_rows})
        targets.append(("First apply: exactly one write per deployment", apply_writes == [1.0],
                        "writes per deployment at each size: %s" % ", ".join(_f(v) for v in apply_writes)))
    ratios = []
    for size in sizes:
        ours, peer = _row(results, "ours", size), _row(results, "peer", size)
        if ours and peer:
            ratios.append((size, peer["phases"]["rerun"]["wall"] / ours["phases"]["rerun"]["wall"],
                           peer["phases"]["rerun"].get("cpu", 0) / max(ours["phases"]["rerun"].get("cpu", 0), 1e-9)))
    if ratios:
        fleets = [item for item in ratios if item[0] >= 10] or ratios
        below = [size for size, wall, _cpu in ratios if wall < 3]
        targets.append(("Converged fleet run at least 3x faster than the peer (fleets: N >= 10)",
                        all(wall >= 3 for _size, wall, _cpu in fleets),
                        "peer / ours of the converged re-run, wall (CPU) by size: %s%s" % (", ".join(
                            "%d: %.2fx (%.2fx)" % item for item in ratios),
                            "; below 3x at N = %s, where ansible-playbook's own start-up (the same for both) is most of "
                            "the run; net of it, peer / ours: %s" % (", ".join(map(str, below)), ", ".join(
                                "%d: %s" % (size, _net_ratio(_row(results, "ours", size), _row(results, "peer", size), "rerun"))
                                for size in below)) if below else "")))
    startup = results.get("startup")
    if startup:
        probe = startup["probe"]
        ratio = probe["ours_warm_cache"]["total"] / probe["peer"]["total"]
        cold = probe["ours_cold_cache"]["total"] / probe["peer"]["total"]
        imports = startup["imports"]
        import_ratio = imports["ours"]["wall_median"] / imports["peer"]["wall_median"]
        import_cpu = imports["ours"].get("cpu_median", 0) / max(imports["peer"].get("cpu_median", 0), 1e-9)
        probe_cpu = probe["ours_warm_cache"].get("cpu", 0) / max(probe["peer"].get("cpu", 0), 1e-9)
        targets.append(("Per-invocation start-up at most a quarter of the peer's", ratio <= 0.25,
                        "interpreter+imports+credential+token+first GET: ours %.2f s (warm cache; %.2f s cold) vs peer %.2f s "
                        "= %.2f (cold %.2f; CPU %.2f); interpreter+imports alone: %.2f s vs %.2f s = %.2f (CPU %.2f)" % (
                            probe["ours_warm_cache"]["total"], probe["ours_cold_cache"]["total"], probe["peer"]["total"],
                            ratio, cold, probe_cpu, imports["ours"]["wall_median"], imports["peer"]["wall_median"],
                            import_ratio, import_cpu)))
        ten = startup["ten_reads"]
        ten_ratio = ten["ours"]["wall_median"] / ten["minimal"]["wall_median"]
        ten_cpu = ten["ours"].get("cpu_median", 0) / max(ten["minimal"].get("cpu_median", 0), 1e-9)
        worker = ten.get("ours_in_controller")
        targets.append(("Ten reads in one playbook within 15 % of the minimal module (both as module processes)", ten_ratio <= 1.15,
                        "wall: ours %.2f s, minimal %.2f s (= %.2fx), peer %.2f s; CPU: ours %.2f s, minimal %.2f s (= %.2fx)%s" % (
                            ten["ours"]["wall_median"], ten["minimal"]["wall_median"], ten_ratio, ten["peer"]["wall_median"],
                            ten["ours"].get("cpu_median", 0), ten["minimal"].get("cpu_median", 0), ten_cpu,
                            "; ours in the controller's worker: %.2f s" % worker["wall_median"] if worker else "")))
    big = [row for row in ours_rows if row["size"] >= 10]
    if len(big) >= 2:
        small, large = big[0], big[-1]
        notes, linear = [], True
        for phase, _label in PHASES:
            per_small = small["phases"][phase]["wall"] / small["size"]
            per_large = large["phases"][phase]["wall"] / large["size"]
            reads_small = _per(small, phase, "arm_reads", small["size"])
            reads_large = _per(large, phase, "arm_reads", large["size"])
            lists_small = _per(small, phase, "autoscale_list", small["size"])
            lists_large = _per(large, phase, "autoscale_list", large["size"])
            grows = per_large > per_small * 1.25 or reads_large > reads_small * 1.05 + 0.01
            linear = linear and not grows
            notes.append("%s: %.2f -> %.2f s/deployment, %.2f -> %.2f reads/deployment (list pages %.2f -> %.2f)" % (
                phase, per_small, per_large, reads_small, reads_large, lists_small, lists_large))
        targets.append(("Cost grows linearly with fleet size (size %d -> %d)" % (small["size"], large["size"]), linear,
                        "; ".join(notes)))
    if ours_rows:
        tokens = {row["size"]: max(row["phases"][phase]["requests"]["tokens"] for phase, _label in PHASES) for row in ours_rows}
        targets.append(("A fleet run needs a handful of token requests (at most one per fork), not one per task",
                        all(count <= meta["forks"] for count in tokens.values()),
                        "most token requests in one run, by size: %s" % ", ".join("%d: %d" % item for item in sorted(tokens.items()))))
    return targets


def write_report(results, doc, ours, peer):  # pylint: disable=too-many-locals,too-many-statements
    meta = results["meta"]
    machine = _machine()
    ours_versions = _versions(ours.python, OURS_PACKAGES)
    peer_versions = _versions(peer.python, PEER_PACKAGES)
    azcollection = _azcollection_version(peer.python)
    lines = []
    add = lines.append
    add("# Performance")
    add("")
    add("Written by `make bench` (bench/run.py); do not edit by hand. Raw figures: `.build/bench/results.json`, "
        "playbook logs: `.build/bench/logs/`.")
    add("")
    add("## What is measured")
    add("")
    add("- **Our sides**, addressed by names (resource group, workspace, endpoint, deployment), one inventory host per "
        "deployment, `connection: local`: **ours** is `mlops.autoscale.autoscale_state`, one task per deployment as the "
        "peer's playbook (bench/ours_module.yml), its module run in the controller's workers; **ours-role** is the role "
        "`mlops.autoscale.endpoint_autoscale` (bench/ours_role.yml: three tasks per host, the role's argument check, the "
        "include of its mode and autoscale_state), also in the workers; **ours-process** is ours with "
        "`MLOPS_AUTOSCALE_IN_CONTROLLER=0`, each task a module process as before the in-controller path.")
    add("- **The peer**: `azure.azcollection.azure_rm_autoscale` %s from the `ansible` %s package, in its own venv "
        "(`.build/bench/peer-venv`) with the collection's own `requirements.txt`; bench/peer.yml.in, one task per deployment, "
        "target by resource id (it cannot resolve names), `location` given (spares it a resource group read: its best case)."
        % (azcollection, peer_versions.get("ansible", "?")))
    add("- **Same policy** for both (bench/policy.yml): a default profile and a weekend recurrence (Saturday and Sunday, "
        "00:00 to 23:59) with its end profile, as the portal and the Azure CLI write it (three profiles in Azure), two CPU "
        "rules in each, one e-mail notification; mlops.autoscale's lints find nothing to warn about in it.")
    add("- **Same emulator** (tools/arm_emulator) with **%d ms added to every ARM call** (tokens and metadata are not delayed), "
        "seeded by `arm-emulator make-seed --workspaces %d --endpoints-per-workspace %d --deployments-per-endpoint %d "
        "--resource-groups %d` (%d deployments); a fleet of N is the first N deployments, workspace by workspace."
        % (meta["latency_ms"], meta["seed"]["workspaces"], meta["seed"]["endpoints_per_workspace"],
           meta["seed"]["deployments_per_endpoint"], meta["seed"]["resource_groups"], meta["seed"]["deployments"]))
    add("- **%d forks**. For each size and tool: every setting is deleted, then (1) first apply, (2) converged re-run, "
        "(3) `--check` drift scan. Our on-disk cache (tokens, metadata, name resolutions) is emptied before each first "
        "apply, so the first apply starts cold and the re-run and the scan reuse it, as consecutive runs within its one-hour "
        "lifetime do." % meta["forks"])
    add("- **Requests** come from the emulator's request log, cleared before each phase: ARM reads (GET), ARM writes "
        "(PUT/PATCH/POST/DELETE), token requests, cloud metadata requests, and OpenID discovery.")
    add("- **The peer needs a shim**: azure.azcollection 3.12's `cloud_environment` metadata URL path calls "
        "`azure.cli.core.cloud.get_cloud_from_metadata_endpoint`, which its pinned azure-cli-core 2.75 no longer has. "
        "`bench/peer_sitecustomize.py`, installed in the peer's venv only, restores it (fetches the metadata document and "
        "builds the Cloud object with azure-cli-core's own mapper; lazy, no import cost). **Every peer figure below is "
        "measured with that shim**; without it the peer cannot reach a non-public cloud at all. The peer also gets "
        "`disable_instance_discovery: true` (MSAL would otherwise ask login.microsoftonline.com to validate the authority).")
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("| --- | --- |")
    add("| CPU | %s, `nproc` = %s |" % (machine["cpu"], machine["nproc"]))
    add("| memory | %s |" % machine["memory"])
    add("| kernel | %s |" % machine["kernel"])
    add("| python | %s |" % sys.version.split()[0])
    add("| load average before / after | %s / %s |" % (meta.get("load_before", "?"), results.get("load_after", "?")))
    add("| ours | %s |" % ", ".join("%s %s" % item for item in ours_versions.items()))
    add("| peer | azure.azcollection %s; %s |" % (azcollection, ", ".join("%s %s" % item for item in peer_versions.items())))
    parts = results.get("elapsed_parts") or {}
    split = " (%s)" % ", ".join("%s %.0f s" % item for item in sorted(parts.items())) if parts else ""
    add("| run time of the whole benchmark | %.0f s%s |" % (results.get("elapsed", 0), split))
    add("")
    add("Command:")
    add("")
    add("```console")
    add("make bench%s%s" % ("" if meta["sizes"] == [1, 10, 50, 200] and meta["forks"] == 10 and meta["latency_ms"] == 40
                            else ' BENCH_SIZES="%s" BENCH_FORKS=%d BENCH_LATENCY_MS=%d' % (
                                " ".join(map(str, meta["sizes"])), meta["forks"], meta["latency_ms"]),
                            ' BENCH_ARGS="--peer-max-size %d"' % meta["peer_max_size"] if meta.get("peer_max_size") else ""))
    add("```")
    add("")
    add("`BENCH_SIZES=\"1 10\"` gives a quick run; `BENCH_ARGS=\"--tools ours,peer\"` measures only those sides, "
        "`BENCH_ARGS=\"--peer-max-size 50\"` skips the peer above 50 deployments.")
    add("")
    add("## Fleet runs")
    add("")
    add("Wall time of `ansible-playbook`; per deployment = wall / N. CPU = user + system seconds of ansible-playbook, its "
        "workers and every module process (not the emulator): unlike wall time it hardly moves when other work shares "
        "the machine. Reads and writes are ARM requests per deployment; "
        "tokens, metadata and discovery are totals for the run. `changed` / `failed` count hosts.")
    add("")
    add("| N | tool | phase | wall s | s / deployment | CPU s | CPU s / dep | reads / dep | writes / dep | list pages / dep | "
        "tokens | metadata | discovery | changed | failed |")
    add("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in meta["sizes"]:
        for tool in TOOLS:
            row = _row(results, tool, size)
            if row is None:
                continue
            for phase, label in PHASES:
                data = row["phases"][phase]
                req = data["requests"]
                add("| %d | %s | %s | %.1f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | %d | %d |" % (
                    size, tool, label, data["wall"], data["wall"] / size, data.get("cpu", 0), data.get("cpu", 0) / size,
                    req["arm_reads"] / size, req["arm_writes"] / size,
                    req["autoscale_list"] / size, req["tokens"], req["metadata"], req["discovery"], data["hosts"]["changed"],
                    data["hosts"]["failed"]))
    add("")
    add("### Ours / peer")
    add("")
    add("Ratios of wall time (below 1: we are faster) and of ARM requests per deployment. *Net*: both wall times minus "
        "their tool's baseline (`ansible-playbook` alone over the same inventory, table below), i.e. what the modules cost.")
    add("")
    add("| N | ours | phase | wall ours / peer | wall: peer / ours | net: peer / ours | CPU ours / peer | CPU: peer / ours | "
        "ARM requests ours / peer | tokens ours / peer |")
    add("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, side, phase, label in ((size, side, phase, label) for size in meta["sizes"] for side in OUR_SIDES
                                     for phase, label in PHASES):
        ours_row, peer_row = _row(results, side, size), _row(results, "peer", size)
        if not (ours_row and peer_row):
            continue
        o, p = ours_row["phases"][phase], peer_row["phases"][phase]
        o_req = o["requests"]["arm_reads"] + o["requests"]["arm_writes"]
        p_req = p["requests"]["arm_reads"] + p["requests"]["arm_writes"]
        add("| %d | %s | %s | %.2f | %.2fx | %s | %.2f | %.2fx | %s | %d / %d |" % (
            size, side, label, o["wall"] / p["wall"], p["wall"] / o["wall"], _net_ratio(ours_row, peer_row, phase),
            o.get("cpu", 0) / p.get("cpu", 1),
            p.get("cpu", 0) / max(o.get("cpu", 0), 1e-9),
            "%d / %d" % (o_req, p_req), o["requests"]["tokens"], p["requests"]["tokens"]))
    baselines = [row for row in results.get("sizes", []) if row.get("baseline")]
    if baselines:
        add("")
        add("Baseline: `ansible-playbook` alone (bench/baseline.yml: one `debug` action per host, no module process, no "
            "Azure call) over the same inventory and forks, with each tool's own ansible-core.")
        add("")
        add("| N | tool | wall s | CPU s |")
        add("| ---: | --- | ---: | ---: |")
        for row in sorted(baselines, key=lambda row: (row["size"], row["tool"])):
            add("| %d | %s | %.1f | %.1f |" % (row["size"], row["tool"], row["baseline"]["wall"], row["baseline"]["cpu"]))
    skipped = [size for size in meta["sizes"] if _row(results, "ours", size) and not _row(results, "peer", size)]
    if skipped:
        add("")
        add("The peer was not run at %s (`--peer-max-size %d`). **Extrapolation, not a measurement**: its per-deployment "
            "wall time at the largest measured size, times N, would give:" % (
                ", ".join(map(str, skipped)), meta.get("peer_max_size") or 0))
        measured = [row for row in results.get("sizes", []) if row["tool"] == "peer"]
        if measured:
            last = max(measured, key=lambda row: row["size"])
            for size in skipped:
                add("- N = %d: ~%s s per phase (%s)" % (size, "/".join(
                    "%.0f" % (last["phases"][phase]["wall"] / last["size"] * size) for phase, _label in PHASES),
                    "apply/re-run/check, from N = %d" % last["size"]))
    add("")
    add("## Growth with fleet size")
    add("")
    add("Wall time per deployment (s) at each size; with %d forks the fixed cost of `ansible-playbook` (the baseline "
        "above) dominates small fleets, so linearity shows from N = 10 up. Reads per deployment should stay flat." % meta["forks"])
    add("")
    sizes = " | ".join("N=%d" % size for size in meta["sizes"])
    add("| tool | phase | %s | reads / dep %s |" % (sizes, " / ".join("N=%d" % size for size in meta["sizes"])))
    add("| --- | --- | %s | ---: |" % " | ".join("---:" for _size in meta["sizes"]))
    for tool in TOOLS:
        for phase, label in PHASES:
            cells, reads = [], []
            for size in meta["sizes"]:
                row = _row(results, tool, size)
                cells.append(_f(row["phases"][phase]["wall"] / size) if row else "-")
                reads.append(_f(row["phases"][phase]["requests"]["arm_reads"] / size) if row else "-")
            add("| %s | %s | %s | %s |" % (tool, label, " | ".join(cells), " / ".join(reads)))
    startup = results.get("startup")
    if startup:
        add("")
        add("## Start-up of one module invocation")
        add("")
        add("On a second emulator **without added latency**, so only local cost shows. Medians of 3 runs.")
        add("")
        add("### Interpreter and imports")
        add("")
        add("`python -c CODE` wall time (interpreter start, imports, exit) and peak RSS.")
        add("")
        add("| what | code | wall s | CPU s | RSS MiB | modules imported |")
        add("| --- | --- | ---: | ---: | ---: | ---: |")
        names = {"interpreter": "bare interpreter (ours venv)", "floor": "floor: module basics + azure-identity + azure-mgmt-monitor",
                 "ours": "ours: autoscale_state", "ours_info": "ours: autoscale_info", "azure_ai_ml": "azure-ai-ml alone (for reference)",
                 "peer_common": "peer: azure_rm_common", "peer": "peer: azure_rm_autoscale"}
        for key, data in startup["imports"].items():
            add("| %s | `%s` | %.2f | %.2f | %.0f | %d |" % (
                names.get(key, key), data["code"], data["wall_median"], data.get("cpu_median", 0), data["rss_mib"],
                data["profile"]["modules"]))
        for key in ("ours", "peer"):
            add("")
            add("Largest parts of the import profile of **%s** (`python -X importtime`, self time summed by package; "
                "total %.0f ms):" % (names[key], startup["imports"][key]["profile"]["total_ms"]))
            add("")
            add("| package | ms |")
            add("| --- | ---: |")
            for name, millis in startup["imports"][key]["profile"]["top"]:
                add("| `%s` | %.0f |" % (name, millis))
        add("")
        add("### Credential, token and first request")
        add("")
        add("bench/startup_probe.py does what each module does before its first autoscale read (ours: `Session` of "
            "_azure.py; peer: `AzureRMAuth` of azure_rm_common and its MonitorManagementClient), without Ansible's argument "
            "handling. Cold cache: our on-disk cache emptied before each run; warm: filled by the previous run.")
        add("")
        add("| | interpreter s | imports s | credential s | token s | first GET s | total s | CPU s | token req. | metadata req. |")
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for key, label in (("ours_cold_cache", "ours, cold cache"), ("ours_warm_cache", "ours, warm cache"), ("peer", "peer")):
            data = startup["probe"][key]
            add("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d |" % (
                label, data["interpreter"], data["imports"], data["credential"], data["token"], data["first_request"],
                data["total"], data.get("cpu", 0), data["requests"]["tokens"], data["requests"]["metadata"]))
        ten = startup["ten_reads"]
        add("")
        add("### Issue 6's yardstick: ten reads in one playbook")
        add("")
        add("One playbook, one task looping ten times (ten module processes: ours with `MLOPS_AUTOSCALE_IN_CONTROLLER=0`), on "
            "the emulator without latency; one warm-up run, then the median of 3. The minimal module "
            "(bench/library/minimal_autoscale_read.py) imports only ansible's module basics, azure-identity and "
            "azure-mgmt-monitor and fetches a token every time. The last row is ours again, run in the controller's worker.")
        add("")
        add("| module | wall s | CPU s | token requests | ARM reads |")
        add("| --- | ---: | ---: | ---: | ---: |")
        for key, label in (("ours", "mlops.autoscale.autoscale_info (by names)"), ("minimal", "minimal module"),
                           ("peer", "azure.azcollection.azure_rm_autoscale_info"),
                           ("ours_in_controller", "mlops.autoscale.autoscale_info, in the controller's worker")):
            if key not in ten:
                continue
            add("| %s | %.2f | %.2f | %d | %d |" % (
                label, ten[key]["wall_median"], ten[key].get("cpu_median", 0), ten[key]["requests"]["tokens"],
                ten[key]["requests"]["arm_reads"]))
    add("")
    add("## Targets of issues 6 and 15")
    add("")
    add("| target | met | evidence |")
    add("| --- | --- | --- |")
    for text, met, evidence in evaluate(results):
        add("| %s | %s | %s |" % (text, "-" if met is None else ("**met**" if met else "**not met**"), evidence))
    notes = results.get("notes_md")
    if notes:
        add("")
        add(notes.rstrip())
    add("")
    with open(doc, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def main():
    results_path, doc, peer_venv = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(results_path, encoding="utf-8") as handle:
        results = json.load(handle)
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if os.path.exists(notes):
        with open(notes, encoding="utf-8") as handle:
            results["notes_md"] = handle.read()
    ours = run.Tool("ours", run.OURS_VENV, "", {})
    peer = run.Tool("peer", os.path.abspath(peer_venv), "", {})
    write_report(results, doc, ours, peer)


if __name__ == "__main__":
    main()
