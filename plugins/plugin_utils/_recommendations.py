# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Pure: autoscale_recommend results to an inventory that playbooks/configure_fleet.yml applies, and a summary table.

Each host's file holds the deployment's whole live policy as the export writes it (so that applying it changes nothing
but the policy), with the recommended default profile, rules and scheduled profiles in place of the live ones. A
deployment without an autoscale setting gets its target and the recommended policy (applying it creates a setting).
"""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils._model import id_key, parse_online_deployment_id
from ansible_collections.mlops.autoscale.plugins.plugin_utils._export import (
    group_vars_text, host_vars_text, hosts_text, plain, setting_to_role_vars,
)
from ansible_collections.mlops.autoscale.plugins.plugin_utils._inventory import VAR_PREFIX, assign_host_names, target_vars

HEADER = "# Written by mlops.autoscale playbooks/recommend.yml from autoscale_recommend's results.\n"
INTRO = ["One host per online deployment a policy was recommended for; host_vars/<host>.yml holds the live policy with the",
         "recommended capacity, rules and profiles. See what changes with:",
         "ansible-playbook -i <this directory> playbooks/configure_fleet.yml --check --diff"]


def _summary_note(recommendation):
    held = recommendation["held_out"]
    window = held["window"]
    line = ("Recommended by autoscale_recommend; on the held-out days {0} to {1} (which the search did not see): instance-hours "
            "{2} -> {3} ({4:+.1f} % saved), SLO breach minutes {5} -> {6}.").format(
                window["start"], window["end"], held["current"]["instance_hours"], held["recommended"]["instance_hours"],
                held["instance_hours_saved_percent"], held["current"]["slo_minutes_breached"], held["recommended"]["slo_minutes_breached"])
    return [line] + list(recommendation.get("notes") or [])


def _host_variables(record, setting, recommendation):
    """``(variables, notes)`` of one deployment: its live policy (when it has a setting) with the recommendation in it."""
    if setting is not None:
        variables, notes = setting_to_role_vars(setting)
    else:
        variables = target_vars(parse_online_deployment_id(record["id"]))
        notes = ["The deployment has no autoscale setting: applying this inventory creates one."]
    variables.update(recommendation["host_vars"])
    return variables, notes + _summary_note(recommendation)


def _failure(result):
    return result.get("msg") or "autoscale_recommend failed"


def convert_results(results, settings):
    """``(hosts, skipped)``: ``hosts`` is ``[(name, variables, notes, recommendation)]`` by name, ``skipped`` ``[{deployment, reason}]``."""
    by_target = {id_key(setting["target_id"]): setting for setting in plain(settings or [])
                 if setting.get("target") and not setting.get("orphaned") and not setting.get("error")}
    converted, skipped = [], []
    for result in plain(results or []):
        record = result.get("item") or {}
        if result.get("failed") or result.get("skipped") or "recommendation" not in result:
            skipped.append({"deployment": record.get("id"), "reason": _failure(result) if result.get("failed") else "not run"})
            continue
        variables, notes = _host_variables(record, by_target.get(id_key(record["id"])), result["recommendation"])
        converted.append((record, variables, notes, result["recommendation"]))
    by_record = {id(record): rest for record, *rest in converted}
    named = assign_host_names([dict(parse_online_deployment_id(record["id"]), _record=record) for record, *_rest in converted])
    hosts = [(name, *by_record[id(target["_record"])]) for name, target in named]
    return hosts, skipped


def _cell(value):
    return "" if value is None else str(value).replace("|", "\\|")


def summary_table(hosts, skipped):
    """The text of ``recommendations.md``: one row per deployment, held-out figures now and recommended."""
    lines = ["# Recommended autoscale policies", "",
             "Figures are those of the held-out days, the end of each deployment's window, which the search did not see "
             "(docs/recommend.md). Apply with `ansible-playbook -i <this directory> playbooks/configure_fleet.yml` "
             "(add `--check --diff` to see the change first).", "",
             "| Deployment | Instance-hours now | Instance-hours recommended | Saved | SLO minutes now | SLO minutes recommended "
             "| Live policy kept | Why |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for name, _variables, _notes, recommendation in hosts:
        held = recommendation["held_out"]
        lines.append("| {0} | {1} | {2} | {3:+.1f} % | {4} | {5} | {6} | {7} |".format(
            _cell(name), held["current"]["instance_hours"], held["recommended"]["instance_hours"], held["instance_hours_saved_percent"],
            held["current"]["slo_minutes_breached"], held["recommended"]["slo_minutes_breached"],
            "yes" if recommendation["keeps_live"] else "no", _cell(" ".join(recommendation.get("notes") or []))))
    if skipped:
        lines.extend(["", "## Not recommended", ""])
        lines.extend("- {0}: {1}".format(_cell(item["deployment"]), _cell(item["reason"])) for item in skipped)
    return "\n".join(lines) + "\n"


def recommendation_inventory(results, settings):
    """``{"files": {relative path: text}, "hosts": [names], "skipped": [...]}`` of the loop results of autoscale_recommend
    (each with the deployment record of autoscale_info under ``item``) and the live settings."""
    hosts, skipped = convert_results(results, settings)
    files = {"hosts.yml": hosts_text([(name, variables, notes) for name, variables, notes, _rec in hosts],
                                     [{"setting": item["deployment"], "reason": item["reason"]} for item in skipped],
                                     header=HEADER, intro=INTRO),
             "group_vars/all.yml": group_vars_text(HEADER),
             "recommendations.md": summary_table(hosts, skipped)}
    for name, variables, notes, _recommendation in hosts:
        files["host_vars/{0}.yml".format(name)] = host_vars_text(name, variables, notes, header=HEADER)
    return {"files": files, "hosts": [host[0] for host in hosts], "skipped": skipped,
            "summary": [{"host": name, "deployment": variables[VAR_PREFIX + "deployment"],
                         **{label: recommendation["held_out"][label] for label in ("current", "recommended")},
                         "instance_hours_saved_percent": recommendation["held_out"]["instance_hours_saved_percent"],
                         "keeps_live": recommendation["keeps_live"]} for name, variables, _notes, recommendation in hosts]}
