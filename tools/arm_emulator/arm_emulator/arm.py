"""Azure Resource Manager routes: authentication, RBAC, resource groups, autoscale settings, Azure ML and metrics."""

import copy
import datetime
import json
from urllib.parse import urlencode

from flask import g, request

from arm_emulator import activitylog, autoscale, history, metrics, operations, resources
from arm_emulator.auth import action_allowed
from arm_emulator.autoscale import ValidationError, bad
from arm_emulator.responses import arm_error, decode_skiptoken, encode_skiptoken, json_response
from arm_emulator.state import normalize_autoscale, parse_id

AUTOSCALE_VERSIONS = ("2022-10-01", "2021-05-01-preview", "2015-04-01")
METRICS_VERSIONS = ("2024-02-01", "2023-10-01", "2021-05-01", "2019-07-01", "2018-01-01")
INSIGHTS = "microsoft.insights"
MLS = "microsoft.machinelearningservices"
ML_ACTION = "Microsoft.MachineLearningServices/workspaces"
NOT_FOUND_HELP = "For more details please go to https://aka.ms/ARMResourceNotFoundFix"
V = None  # a variable path segment in a route pattern

# (pattern, handler name, api-versions or None for any, action prefix)
ROUTES = [
    (("subscriptions",), "subscriptions", None, "Microsoft.Resources/subscriptions"),
    (("subscriptions", V), "subscription", None, "Microsoft.Resources/subscriptions"),
    (("subscriptions", V, "resourcegroups"), "resource_groups", None, "Microsoft.Resources/subscriptions/resourceGroups"),
    (("subscriptions", V, "resourcegroups", V), "resource_group", None, "Microsoft.Resources/subscriptions/resourceGroups"),
    (("subscriptions", V, "providers", INSIGHTS, "autoscalesettings"), "autoscale_list", AUTOSCALE_VERSIONS,
     "microsoft.insights/autoscalesettings"),
    (("subscriptions", V, "resourcegroups", V, "providers", INSIGHTS, "autoscalesettings"), "autoscale_list", AUTOSCALE_VERSIONS,
     "microsoft.insights/autoscalesettings"),
    (("subscriptions", V, "resourcegroups", V, "providers", INSIGHTS, "autoscalesettings", V), "autoscale_item", AUTOSCALE_VERSIONS,
     "microsoft.insights/autoscalesettings"),
    (("subscriptions", V, "providers", INSIGHTS, "eventtypes", "management", "values"), "activity_log", activitylog.API_VERSIONS,
     "Microsoft.Insights/eventtypes/values"),
    (("subscriptions", V, "providers", MLS, "workspaces"), "ml_list", None, ML_ACTION),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces"), "ml_list", None, ML_ACTION),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces", V), "ml_item", None, ML_ACTION),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces", V, "onlineendpoints"), "ml_list", None,
     ML_ACTION + "/onlineEndpoints"),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces", V, "onlineendpoints", V), "ml_item", None,
     ML_ACTION + "/onlineEndpoints"),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces", V, "onlineendpoints", V, "deployments"), "ml_list", None,
     ML_ACTION + "/onlineEndpoints/deployments"),
    (("subscriptions", V, "resourcegroups", V, "providers", MLS, "workspaces", V, "onlineendpoints", V, "deployments", V), "ml_item", None,
     ML_ACTION + "/onlineEndpoints/deployments"),
    (("subscriptions", V, "providers", MLS, "locations", V, "mfeoperationsstatus", V), "ml_operation_status", None,
     "Microsoft.MachineLearningServices/locations/mfeOperationsStatus"),
    (("subscriptions", V, "providers", MLS, "locations", V, "mfeoperationresults", V), "ml_operation_result", None,
     "Microsoft.MachineLearningServices/locations/mfeOperationResults"),
]
_VERBS = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write", "POST": "action", "DELETE": "delete"}


def error(status, code, message, headers=None):
    """ARM error response."""
    return arm_error(status, code, message, headers)


def _match(segments):
    lowered = [segment.lower() for segment in segments]
    for pattern, handler, versions, action in ROUTES:
        if len(pattern) == len(lowered) and all(part is None or part == low for part, low in zip(pattern, lowered)):
            values = [segment for part, segment in zip(pattern, segments) if part is None]
            return handler, versions, action, values
    return None


