# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The policy vocabulary (docs/vocabulary.md): wire <-> vocabulary, user input, merges, service limits, secrets.

Pure: plain dicts in and out, stdlib only. Bad input raises ValueError naming the option path and what is allowed.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, iso_duration, parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._timezones import canonical_time_zone
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import (
    CAPACITY, DIMENSION, DIMENSION_OPERATORS, DIRECTIONS, FIXED_DATE, MAX_CAPACITY, MAX_PROFILES, MAX_RULES, MAX_TAG_KEY, MAX_TAG_VALUE,
    MAX_TAGS, MIN_ML_CAPACITY, NOTIFICATIONS, OPERATORS, POLICY, PROFILE, RECURRENCE, ROLE_PREFIX, RULE, SCALE_MODES, SCALE_TYPES,
    STATISTICS, TIME_AGGREGATIONS, WEBHOOK, WEEKDAYS)

ML_DEPLOYMENT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"
ML_ENDPOINT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEPLOYMENT_METRICS = (
    "CpuUtilizationPercentage", "CpuMemoryUtilizationPercentage", "GpuUtilizationPercentage", "GpuMemoryUtilizationPercentage",
    "GpuEnergyJoules", "DiskUtilization", "DeploymentCapacity", "RequestLatency_P50", "RequestLatency_P90", "RequestLatency_P95",
    "RequestLatency_P99", "RequestsPerMinute", "DataCollectionErrorsPerMinute", "DataCollectionEventsPerMinute",
)
ENDPOINT_METRICS = (
    "RequestLatency", "RequestLatency_P50", "RequestLatency_P90", "RequestLatency_P95", "RequestLatency_P99", "RequestsPerMinute",
    "ConnectionsActive", "NetworkBytes", "NewConnectionsPerSecond", "DataCollectionErrorsPerMinute", "DataCollectionEventsPerMinute",
)
# Endpoint metrics with a ``deployment`` dimension (Microsoft Learn, "Supported metrics for
# Microsoft.MachineLearningServices/workspaces/onlineEndpoints"): read without it, they count every deployment's traffic.
ENDPOINT_METRICS_WITH_DEPLOYMENT_DIMENSION = ("RequestLatency", "RequestLatency_P50", "RequestLatency_P90", "RequestLatency_P95",
                                              "RequestLatency_P99", "RequestsPerMinute")
METRICS_BY_RESOURCE_TYPE = {ML_DEPLOYMENT_NAMESPACE.lower(): DEPLOYMENT_METRICS, ML_ENDPOINT_NAMESPACE.lower(): ENDPOINT_METRICS}

OPERATOR_SIGNS = {"GreaterThan": ">", "GreaterThanOrEqual": ">=", "LessThan": "<", "LessThanOrEqual": "<=", "Equals": "==",
                  "NotEquals": "!="}

REDACTED = "VALUE_REDACTED"
SECRET_QUERY_PARAMETERS = frozenset(("sig", "code", "token", "key", "secret", "signature", "apikey"))

DEPLOYMENT_ID = re.compile(
    r"^/subscriptions/(?P<subscription_id>[^/]+)/resourcegroups/(?P<resource_group>[^/]+)/providers/"
    r"microsoft\.machinelearningservices/workspaces/(?P<workspace>[^/]+)/onlineendpoints/(?P<endpoint>[^/]+)/"
    r"deployments/(?P<deployment>[^/]+)/?$", re.IGNORECASE)
RESOURCE_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Unset:
    """Marks an option the task did not set (None may be a value, as for notifications)."""

    def __repr__(self):
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True)
class TargetIds:
    """The ids a rule's metric_resource role resolves to."""

    deployment_id: str
    endpoint_id: str


# ---------------------------------------------------------------- ids

def id_key(resource_id):
    """Azure ids compare case-insensitively, without a trailing slash."""
    return (resource_id or "").rstrip("/").lower()


def parse_online_deployment_id(resource_id):
    """The names in an Azure ML online deployment id, or None when it is not one."""
    match = DEPLOYMENT_ID.match(resource_id) if isinstance(resource_id, str) else None
    return match.groupdict() if match else None


def target_ids_from_deployment_id(resource_id):
    """The deployment id and its endpoint's id."""
    if parse_online_deployment_id(resource_id) is None:
        raise ValueError("target_id: {0!r} is not an Azure ML online deployment id (/subscriptions/<id>/resourceGroups/<rg>/providers/"
                         "Microsoft.MachineLearningServices/workspaces/<ws>/onlineEndpoints/<ep>/deployments/<name>)".format(resource_id))
    deployment_id = resource_id.rstrip("/")
    return TargetIds(deployment_id, deployment_id.rsplit("/", 2)[0])


def _target_ids_or_none(resource_id):
    return target_ids_from_deployment_id(resource_id) if parse_online_deployment_id(resource_id) else None


def resource_group_of(resource_id):
    """The resource group named in an ARM id, or None."""
    match = RESOURCE_GROUP.search(resource_id or "")
    return match.group(1) if match else None


def resource_type_of(resource_id):
    """The ARM resource type of an id (``Namespace/type/subtype``): the standard metric namespace of that resource."""
    parts = (resource_id or "").strip("/").split("/")
    lowered = [part.lower() for part in parts]
    if "providers" not in lowered:
        return None
    index = len(lowered) - 1 - lowered[::-1].index("providers")
    segments = parts[index + 1:]
    if len(segments) < 3:
        return None
    return "/".join([segments[0]] + segments[1::2])


# ---------------------------------------------------------------- scalar checks

def _choice(value, allowed, field):
    for candidate in allowed:
        if isinstance(value, str) and value.lower() == candidate.lower():
            return candidate
    raise ValueError("{0}: {1!r} is not one of {2}".format(field, value, ", ".join(allowed)))


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _integer(value, field, minimum=None, maximum=None):
    number = _as_int(value)
    if number is None:
        raise ValueError("{0}: {1!r} is not an integer".format(field, value))
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = "{0} to {1}".format(minimum, maximum) if maximum is not None else "at least {0}".format(minimum)
        raise ValueError("{0}: {1} is out of range; allowed: {2}".format(field, number, bounds))
    return number


def _number(value, field):
    try:
        number = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        number = float("nan")
    if not math.isfinite(number):
        raise ValueError("{0}: {1!r} is not a number".format(field, value))
    return int(number) if number.is_integer() else number


def _duration(value, default, bounds, field):
    seconds = parse_duration(default if value is None else value, field)
    if not bounds[0] <= seconds <= bounds[1]:
        raise ValueError("{0}: {1} is out of range; allowed: {2} to {3}".format(
            field, format_duration(seconds), format_duration(bounds[0]), format_duration(bounds[1])))
    return format_duration(seconds)


def _required(params, key, field):
    value = params.get(key)
    if value is None or value == "":
        raise ValueError("{0}.{1}: required".format(field, key))
    return value


def _string_map(value, field):
    """A map of strings (numbers are accepted and written as strings, as ARM stores them)."""
    if not isinstance(value, dict):
        raise ValueError("{0}: must be a map of strings".format(field))
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ValueError("{0}.{1}: {2!r} is not a string".format(field, key, item))
        result[str(key)] = str(item)
    return result


def _clock(value, field):
    match = CLOCK.match(str(value).strip()) if value is not None else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError("{0}: {1!r} is not a time of day; use HH:MM from 00:00 to 23:59".format(field, value))
    return "{0:02d}:{1}".format(int(match.group(1)), match.group(2))


