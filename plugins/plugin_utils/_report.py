# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Pure: the fleet report of a run of the role endpoint_autoscale, from what each host registered.

An outcome is ``{host, result, failure}``: ``result`` is what M(autoscale_state) returned (None when it did not run),
``failure`` ``{task, msg}`` when the host failed (as playbooks/configure_fleet.yml's rescue records it; a ``result``
with ``failed`` counts too). A host is ``failed``, ``changed`` (in check mode: would change; its ``action`` is
``create``, ``update`` or ``delete``) or ``ok``.
"""

from __future__ import annotations

STATUSES = ("failed", "changed", "ok")
UNKNOWN_FAILURE = "failed (see the task's output)"
WHOLE_SETTING = "setting"  # the path of a difference that is the whole setting (module_utils/_diff.py)


def fleet_report(outcomes, check_mode=False):
    """The report: ``mode``, ``summary`` (counts), ``hosts`` (one entry per host, by name) and ``markdown``."""
    hosts = sorted((_host_entry(outcome) for outcome in outcomes), key=lambda entry: entry["host"])
    summary = {"hosts": len(hosts)}
    summary.update((status, sum(1 for entry in hosts if entry["status"] == status)) for status in STATUSES)
    report = {"mode": "check" if check_mode else "apply", "summary": summary, "hosts": hosts}
    report["markdown"] = to_markdown(report)
    return report


def _host_entry(outcome):
    result = outcome.get("result") or {}
    failure = outcome.get("failure") or (result if result.get("failed") else None)
    entry = {"host": str(outcome["host"])}
    setting = result.get("autoscale_setting") or {}
    if setting:
        entry.update(setting_name=setting.get("name"), target_id=setting.get("target_id"))
    if failure:
        entry.update(status="failed", task=failure.get("task"), msg=failure.get("msg") or UNKNOWN_FAILURE)
    elif result.get("changed"):
        changes = list(result.get("changes") or [])
        entry.update(status="changed", changes=changes, action=_action(changes, setting))
    else:
        entry.update(status="ok")
    return entry


def _action(changes, setting):
    """``create`` or ``delete`` when the whole setting comes or goes (the path ``setting``), else ``update``."""
    if changes != [WHOLE_SETTING]:
        return "update"
    return "create" if setting else "delete"


def _what_differs(entry, check):
    if entry["action"] != "update":
        return "(the setting {0} {1})".format("would be" if check else "was", {"create": "created", "delete": "deleted"}[entry["action"]])
    return "<br>".join("`{0}`".format(_cell(path)) for path in entry["changes"]) or "-"


def to_markdown(report):
    """The report as a Markdown document: counts, then the failed and the changed hosts in tables, then the rest."""
    check = report["mode"] == "check"
    summary = report["summary"]
    changed_word = "would change" if check else "changed"
    lines = ["# Autoscale fleet report", "",
             ("Check mode: what would change; nothing was written." if check else "Applied."),
             "",
             "{0} deployment(s): {1} {2}, {3} failed, {4} unchanged.".format(
                 summary["hosts"], summary["changed"], changed_word, summary["failed"], summary["ok"])]
    by_status = {status: [entry for entry in report["hosts"] if entry["status"] == status] for status in STATUSES}
    if by_status["failed"]:
        lines += ["", "## Failed", "", "| Deployment | Task | Message |", "| --- | --- | --- |"]
        lines += ["| {0} | {1} | {2} |".format(_cell(entry["host"]), _cell(entry.get("task") or ""), _cell(entry["msg"]))
                  for entry in by_status["failed"]]
    if by_status["changed"]:
        lines += ["", "## Drifted (would change)" if check else "## Changed", "",
                  "| Deployment | Autoscale setting | What differs |", "| --- | --- | --- |"]
        lines += ["| {0} | {1} | {2} |".format(_cell(entry["host"]), _cell(entry.get("setting_name") or ""),
                                               _what_differs(entry, check))
                  for entry in by_status["changed"]]
    if by_status["ok"]:
        lines += ["", "## Unchanged", "", ", ".join(_cell(entry["host"]) for entry in by_status["ok"])]
    return "\n".join(lines) + "\n"


def _cell(text):
    """Text safe in a Markdown table cell: pipes escaped, line breaks as <br>."""
    return str(text).replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")