def _authenticate(emu):
    """Return the principal or an error response."""
    tenant_uri = "%s/%s" % (emu.base_url, emu.state.data["tenant_id"])
    header = request.headers.get("Authorization", "")
    if not header:
        return None, _unauthorized(tenant_uri, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                                   "The authentication failed because of missing 'Authorization' header.")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return None, _unauthorized(tenant_uri, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided "
                                   "in an invalid format.", "The authentication failed because of an invalid 'Authorization' header.")
    claims, problem = emu.authority.verify(header[7:].strip())
    if problem:
        return None, _unauthorized(tenant_uri, problem[0], problem[1], problem[1])
    principal = emu.state.principal_by_client_id(claims.get("appid"))
    if principal is None:
        return None, _unauthorized(tenant_uri, "InvalidAuthenticationToken", "The access token is from an unknown application.",
                                   "The access token is from an unknown application.")
    g.principal = principal["name"]
    return principal, None


def _unauthorized(tenant_uri, code, message, description):
    challenge = 'Bearer authorization_uri="%s", error="invalid_token", error_description="%s"' % (tenant_uri, description.replace('"', "'"))
    return error(401, code, message, {"WWW-Authenticate": challenge})


def _authorize(principal, action, scope):
    if action_allowed(principal.get("actions", []), action):
        return None
    return error(403, "AuthorizationFailed", "The client '%s' with object id '%s' does not have authorization to perform action '%s' "
                 "over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials." % (
                     principal["client_id"], principal["object_id"], action, scope))


def _check_version(versions):
    version = request.args.get("api-version")
    if not version:
        return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
    if versions is not None and version not in versions:
        return error(400, "InvalidApiVersionParameter", "The api-version '%s' is invalid. The supported versions are '%s'." % (
            version, ",".join(versions)))
    return None


def dispatch(emu, path):
    """Route an ARM request."""
    segments = [segment for segment in path.split("/") if segment]
    lowered = [segment.lower() for segment in segments]
    metric_kind = None
    if len(lowered) >= 4 and lowered[-3:-1] == ["providers", INSIGHTS] and lowered[-1] in ("metrics", "metricdefinitions"):
        metric_kind = lowered[-1]
        route = ("metrics", METRICS_VERSIONS, "microsoft.insights/" + metric_kind, ["/" + "/".join(segments[:-3])])
    else:
        route = _match(segments)
    principal, failure = _authenticate(emu)
    if failure is not None:
        return failure
    if route is None:
        return error(404, "InvalidResourceType" if "providers" in lowered else "NotFound",
                     "The resource type could not be found for the request path '%s'." % path)
    handler, versions, action_prefix, values = route
    failure = _check_version(versions)
    if failure is not None:
        return failure
    verb = _VERBS.get(request.method, "read")
    if metric_kind is None and handler != "subscriptions" and lowered[-1] in ("autoscalesettings", "workspaces", "onlineendpoints", "deployments",
                                                                              "resourcegroups") and verb != "read":
        return error(405, "MethodNotAllowed", "The requested method '%s' is not allowed on a collection." % request.method)
    scope = path if handler != "metrics" else values[0]
    failure = _authorize(principal, "%s/%s" % (action_prefix, "read" if handler == "metrics" else verb), scope)
    if failure is not None:
        return failure
    if lowered[0] == "subscriptions" and len(segments) > 1:
        if emu.state.subscription(segments[1]) is None:
            return error(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % segments[1])
        if len(lowered) > 3 and lowered[2] == "resourcegroups" and handler != "resource_group":
            if emu.state.get("resource_groups", resources.rg_id(segments[1], segments[3])) is None:
                return error(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % segments[3])
    if handler == "metrics":
        return _metrics(emu, values[0], metric_kind)
    with emu.state.lock:
        return HANDLERS[handler](emu, principal, segments)


def _page(emu, items, path):
    """One page of a list with a nextLink carrying a $skiptoken."""
    offset = decode_skiptoken(request.args.get("$skiptoken", ""))
    size = max(1, emu.page_size)
    body = {"value": items[offset:offset + size]}
    if offset + size < len(items):
        query = urlencode({"api-version": request.args.get("api-version"), "$skiptoken": encode_skiptoken(offset + size)})
        body["nextLink"] = "%s%s?%s" % (emu.base_url, path, query)
    return json_response(body)