def _datetime(value, field):
    """``YYYY-MM-DDTHH:MM:SS``: fractional seconds and a trailing Z or offset are dropped (time_zone governs)."""
    text = value if isinstance(value, str) else str(value or "")
    match = DATETIME.match(text.strip())
    parts = [int(part or 0) for part in match.groups()] if match else None
    if not parts or not (1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 and parts[3] <= 23 and parts[4] <= 59 and parts[5] <= 59):
        raise ValueError("{0}: {1!r} is not a date and time; use YYYY-MM-DDTHH:MM[:SS]".format(field, value))
    return "{0:04d}-{1:02d}-{2:02d}T{3:02d}:{4:02d}:{5:02d}".format(*parts)


def _days(values, field):
    if not isinstance(values, list) or not values:
        raise ValueError("{0}: give one or more of {1}".format(field, ", ".join(WEEKDAYS)))
    chosen = {_choice(day, WEEKDAYS, "{0}[{1}]".format(field, index)) for index, day in enumerate(values)}
    return [day for day in WEEKDAYS if day in chosen]


def _get(mapping, key, default=None):
    """A JSON property as Azure reads it: by name, case-insensitively (the portal's JSON view shows ``Dimensions``)."""
    if not isinstance(mapping, dict):
        return default
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    return next((value for name, value in mapping.items() if name.lower() == lowered), default)


def _drop(mapping, key, keep=None):
    """Remove a JSON property in any letter case (but ``keep``)."""
    for name in [name for name in mapping if name.lower() == key.lower() and name != keep]:
        del mapping[name]


def _set(mapping, key, value):
    """Set a JSON property, dropping spellings of it in another letter case."""
    _drop(mapping, key, keep=key)
    mapping[key] = value


def _as_read(value, allowed):
    """An enum value in Azure's spelling when it is one (Azure reads enums case-insensitively), else as it is."""
    return next((candidate for candidate in allowed if isinstance(value, str) and value.lower() == candidate.lower()), value)


def _time_zone_as_read(value):
    try:
        return canonical_time_zone(value, "timeZone")
    except ValueError:
        return value


# ---------------------------------------------------------------- rules

def _known_metrics(resource_uri):
    return METRICS_BY_RESOURCE_TYPE.get((resource_type_of(resource_uri) or "").lower())


def _canonical_metric_name(name, resource_uri):
    for known in _known_metrics(resource_uri) or ():
        if known.lower() == name.lower():
            return known
    return name


def _canonical_namespace(namespace, resource_uri):
    standard = resource_type_of(resource_uri)
    if not namespace or (standard and namespace.lower() == standard.lower()):
        return None
    return namespace


def metric_resource_role(resource_uri, target):
    if target and id_key(resource_uri) == id_key(target.deployment_id):
        return "deployment"
    if target and id_key(resource_uri) == id_key(target.endpoint_id):
        return "endpoint"
    return resource_uri


def _dimensions(values, field):
    dimensions = []
    for index, item in enumerate(values or []):
        where = "{0}[{1}]".format(field, index)
        listed = item.get("values")
        if not isinstance(listed, list) or not listed:
            raise ValueError("{0}.values: give one or more values".format(where))
        dimensions.append({
            "name": str(_required(item, "name", where)),
            "operator": _choice(item.get("operator") or DIMENSION["operator"]["default"], DIMENSION_OPERATORS, where + ".operator"),
            "values": sorted(str(value) for value in listed),
        })
    return sorted(dimensions, key=lambda dimension: (dimension["name"].lower(), dimension["operator"], dimension["values"]))


def _wire_path(name):
    """(block, key) of a rule field in the ARM body: ``("metricTrigger", "timeGrain")``, from the vocabulary."""
    block, key = RULE[name]["wire"].split(".")
    return block, key


def _leaf(field):
    """The last key of a field's ARM path in the vocabulary (``capacity.minimum`` -> ``minimum``)."""
    return field["wire"].rsplit(".", 1)[-1]


#: The keys of a recurrence's schedule that its start time is written to (RECURRENCE["start"]["wire"] names both).
SCHEDULE_BLOCK, START_HOURS, START_MINUTES = "schedule", "hours", "minutes"


def _duration_from_wire(value, where):
    return format_duration(parse_duration(value, where))


def _dimensions_from_wire(items, where):
    dimensions = [{"name": _get(item, DIMENSION["name"]["wire"]),
                   "operator": _as_read(_get(item, DIMENSION["operator"]["wire"]), DIMENSION_OPERATORS),
                   "values": _get(item, DIMENSION["values"]["wire"])} for item in items or []]
    return _dimensions(dimensions, where)


# How a rule field's ARM value becomes the vocabulary's (a field not named here is read as Azure has it, its choices
# in Azure's spelling); ``where`` is the field's path in the ARM body.
_FROM_WIRE = {
    "statistic": lambda value, where: _as_read(value, STATISTICS),
    "time_grain": _duration_from_wire,
    "time_window": _duration_from_wire,
    "time_aggregation": lambda value, where: _as_read(value, TIME_AGGREGATIONS),
    "operator": lambda value, where: _as_read(value, OPERATORS),
    "threshold": _number,
    "dimensions": _dimensions_from_wire,
    "divide_per_instance": lambda value, where: bool(value),
    "direction": lambda value, where: _as_read(value, DIRECTIONS),
    "type": lambda value, where: _as_read(value, SCALE_TYPES),
    "value": lambda value, where: _integer(RULE["value"]["default"] if value is None else value, where),  # the spec's default
    "cooldown": _duration_from_wire,
}


def _rule_from_wire(raw, target, field):
    blocks = {"metricTrigger": _get(raw, "metricTrigger") or {}, "scaleAction": _get(raw, "scaleAction") or {}}
    uri = _get(blocks["metricTrigger"], _wire_path("metric_resource")[1]) or ""
    rule = {}
    for name in RULE:
        block, key = _wire_path(name)
        value = _get(blocks[block], key)
        rule[name] = _FROM_WIRE[name](value, "{0}.{1}.{2}".format(field, block, key)) if name in _FROM_WIRE else value
    rule.update({
        "metric_name": _canonical_metric_name(rule["metric_name"] or "", uri),
        "metric_resource": metric_resource_role(uri, target),
        "metric_resource_uri": uri,
        "metric_namespace": _canonical_namespace(rule["metric_namespace"], uri),
    })
    return rule


def _resolve_metric_resource(resource, metric_name, target, field):
    if resource is None:
        lowered = metric_name.lower()
        in_deployment = any(lowered == name.lower() for name in DEPLOYMENT_METRICS)
        in_endpoint = any(lowered == name.lower() for name in ENDPOINT_METRICS)
        resource = "endpoint" if in_endpoint and not in_deployment else "deployment"
    if resource in ("deployment", "endpoint"):
        return target.deployment_id if resource == "deployment" else target.endpoint_id
    if isinstance(resource, str) and resource.lower().startswith("/subscriptions/") and resource_type_of(resource):
        return resource.rstrip("/")
    raise ValueError("{0}.metric_resource: {1!r} is neither deployment, endpoint nor a resource id (/subscriptions/...)".format(field, resource))


