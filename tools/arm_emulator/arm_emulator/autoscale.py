"""Validation of autoscale setting bodies, following the service's rules and error codes."""

import re

MAX_PROFILES = 20
MAX_RULES = 10
MAX_TAGS = 50
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENUMS = {
    "statistic": ("Average", "Min", "Max", "Sum", "Count"),
    "timeAggregation": ("Average", "Minimum", "Maximum", "Total", "Count", "Last"),
    "operator": ("Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"),
    "direction": ("None", "Increase", "Decrease"),
    "type": ("ChangeCount", "PercentChangeCount", "ExactCount", "ServiceAllowedNextValue"),
    "dimensionOperator": ("Equals", "NotEquals"),
    "scaleMode": ("Disabled", "ForecastOnly", "Enabled"),
    "operation": ("Scale",),
    "frequency": ("None", "Second", "Minute", "Hour", "Day", "Week", "Month", "Year"),
}
_DURATION = re.compile(r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
                       r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE)


class ValidationError(Exception):
    """A request the service would refuse: carries HTTP status, ARM code and message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad(code, message, status=400):
    """Build a ValidationError."""
    return ValidationError(status, code, message)


def parse_duration(value):
    """ISO 8601 duration to seconds, or None when malformed."""
    if not isinstance(value, str) or value in ("P", "PT"):
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    parts = {key: float(val) if val else 0.0 for key, val in match.groupdict().items()}
    return parts["weeks"] * 604800 + parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]


def _enum(kind, value, where):
    allowed = ENUMS[kind]
    if not isinstance(value, str) or value.lower() not in [item.lower() for item in allowed]:
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized: "
                  "'Error converting value \"%s\" to type '%s'. Path '%s'.'" % (value, kind, where))


def _duration(value, where, low, high, label):
    seconds = parse_duration(value)
    if seconds is None:
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized: "
                  "'The string '%s' is not a valid TimeSpan value. Path '%s'.'" % (value, where))
    if seconds < low or seconds > high:
        raise bad("BadRequest", "The %s '%s' is out of range: it must be between %s and %s." % (label, value, _human(low), _human(high)))
    return seconds


def _human(seconds):
    for unit, size in (("week", 604800), ("hours", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return "%d %s" % (count, unit if count == 1 or unit.endswith("s") else unit + "s")
    return "%d seconds" % seconds


def _int_string(value, where):
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.match(r"^-?\d+$", value.strip()):
        return int(value)
    raise bad("BadRequest", "The value '%s' of '%s' is not a valid integer." % (value, where))


def _capacity(profile, index):
    cap = profile.get("capacity")
    if not isinstance(cap, dict):
        raise bad("UnsupportedRequestContent", "Profile '%s' is missing the required property 'capacity'." % profile.get("name", index))
    values = {}
    for key in ("minimum", "maximum", "default"):
        if key not in cap:
            raise bad("UnsupportedRequestContent", "The capacity of profile '%s' is missing the required property '%s'." % (
                profile.get("name", index), key))
        values[key] = _int_string(cap[key], "properties.profiles[%d].capacity.%s" % (index, key))
        if values[key] < 0:
            raise bad("BadRequest", "The %s capacity value '%d' must not be negative." % (key, values[key]))
    if values["minimum"] > values["default"]:
        raise bad("BadRequest", "The minimum capacity value '%d' is greater than the default capacity value '%d'. "
                  "Make sure the minimum capacity is less than or equal to the default capacity." % (values["minimum"], values["default"]))
    if values["default"] > values["maximum"]:
        raise bad("BadRequest", "The default capacity value '%d' is greater than the maximum capacity value '%d'. "
                  "Make sure the default capacity is less than or equal to the maximum capacity." % (values["default"], values["maximum"]))
    return values


def _recurrence(recurrence, index):
    if not isinstance(recurrence, dict):
        raise bad("InvalidRequestContent", "The request content was invalid: 'recurrence' of profile %d must be an object." % index)
    _enum("frequency", recurrence.get("frequency"), "properties.profiles[%d].recurrence.frequency" % index)
    if recurrence["frequency"].lower() != "week":
        raise bad("BadRequest", "The recurrence frequency '%s' is not supported. Only 'Week' is supported." % recurrence["frequency"])
    schedule = recurrence.get("schedule")
    if not isinstance(schedule, dict):
        raise bad("UnsupportedRequestContent", "The recurrence of profile %d is missing the required property 'schedule'." % index)
    for day in schedule.get("days") or []:
        if not isinstance(day, str) or day.lower() not in [item.lower() for item in DAYS]:
            raise bad("BadRequest", "The day '%s' is not a valid day of the week." % day)
    for key, high in (("hours", 23), ("minutes", 59)):
        values = schedule.get(key) or []
        if not isinstance(values, list):
            raise bad("InvalidRequestContent", "The request content was invalid: 'schedule.%s' must be a list." % key)
        if len(values) > 1:
            raise bad("BadRequest", "Specify only one value for %s" % key)
        for item in values:
            if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= high:
                raise bad("BadRequest", "The %s value '%s' is out of range: it must be between 0 and %d." % (key, item, high))


def _rule(rule, p_index, r_index, capacity, metric_check):
    where = "properties.profiles[%d].rules[%d]" % (p_index, r_index)
    trigger, action = rule.get("metricTrigger"), rule.get("scaleAction")
    if not isinstance(trigger, dict) or not isinstance(action, dict):
        raise bad("UnsupportedRequestContent", "Rule %d of profile %d must have 'metricTrigger' and 'scaleAction'." % (r_index, p_index))
    for key in ("metricName", "metricResourceUri", "timeGrain", "statistic", "timeWindow", "timeAggregation", "operator", "threshold"):
        if trigger.get(key) in (None, ""):
            raise bad("UnsupportedRequestContent", "The metric trigger of %s is missing the required property '%s'." % (where, key))
    for key in ("statistic", "timeAggregation", "operator"):
        _enum(key, trigger[key], "%s.metricTrigger.%s" % (where, key))
    if isinstance(trigger["threshold"], bool) or not isinstance(trigger["threshold"], (int, float)):
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized: "
                  "'Could not convert string to double: %s. Path '%s.metricTrigger.threshold'.'" % (trigger["threshold"], where))
    _duration(trigger["timeGrain"], where + ".metricTrigger.timeGrain", 60, 43200, "time grain")
    _duration(trigger["timeWindow"], where + ".metricTrigger.timeWindow", 60, 43200, "time window")
    for dim in trigger.get("dimensions") or []:
        if not isinstance(dim, dict) or not dim.get("DimensionName") or not isinstance(dim.get("Values"), list):
            raise bad("UnsupportedRequestContent", "A dimension of %s must have 'DimensionName', 'Operator' and 'Values'." % where)
        _enum("dimensionOperator", dim.get("Operator"), where + ".metricTrigger.dimensions.Operator")
    metric_check(trigger)
    for key in ("direction", "type", "value", "cooldown"):
        if action.get(key) in (None, ""):
            raise bad("UnsupportedRequestContent", "The scale action of %s is missing the required property '%s'." % (where, key))
    _enum("direction", action["direction"], where + ".scaleAction.direction")
    _enum("type", action["type"], where + ".scaleAction.type")
    _duration(action["cooldown"], where + ".scaleAction.cooldown", 60, 604800, "cooldown")
    value = _int_string(action["value"], where + ".scaleAction.value")
    if value < 1:
        raise bad("BadRequest", "The scale action value '%s' is invalid: it must be an integer greater than or equal to 1." % action["value"])
    if action["type"].lower() == "changecount" and value > capacity["maximum"] - capacity["minimum"]:
        raise bad("InvalidActionValue", "The scale action value '%d' of type 'ChangeCount' is larger than the difference between the "
                  "maximum capacity '%d' and the minimum capacity '%d' of profile '%s'." % (
                      value, capacity["maximum"], capacity["minimum"], p_index))


def _classic_administrators(email):
    """Since the retirement of Azure's classic administrators, e-mails to them are refused (pulumi/examples#1655 quotes it)."""
    if email.get("sendToSubscriptionAdministrator") is True or email.get("sendToSubscriptionCoAdministrators") is True:
        raise bad("SendEmailsToAdminCoAdminsNotSupported", "Sending email notifications to subscription administrator and "
                  "coadministrators is not supported after April 3, 2024 due to Azure classic administrator retirement.")