def _subscription_body(emu, record):
    return {"id": "/subscriptions/" + record["subscription_id"], "authorizationSource": "RoleBased", "managedByTenants": [],
            "subscriptionId": record["subscription_id"], "tenantId": emu.state.data["tenant_id"], "displayName": record["display_name"],
            "state": "Enabled", "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01",
                                                         "spendingLimit": "Off"}}


def _subscriptions(emu, _principal, _segments):
    subs = [_subscription_body(emu, record) for record in emu.state.data["subscriptions"].values()]
    return json_response({"value": subs, "count": {"type": "Total", "value": len(subs)}})


def _subscription(emu, _principal, segments):
    return json_response(_subscription_body(emu, emu.state.subscription(segments[1])))


def _resource_groups(emu, _principal, segments):
    return _page(emu, emu.state.children("resource_groups", "/subscriptions/%s/resourceGroups" % segments[1]), request.path)


def _resource_group(emu, _principal, segments):
    body = emu.state.get("resource_groups", resources.rg_id(segments[1], segments[3]))
    if body is None:
        return error(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % segments[3])
    return json_response(body)


# ---------------------------------------------------------------- autoscale settings

def _autoscale_list(emu, _principal, segments):
    prefix = "/subscriptions/%s" % segments[1]
    if len(segments) > 3 and segments[2].lower() == "resourcegroups":
        prefix = resources.rg_id(segments[1], segments[3])
    items = emu.state.children("autoscale", prefix)
    return _page(emu, items, request.path)


def _autoscale_item(emu, principal, segments):
    setting_id = resources.autoscale_id(segments[1], segments[3], segments[7])
    existing = emu.state.get("autoscale", setting_id)
    if request.method in ("GET", "HEAD"):
        if existing is None:
            return _autoscale_missing(segments)
        return json_response(existing)
    if request.method == "DELETE":
        if existing is None:
            return json_response(None, 204)
        emu.state.delete("autoscale", setting_id)
        emu.state.save()
        return json_response(None, 200)
    try:
        payload = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        return error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: '%s'." % exc)
    if request.method not in ("PUT", "PATCH"):
        return error(405, "MethodNotAllowed", "The requested method '%s' is not allowed." % request.method)
    if request.method == "PATCH" and existing is None:
        return _autoscale_missing(segments)
    try:
        body = _merge_patch(existing, payload) if request.method == "PATCH" else payload
        stored = _validate_setting(emu, setting_id, body, existing)
    except ValidationError as exc:
        return error(exc.status, exc.code, exc.message)
    actor = principal["client_id"]
    stored = normalize_autoscale(stored, actor)
    stored["systemData"] = resources.system_data(actor)
    if existing is not None:
        stored["systemData"]["createdAt"] = existing.get("systemData", {}).get("createdAt", stored["systemData"]["createdAt"])
        stored["systemData"]["createdBy"] = existing.get("systemData", {}).get("createdBy", actor)
        stored["systemData"]["createdByType"] = existing.get("systemData", {}).get("createdByType", "Application")
    emu.state.put("autoscale", stored)
    emu.state.save()
    return json_response(stored, 201 if existing is None else 200)


def _autoscale_missing(segments):
    return error(404, "ResourceNotFound", "The Resource 'microsoft.insights/autoscalesettings/%s' under resource group '%s' was not found. %s" % (
        segments[7], segments[3], NOT_FOUND_HELP))


def _merge_patch(existing, payload):
    """Apply a PATCH body (``tags`` and the ``properties`` that are sent) to a copy of the stored setting."""
    if not isinstance(payload, dict):
        raise bad("InvalidRequestContent", "The request content was invalid and could not be deserialized.")
    merged = copy.deepcopy(existing)
    if payload.get("tags") is not None:
        merged["tags"] = payload["tags"]
    for key, value in (payload.get("properties") or {}).items():
        if value is not None:
            merged.setdefault("properties", {})[key] = value
    return merged