def build_rule(params, target, field, partial=False):
    """A vocabulary rule from module options (None = the vocabulary's default).

    ``partial`` (a rule to remove) lets operator and threshold be None: they then only narrow the match.
    """
    metric_name = str(_required(params, "metric_name", field))
    uri = _resolve_metric_resource(params.get("metric_resource"), metric_name, target, field)
    known = _known_metrics(uri)
    if known is not None and metric_name.lower() not in [name.lower() for name in known]:
        raise ValueError("{0}.metric_name: {1!r} is not a metric of {2} ({3}); allowed: {4}".format(
            field, metric_name, metric_resource_role(uri, target), resource_type_of(uri), ", ".join(known)))
    scale_type = _rule_choice(params, "type", field)
    low, high = RULE["value"]["range"]
    return {
        "metric_name": _canonical_metric_name(metric_name, uri),
        "metric_resource": metric_resource_role(uri, target),
        "metric_resource_uri": uri,
        "metric_namespace": _canonical_namespace(params.get("metric_namespace"), uri),
        "statistic": _rule_choice(params, "statistic", field),
        "time_grain": _rule_duration(params, "time_grain", field),
        "time_window": _rule_duration(params, "time_window", field),
        "time_aggregation": _rule_choice(params, "time_aggregation", field),
        "operator": None if partial and params.get("operator") is None else _rule_choice(params, "operator", field),
        "threshold": None if partial and params.get("threshold") is None else _number(_required(params, "threshold", field), field + ".threshold"),
        "dimensions": _dimensions(params.get("dimensions"), field + ".dimensions"),
        "divide_per_instance": bool(_rule_value(params, "divide_per_instance")),
        "direction": _rule_choice(params, "direction", field),
        "type": scale_type,
        "value": _integer(_rule_value(params, "value"), field + ".value", low, MAX_CAPACITY if scale_type == "ExactCount" else high),
        "cooldown": _rule_duration(params, "cooldown", field),
    }


def _rule_value(params, key):
    """The option's value, else the vocabulary's default (None when it has none)."""
    value = params.get(key)
    return RULE[key].get("default") if value is None else value


def _rule_choice(params, key, field):
    """One of the vocabulary's choices for a rule field; required when the vocabulary has no default."""
    value = _rule_value(params, key)
    if value is None:
        value = _required(params, key, field)
    return _choice(value, RULE[key]["choices"], field + "." + key)


def _rule_duration(params, key, field):
    """A rule duration in canonical form, within the vocabulary's range."""
    return _duration(params.get(key), RULE[key]["default"], RULE[key]["range"], field + "." + key)


def rule_identity(rule):
    """What names an Azure rule: metric name, metric resource, namespace, dimensions and direction."""
    return (rule["metric_name"].lower(), id_key(rule["metric_resource_uri"]), (rule["metric_namespace"] or "").lower(),
            tuple((item["name"].lower(), item["operator"], tuple(item["values"])) for item in rule["dimensions"]), rule["direction"])


def rule_key(rule):
    """Everything that makes two vocabulary rules the same rule (durations are canonical strings)."""
    return rule_identity(rule) + (rule["statistic"], rule["time_grain"], rule["time_window"], rule["time_aggregation"],
                                  rule["operator"], float(rule["threshold"]), rule["divide_per_instance"], rule["type"],
                                  rule["value"], rule["cooldown"])


def describe_rule(rule):
    """One line naming a rule, for messages."""
    return "{0} {1} {2} -> {3} {4} {5} (cooldown {6}, metric resource {7})".format(
        rule["metric_name"], rule["operator"], rule["threshold"], rule["direction"], rule["type"], rule["value"],
        rule["cooldown"], rule["metric_resource"])


# ---------------------------------------------------------------- profiles

def default_setting_name(endpoint, deployment):
    """The name of a setting this collection creates for a deployment: ``autoscale-<endpoint>-<deployment>``."""
    return "autoscale-{0}-{1}".format(endpoint, deployment)


def end_profile_name(default_name, recurring_name):
    """The JSON name the portal and the CLI give an end profile."""
    return json.dumps({"name": default_name, "for": recurring_name}, separators=(",", ":"))


def parse_end_profile_name(name):
    """``(default profile name, recurring profile name)`` of an end profile's JSON name, else None."""
    try:
        parsed = json.loads(name)
    except (TypeError, ValueError):
        return None
    if isinstance(parsed, dict) and isinstance(parsed.get("for"), str):
        return parsed.get("name"), parsed["for"]
    return None


def display_name(name):
    """A profile's name as a person reads it: an end profile's JSON name becomes ``<default> after <profile it ends>``."""
    names = parse_end_profile_name(name)
    if names is None:
        return name
    return "{0} after {1}".format(*names) if names[0] else "after {0}".format(names[1])


def is_default_profile(profile):
    """A profile with neither recurrence nor fixed date."""
    return not profile.get("recurrence") and not profile.get("fixed_date")


def _check_capacity(capacity, field, floor):
    minimum = _integer(capacity.get("minimum"), field + ".minimum", floor, MAX_CAPACITY)
    maximum = _integer(capacity.get("maximum"), field + ".maximum", floor, MAX_CAPACITY)
    default = _integer(minimum if capacity.get("default") is None else capacity["default"], field + ".default", floor, MAX_CAPACITY)
    if not minimum <= default <= maximum:
        raise ValueError("{0}: need minimum <= default <= maximum, got minimum {1}, default {2}, maximum {3}".format(
            field, minimum, default, maximum))
    return {"minimum": minimum, "maximum": maximum, "default": default}


def _check_fixed_date(fixed, field):
    if fixed["end"] < fixed["start"]:
        raise ValueError("{0}.end: {1} must not be earlier than start {2}".format(field, fixed["end"], fixed["start"]))
    return fixed


def build_profile(params, target, field):
    """A vocabulary profile from module options; ``rules: None`` means the task leaves the rules alone."""
    name = str(_required(params, "name", field))
    if params.get("capacity") is None:
        raise ValueError("{0}.capacity: required (minimum, maximum, default)".format(field))
    recurrence, fixed_date = params.get("recurrence"), params.get("fixed_date")
    if recurrence and fixed_date:
        raise ValueError("{0}: recurrence and fixed_date are mutually exclusive".format(field))
    profile = {"name": name, "capacity": _check_capacity(params["capacity"], field + ".capacity", MIN_ML_CAPACITY)}
    if recurrence:
        where = field + ".recurrence"
        profile["recurrence"] = {
            "days": _days(recurrence.get("days"), where + ".days"),
            "time_zone": canonical_time_zone(_required(recurrence, "time_zone", where), where + ".time_zone"),
            "start": _clock(recurrence.get("start") or RECURRENCE["start"]["default"], where + ".start"),
        }
        if recurrence.get("end") is not None:
            profile["recurrence"]["end"] = _clock(recurrence["end"], where + ".end")
            if profile["recurrence"]["end"] == profile["recurrence"]["start"]:
                raise ValueError("{0}.end: must differ from start {1}".format(where, profile["recurrence"]["start"]))
    if fixed_date:
        where = field + ".fixed_date"
        profile["fixed_date"] = _check_fixed_date({
            "time_zone": canonical_time_zone(fixed_date.get("time_zone") or FIXED_DATE["time_zone"]["default"], where + ".time_zone"),
            "start": _datetime(_required(fixed_date, "start", where), where + ".start"),
            "end": _datetime(_required(fixed_date, "end", where), where + ".end"),
        }, where)
    rules = params.get("rules")
    if rules is not None and len(rules) > MAX_RULES:
        raise ValueError("{0}.rules: {1} rules exceed Azure's limit of {2} per profile".format(field, len(rules), MAX_RULES))
    profile["rules"] = None if rules is None else [
        build_rule(rule, target, "{0}.rules[{1}]".format(field, index)) for index, rule in enumerate(rules)]
    return profile


