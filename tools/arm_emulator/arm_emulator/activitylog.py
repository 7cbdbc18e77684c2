"""The activity log (``Microsoft.Insights/eventtypes/management/values``, api-version 2015-04-01).

The ``$filter`` grammar is the one the REST reference allows, and nothing else: ``eventTimestamp ge '<time>'``
(required), optionally ``and eventTimestamp le '<time>'``, and at most one of ``resourceGroupName eq``, ``resourceUri eq``
(also ``resourceId eq``), ``resourceProvider eq`` or ``correlationId eq``. The window reaches at most 90 days back.
Events come newest first; ``$select`` keeps only the named top-level properties. Events: the seed's literal
``activity_log`` (hand written) and those of the synthetic autoscale history (history.py).
"""

import datetime
import re

from arm_emulator import history

API_VERSIONS = ("2015-04-01",)
RETENTION_DAYS = 90
SELECTABLE = ("authorization", "caller", "channels", "claims", "correlationId", "description", "eventDataId", "eventName",
              "category", "eventTimestamp", "httpRequest", "id", "level", "operationId", "operationName", "properties",
              "resourceGroupName", "resourceProviderName", "resourceId", "resourceType", "status", "submissionTimestamp",
              "subStatus", "subscriptionId", "tenantId")
_CLAUSE = re.compile(r"^\s*(\w+)\s+(eq|ge|le|gt|lt)\s+'((?:[^']|'')*)'\s*$", re.IGNORECASE)
_SCOPES = {"resourcegroupname": "resourceGroupName", "resourceuri": "resourceId", "resourceid": "resourceId",
           "resourceprovider": "resourceProviderName", "correlationid": "correlationId"}


class FilterError(ValueError):
    """A ``$filter`` the service rejects (400 BadRequest)."""


def _time(text):
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise FilterError("The value '%s' in the $filter is not a valid date and time." % text) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def parse_filter(text, now):
    """{start, end, scope: (field, value) or None} from a ``$filter``; FilterError for what the service refuses."""
    if not text:
        raise FilterError("The $filter query parameter is required and must contain at least 'eventTimestamp ge'.")
    start = end = scope = None
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        if not match:
            raise FilterError("The $filter '%s' is not supported: '%s' is not a clause this API accepts." % (text, clause))
        field, operator, value = match.group(1).lower(), match.group(2).lower(), match.group(3).replace("''", "'")
        if field == "eventtimestamp" and operator in ("ge", "gt") and start is None:
            start = _time(value)
        elif field == "eventtimestamp" and operator in ("le", "lt") and end is None:
            end = _time(value)
        elif field in _SCOPES and operator == "eq" and scope is None:
            scope = (_SCOPES[field], value)
        else:
            raise FilterError("The $filter '%s' is not supported: only eventTimestamp ge/le and one of resourceGroupName, "
                              "resourceUri, resourceProvider or correlationId eq are allowed." % text)
    if start is None:
        raise FilterError("The $filter must contain 'eventTimestamp ge' with the start of the time range.")
    end = end or now
    if start < now - datetime.timedelta(days=RETENTION_DAYS):
        raise FilterError("The start time of the query cannot be more than %d days in the past." % RETENTION_DAYS)
    if end < start:
        raise FilterError("The end time of the query must be later than its start time.")
    return start, end, scope


def _matches(event, scope):
    if scope is None:
        return True
    field, value = scope
    found = event.get(field)
    if isinstance(found, dict):
        found = found.get("value")
    return (found or "").lower() == value.lower()


def events(state, subscription_id, start, end, scope):
    """The matching events of a subscription between two datetimes, newest first."""
    found = list(state.data.get("activity_log") or [])
    for item in history.histories(state):
        found.extend(item.events)
    selected = []
    for event in found:
        if (event.get("subscriptionId") or "").lower() != subscription_id.lower():
            continue
        stamp = _time(event["eventTimestamp"])
        if start <= stamp <= end and _matches(event, scope):
            selected.append((stamp, event))
    selected.sort(key=lambda item: item[0], reverse=True)
    return [event for _stamp, event in selected]


def select(event, fields):
    """The event with only the ``$select`` fields (all of them without)."""
    if not fields:
        return event
    return {key: value for key, value in event.items() if key.lower() in fields}


def parse_select(text):
    """The lowercase field names of a ``$select``; FilterError for unknown ones."""
    if not text:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {name.lower() for name in SELECTABLE}
    unknown = [name for name in names if name.lower() not in known]
    if unknown:
        raise FilterError("The $select property '%s' is not valid. Valid properties: %s." % (unknown[0], ", ".join(SELECTABLE)))
    return {name.lower() for name in names}