def _validate_setting(emu, setting_id, body, existing):
    """Validate a full body; return a deep copy to store."""
    autoscale.validate(body, _check_metric)
    body = copy.deepcopy(body)
    for key in ("id", "name", "type", "systemData"):
        body.pop(key, None)
    body["id"] = setting_id
    props = body["properties"]
    target = props["targetResourceUri"]
    pairs = parse_id(target)
    if existing is not None:
        if existing["properties"]["targetResourceUri"].lower() != target.lower():
            raise bad("TargetResourceIdIsImmutable", "The target resource id of autoscale setting '%s' cannot be changed from '%s' to '%s'." % (
                existing["name"], existing["properties"]["targetResourceUri"], target))
        if existing["location"].replace(" ", "").lower() != body["location"].replace(" ", "").lower():
            raise bad("InvalidResourceLocation", "The resource '%s' already exists in location '%s' in resource group '%s'. A resource with "
                      "the same name cannot be created in location '%s'. Please select a new resource name." % (
                          existing["name"], existing["location"], parse_id(setting_id)["resourcegroups"], body["location"]))
    if "deployments" not in pairs or emu.state.get("deployments", target) is None:
        raise bad("TargetResourceNotFound", "The target resource id '%s' was not found." % target)
    for other in emu.state.data["autoscale"].values():
        if other["id"].lower() != setting_id.lower() and other["properties"]["targetResourceUri"].lower() == target.lower():
            raise bad("Conflict", "An autoscale setting named '%s' (id '%s') already exists for target resource '%s'. Only one autoscale "
                      "setting per target resource is allowed." % (other["name"], other["id"], target), 409)
    return body


def _check_metric(trigger):
    uri = trigger.get("metricResourceUri") or ""
    kind = _ml_kind(uri)
    if kind is None:
        return
    namespace, table = metrics.catalog_for(kind)
    if metrics.find_metric(table, trigger.get("metricName")) is None:
        raise bad("UnsupportedMetric", "The metric '%s' is not supported for the resource '%s' (namespace '%s'). Supported metrics: %s." % (
            trigger.get("metricName"), uri, namespace, ", ".join(sorted(table))))


def _ml_kind(resource_id):
    lowered = [segment.lower() for segment in resource_id.split("/") if segment]
    if MLS not in lowered:
        return None
    if len(lowered) >= 2 and lowered[-2] == "deployments" and "onlineendpoints" in lowered:
        return "deployment"
    if len(lowered) >= 2 and lowered[-2] == "onlineendpoints":
        return "endpoint"
    return None


# ---------------------------------------------------------------- Azure ML

def _ml_levels(segments):
    """(collection name, id, parents [(collection, id, name)]) for an ML item path."""
    sub, rg = segments[1], segments[3]
    ws_id = resources.workspace_id(sub, rg, segments[7])
    parents = []
    if len(segments) >= 9:
        parents.append(("workspaces", ws_id, segments[7]))
    if len(segments) >= 11:
        parents.append(("endpoints", resources.endpoint_id(sub, rg, segments[7], segments[9]), segments[9]))
    collection = {8: "workspaces", 10: "endpoints", 12: "deployments"}[len(segments)]
    return collection, "/" + "/".join(segments), parents


def _ml_list(emu, _principal, segments):
    emu.operations.settle(emu.state)
    lowered = [segment.lower() for segment in segments]
    if lowered[-1] == "workspaces":
        prefix = "/subscriptions/%s" % segments[1] if len(segments) == 5 else resources.rg_id(segments[1], segments[3])
        return _page(emu, emu.state.children("workspaces", prefix), request.path)
    parent_segments = segments[:-1]
    _collection, parent_id, parents = _ml_levels(parent_segments)
    for parent_collection, parent_parent_id, name in parents + [(_collection, parent_id, parent_segments[-1])]:
        if emu.state.get(parent_collection, parent_parent_id) is None:
            return _parent_missing(name)
    collection = "endpoints" if lowered[-1] == "onlineendpoints" else "deployments"
    prefix = parent_id + ("/onlineEndpoints" if collection == "endpoints" else "/deployments")
    return _page(emu, emu.state.children(collection, prefix), request.path)


def _parent_missing(name):
    return error(404, "ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource '%s' not found." % name)