def policy_profiles(policy, purge_rules=True, root="policy"):
    """[(option path, profile as autoscale_state's O(profiles) takes it)] of a policy in the role's vocabulary.

    The default profile (none when ``capacity`` is None) comes first, then ``profiles``; ``rule_defaults`` go under
    every rule's own fields. A scheduled profile without ``rules`` gets none when ``purge_rules``, and otherwise keeps
    the rules it has (``rules`` left out). Option paths start with ``root``.
    """
    defaults = _policy_value(policy, "rule_defaults") or {}
    if not isinstance(defaults, dict):
        raise ValueError("{0}.rule_defaults: must be a dict of rule fields".format(root))

    def merged(rules, field):
        if not isinstance(rules, list):
            raise ValueError("{0}: must be a list of rules".format(field))
        # Unset fields are None once Ansible has checked the options: they leave the defaults in place.
        return [dict(defaults, **{key: value for key, value in rule.items() if value is not None}) if isinstance(rule, dict) else rule
                for rule in rules]

    profiles = []
    if policy.get("capacity") is not None:
        profiles.append((root, {"name": _policy_value(policy, "default_profile_name"), "capacity": policy["capacity"],
                                "rules": merged(_policy_value(policy, "rules"), root + ".rules")}))
    for index, given in enumerate(_policy_value(policy, "profiles")):
        if not isinstance(given, dict):
            raise ValueError("{0}.profiles[{1}]: must be a dict".format(root, index))
        profile = {key: value for key, value in given.items() if key != "rules"}
        where = "{0}.profiles[{1}]".format(root, index)
        if given.get("rules") is not None or purge_rules:
            profile["rules"] = merged(given.get("rules") or [], where + ".rules")
        profiles.append((where, profile))
    return profiles


def setting_from_policy(proposed, target_ids, name, root="proposed"):
    """The canonical setting of a whole policy in the role's vocabulary (its variable names accepted as well); ValueError
    names the path under ``root``."""
    given = {}
    for key, value in proposed.items():
        short = key[len(ROLE_PREFIX):] if key.startswith(ROLE_PREFIX) else key
        if short not in POLICY:
            raise ValueError("{0}.{1}: unknown; allowed: {2}".format(root, key, ", ".join(POLICY)))
        given[short] = value
    capacity = given.get("capacity")
    if capacity is None and not given.get("profiles"):
        raise ValueError("{0}.capacity: required (minimum, maximum, default), unless profiles holds the whole policy".format(root))
    if capacity is not None and not isinstance(capacity, dict):
        raise ValueError("{0}.capacity: must be a dict (minimum, maximum, default)".format(root))
    profiles = [build_profile(profile, target_ids, field) for field, profile in policy_profiles(given, root=root)]
    setting = new_setting(name, None, target_ids.deployment_id)
    setting["profiles"] = fold_end_profiles(profiles)
    try:
        validate_setting(setting)
    except ValueError as error:
        raise ValueError("{0}.{1}".format(root, error)) from error
    return setting


def present_fields(mapping, keys):
    """The ``keys`` of ``mapping`` that are set (not None), copied."""
    return {key: copy.deepcopy(mapping[key]) for key in keys if mapping.get(key) is not None}


def role_rule(rule):
    """A rule as the role takes it: output-only keys and unset (null) fields dropped."""
    return present_fields(rule, RULE)


def role_profile(profile):
    """A scheduled (or additional default) profile as the role's ``endpoint_autoscale_profiles`` takes it."""
    result = {"name": profile["name"], "capacity": present_fields(profile["capacity"], CAPACITY)}
    if profile.get("recurrence"):
        result["recurrence"] = present_fields(profile["recurrence"], RECURRENCE)
    if profile.get("fixed_date"):
        result["fixed_date"] = present_fields(profile["fixed_date"], FIXED_DATE)
    result["rules"] = [role_rule(rule) for rule in profile.get("rules") or []]
    return result


def policy_from_setting(setting):
    """The inverse of setting_from_policy: a setting's profiles as a policy in the role's vocabulary (the first default
    profile is the default one; a setting without one has ``capacity`` None)."""
    profiles = setting.get("profiles") or []
    default = next((profile for profile in profiles if is_default_profile(profile)), None)
    return {
        "default_profile_name": default["name"] if default else "default",
        "capacity": present_fields(default["capacity"], CAPACITY) if default else None,
        "rules": [role_rule(rule) for rule in default.get("rules") or []] if default else [],
        "profiles": [role_profile(profile) for profile in profiles if profile is not default],
    }


def _policy_value(policy, key):
    value = policy.get(key)
    return copy.deepcopy(POLICY[key].get("default")) if value is None else value


def _profile_from_wire(raw, target, field):
    capacity = _get(raw, PROFILE["capacity"]["wire"]) or {}
    limits = {key: _integer(_get(capacity, _leaf(CAPACITY[key])), "{0}.capacity.{1}".format(field, key)) for key in CAPACITY}
    profile = {"name": _get(raw, "name"), "capacity": limits}
    fixed, recurrence = _get(raw, PROFILE["fixed_date"]["wire"]), _get(raw, PROFILE["recurrence"]["wire"])
    if fixed:
        profile["fixed_date"] = {
            "time_zone": _time_zone_as_read(_get(fixed, _leaf(FIXED_DATE["time_zone"])) or FIXED_DATE["time_zone"]["default"]),
            "start": _datetime(_get(fixed, _leaf(FIXED_DATE["start"])), field + "." + FIXED_DATE["start"]["wire"]),
            "end": _datetime(_get(fixed, _leaf(FIXED_DATE["end"])), field + "." + FIXED_DATE["end"]["wire"])}
    elif recurrence:
        schedule = _get(recurrence, SCHEDULE_BLOCK) or {}
        hours, minutes = _get(schedule, START_HOURS) or [0], _get(schedule, START_MINUTES) or [0]
        profile["recurrence"] = {"days": _days(_get(schedule, _leaf(RECURRENCE["days"])), field + "." + RECURRENCE["days"]["wire"]),
                                 "time_zone": _time_zone_as_read(_get(schedule, _leaf(RECURRENCE["time_zone"]))),
                                 "start": "{0:02d}:{1:02d}".format(int(hours[0]), int(minutes[0]))}
    profile["rules"] = [_rule_from_wire(rule, target, "{0}.rules[{1}]".format(field, index))
                        for index, rule in enumerate(_get(raw, PROFILE["rules"]["wire"]) or [])]
    return profile


def end_profile_for(recurring, default, name=None):
    """The end profile the portal and the CLI write for a recurring profile with an end: a copy of the default
    profile, recurring on the same days from the end time (named ``name``, or the portal's JSON name)."""
    recurrence = recurring["recurrence"]
    return {"name": name or end_profile_name(default["name"], recurring["name"]), "capacity": dict(default["capacity"]),
            "recurrence": {"days": list(recurrence["days"]), "time_zone": recurrence["time_zone"], "start": recurrence["end"]},
            "rules": copy.deepcopy(default["rules"])}


def same_rules(first, second):
    """Whether two rule lists hold the same rules (order does not matter to Azure)."""
    return Counter(map(rule_key, first)) == Counter(map(rule_key, second))


def schedule_key(schedule):
    if not schedule:
        return None
    return dict(schedule, time_zone=(schedule.get("time_zone") or "").lower(), days=sorted(schedule.get("days") or []))