def validate(body, metric_check):
    """Validate a full autoscale setting body; ``metric_check(trigger)`` raises for unsupported metrics/targets."""
    if not isinstance(body, dict):
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized.")
    if not body.get("location") or not isinstance(body.get("location"), str):
        raise bad("UnsupportedRequestContent", "Request content is not well formed or supported: the required property 'location' is missing.")
    tags = body.get("tags") or {}
    if not isinstance(tags, dict):
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'tags' must be an object.")
    if len(tags) > MAX_TAGS:
        raise bad("BadRequest", "The number of tags '%d' exceeds the maximum of %d." % (len(tags), MAX_TAGS))
    props = body.get("properties")
    if not isinstance(props, dict):
        raise bad("UnsupportedRequestContent", "Request content is not well formed or supported: the required property 'properties' is missing.")
    if not props.get("targetResourceUri"):
        raise bad("UnsupportedRequestContent", "Request content is not well formed or supported: "
                  "the required property 'targetResourceUri' is missing.")
    profiles = props.get("profiles")
    if not isinstance(profiles, list) or not profiles:
        raise bad("UnsupportedRequestContent", "Request content is not well formed or supported: "
                  "the required property 'profiles' is missing or empty.")
    if len(profiles) > MAX_PROFILES:
        raise bad("BadRequest", "The number of profiles '%d' exceeds the maximum of %d profiles." % (len(profiles), MAX_PROFILES))
    if "enabled" in props and not isinstance(props["enabled"], bool):
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'enabled' must be a boolean.")
    for p_index, profile in enumerate(profiles):
        if not isinstance(profile, dict) or not profile.get("name"):
            raise bad("UnsupportedRequestContent", "Profile %d is missing the required property 'name'." % p_index)
        capacity = _capacity(profile, p_index)
        if profile.get("fixedDate") and profile.get("recurrence"):
            raise bad("BadRequest", "Profile '%s' specifies both 'fixedDate' and 'recurrence': specify at most one of them." % profile["name"])
        if profile.get("recurrence"):
            _recurrence(profile["recurrence"], p_index)
        fixed = profile.get("fixedDate")
        if fixed and (not isinstance(fixed, dict) or not fixed.get("start") or not fixed.get("end")):
            raise bad("UnsupportedRequestContent", "The fixed date of profile '%s' requires 'start' and 'end'." % profile["name"])
        rules = profile.get("rules")
        if rules is None:
            rules = []
        if not isinstance(rules, list):
            raise bad("InvalidRequestContent", "The request content was invalid: 'rules' of profile '%s' must be a list." % profile["name"])
        if len(rules) > MAX_RULES:
            raise bad("BadRequest", "The number of rules '%d' in profile '%s' exceeds the maximum of %d rules." % (
                len(rules), profile["name"], MAX_RULES))
        for r_index, rule in enumerate(rules):
            if not isinstance(rule, dict):
                raise bad("InvalidRequestContent", "The request content was invalid: rule %d must be an object." % r_index)
            _rule(rule, p_index, r_index, capacity, metric_check)
    for notification in props.get("notifications") or []:
        if not isinstance(notification, dict):
            raise bad("InvalidRequestContent", "The request content was invalid: a notification must be an object.")
        _enum("operation", notification.get("operation"), "properties.notifications.operation")
        _classic_administrators(notification.get("email") or {})
    policy = props.get("predictiveAutoscalePolicy")
    if policy:
        _enum("scaleMode", policy.get("scaleMode"), "properties.predictiveAutoscalePolicy.scaleMode")
        if policy.get("scaleLookAheadTime"):
            _duration(policy["scaleLookAheadTime"], "properties.predictiveAutoscalePolicy.scaleLookAheadTime", 60, 3600,
                      "scale look ahead time")