def _ml_item(emu, principal, segments):
    emu.operations.settle(emu.state)
    collection, item_id, parents = _ml_levels(segments)
    for parent_collection, parent_id, name in parents:
        if emu.state.get(parent_collection, parent_id) is None:
            return _parent_missing(name)
    existing = emu.state.get(collection, item_id)
    if request.method in ("GET", "HEAD"):
        if existing is None:
            type_path = "/".join(segments[5:])
            return error(404, "ResourceNotFound", "The Resource '%s' under resource group '%s' was not found. %s" % (
                type_path, segments[3], NOT_FOUND_HELP))
        return json_response(existing)
    if request.method == "DELETE" and collection == "deployments":
        return _delete_deployment(emu, segments, existing)
    if request.method != "PUT" or collection == "workspaces":
        return error(405, "MethodNotAllowed", "The requested method '%s' is not supported by the emulator for this resource." % request.method)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
    try:
        body = _ml_body(emu, collection, segments, payload, existing, principal)
    except ValidationError as exc:
        return error(exc.status, exc.code, exc.message)
    if collection == "deployments":
        return _start_deployment_update(emu, segments, body, existing)
    emu.state.put(collection, body)
    emu.state.save()
    return json_response(body, 201 if existing is None else 200)


def _operation_headers(emu, segments, location, kind, operation_id):
    """Azure-AsyncOperation (updates) or Location (deletes) of an Azure ML operation, with its timeout and Retry-After."""
    path = "/subscriptions/%s/providers/Microsoft.MachineLearningServices/locations/%s/%s/%s?api-version=%s" % (
        segments[1], location.replace(" ", "").lower(), kind, operation_id, request.args.get("api-version"))
    header = "Azure-AsyncOperation" if kind == "mfeOperationsStatus" else "Location"
    return {header: emu.base_url + path, "x-ms-async-operation-timeout": operations.ASYNC_TIMEOUT,
            "Retry-After": str(emu.retry_after)}


def _start_deployment_update(emu, segments, body, existing):
    """PUT of a deployment: stored at once in a running state; the operation settles it (or fails it) later."""
    capacity = body["sku"]["capacity"]
    grows = existing is None or capacity > existing.get("sku", {}).get("capacity", 1)
    failure = operations.quota_problem(emu.state, body, capacity) if grows else None
    body["properties"]["provisioningState"] = "Creating" if existing is None else "Updating"
    emu.state.put("deployments", body)
    operation_id = emu.operations.start(emu.state, "update", body["id"], existing, failure)
    headers = _operation_headers(emu, segments, body["location"], "mfeOperationsStatus", operation_id)
    stored = emu.state.get("deployments", body["id"])
    if stored is not None:
        # As Azure ML shows it on a deployment: the status URL of its last operation.
        stored["properties"].setdefault("properties", {})["AzureAsyncOperationUri"] = headers["Azure-AsyncOperation"]
    emu.state.save()
    return json_response(emu.state.get("deployments", body["id"]) or body, 201 if existing is None else 200, headers)


def _delete_deployment(emu, segments, existing):
    """DELETE of a deployment: 202 and a Location to poll; its autoscale setting stays, as in Azure."""
    if existing is None:
        return json_response(None, 204)
    existing["properties"]["provisioningState"] = "Deleting"
    endpoint = emu.state.get("endpoints", resources.endpoint_id(segments[1], segments[3], segments[7], segments[9]))
    traffic = endpoint["properties"].get("traffic") or {}
    for name in [name for name in traffic if name.lower() == segments[11].lower()]:
        del traffic[name]
    operation_id = emu.operations.start(emu.state, "delete", existing["id"], existing)
    emu.state.save()
    return json_response(None, 202, _operation_headers(emu, segments, existing["location"], "mfeOperationResults", operation_id))


def _ml_operation_status(emu, _principal, segments):
    emu.operations.settle(emu.state)
    document = emu.operations.status_document(segments[7])
    if document is None:
        return error(404, "NotFound", "The operation '%s' was not found." % segments[7])
    return json_response(document)