def same_profile_content(first, second):
    """Capacity, schedule and rules equal (names aside; a recurrence's vocabulary-only ``end`` aside)."""
    def schedule(profile, key):
        value = dict(profile.get(key) or {})
        value.pop("end", None)
        return schedule_key(value)
    return (first["capacity"] == second["capacity"] and all(schedule(first, key) == schedule(second, key) for key in ("recurrence", "fixed_date"))
            and same_rules(first["rules"], second["rules"]))


def end_profiles_of(profiles):
    """{recurring profile name: [its end profiles]}: profiles whose name is the JSON name of an end profile."""
    ends = {}
    for profile in profiles:
        names = parse_end_profile_name(profile["name"])
        if names and profile.get("recurrence"):
            ends.setdefault(names[1], []).append(profile)
    return ends


def _foldable_end(end, owner, by_name):
    default = by_name.get(parse_end_profile_name(end["name"])[0])
    if (default is None or not is_default_profile(default) or not owner.get("recurrence") or owner["recurrence"].get("end")
            or parse_end_profile_name(owner["name"]) or end["recurrence"]["start"] == owner["recurrence"]["start"]):
        return False
    expected = end_profile_for(dict(owner, recurrence=dict(owner["recurrence"], end=end["recurrence"]["start"])), default)
    return same_profile_content(end, expected)


def fold_end_profiles(profiles):
    """``profiles`` with each end profile folded into ``recurrence.end`` of the profile it ends, where that loses nothing.

    An end profile folds when it is the only one of an existing recurring profile, recurs on the same days in the same
    time zone, and is a copy of the default profile its JSON name names. Any other (one the Azure CLI left behind when
    rules were added to the default profile later, one of a setting without a default profile) stays a profile of its
    own, as Azure has it.
    """
    by_name = {profile["name"]: profile for profile in profiles}
    ends = {}
    for owner_name, candidates in end_profiles_of(profiles).items():
        owner = by_name.get(owner_name)
        if len(candidates) == 1 and owner is not None and _foldable_end(candidates[0], owner, by_name):
            ends[owner_name] = candidates[0]
    folded = {id(end) for end in ends.values()}
    result = []
    for profile in profiles:
        if id(profile) in folded:
            continue
        if profile["name"] in ends:
            profile = dict(profile, recurrence=dict(profile["recurrence"], end=ends[profile["name"]]["recurrence"]["start"]))
        result.append(profile)
    return result


def find_profile(setting, name):
    """The profile called ``name``; None names the default profile. The error lists the existing profiles."""
    profiles = setting["profiles"]
    existing = ", ".join(repr(profile["name"]) for profile in profiles) or "none"
    if name is None:
        defaults = [profile for profile in profiles if is_default_profile(profile)]
        if len(defaults) == 1:
            return defaults[0]
        problem = "has no default profile (one without recurrence or fixed_date)" if not defaults else "has several default profiles"
        raise ValueError("profile_name: autoscale setting {0!r} {1}; name the profile; existing profiles: {2}".format(setting["name"], problem, existing))
    for profile in profiles:
        if profile["name"] == name:
            return profile
    raise ValueError("profile_name: autoscale setting {0!r} has no profile {1!r}; existing profiles: {2}".format(setting["name"], name, existing))


# ---------------------------------------------------------------- notifications

def _is_empty_notification(block):
    return not (block["send_to_subscription_administrator"] or block["send_to_subscription_co_administrators"]
                or block["custom_emails"] or block["webhooks"])


#: The notification fields written in its ``email`` block (the block named by their wire paths, ``email.customEmails``).
EMAIL_FIELDS = ("send_to_subscription_administrator", "send_to_subscription_co_administrators", "custom_emails")
EMAIL_BLOCK = NOTIFICATIONS["custom_emails"]["wire"].partition(".")[0]


def _notification(admin, co_admins, emails, webhooks):
    block = {"send_to_subscription_administrator": bool(admin), "send_to_subscription_co_administrators": bool(co_admins),
             "custom_emails": sorted(set(emails), key=lambda email: (email.lower(), email)), "webhooks": webhooks}
    return None if _is_empty_notification(block) else block


def build_notifications(params, field):
    """The vocabulary notification block from module options; None or an empty block means no notification."""
    if params is None:
        return None
    emails = []
    for index, email in enumerate(params.get("custom_emails") or []):
        if not isinstance(email, str) or not EMAIL.match(email.strip()):
            raise ValueError("{0}.custom_emails[{1}]: {2!r} is not an e-mail address".format(field, index, email))
        emails.append(email.strip())
    webhooks = []
    for index, webhook in enumerate(params.get("webhooks") or []):
        where = "{0}.webhooks[{1}]".format(field, index)
        uri = str(_required(webhook, "service_uri", where)).strip()
        if not re.match(r"^https?://[^/?#\s]+", uri, re.IGNORECASE):
            raise ValueError("{0}.service_uri: {1!r} is not an https:// (or http://) URL".format(where, mask_uri(uri)))
        webhooks.append({"service_uri": uri, "properties": _string_map(webhook.get("properties") or {}, where + ".properties")})
    return _notification(params.get("send_to_subscription_administrator"), params.get("send_to_subscription_co_administrators"), emails, webhooks)


def _notifications_from_wire(raw_notifications):
    """The first notification as vocabulary (the portal and the CLI write exactly one)."""
    if not raw_notifications:
        return None
    first = raw_notifications[0]
    email = _get(first, EMAIL_BLOCK) or {}
    webhooks = [{key: _get(item, WEBHOOK[key]["wire"]) for key in WEBHOOK} for item in _get(first, NOTIFICATIONS["webhooks"]["wire"]) or []]
    for webhook in webhooks:
        webhook["properties"] = dict(webhook["properties"] or {})
    return _notification(*[_get(email, _leaf(NOTIFICATIONS[key])) for key in EMAIL_FIELDS[:2]],
                         _get(email, _leaf(NOTIFICATIONS["custom_emails"])) or [], webhooks)


def notification_key(block):
    """What makes two notification blocks the same (e-mails case-insensitive, webhooks as a multiset); None for none."""
    if block is None:
        return None
    webhooks = Counter((webhook["service_uri"], tuple(sorted(webhook["properties"].items()))) for webhook in block["webhooks"])
    return (block["send_to_subscription_administrator"], block["send_to_subscription_co_administrators"],
            sorted(email.lower() for email in block["custom_emails"]), webhooks)


def mask_uri(uri):
    """A webhook URI with signature-like query values and any userinfo password replaced by VALUE_REDACTED (also when
    the URI is malformed, as in the message that refuses it)."""
    if not uri:
        return uri
    match = re.match(r"^(?P<head>[a-z][a-z0-9+.-]*://)(?P<netloc>[^/?#]*)(?P<rest>.*)$", uri or "", re.IGNORECASE | re.DOTALL)
    head, netloc, rest = (match.group("head"), match.group("netloc"), match.group("rest")) if match else ("", "", uri)
    netloc = re.sub(r"^([^:@]*):[^@]*@", r"\1:" + REDACTED + "@", netloc)
    path, query_mark, query = rest.partition("?")
    if query_mark:
        query, hash_mark, fragment = query.partition("#")
        pairs = []
        for pair in query.split("&"):
            name, equals, _value = pair.partition("=")
            pairs.append(name + "=" + REDACTED if equals and name.lower() in SECRET_QUERY_PARAMETERS else pair)
        rest = path + "?" + "&".join(pairs) + hash_mark + fragment
    return head + netloc + rest


