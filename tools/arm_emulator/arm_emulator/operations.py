"""Long-running operations on Azure ML online deployments: updates, deletes, and the cores quota they draw on.

The contract is ARM's asynchronous operations protocol as the Azure ML REST spec declares it for
``OnlineDeployments_CreateOrUpdate`` (200 or 201 with ``Azure-AsyncOperation`` and ``x-ms-async-operation-timeout``) and
``OnlineDeployments_Delete`` (202 with ``Location``, ``Retry-After`` and ``x-ms-async-operation-timeout``), which is
what azure-ai-ml's generated client reads (``_restclient/arm_ml_service/operations/_operations.py``) and polls with
azure-mgmt-core's ARMPolling. Status documents follow ARM's "Azure-AsyncOperation resource format"
(``status`` InProgress, Succeeded, Failed or Canceled; ``error`` with ``code`` and ``message``; ``startTime``,
``endTime``). The URLs have the shape Azure ML uses, as deployments show it in ``properties.AzureAsyncOperationUri``
(``az ml online-deployment show`` output in public repositories:
``.../providers/Microsoft.MachineLearningServices/locations/eastus/mfeOperationsStatus/odidp:<id>:<id>?api-version=...``),
and ``.../mfeOperationResults/{id}`` for deletes.

Errors an operation ends with are those the Azure ML troubleshooting guide lists as "reported as part of the deployment
operation status": ``OutOfQuota`` when the VM family's cores quota in the region cannot hold the new instance count
(quota reserves 20 % extra instances for upgrades: ``ceil(1.2 x instances) x cores``), ``OperationCanceled`` when a later
update replaced a running one. A failed update leaves the deployment at its previous instance count with
``provisioningState: Failed`` (the emulator's reading; the service's exact leftovers are undocumented).
"""

import copy
import math
import time
import uuid

#: Cores and quota family of the VM sizes the seeds use (Azure's published sizes; quota is counted per family).
VM_SIZES = {
    "standard_ds1_v2": ("standardDSv2Family", 1), "standard_ds2_v2": ("standardDSv2Family", 2),
    "standard_ds3_v2": ("standardDSv2Family", 4), "standard_ds4_v2": ("standardDSv2Family", 8),
    "standard_ds5_v2": ("standardDSv2Family", 16), "standard_f2s_v2": ("standardFSv2Family", 2),
    "standard_f4s_v2": ("standardFSv2Family", 4), "standard_f8s_v2": ("standardFSv2Family", 8),
    "standard_f16s_v2": ("standardFSv2Family", 16), "standard_e4s_v3": ("standardESv3Family", 4),
    "standard_nc6s_v3": ("standardNCSv3Family", 6),
}
UPGRADE_RESERVE = 1.2
RUNNING = ("Creating", "Updating", "Scaling", "Deleting")
ASYNC_TIMEOUT = "PT1H"
TROUBLESHOOTING = "https://aka.ms/oe-tsg#error-outofquota"


def quota_cores(instance_type, instances):
    """(family, cores the quota must hold) for a deployment, or (None, 0) for a size the emulator does not know."""
    family, cores = VM_SIZES.get((instance_type or "").lower(), (None, 0))
    return family, int(math.ceil(UPGRADE_RESERVE * instances)) * cores


def _location_key(body):
    return (body.get("location") or "").replace(" ", "").lower()


def quota_problem(state, deployment, capacity):
    """The OutOfQuota message for scaling ``deployment`` to ``capacity``, or None when the region's quota holds it."""
    subscription = deployment["id"].split("/")[2].lower()
    limits = (state.data.get("quotas") or {}).get(subscription, {}).get(_location_key(deployment), {})
    instance_type = deployment["properties"].get("instanceType")
    family, needed = quota_cores(instance_type, capacity)
    if family is None or family not in limits:
        return None
    used = 0
    for other in state.data["deployments"].values():
        same = other["id"].split("/")[2].lower() == subscription and _location_key(other) == _location_key(deployment)
        if same and other["id"].lower() != deployment["id"].lower():
            other_family, cores = quota_cores(other["properties"].get("instanceType"), other.get("sku", {}).get("capacity", 1))
            used += cores if other_family == family else 0
    if used + needed <= limits[family]:
        return None
    template = ("Not enough quota available for %s in SubscriptionId %s. Current usage/limit: %d/%d. Additional needed: %d "
                "Please see troubleshooting guide, available here: %s")
    return template % (instance_type, subscription, used, limits[family], used + needed - limits[family], TROUBLESHOOTING)


class Operations:
    """The running and finished operations of one emulator; each completes ``seconds`` after it starts."""

    def __init__(self, seconds=0.0):
        self.seconds = seconds
        self.items = {}

    def start(self, state, kind, resource_id, previous, failure=None):
        """Record an operation on ``resource_id`` (``previous``: the body to restore if it fails); return its id."""
        for item in self.items.values():
            if item["resource_id"] == resource_id.lower() and item["status"] == "InProgress":
                item.update(status="Canceled", error={"code": "OperationCanceled", "message": (
                    "Operation was canceled by another operation that has a higher priority.")})
                previous = item["previous"]
        operation_id = "odidp:%s:%s" % (uuid.uuid4(), uuid.uuid4())
        self.items[operation_id] = {"id": operation_id, "kind": kind, "resource_id": resource_id.lower(), "status": "InProgress",
                                    "previous": copy.deepcopy(previous), "failure": failure, "started": time.time(),
                                    "start_time": _stamp()}
        self.settle(state)
        return operation_id

    def settle(self, state):
        """Finish every operation whose time has come, applying its outcome to the state."""
        now = time.time()
        for item in self.items.values():
            if item["status"] == "InProgress" and now - item["started"] >= self.seconds:
                self._finish(state, item)

    def _finish(self, state, item):
        item["end_time"] = _stamp()
        body = state.get("deployments", item["resource_id"])
        if item["kind"] == "delete":
            state.delete("deployments", item["resource_id"])
            item["status"] = "Succeeded"
        elif item["failure"]:
            restored = copy.deepcopy(item["previous"]) if item["previous"] else body
            if restored is not None:
                restored["properties"]["provisioningState"] = "Failed"
                state.put("deployments", restored)
            item.update(status="Failed", error={"code": "OutOfQuota", "message": item["failure"]})
        else:
            if body is not None:
                body["properties"]["provisioningState"] = "Succeeded"
            item["status"] = "Succeeded"
        state.save()

    def status_document(self, operation_id):
        """The Azure-AsyncOperation resource, or None for an unknown id."""
        item = self.items.get(operation_id)
        if item is None:
            return None
        document = {"id": operation_id, "name": operation_id, "status": item["status"], "startTime": item["start_time"]}
        if item.get("end_time"):
            document["endTime"] = item["end_time"]
        if item.get("error"):
            document["error"] = item["error"]
        return document


def _stamp():
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime())