def _ml_operation_result(emu, _principal, segments):
    emu.operations.settle(emu.state)
    document = emu.operations.status_document(segments[7])
    if document is None:
        return error(404, "NotFound", "The operation '%s' was not found." % segments[7])
    if document["status"] == "InProgress":
        return json_response(None, 202, {"Location": request.url, "Retry-After": str(emu.retry_after)})
    if document["status"] != "Succeeded":
        return error(400, document["error"]["code"], document["error"]["message"])
    return json_response(None, 204)


def _ml_body(emu, collection, segments, payload, existing, principal):
    sub, rg, ws = segments[1], segments[3], segments[7]
    location = payload.get("location") or (existing or {}).get("location")
    if not location:
        raise bad("LocationRequired", "The location property is required for this definition.")
    tenant = emu.state.data["tenant_id"]
    if collection == "endpoints":
        template = existing or resources.endpoint_body(sub, rg, ws, segments[9], location, tenant)
    else:
        template = existing or resources.deployment_body(sub, rg, ws, segments[9], segments[11], location)
    body = copy.deepcopy(template)
    for key in ("tags", "identity", "kind", "sku"):
        if payload.get(key) is not None:
            body[key] = payload[key] if key != "sku" else dict(body.get("sku", {}), **payload[key])
    body["location"] = location
    body["properties"].update({key: value for key, value in (payload.get("properties") or {}).items() if value is not None})
    body["properties"]["provisioningState"] = "Succeeded"
    if collection == "deployments":
        capacity = body.get("sku", {}).get("capacity", 1)
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise bad("BadRequest", "The instance count '%s' is invalid: a managed online deployment needs at least 1 instance." % capacity)
    created = (existing or {}).get("systemData", {}).get("createdAt")
    body["systemData"] = resources.system_data(principal["client_id"])
    if created:
        body["systemData"]["createdAt"] = created
    return body


# ---------------------------------------------------------------- activity log

def _activity_log(emu, _principal, segments):
    """The subscription's activity log events matching ``$filter``, newest first, paged with nextLink."""
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        start, end, scope = activitylog.parse_filter(request.args.get("$filter"), now)
        fields = activitylog.parse_select(request.args.get("$select"))
    except activitylog.FilterError as exc:
        return error(400, "BadRequest", str(exc))
    found = activitylog.events(emu.state, segments[1], start, end, scope)
    offset = decode_skiptoken(request.args.get("$skiptoken", ""))
    size = max(1, emu.page_size)
    body = {"value": [activitylog.select(event, fields) for event in found[offset:offset + size]]}
    if offset + size < len(found):
        query = {key: request.args[key] for key in ("api-version", "$filter", "$select") if request.args.get(key)}
        query["$skiptoken"] = encode_skiptoken(offset + size)
        body["nextLink"] = "%s%s?%s" % (emu.base_url, request.path, urlencode(query))
    return json_response(body)


# ---------------------------------------------------------------- metrics

