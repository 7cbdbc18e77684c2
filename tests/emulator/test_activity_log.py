"""The activity log (api-version 2015-04-01) and the synthetic autoscale history of ep-fraud/green, through the real SDK."""

import datetime

import pytest

from emulator_helpers import PAGE_SIZE, deployment, setting_body

EVENTS = "/subscriptions/%s/providers/microsoft.insights/eventtypes/management/values"
UTC = datetime.timezone.utc


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _week():
    end = datetime.datetime.now(UTC).replace(second=0, microsecond=0)
    return end - datetime.timedelta(days=7), end


def _filter(start, end, scope=""):
    return "eventTimestamp ge '%s' and eventTimestamp le '%s'%s" % (_iso(start), _iso(end), scope)


def _setting_id(env, name="autoscale-ep-fraud-green"):
    return "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/%s" % (env["AZURE_SUBSCRIPTION_ID"], name)


def test_resource_group_events_paged_newest_first_in_the_documented_shape(monitor, env, emulator):
    start, end = _week()
    events = [item.serialize(keep_readonly=True) for item in monitor.activity_logs.list(
        filter=_filter(start, end, " and resourceGroupName eq 'rg-ml-prod'"))]
    pages = [entry for entry in emulator.requests() if entry["path"].lower().endswith("/eventtypes/management/values")]
    assert len(events) > 40 and len(pages) == -(-len(events) // PAGE_SIZE)
    stamps = [event["eventTimestamp"] for event in events]
    assert stamps == sorted(stamps, reverse=True) and min(stamps) >= _iso(start)
    first = events[0]
    assert first["category"]["value"] == "Autoscale" and first["caller"] == "Microsoft.Insights/autoscaleSettings"
    assert first["resourceId"] == _setting_id(env) and "authorization" not in first
    actions = [event for event in events if event["eventName"]["value"] == "AutoscaleAction"]
    operations = {event["operationName"]["value"] for event in actions}
    assert operations == {"Microsoft.Insights/AutoscaleSettings/Scaleup/Action", "Microsoft.Insights/AutoscaleSettings/Scaledown/Action"}
    assert all(isinstance(event["properties"]["OldInstancesCount"], str) for event in actions)
    assert all(event["properties"]["ResourceName"] == deployment(env, name="green")["id"] for event in actions)
    started = {event["correlationId"] for event in actions if event["status"]["value"] == "Started"}
    finished = {event["correlationId"] for event in actions if event["status"]["value"] == "Succeeded"}
    assert finished <= started and len(started - finished) <= 1
    assert {event["eventName"]["value"] for event in events} >= {"AutoscaleAction", "MetricFailure", "MetricRecovery"}


def test_resource_uri_and_select(monitor, env):
    start, end = _week()
    query = _filter(start, end, " and resourceUri eq '%s'" % _setting_id(env).upper())
    events = [item.serialize(keep_readonly=True) for item in monitor.activity_logs.list(filter=query, select="eventTimestamp,status")]
    assert events and all(set(event) <= {"eventTimestamp", "status"} for event in events)
    other = list(monitor.activity_logs.list(filter=_filter(start, end, " and resourceUri eq '%s'" % _setting_id(env, "nothing"))))
    assert other == []


@pytest.mark.parametrize("query, message", [
    (None, "required"),
    ("eventTimestamp le '2030-01-01T00:00:00Z'", "eventTimestamp ge"),
    ("eventTimestamp ge '2030-01-01T00:00:00Z' and foo eq 'x'", "not supported"),
    ("eventTimestamp ge '2000-01-01T00:00:00Z'", "90 days"),
    ("eventTimestamp ge 'yesterday'", "not a valid date"),
])
def test_filters_the_service_refuses(http, env, query, message):
    params = {"$filter": query} if query else {}
    response = http.call("GET", EVENTS % env["AZURE_SUBSCRIPTION_ID"], api_version="2015-04-01", params=params)
    assert response.status_code == 400 and message in response.json()["error"]["message"]


def test_other_api_versions_are_refused(http, env):
    response = http.call("GET", EVENTS % env["AZURE_SUBSCRIPTION_ID"], api_version="2022-10-01",
                         params={"$filter": _filter(*_week())})
    assert response.status_code == 400 and response.json()["error"]["code"] == "InvalidApiVersionParameter"


def test_setting_metrics_agree_with_the_activity_log_and_the_deployment_metrics(monitor, env, http):
    green = deployment(env, name="green")["id"]
    assert http.call("PUT", _setting_id(env), setting_body(green, minimum="2", default="2", maximum="6")).status_code in (200, 201)
    start, end = _week()
    span = "%s/%s" % (_iso(start), _iso(end))
    namespace = "Microsoft.Insights/autoscalesettings"
    initiated = monitor.metrics.list(_setting_id(env), timespan=span, interval="PT1M", metricnames="ScaleActionsInitiated",
                                     aggregation="Total", metricnamespace=namespace, filter="ScaleDirection eq '*'")
    totals = {series.metadatavalues[0].value: sum(point.total or 0 for point in series.data) for series in initiated.value[0].timeseries}
    events = [item for item in monitor.activity_logs.list(filter=_filter(start, end, " and resourceUri eq '%s'" % _setting_id(env)))
              if item.status.value == "Started"]
    assert totals == {"Increase": sum(1 for item in events if item.operation_name.value.endswith("Scaleup/Action")),
                      "Decrease": sum(1 for item in events if item.operation_name.value.endswith("Scaledown/Action"))}
    observed = monitor.metrics.list(_setting_id(env), timespan=span, interval="PT1M", metricnames="ObservedCapacity",
                                    aggregation="Average", metricnamespace=namespace)
    counts = [point.average for point in observed.value[0].timeseries[0].data if point.average is not None]
    assert counts and 2 <= min(counts) and max(counts) <= 6
    capacity = monitor.metrics.list(green, timespan=span, interval="PT1M", metricnames="DeploymentCapacity", aggregation="Average")
    ready = [point.average for point in capacity.value[0].timeseries[0].data if point.average is not None]
    assert max(ready) <= 6 and min(ready) >= 2  # the ready instances the history gives it, not the plain synthetic count
    thresholds = monitor.metrics.list(_setting_id(env), timespan=span, interval="PT1H", metricnames="MetricThreshold",
                                      aggregation="Average", metricnamespace=namespace, filter="MetricTriggerRule eq '*'")
    assert sorted({round(point.average) for series in thresholds.value[0].timeseries for point in series.data if point.average}) == [30, 70]


def test_setting_metrics_of_a_missing_setting(monitor, env):
    start, end = _week()
    with pytest.raises(Exception) as error:
        monitor.metrics.list(_setting_id(env, "nothing"), timespan="%s/%s" % (_iso(start), _iso(end)), metricnames="ObservedCapacity")
    assert "ResourceNotFound" in str(error.value) or "not found" in str(error.value)