def _real_uri(uri, known_uris, field):
    """The real URI a masked one stands for, taken from ``known_uris``; masked values are never written back."""
    if REDACTED not in uri:
        return uri
    for known in known_uris:
        if mask_uri(known) == uri:
            return known
    raise ValueError("{0}.service_uri: {1!r} holds a masked value that matches no existing webhook; give the real URI".format(field, uri))


def _unmask_notifications(block, known_uris):
    if block is None:
        return None
    result = copy.deepcopy(block)
    for index, webhook in enumerate(result["webhooks"]):
        webhook["service_uri"] = _real_uri(webhook["service_uri"], known_uris, "notifications.webhooks[{0}]".format(index))
    return result


def _webhook_uris(block):
    return [webhook["service_uri"] for webhook in (block or {}).get("webhooks", [])]


# ---------------------------------------------------------------- settings

def _setting(resource_id, name, resource_group, location, target_id):
    setting = {"id": resource_id, "name": name, "resource_group": resource_group, "location": location, "target_id": target_id}
    target = parse_online_deployment_id(target_id)
    if target:
        setting["target"] = target
    setting.update({"enabled": True, "tags": {}, "notifications": None, "predictive_policy": None, "profiles": []})
    return setting


def new_setting(name, location, target_id, resource_group=None):
    """The skeleton of a setting to create (``id`` None; ``resource_group`` defaults to the target's)."""
    target = parse_online_deployment_id(target_id) or {}
    return _setting(None, name, resource_group or target.get("resource_group"), location, target_id)


def _predictive_from_wire(policy):
    if not policy:
        return None
    look_ahead = _get(policy, "scaleLookAheadTime")
    return {"scale_mode": _as_read(_get(policy, "scaleMode"), SCALE_MODES),
            "scale_look_ahead_time": format_duration(parse_duration(look_ahead, "predictiveAutoscalePolicy.scaleLookAheadTime")) if look_ahead else None}


def normalise_setting(raw):
    """The vocabulary form of a setting in ARM wire format (None stays None).

    A body this vocabulary cannot express raises ValueError naming the setting and the field.
    """
    if raw is None:
        return None
    try:
        return _normalised(raw)
    except ValueError as error:
        raise ValueError("autoscale setting {0!r} cannot be read: {1}".format(raw.get("name") or raw.get("id"), error)) from error


def _normalised(raw):
    properties = _get(raw, "properties") or {}
    target_id = _get(properties, "targetResourceUri") or ""
    setting = _setting(raw.get("id"), raw.get("name") or _get(properties, "name"), resource_group_of(raw.get("id")),
                       raw.get("location"), target_id)
    target = _target_ids_or_none(target_id)
    setting.update({
        "enabled": bool(_get(properties, "enabled", False)),  # false when absent: the 2022-10-01 spec's default
        "tags": dict(raw.get("tags") or {}),
        "notifications": _notifications_from_wire(_get(properties, "notifications")),
        "predictive_policy": _predictive_from_wire(_get(properties, "predictiveAutoscalePolicy")),
        "profiles": fold_end_profiles([_profile_from_wire(profile, target, "profiles[{0}]".format(index))
                                       for index, profile in enumerate(_get(properties, "profiles") or [])]),
    })
    return setting


_fresh = copy.deepcopy


def profile_label(profile):
    """The path of a profile in messages and diffs: ``profiles.<display name>``."""
    return "profiles.{0}".format(display_name(profile["name"]))


def validate_setting(setting):
    """Service limits over a whole vocabulary setting; raises ValueError naming the path."""
    profiles = setting["profiles"]
    if not profiles:
        raise ValueError("profiles: autoscale setting {0!r} needs at least one profile".format(setting["name"]))
    total = len(profiles) + sum(1 for profile in profiles if (profile.get("recurrence") or {}).get("end"))
    if total > MAX_PROFILES:
        raise ValueError("profiles: {0} profiles (counting the end profile each recurrence.end adds) exceed Azure's limit of {1}".format(total, MAX_PROFILES))
    names = [profile["name"] for profile in profiles]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError("profiles: profile names must be unique; repeated: {0}".format(", ".join(duplicates)))
    has_default = any(is_default_profile(profile) for profile in profiles)
    ends = end_profiles_of(profiles)
    floor = MIN_ML_CAPACITY if setting.get("target") else 0
    for profile in profiles:
        where = profile_label(profile)
        capacity = _check_capacity(profile["capacity"], where + ".capacity", floor)
        if len(profile["rules"]) > MAX_RULES:
            raise ValueError("{0}.rules: {1} rules exceed Azure's limit of {2} per profile".format(where, len(profile["rules"]), MAX_RULES))
        spread = capacity["maximum"] - capacity["minimum"]
        for index, rule in enumerate(profile["rules"]):
            if rule["type"] == "ChangeCount" and spread and rule["value"] > spread:
                raise ValueError("{0}.rules[{1}].value: a ChangeCount of {2} exceeds maximum - minimum = {3} (Azure: InvalidActionValue); "
                                 "allowed: 1 to {3}".format(where, index, rule["value"], spread))
        if profile.get("fixed_date"):
            _check_fixed_date(profile["fixed_date"], where + ".fixed_date")
        if (profile.get("recurrence") or {}).get("end"):
            if not has_default:
                raise ValueError("{0}.recurrence.end: needs a default profile (without recurrence or fixed_date) for the end profile to "
                                 "restore".format(where))
            if profile["name"] in ends:
                raise ValueError("{0}.recurrence.end: profile {1!r} ends it already; give either recurrence.end or that end "
                                 "profile".format(where, ends[profile["name"]][0]["name"]))
    tags = setting.get("tags") or {}
    if len(tags) > MAX_TAGS:
        raise ValueError("tags: {0} tags exceed Azure's limit of {1}".format(len(tags), MAX_TAGS))
    for key, value in tags.items():
        if len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE:
            raise ValueError("tags.{0}: keys may have at most {1} characters and values at most {2}".format(key, MAX_TAG_KEY, MAX_TAG_VALUE))


# ---------------------------------------------------------------- merges

def _merge_rule(rules, rule, where):
    key = rule_key(rule)
    if any(rule_key(existing) == key for existing in rules):
        return list(rules)
    matches = [index for index, existing in enumerate(rules) if rule_identity(existing) == rule_identity(rule)]
    if len(matches) > 1:
        raise ValueError("{0}: {1} existing rules share the identity of {2}: {3}; manage them as a list with autoscale_profile rules".format(
            where, len(matches), describe_rule(rule), "; ".join(describe_rule(rules[index]) for index in matches)))
    merged = list(rules)
    if matches:
        merged[matches[0]] = rule
    elif len(rules) >= MAX_RULES:
        raise ValueError("{0}: adding {1} would exceed Azure's limit of {2} rules per profile".format(where, describe_rule(rule), MAX_RULES))
    else:
        merged.append(rule)
    return merged


def _narrows(existing, rule):
    """Whether ``existing`` has the operator and threshold a (possibly partial) rule to remove gives."""
    return all(rule[key] is None or existing[key] == rule[key] for key in ("operator", "threshold"))


