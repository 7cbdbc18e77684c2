# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Pure: live autoscale settings (as autoscale_info returns them) to an inventory in the role endpoint_autoscale's vocabulary.

``setting_to_role_vars`` converts one setting; ``export_inventory`` converts a list and renders the files of an
inventory directory (``hosts.yml``, ``host_vars/<host>.yml``, ``group_vars/all.yml``) as text. Nothing here touches
Azure, the clock or the file system.

Choices (documented in playbooks/export_policies.yml):

- Only deployments that have an autoscale setting are exported; a deployment without one is left out (the export does
  not claim that it must have none).
- Everything the role compares is written explicitly, so that applying the export restores it: the whole default
  profile, every scheduled profile, ``enabled``, ``tags`` (``{}`` when none) and ``notifications`` (an empty block when
  none: the role reads ``null`` as "leave alone").
- Output-only keys (``metric_resource_uri``, ids, location) are dropped; ``metric_resource`` keeps its role
  (``deployment``/``endpoint``) or the id of another resource.
- Webhook URIs whose secrets Azure returns masked are not written as if they were real: each goes to the list
  ``endpoint_autoscale_masked_webhook_uris`` of the host, and the webhook refers to it by template. While the value is
  the masked one the modules keep the existing webhook's real URI (they map a masked URI back to the URI it stands for,
  and refuse one that matches no existing webhook); put the real URI there (from a vault) to recreate the webhook
  elsewhere.
