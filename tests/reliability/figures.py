# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Print the table of docs/reliability.md from tests/output/reliability/figures.json (written by `make reliability`).

    .venv/bin/python tests/reliability/figures.py [figures.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "output" / "reliability" / "figures.json"


def rows(data):
    """(what was tried, what held, command) for each section present."""
    out = []
    fleet = data.get("faults_fleet")
    if fleet:
        by = fleet["faulted_by_status"]
        out.append((
            "Fleet run of `playbooks/configure_fleet.yml`, {deployments} deployments, forks 6, under seeded faults on reads and writes: "
            "{arm_requests} ARM requests, {faulted_responses} failed by injection (429 with Retry-After 1: {a}, 500: {b}, 503: {c}, "
            "dropped connection: {d}) and {latency_spikes} latency spikes of 400 ms = {rate:.0%} of requests faulted; "
            "one deployment answered 503 to every request ({broken_host_requests} requests)".format(
                a=by["429"], b=by["500"], c=by["503"], d=by["0"], rate=fleet["fault_rate"], **fleet),
            "{converged} of {deployments} converged (checked without faults); {nfailed} host failed, the 503 one, with "
            "`ServiceUnavailable` and the retry hint; {retries} retries; {writes} write requests, {successful_writes} succeeded; "
            "re-run of the failed host alone converged it ({rerun} of {deployments})".format(
                nfailed=len(fleet["failed_hosts"]), rerun=fleet.get("rerun_converged", "?"), **fleet),
            fleet["command"]))
    rule_race = "Two `autoscale_rule` tasks adding different rules to one profile, forked, released by a barrier"
    for key, label in (("races_rule_vs_rule", rule_race),):
        race = data.get(key)
        if race:
            out.append(("{0}: {1} races ({2} writers)".format(label, race["races"], race["writers"]),
                        "{changes_lost} changes lost, {clear_failures} clear failures; {reapplied} re-applied after "
                        "verify-after-write saw the change wiped; {writes} successful writes".format(**race), race["command"]))
    portal = data.get("races_portal_vs_task")
    if portal:
        out.append(("\"The portal\" (raw REST GET, edit tags, PUT) racing an `autoscale_rule` task: {0} races".format(portal["races"]),
                    "task changes lost: {task_changes_lost}; portal changes lost: {portal_changes_lost} (see Findings: a portal "
                    "save during the task's write is overwritten); {reapplied} re-applied".format(**portal), portal["command"]))
    kills = data.get("interrupted_runs")
    if kills:
        outcomes = kills["outcomes"]
        out.append(("SIGKILL of an `autoscale_state` process (a change of capacity, rules, tags, notifications and a scheduled "
                    "profile) at {0} points, PUT held back 1.2 s: {1} before the PUT, {2} during or after it".format(
                        kills["kills"], kills["kills_before_put"], kills["kills_during_or_after_put"]),
                    "{0} left as before, {1} as intended, {2} in between; {3} cache entries all parse".format(
                        outcomes["before"], outcomes["intended"], outcomes["in_between"], kills.get("cache_entries_checked", "?")),
                    kills["command"]))
    bad, role = data.get("bad_input_modules"), data.get("bad_input_role")
    if bad:
        out.append(("Invalid inputs to the four modules, in-process: {0} cases ({1})".format(
            bad["cases"], ", ".join("{0} {1}".format(name, item["cases"]) for name, item in sorted(bad["per_module"].items()))),
            "{failed_before_write} failed before any write, naming the field and what is allowed; {writes} writes".format(**bad),
            bad["command"]))
    if role:
        out.append(("Invalid inventories through the `endpoint_autoscale` role (ansible-playbook): {0} hosts".format(role["cases"]),
                    "{failed_before_write} hosts failed before any write; {writes} writes".format(**role), role["command"]))
    auth = data.get("auth")
    if auth:
        out.append(("Authentication and authorisation: {0} cases ({1})".format(auth["cases"], ", ".join(sorted(auth["messages"]))),
                    "{clear_failures} clear failures; {successful_writes} successful writes".format(**auth), auth["command"]))
    secrets = data.get("secrets")
    if secrets:
        out.append(("Grep of {files_scanned} logs ({integration_logs} of `make integration`, {reliability_logs} of this suite, "
                    "including a `-vvv --diff` run and a `--check --diff` run), {characters_scanned} characters, for {n} client "
                    "secrets, {s} webhook signatures and any JWT".format(n=secrets["needles"]["client_secrets"],
                                                                         s=secrets["needles"]["webhook_signatures"], **secrets),
                    "{leaks} leaks".format(**secrets), secrets["command"]))
    cache = data.get("token_cache")
    if cache:
        out.append(("Token cache: {files} files ({token_entries} token entries)".format(**cache),
                    "{problems} holding a secret or a token in clear, or readable by others".format(**cache), cache["command"]))
    restart = data.get("emulator_restart")
    if restart:
        out.append(("Emulator restart with {settings_before} settings".format(**restart),
                    "{settings_after} settings after, identical: {identical}".format(**restart), restart["command"]))
    return out


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    data = json.loads(path.read_text(encoding="utf-8"))
    print("| what was tried | what held | reproduce |")
    print("| --- | --- | --- |")
    for tried, held, command in rows(data):
        print("| {0} | {1} | `{2}` |".format(tried, held, command))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