def _remove_rule(rules, rule, where):
    complete = rule["operator"] is not None and rule["threshold"] is not None
    exact = [index for index, existing in enumerate(rules) if complete and rule_key(existing) == rule_key(rule)]
    matches = exact or [index for index, existing in enumerate(rules)
                        if rule_identity(existing) == rule_identity(rule) and _narrows(existing, rule)]
    if len(matches) > 1:
        raise ValueError("{0}: {1} existing rules share the identity of {2}: {3}; give the operator and threshold of the one to remove".format(
            where, len(matches), describe_rule(rule), "; ".join(describe_rule(rules[index]) for index in matches)))
    return [existing for index, existing in enumerate(rules) if not matches or index != matches[0]]


def _merge_profile(existing, wanted, purge_rules, rules_given):
    merged = copy.deepcopy(wanted)
    rules = wanted.get("rules")
    if existing is not None and (not rules_given or rules is None):
        merged["rules"] = copy.deepcopy(existing["rules"])
    elif existing is not None and not purge_rules:
        merged["rules"] = copy.deepcopy(existing["rules"])
        for rule in rules:
            merged["rules"] = _merge_rule(merged["rules"], rule, "{0}.rules".format(profile_label(wanted)))
    else:
        merged["rules"] = list(rules or [])
    return merged


def _require_setting(setting, state):
    if setting is None and state == "present":
        raise ValueError("setting: no autoscale setting exists for this target yet; create it with its profiles first (autoscale_state or autoscale_profile)")
    if state not in ("present", "absent"):
        raise ValueError("state: {0!r} is not one of present, absent".format(state))


def _settled(profiles, declared=()):
    """Profiles after a merge: end profiles a ``recurrence.end`` now stands for are dropped (unless the task declared them:
    then validation names the conflict), and end profiles that are copies again fold."""
    ending = {profile["name"] for profile in profiles if (profile.get("recurrence") or {}).get("end")}
    superseded = {id(end) for name, ends in end_profiles_of(profiles).items() if name in ending for end in ends if end["name"] not in declared}
    return fold_end_profiles([profile for profile in profiles if id(profile) not in superseded])


def apply_rule(setting, profile_name, rule, state):
    """Add, update in place (by rule identity) or remove one rule of a profile (None = the default profile)."""
    _require_setting(setting, state)
    if setting is None:
        return None
    result = _fresh(setting)
    profile = find_profile(result, profile_name)
    where = "{0}.rules".format(profile_label(profile))
    profile["rules"] = (_merge_rule if state == "present" else _remove_rule)(profile["rules"], rule, where)
    result["profiles"] = _settled(result["profiles"])
    validate_setting(result)
    return result


def apply_profile(setting, profile, state, purge_rules=True, rules_given=True):
    """Create, replace or remove one profile by name; rules are kept, merged by identity or replaced."""
    _require_setting(setting, state)
    if setting is None:
        return None
    result = _fresh(setting)
    profiles = result["profiles"]
    index = next((position for position, existing in enumerate(profiles) if existing["name"] == profile["name"]), None)
    if state == "absent":
        if index is None:
            return result
        del profiles[index]
    elif index is None:
        profiles.append(_merge_profile(None, profile, purge_rules, rules_given))
    else:
        profiles[index] = _merge_profile(profiles[index], profile, purge_rules, rules_given)
    result["profiles"] = _settled(profiles, {profile["name"]})
    validate_setting(result)
    return result


def adopt_default_profile_name(existing_profiles, profiles):
    """``profiles`` with its one default profile renamed after the setting's one default profile, when its own name is new.

    Keeps the name the portal, the CLI or Terraform gave the default profile (for example "Auto created scale condition").
    """
    names = {profile["name"] for profile in existing_profiles}
    existing = [profile for profile in existing_profiles if is_default_profile(profile)]
    declared = [index for index, profile in enumerate(profiles) if is_default_profile(profile)]
    if len(existing) != 1 or len(declared) != 1 or profiles[declared[0]]["name"] in names:
        return profiles
    renamed = list(profiles)
    renamed[declared[0]] = dict(profiles[declared[0]], name=existing[0]["name"])
    return renamed


def apply_setting(setting, *, enabled=None, notifications=UNSET, tags=None, purge_tags=True, profiles=None, purge_profiles=True,
                  purge_rules=True, keep_default_profile_name=False):
    """Set whole-setting options (None/UNSET = leave alone). Start a new setting from new_setting()."""
    if setting is None:
        raise ValueError("setting: no autoscale setting to update; start a new one from new_setting()")
    result = _fresh(setting)
    if not result.get("id") and profiles is None:
        raise ValueError("profiles: required to create autoscale setting {0!r}".format(result["name"]))
    if enabled is not None:
        result["enabled"] = bool(enabled)
    if notifications is not UNSET:
        result["notifications"] = _unmask_notifications(notifications, _webhook_uris(result["notifications"]))
    if tags is not None:
        given = _string_map(tags, "tags")
        result["tags"] = given if purge_tags else dict(result["tags"], **given)
    if profiles is not None:
        if keep_default_profile_name:
            profiles = adopt_default_profile_name(result["profiles"], profiles)
        existing = {profile["name"]: profile for profile in result["profiles"]}
        merged = [_merge_profile(existing.get(profile["name"]), profile, purge_rules, profile.get("rules") is not None) for profile in profiles]
        if not purge_profiles:
            by_name = {profile["name"]: profile for profile in merged}
            merged = [by_name.get(profile["name"], profile) for profile in result["profiles"]] + [
                profile for profile in merged if profile["name"] not in existing]
        result["profiles"] = _settled(merged, {profile["name"] for profile in profiles})
    validate_setting(result)
    return result


# ---------------------------------------------------------------- wire
#
# A write sends the whole resource, built on the body read: what the task does not change stays as its producer wrote
# it (field order, letter case, number and date formats, fields this collection does not model), so that a write here
# shows up as no difference in Terraform, Bicep or the portal for the parts it did not touch.

# How a vocabulary rule field becomes its ARM value (a field not named here is written as it is).
_TO_WIRE = {
    "metric_resource": lambda rule: rule["metric_resource_uri"],
    "metric_namespace": lambda rule: rule["metric_namespace"] or resource_type_of(rule["metric_resource_uri"]) or "",
    "time_grain": lambda rule: iso_duration(parse_duration(rule["time_grain"], "time_grain")),
    "time_window": lambda rule: iso_duration(parse_duration(rule["time_window"], "time_window")),
    "dimensions": lambda rule: [{DIMENSION[key]["wire"]: item[key] if key != "values" else list(item[key]) for key in DIMENSION}
                                for item in rule["dimensions"]],
    "value": lambda rule: str(rule["value"]),
    "cooldown": lambda rule: iso_duration(parse_duration(rule["cooldown"], "cooldown")),
}


def _rule_to_wire(rule, raw_rules):
    parsed = [(raw, _rule_from_wire(raw, None, "rule")) for raw in raw_rules]
    same = next((raw for raw, known in parsed if rule_key(known) == rule_key(rule)), None)
    if same is not None:
        return copy.deepcopy(same)
    base = next((raw for raw, known in parsed if rule_identity(known) == rule_identity(rule)), None)
    wire = copy.deepcopy(base) if base else {}
    blocks = {"metricTrigger": _get(wire, "metricTrigger") or {}, "scaleAction": _get(wire, "scaleAction") or {}}
    for name in RULE:
        block, key = _wire_path(name)
        _set(blocks[block], key, _TO_WIRE[name](rule) if name in _TO_WIRE else rule[name])
    for block, value in blocks.items():
        _set(wire, block, value)
    return wire