"""

from __future__ import annotations

import copy
import json
import re
import textwrap

import yaml

from ansible_collections.mlops.autoscale.plugins.module_utils import _vocabulary as vocabulary
from ansible_collections.mlops.autoscale.plugins.module_utils._model import REDACTED, is_default_profile, policy_from_setting, present_fields
from ansible_collections.mlops.autoscale.plugins.plugin_utils._inventory import (
    VAR_PREFIX, assign_host_names, default_groups, target_vars,
)

MASKED_WEBHOOKS_VAR = VAR_PREFIX + "masked_webhook_uris"

#: The fields of a notification block, in the vocabulary's order.
NOTIFICATION_KEYS = tuple(vocabulary.NOTIFICATIONS)
EMPTY_NOTIFICATIONS = {name: field["default"] for name, field in vocabulary.NOTIFICATIONS.items()}

HEADER = "# Exported by mlops.autoscale playbooks/export_policies.yml from the live autoscale settings.\n"


def plain(value):
    """Plain dicts, lists, str, numbers (Ansible's tagged or unsafe values become their plain counterparts)."""
    return json.loads(json.dumps(value))


def role_notifications(block):
    """``(notifications, masked URIs)``: the block in the role's vocabulary, masked webhook URIs moved to a variable."""
    if not block:
        return copy.deepcopy(EMPTY_NOTIFICATIONS), []
    result = present_fields(block, NOTIFICATION_KEYS)
    for key, empty in EMPTY_NOTIFICATIONS.items():
        result.setdefault(key, copy.deepcopy(empty))
    masked = []
    webhooks = []
    for webhook in result["webhooks"]:
        uri = webhook.get("service_uri") or ""
        item = {"service_uri": uri, "properties": dict(webhook.get("properties") or {})}
        if REDACTED in uri:
            item["service_uri"] = "{{{{ {0}[{1}] }}}}".format(MASKED_WEBHOOKS_VAR, len(masked))
            masked.append(uri)
        webhooks.append(item)
    result["webhooks"] = webhooks
    return result, masked


def setting_to_role_vars(setting):
    """``(variables, notes)``: one autoscale_info setting as the role endpoint_autoscale's host variables.

    ``notes`` are remarks for the reader of the exported file. Raises ValueError when the setting cannot be expressed
    in the role's vocabulary (its target is not an online deployment).
    """
    if setting.get("error"):
        raise ValueError(setting["error"])
    target = setting.get("target")
    if not target:
        raise ValueError("autoscale setting {0!r} does not target an Azure ML online deployment ({1})".format(
            setting.get("name"), setting.get("target_id")))
    profiles = setting.get("profiles") or []
    defaults = [profile for profile in profiles if is_default_profile(profile)]
    notes = []
    setting_group = setting.get("resource_group")
    if setting_group and setting_group.lower() != target["resource_group"].lower():
        raise ValueError("autoscale setting {0!r} is in resource group {1!r}, not in its workspace's resource group {2!r}, where "
                         "the role looks for it".format(setting.get("name"), setting_group, target["resource_group"]))
    default = defaults[0] if defaults else None
    if len(defaults) > 1:
        notes.append("The setting has {0} default profiles; {1!r} is the default profile here, the others are listed in "
                     "endpoint_autoscale_profiles.".format(len(defaults), default["name"]))
    if default is None:
        notes.append("The setting has no default profile (a profile without recurrence or fixed_date): its profiles are all "
                     "in endpoint_autoscale_profiles, and endpoint_autoscale_capacity is null.")
    variables = target_vars(target)
    variables.update({VAR_PREFIX + "setting_name": setting["name"], VAR_PREFIX + "enabled": bool(setting.get("enabled"))})
    variables.update({VAR_PREFIX + key: value for key, value in policy_from_setting(setting).items()})
    notifications, masked = role_notifications(setting.get("notifications"))
    if masked:
        variables[MASKED_WEBHOOKS_VAR] = masked
        notes.append("Webhook URIs carry secrets and Azure returns them masked ({0}); {1} holds them. While a value is the "
                     "masked one, the modules keep the existing webhook's real URI; to recreate the webhook elsewhere, set "
                     "it to the real URI (from a vault).".format(REDACTED, MASKED_WEBHOOKS_VAR))
    variables[VAR_PREFIX + "notifications"] = notifications
    variables[VAR_PREFIX + "tags"] = dict(setting.get("tags") or {})
    if (setting.get("predictive_policy") or {}).get("scale_mode") not in (None, "Disabled"):
        notes.append("The setting has a predictive autoscale policy ({0}); the role does not manage it and the modules keep "
                     "it.".format(", ".join("{0}={1}".format(key, value) for key, value in sorted(setting["predictive_policy"].items()))))
    return variables, notes


def _in_scope(setting, workspace, resource_group):
    target = setting.get("target") or {}
    if workspace and (target.get("workspace") or "").lower() != workspace.lower():
        return False
    if resource_group and (target.get("resource_group") or "").lower() != resource_group.lower():
        return False
    return True


def convert_settings(settings, workspace=None, resource_group=None):
    """``(hosts, skipped)``: ``hosts`` is ``[(host name, variables, notes)]`` sorted by name, ``skipped`` ``[{setting, reason}]``."""
    converted = []
    skipped = []
    for setting in plain(settings or []):
        if not _in_scope(setting, workspace, resource_group):
            continue
        if setting.get("orphaned"):
            skipped.append({"setting": setting.get("id") or setting.get("name"),
                            "reason": "orphaned: its target deployment {0} no longer exists (playbooks/prune_orphans.yml "
                                      "deletes such settings)".format(setting.get("target_id"))})
            continue
        try:
            variables, notes = setting_to_role_vars(setting)
        except ValueError as error:
            skipped.append({"setting": setting.get("id") or setting.get("name"), "reason": str(error)})
            continue
        converted.append((setting["target"], variables, notes))
    hosts = []
    by_target = {id(target): (variables, notes) for target, variables, notes in converted}
    for name, target in assign_host_names([target for target, _variables, _notes in converted]):
        variables, notes = by_target[id(target)]
        hosts.append((name, variables, notes))
    return hosts, skipped


class _Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
    """Block style, lists indented under their key, null written as nothing."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_none(dumper, _value):
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_CLOCK_LIKE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def _represent_str(dumper, value):
    # Times of day are quoted, so that no YAML 1.1 reader takes them for sexagesimal numbers.
    style = "'" if _CLOCK_LIKE.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(type(None), _represent_none)
_Dumper.add_representer(str, _represent_str)


def to_yaml(data):
    """A YAML document (starting with ``---``) of plain data, keys in the given order."""
    return yaml.dump(plain(data), Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     explicit_start=True, width=120)


def _comment(lines):
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, 116, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False) or [""])
    return "".join("# {0}\n".format(line) if line else "#\n" for line in wrapped)


def host_vars_text(name, variables, notes, header=HEADER):
    """The text of ``host_vars/<name>.yml``."""
    lines = ["Host {0}: the autoscale policy of online deployment {1} of endpoint {2} in workspace {3}.".format(
        name, variables[VAR_PREFIX + "deployment"], variables[VAR_PREFIX + "endpoint"], variables[VAR_PREFIX + "workspace"])]
    lines.extend("NOTE: " + note for note in notes)
    return header + _comment(lines) + to_yaml(variables)


EXPORT_INTRO = ["One host per online deployment that has an autoscale setting (deployments without one are not exported);",
                "its policy is in host_vars/<host>.yml. Apply with: ansible-playbook -i <this directory> playbooks/configure_fleet.yml"]


def hosts_text(hosts, skipped, header=HEADER, intro=None):
    """The text of ``hosts.yml``: every host, and the groups the inventory plugin online_deployments would make."""
    children = {}
    for name, variables, _notes in hosts:
        record = {key: variables[VAR_PREFIX + key] for key in ("workspace", "endpoint")}
        for group in default_groups(record):
            children.setdefault(group, {"hosts": {}})["hosts"][name] = None
    document = {"all": {"hosts": {name: None for name, _variables, _notes in hosts}, "children": children}}
    lines = list(intro or EXPORT_INTRO)
    for item in skipped:
        lines.append("SKIPPED {0}: {1}".format(item["setting"], item["reason"]))
    if not hosts:
        document = {"all": {"hosts": {}}}
    return header + _comment(lines) + to_yaml(document)


GROUP_VARS_ALL = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}


def group_vars_text(header=HEADER):
    """The text of ``group_vars/all.yml``."""
    return header + _comment(["Every host is an Azure deployment managed from the controller."]) + to_yaml(GROUP_VARS_ALL)


def export_inventory(settings, workspace=None, resource_group=None):
    """The export of a list of autoscale_info settings.

    Returns ``{"files": {relative path: text}, "hosts": [host names], "skipped": [{setting, reason}]}``.
    """
    hosts, skipped = convert_settings(settings, workspace, resource_group)
    files = {"hosts.yml": hosts_text(hosts, skipped), "group_vars/all.yml": group_vars_text()}
    for name, variables, notes in hosts:
        files["host_vars/{0}.yml".format(name)] = host_vars_text(name, variables, notes)
    return {"files": files, "hosts": [name for name, _variables, _notes in hosts], "skipped": skipped}