def _metrics(emu, resource_id, kind):
    if _is_setting(resource_id):
        return _setting_metrics(emu, resource_id, kind)
    ml_kind = _ml_kind(resource_id)
    collection = {"deployment": "deployments", "endpoint": "endpoints"}.get(ml_kind)
    if collection is None or emu.state.get(collection, resource_id) is None:
        return json_response({"code": "ResourceNotFound", "message": "The resource '%s' was not found." % resource_id}, 404)
    namespace, table = metrics.catalog_for(ml_kind)
    canonical_id = emu.state.get(collection, resource_id)["id"]
    if kind == "metricdefinitions":
        return json_response({"value": [_definition(canonical_id, namespace, name, spec) for name, spec in table.items()]})
    requested_ns = request.args.get("metricnamespace")
    if requested_ns and requested_ns.lower() != namespace.lower():
        return json_response({"code": "BadRequest", "message": "Metric namespace '%s' is not valid for resource '%s'. Valid namespace: '%s'." % (
            requested_ns, canonical_id, namespace)}, 400)
    names = [name.strip() for name in (request.args.get("metricnames") or next(iter(table))).split(",") if name.strip()]
    resolved = []
    for name in names:
        found = metrics.find_metric(table, name)
        if found is None:
            return json_response({"code": "BadRequest", "message": "Failed to find metric configuration for provider: "
                                  "Microsoft.MachineLearningServices, resource Type: %s, metric: %s, Valid metrics: %s" % (
                                      namespace.split("/", 1)[1], name, ",".join(table))}, 400)
        resolved.append(found)
    try:
        start, end, interval_s, interval_text = _time_window()
    except ValueError as exc:
        return json_response({"code": "BadRequest", "message": str(exc)}, 400)
    aggregations = []
    for item in (request.args.get("aggregation") or "").split(","):
        match = next((agg for agg in metrics.AGGREGATIONS if agg.lower() == item.strip().lower()), None)
        if item.strip() and match is None:
            return json_response({"code": "BadRequest", "message": "Invalid aggregation '%s'." % item}, 400)
        if match and match not in aggregations:
            aggregations.append(match)
    value = []
    recorded = history.for_target(emu.state, canonical_id) if ml_kind == "deployment" else None
    for name in resolved:
        spec = table[name]
        sampler = _recorded_sampler(recorded, emu.state.data["metrics_seed"], canonical_id, name, spec)
        points = metrics.series(emu.state.data["metrics_seed"], canonical_id, name, spec, start, end, interval_s, aggregations or [spec[1]],
                                sampler)
        value.append({"id": "%s/providers/Microsoft.Insights/metrics/%s" % (canonical_id, name), "type": "Microsoft.Insights/metrics",
                      "name": {"value": name, "localizedValue": _localized(name)}, "displayDescription": "%s (emulated)." % _localized(name),
                      "unit": spec[0], "errorCode": "Success",
                      "timeseries": [{"metadatavalues": [], "data": points}]})
    return json_response({"cost": sum(len(item["timeseries"][0]["data"]) for item in value),
                          "timespan": "%s/%s" % (_iso(start), _iso(end)), "interval": interval_text,
                          "namespace": namespace, "resourceregion": emu.state.get(collection, resource_id).get("location"), "value": value})


def _recorded_sampler(recorded, seed, resource_id, name, spec):
    """Within a synthetic autoscale history, the deployment's CPU and capacity are those recorded under its counts."""
    if recorded is None or name not in history.RECORDED_METRICS:
        return None

    def sampler(minute):
        if recorded.covers(minute):
            return recorded.deployment_value(name, minute)
        return metrics.sample(seed, resource_id, name, spec, minute)
    return sampler


def _is_setting(resource_id):
    lowered = [segment.lower() for segment in resource_id.split("/") if segment]
    return len(lowered) == 8 and lowered[5:7] == [INSIGHTS, "autoscalesettings"]


def _setting_metrics(emu, setting_id, kind):
    """The platform metrics of an autoscale setting (Microsoft.Insights/autoscalesettings): from its synthetic history,
    none for minutes without one."""
    stored = emu.state.get("autoscale", setting_id)
    if stored is None:
        return json_response({"code": "ResourceNotFound", "message": "The resource '%s' was not found." % setting_id}, 404)
    canonical_id = stored["id"]
    table = history.SETTING_METRICS
    if kind == "metricdefinitions":
        return json_response({"value": [_setting_definition(canonical_id, name, spec) for name, spec in table.items()]})
    names = [name.strip() for name in (request.args.get("metricnames") or next(iter(table))).split(",") if name.strip()]
    unknown = [name for name in names if metrics.find_metric(table, name) is None]
    if unknown:
        return json_response({"code": "BadRequest", "message": "Failed to find metric configuration for provider: Microsoft.Insights, "
                              "resource Type: autoscalesettings, metric: %s, Valid metrics: %s" % (unknown[0], ",".join(table))}, 400)
    try:
        start, end, interval_s, interval_text = _time_window()
        splits = history.dimension_filter(request.args.get("$filter") or request.args.get("filter"))
    except ValueError as exc:
        return json_response({"code": "BadRequest", "message": str(exc)}, 400)
    recorded = history.for_setting(emu.state, canonical_id)
    value = []
    for name in (metrics.find_metric(table, name) for name in names):
        aggregation = request.args.get("aggregation") or table[name][1]
        timeseries = history.setting_timeseries(recorded, name, splits, start, end, interval_s, aggregation)
        value.append({"id": "%s/providers/Microsoft.Insights/metrics/%s" % (canonical_id, name), "type": "Microsoft.Insights/metrics",
                      "name": {"value": name, "localizedValue": table[name][2]}, "displayDescription": table[name][3],
                      "unit": "Count", "errorCode": "Success", "timeseries": timeseries})
    return json_response({"cost": 0, "timespan": "%s/%s" % (_iso(start), _iso(end)), "interval": interval_text,
                          "namespace": "Microsoft.Insights/autoscalesettings", "resourceregion": stored.get("location"), "value": value})