def _schedule_to_wire(profile, raw, known):
    """(ARM key, value) of a profile's recurrence or fixed date; the one read when it means the same."""
    recurrence_key, fixed_key = PROFILE["recurrence"]["wire"], PROFILE["fixed_date"]["wire"]
    if profile.get("recurrence"):
        recurrence = profile["recurrence"]
        if known and schedule_key(dict(known.get("recurrence") or {})) == schedule_key({k: v for k, v in recurrence.items() if k != "end"}):
            return recurrence_key, copy.deepcopy(_get(raw, recurrence_key))
        hour, minute = recurrence["start"].split(":")
        schedule = {_leaf(RECURRENCE["time_zone"]): recurrence["time_zone"], _leaf(RECURRENCE["days"]): list(recurrence["days"]),
                    START_HOURS: [int(hour)], START_MINUTES: [int(minute)]}
        return recurrence_key, {"frequency": "Week", SCHEDULE_BLOCK: schedule}
    if profile.get("fixed_date"):
        fixed = profile["fixed_date"]
        if known and schedule_key(known.get("fixed_date")) == schedule_key(fixed):
            return fixed_key, copy.deepcopy(_get(raw, fixed_key))
        return fixed_key, {_leaf(FIXED_DATE[key]): fixed[key] for key in FIXED_DATE}
    return None, None


def _profile_to_wire(profile, raw):
    known = _profile_from_wire(raw, None, "profile") if raw else None
    if known and known["name"] == profile["name"] and same_profile_content(known, profile):
        return copy.deepcopy(raw)
    wire = copy.deepcopy(raw) if raw else {}
    key, schedule = _schedule_to_wire(profile, raw, known)
    for other in (PROFILE["recurrence"]["wire"], PROFILE["fixed_date"]["wire"]):
        if other != key:
            _drop(wire, other)
    _set(wire, "name", profile["name"])
    if not known or known["capacity"] != profile["capacity"]:
        _set(wire, PROFILE["capacity"]["wire"], {_leaf(CAPACITY[name]): str(profile["capacity"][name]) for name in CAPACITY})
    raw_rules = (_get(raw, PROFILE["rules"]["wire"]) or []) if raw else []
    _set(wire, PROFILE["rules"]["wire"], [_rule_to_wire(rule, raw_rules) for rule in profile["rules"]])
    if key:
        _set(wire, key, schedule)
    return wire


def profiles_as_written(profiles, end_names=None):
    """The profiles as Azure has them: after each profile with a ``recurrence.end``, its end profile (named as in
    ``end_names`` {recurring profile: end profile name}, else as the portal names it; a copy of the default profile
    that name names, else of the first default profile)."""
    defaults = {profile["name"]: profile for profile in profiles if is_default_profile(profile)}
    written = []
    for profile in profiles:
        written.append(profile)
        if (profile.get("recurrence") or {}).get("end"):
            if not defaults:
                raise ValueError("{0}.recurrence.end: needs a default profile for the end profile to restore".format(profile_label(profile)))
            name = (end_names or {}).get(profile["name"])
            default = defaults.get(parse_end_profile_name(name)[0]) if name else None
            written.append(end_profile_for(profile, default or next(iter(defaults.values())), name if default else None))
    return written


def _profiles_to_wire(profiles, raw_profiles):
    raw_by_name = {_get(raw, "name"): raw for raw in raw_profiles}
    # An end profile keeps the name Azure has (the CLI spells it with spaces, the portal without).
    raw_ends = end_profiles_of([{"name": _get(raw, "name"), "recurrence": _get(raw, "recurrence")} for raw in raw_profiles])
    end_names = {name: ends[0]["name"] for name, ends in raw_ends.items()}
    return [_profile_to_wire(profile, raw_by_name.get(profile["name"])) for profile in profiles_as_written(profiles, end_names)]


def _notifications_to_wire(block, raw_notifications):
    if notification_key(block) == notification_key(_notifications_from_wire(raw_notifications)):
        return raw_notifications
    if block is None:
        return []
    first = copy.deepcopy(raw_notifications[0]) if raw_notifications else {}
    uri_key, properties_key = WEBHOOK["service_uri"]["wire"], WEBHOOK["properties"]["wire"]
    known = [_get(item, uri_key) for item in _get(first, NOTIFICATIONS["webhooks"]["wire"]) or []]
    _set(first, "operation", _get(first, "operation") or "Scale")
    email = _get(first, EMAIL_BLOCK) or {}
    for key in EMAIL_FIELDS:
        _set(email, _leaf(NOTIFICATIONS[key]), list(block[key]) if key == "custom_emails" else block[key])
    _set(first, EMAIL_BLOCK, email)
    _set(first, NOTIFICATIONS["webhooks"]["wire"], [
        {uri_key: _real_uri(webhook["service_uri"], known, "notifications.webhooks[{0}]".format(index)),
         properties_key: dict(webhook["properties"])} for index, webhook in enumerate(block["webhooks"])])
    return [first] + list(raw_notifications[1:])


def _predictive_to_wire(policy, raw_policy):
    if policy is None or policy == _predictive_from_wire(raw_policy):
        return raw_policy
    wire = copy.deepcopy(raw_policy) if isinstance(raw_policy, dict) else {}
    _set(wire, "scaleMode", policy["scale_mode"])
    if policy.get("scale_look_ahead_time"):
        _set(wire, "scaleLookAheadTime", iso_duration(parse_duration(policy["scale_look_ahead_time"], "predictive_policy.scale_look_ahead_time")))
    return wire


def to_wire(setting, raw_base):
    """The full ARM PUT body for a vocabulary setting, built on the raw body read so unmodelled fields survive."""
    body = copy.deepcopy(raw_base) if raw_base else {}
    for read_only in ("id", "type", "systemData"):
        body.pop(read_only, None)
    properties = _get(body, "properties") or {}
    body.update({"name": setting["name"], "location": setting["location"], "tags": dict(setting.get("tags") or {})})
    for key, value in (
            ("name", setting["name"]),
            ("targetResourceUri", setting["target_id"]),
            ("enabled", bool(setting["enabled"])),
            ("profiles", _profiles_to_wire(setting["profiles"], _get(properties, "profiles") or [])),
            ("notifications", _notifications_to_wire(setting.get("notifications"), _get(properties, "notifications") or [])),
            ("predictiveAutoscalePolicy", _predictive_to_wire(setting.get("predictive_policy"), _get(properties, "predictiveAutoscalePolicy")))):
        _set(properties, key, value)
    if properties.get("predictiveAutoscalePolicy") is None:
        properties.pop("predictiveAutoscalePolicy")
    _set(body, "properties", properties)
    return body


# ---------------------------------------------------------------- output

def mask_secrets(setting):
    """A copy with webhook secrets masked."""
    if setting is None:
        return None
    result = copy.deepcopy(setting)
    for webhook in (result.get("notifications") or {}).get("webhooks", []):
        webhook["service_uri"] = mask_uri(webhook["service_uri"])
    return result


def mask_wire(raw):
    """A copy of an ARM body with its webhook secrets masked."""
    result = copy.deepcopy(raw)
    for block in (result.get("properties") or {}).get("notifications") or []:
        for webhook in block.get("webhooks") or []:
            if webhook.get("serviceUri"):
                webhook["serviceUri"] = mask_uri(webhook["serviceUri"])
    return result


def render(setting):
    """The public form returned to users: secrets masked (also for a partial setting)."""
    if setting is None:
        return None
    return mask_secrets(setting)
