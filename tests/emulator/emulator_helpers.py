"""Helpers shared by the emulator contract tests."""

import requests

PAGE_SIZE = 3
AUTOSCALE_API = "2022-10-01"


class ArmHttp:
    """Raw HTTPS calls for cases an SDK cannot express."""

    def __init__(self, emulator, principal="automation", token=None):
        self.emulator = emulator
        self.session = requests.Session()
        self.session.verify = emulator.env["REQUESTS_CA_BUNDLE"]
        self.token = token or emulator.token(emulator.principal(principal)["client_id"])

    def call(self, method, path, body=None, api_version=AUTOSCALE_API, headers=None, token=None, params=None):
        """Call ``path`` (an ARM id or route) and return the response."""
        query = dict(params or {})
        if api_version is not None:
            query["api-version"] = api_version
        all_headers = {"Authorization": "Bearer " + (token or self.token)}
        all_headers.update(headers or {})
        url = path if path.startswith("https://") else self.emulator.base_url + path
        return self.session.request(method, url, json=body, params=query, headers=all_headers, verify=self.session.verify, timeout=30)

    def list_all(self, path, api_version=AUTOSCALE_API):
        """Follow nextLink pages."""
        items, url, params = [], path, None
        while url:
            resp = self.call("GET", url, api_version=api_version if params is None else None, params=params)
            resp.raise_for_status()
            data = resp.json()
            items.extend(data["value"])
            url, params = data.get("nextLink"), {}
        return items


def deployment(env, endpoint="ep-fraud", name="blue"):
    """A deployment entry of env.json."""
    return next(item for item in env["deployments"] if item["endpoint"] == endpoint and item["name"] == name)


def setting_body(target, location="eastus", minimum="1", default="2", maximum="5", rules=None, **props):
    """A valid autoscale setting body for a deployment target, shaped like the Azure CLI writes it."""
    if rules is None:
        rules = [scale_rule(target)]
    body = {
        "location": location, "tags": {"owner": "mlops"},
        "properties": {
            "enabled": True, "targetResourceUri": target,
            "profiles": [{"name": "default", "capacity": {"minimum": minimum, "maximum": maximum, "default": default}, "rules": rules}],
            "notifications": [{"operation": "Scale", "email": {"sendToSubscriptionAdministrator": False,
                                                               "sendToSubscriptionCoAdministrators": False, "customEmails": []},
                               "webhooks": []}],
        },
    }
    body["properties"].update(props)
    return body


def scale_rule(target, metric="CpuUtilizationPercentage", direction="Increase", value="1", action_type="ChangeCount", **trigger):
    """One metric rule."""
    metric_trigger = {"metricName": metric, "metricNamespace": "", "metricResourceUri": target, "timeGrain": "PT1M",
                      "statistic": "Average", "timeWindow": "PT5M", "timeAggregation": "Average", "operator": "GreaterThan",
                      "threshold": 70}
    metric_trigger.update(trigger)
    return {"metricTrigger": metric_trigger,
            "scaleAction": {"direction": direction, "type": action_type, "value": value, "cooldown": "PT5M"}}