def _setting_definition(setting_id, name, spec):
    dimension = spec[0]
    return {"id": "%s/providers/microsoft.insights/metricdefinitions/%s" % (setting_id, name), "resourceId": setting_id,
            "namespace": "Microsoft.Insights/autoscalesettings", "name": {"value": name, "localizedValue": spec[2]},
            "displayDescription": spec[3], "isDimensionRequired": False, "unit": "Count", "primaryAggregationType": spec[1],
            "supportedAggregationTypes": list(metrics.AGGREGATIONS), "metricAvailabilities": [{"timeGrain": "PT1M", "retention": "P93D"}],
            "dimensions": [{"value": dimension, "localizedValue": dimension}] if dimension else []}


def _localized(name):
    return name.replace("_", " ").replace("Percentage", " Percentage").replace("PerMinute", " Per Minute").strip()


def _definition(resource_id, namespace, name, spec):
    return {"id": "%s/providers/microsoft.insights/metricdefinitions/%s" % (resource_id, name), "resourceId": resource_id,
            "namespace": namespace, "name": {"value": name, "localizedValue": _localized(name)}, "isDimensionRequired": False,
            "category": "Traffic" if "Request" in name else "Resource", "metricClass": "Saturation", "unit": spec[0],
            "primaryAggregationType": spec[1], "supportedAggregationTypes": list(metrics.AGGREGATIONS),
            "metricAvailabilities": [{"timeGrain": "PT1M", "retention": "P93D"}, {"timeGrain": "PT5M", "retention": "P93D"},
                                     {"timeGrain": "PT1H", "retention": "P93D"}],
            "dimensions": [{"value": "deployment", "localizedValue": "Deployment"}]}


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text):
    value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def _time_window():
    """(start, end, interval seconds, interval text) from the query."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    timespan = request.args.get("timespan")
    start, end = now - datetime.timedelta(hours=1), now
    if timespan:
        parts = timespan.split("/")
        try:
            if len(parts) == 2:
                first_duration = autoscale.parse_duration(parts[0])
                second_duration = autoscale.parse_duration(parts[1])
                if first_duration is not None:
                    end = _parse_time(parts[1])
                    start = end - datetime.timedelta(seconds=first_duration)
                elif second_duration is not None:
                    start = _parse_time(parts[0])
                    end = start + datetime.timedelta(seconds=second_duration)
                else:
                    start, end = _parse_time(parts[0]), _parse_time(parts[1])
            elif len(parts) == 1 and autoscale.parse_duration(parts[0]) is not None:
                start = now - datetime.timedelta(seconds=autoscale.parse_duration(parts[0]))
            else:
                raise ValueError(timespan)
        except ValueError as exc:
            raise ValueError("Invalid timespan '%s'." % timespan) from exc
    if end <= start:
        raise ValueError("Invalid timespan '%s': the end must be after the start." % timespan)
    interval_text = request.args.get("interval") or "PT1M"
    if interval_text.upper() == "FULL":
        return start, end, max(60, int((end - start).total_seconds())), interval_text
    interval_s = autoscale.parse_duration(interval_text)
    if interval_s is None or interval_s < 60 or interval_s % 60:
        raise ValueError("Invalid interval '%s'. Supported intervals: PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D." % interval_text)
    if (end - start).total_seconds() / interval_s > 50000:
        raise ValueError("The requested timespan and interval would return more than 50000 data points.")
    return start, end, int(interval_s), interval_text


HANDLERS = {
    "subscriptions": _subscriptions, "subscription": _subscription, "resource_groups": _resource_groups,
    "resource_group": _resource_group, "autoscale_list": _autoscale_list, "autoscale_item": _autoscale_item,
    "ml_list": _ml_list, "ml_item": _ml_item, "ml_operation_status": _ml_operation_status,
    "ml_operation_result": _ml_operation_result, "activity_log": _activity_log,
}
