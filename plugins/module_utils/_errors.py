# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""One error type for Azure failures, and the one mapping from SDK exceptions to it."""

from __future__ import annotations

import re

# Hints for Azure error codes: what the user should do next.
CODE_HINTS = {
    "authorizationfailed": (
        "The principal lacks the permission named above. Grant it a role that includes that action on the "
        "resource group (for autoscale writes: microsoft.insights/autoscalesettings/write, as in Monitoring Contributor), "
        "then retry; role assignments can take a few minutes to apply."
    ),
    "targetresourceidisimmutable": (
        "An autoscale setting cannot be moved to another target. Delete it (state: absent) and create one for the "
        "new target, or give another setting_name."
    ),
    "invalidactionvalue": (
        "A ChangeCount scale action may not change the count by more than maximum - minimum capacity: lower the rule's "
        "value or widen the capacity range."
    ),
    "targetresourcenotfound": (
        "The target does not exist: check resource_group, workspace, endpoint and deployment (or target_id)."
    ),
    "unsupportedmetric": (
        "The metric is not emitted by that resource: use a metric of the online deployment or endpoint, or set "
        "metric_resource to the resource that emits it."
    ),
    "resourcegroupnotfound": "Check resource_group and subscription_id.",
    "subscriptionnotfound": "Check subscription_id and that the principal can see that subscription.",
    "conflict": (
        "Azure allows one autoscale setting per target. Manage the existing setting (it is named in the message) by "
        "omitting setting_name or giving its name, or delete it first. If another writer created it while this playbook "
        "ran, run the task again: it finds and adopts that setting."
    ),
    "outofquota": (
        "The VM family's cores quota in the region cannot hold the instance count (Azure ML reserves 20 % extra "
        "instances for upgrades: it needs ceil(1.2 x instances) x cores per VM). Choose a smaller count, free quota by "
        "deleting unused deployments, or request a quota increase (https://aka.ms/oe-tsg#error-outofquota)."
    ),
    "operationcanceled": (
        "Another operation on the deployment (the studio, the Azure CLI, a pipeline) replaced this one: let it finish, "
        "then run the task again."
    ),
    "missingsubscriptionregistration": "Register the Microsoft.Insights resource provider in the subscription.",
    "sendemailstoadmincoadminsnotsupported": (
        "Azure retired the classic subscription administrators: set notifications.send_to_subscription_administrator and "
        "send_to_subscription_co_administrators to false (a setting made before 2024-04-03 may still have them: give "
        "notifications explicitly), and list the people in custom_emails or call a webhook."
    ),
}

STATUS_HINTS = {
    400: "Azure rejected the request: the message names the field. Fix the task's input and retry.",
    401: (
        "Authentication failed: check client_id, secret and tenant (or AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT), "
        "auth_source and cloud_environment."
    ),
    403: "The principal is not allowed to do this: grant it a role with the action named in the message.",
    404: "Check the names and ids given to the task.",
    409: CODE_HINTS["conflict"],
    429: (
        "Azure Resource Manager throttled the requests and the retry budget ran out: run with fewer forks, or raise "
        "retry_total / retry_timeout."
    ),
}

SERVER_ERROR_HINT = "Azure returned a server error after every retry: try again later, or raise retry_total / retry_timeout."
AUTH_HINT = STATUS_HINTS[401]
CONNECTION_HINT = (
    "Azure could not be reached: check the network, proxy settings and cloud_environment; for a private CA "
    "(Azure Stack, a proxy that inspects TLS) point REQUESTS_CA_BUNDLE at it."
)

_AADSTS = re.compile(r"(AADSTS\d+)")


class AutoscaleError(Exception):
    """A failure of an Azure call, with what the user should do about it."""

    def __init__(self, action, message, code=None, status=None, hint=None):
        super().__init__(message)
        self.action = action
        self.message = message
        self.code = code
        self.status = status
        self.hint = hint

    def as_dict(self):
        """The structured form returned under ``error``."""
        return {"code": self.code, "status": self.status, "message": self.message, "hint": self.hint}

    def describe(self):
        """One line for ``msg``: action, code, message and hint."""
        code = "{0}: ".format(self.code) if self.code else ""
        hint = " {0}".format(self.hint) if self.hint else ""
        return "Failed to {0}: {1}{2}{3}".format(self.action, code, self.message, hint)


def hint_for(code, status):
    """The advice for an Azure error code, falling back to its HTTP status."""
    if code and code.lower() in CODE_HINTS:
        return CODE_HINTS[code.lower()]
    if status is not None and status >= 500:
        return SERVER_ERROR_HINT
    return STATUS_HINTS.get(status)


def _http_error_parts(exc):
    """Code, status and message of an azure-core HttpResponseError (wrapped or flat error bodies)."""
    status = getattr(exc, "status_code", None)
    odata = getattr(exc, "error", None)
    code = getattr(odata, "code", None)
    message = getattr(odata, "message", None)
    if not message:
        message = getattr(exc, "message", None) or str(exc)
        # azure-core prefixes "(Code) " and appends "Code: ...\nMessage: ..."; keep the first line.
        message = message.strip().splitlines()[0] if message.strip() else message
    return code, status, message


def from_exception(action, exc):
    """Turn an SDK exception into an AutoscaleError (the only place that knows SDK exception types)."""
    kind = type(exc).__name__
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "CredentialUnavailableError" in names:
        return AutoscaleError(action, str(exc), code="CredentialUnavailable", hint=AUTH_HINT)
    if "ClientAuthenticationError" in names and getattr(exc, "status_code", None) is None:
        text = str(exc).strip()
        match = _AADSTS.search(text)
        message = text.splitlines()[0] if text else kind
        if match:
            # azure-identity says "Authentication failed: AADSTSnnn: ..."; the code is given separately.
            message = message[message.index(match.group(1)) + len(match.group(1)):].lstrip(": ") or message
        return AutoscaleError(action, message, code=match.group(1) if match else "AuthenticationFailed", status=401, hint=AUTH_HINT)
    if "HttpResponseError" in names:
        code, status, message = _http_error_parts(exc)
        return AutoscaleError(action, message, code=code, status=status, hint=hint_for(code, status))
    if "MlException" in names:
        text = str(exc).strip()
        return AutoscaleError(action, text.splitlines()[0] if text else kind, code="AzureMLError")
    if "ServiceRequestError" in names or "ServiceResponseError" in names or isinstance(exc, OSError):
        return AutoscaleError(action, str(exc) or kind, code="ServiceUnreachable", hint=CONNECTION_HINT)
    return None
