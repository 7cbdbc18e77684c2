# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""from_exception with real azure-core, azure-identity and azure-ai-ml exception objects."""

from __future__ import annotations

import io
import json

import pytest
import requests
import urllib3
from azure.ai.ml.exceptions import MlException
from azure.core.exceptions import (
    ClientAuthenticationError, HttpResponseError, ResourceExistsError, ResourceNotFoundError, ServiceRequestError,
    ServiceResponseError, map_error,
)
from azure.core.rest import HttpRequest
from azure.core.rest._requests_basic import RestRequestsTransportResponse
from azure.identity import CredentialUnavailableError
from azure.mgmt.core.exceptions import ARMErrorFormat

from ansible_collections.mlops.autoscale.plugins.module_utils._errors import (
    AUTH_HINT, CODE_HINTS, CONNECTION_HINT, SERVER_ERROR_HINT, STATUS_HINTS, AutoscaleError, from_exception, hint_for,
)

URL = "https://arm.example.test/subscriptions/0000/resourcegroups/rg/providers/Microsoft.Insights/autoscalesettings/s1"
ACTION = "write autoscale setting 's1' in resource group 'rg'"


def http_response(status, body, headers=None, method="PUT"):
    """A real azure-core HttpResponse over a real requests.Response (as RequestsTransport builds it)."""
    internal = requests.Response()
    internal.status_code = status
    internal.reason = requests.status_codes._codes.get(status, ("error",))[0].replace("_", " ").title()  # pylint: disable=protected-access
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    internal.raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=status, preload_content=False)
    internal.headers["Content-Type"] = "application/json; charset=utf-8"
    internal.headers.update(headers or {})
    internal.url = URL
    internal.encoding = "utf-8"
    response = RestRequestsTransportResponse(request=HttpRequest(method, URL), internal_response=internal)
    response.read()  # the pipeline reads non-streamed bodies before the SDK raises
    return response


def wrapped(code, message):
    return {"error": {"code": code, "message": message}}


def flat(code, message):
    return {"code": code, "message": message}


AUTHZ_MESSAGE = ("The client '0c9a' with object id 'b2c3' does not have authorization to perform action "
                 "'microsoft.insights/autoscalesettings/write' over scope '/subscriptions/0000/resourcegroups/rg' "
                 "or the scope is invalid.")


@pytest.mark.parametrize("shape", [wrapped, flat], ids=["wrapped", "flat"])
@pytest.mark.parametrize("status, code, message, hint", [
    (403, "AuthorizationFailed", AUTHZ_MESSAGE, CODE_HINTS["authorizationfailed"]),
    (400, "TargetResourceIdIsImmutable", "The target resource id of an autoscale setting cannot be changed.",
     CODE_HINTS["targetresourceidisimmutable"]),
    (400, "InvalidActionValue", "The scale action value '9' is larger than maximum - minimum capacity '4'.",
     CODE_HINTS["invalidactionvalue"]),
    (409, "Conflict", "An autoscale setting named 'other' already exists for target resource '/x'.", CODE_HINTS["conflict"]),
    (400, "BadRequest", "The minimum capacity value '6' is greater than the default capacity value '2'.", STATUS_HINTS[400]),
    (429, "TooManyRequests", "The request is being throttled.", STATUS_HINTS[429]),
    (500, "InternalServerError", "Something went wrong.", SERVER_ERROR_HINT),
    (503, "ServiceUnavailable", "Try again later.", SERVER_ERROR_HINT),
    (401, "InvalidAuthenticationToken", "The access token is invalid.", AUTH_HINT),
    (404, "ResourceGroupNotFound", "Resource group 'rg' could not be found.", CODE_HINTS["resourcegroupnotfound"]),
    (400, "UnsupportedMetric", "The metric 'Nope' is not supported.", CODE_HINTS["unsupportedmetric"]),
])
@pytest.mark.parametrize("error_format", [None, ARMErrorFormat], ids=["odata", "arm"])
def test_http_response_error(shape, status, code, message, hint, error_format):
    kwargs = {"error_format": error_format} if error_format else {}
    exc = HttpResponseError(response=http_response(status, shape(code, message)), **kwargs)
    error = from_exception(ACTION, exc)
    assert isinstance(error, AutoscaleError)
    assert (error.code, error.status, error.message, error.hint) == (code, status, message, hint)
    assert error.action == ACTION
    assert error.as_dict() == {"code": code, "status": status, "message": message, "hint": hint}


@pytest.mark.parametrize("status", [400, 403, 404, 409, 401, 429, 500, 502, 503, 504])
def test_sdk_mapped_errors(status):
    """The exception types azure-mgmt-monitor raises through map_error keep code and status."""
    error_map = {401: ClientAuthenticationError, 404: ResourceNotFoundError, 409: ResourceExistsError}
    response = http_response(status, wrapped("SomeCode", "Some message."))
    with pytest.raises(HttpResponseError) as caught:
        map_error(status_code=status, response=response, error_map=error_map)
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    error = from_exception(ACTION, caught.value)
    assert (error.code, error.status, error.message) == ("SomeCode", status, "Some message.")
    assert error.hint == hint_for("SomeCode", status)
    assert error.hint is not None


def test_resource_not_found_error():
    exc = ResourceNotFoundError(response=http_response(404, wrapped("ResourceNotFound", "The Resource 's1' was not found."),
                                                       method="GET"))
    error = from_exception("read autoscale setting 's1'", exc)
    assert (error.code, error.status) == ("ResourceNotFound", 404)
    assert error.message == "The Resource 's1' was not found."
    assert error.hint == STATUS_HINTS[404]


def test_conflict_409_from_resource_exists_error():
    exc = ResourceExistsError(response=http_response(409, flat("Conflict", "An autoscale setting named 'cli-made' (id '/x') "
                                                                           "already exists for target resource '/t'.")))
    error = from_exception(ACTION, exc)
    assert (error.code, error.status, error.hint) == ("Conflict", 409, CODE_HINTS["conflict"])
    assert "cli-made" in error.message
    assert error.describe().startswith("Failed to write autoscale setting 's1' in resource group 'rg': Conflict: An autoscale")


def test_409_with_another_code_gets_the_conflict_hint_by_status():
    exc = HttpResponseError(response=http_response(409, wrapped("AnotherOperationInProgress", "Busy.")))
    assert from_exception(ACTION, exc).hint == CODE_HINTS["conflict"]


def test_code_hints_are_case_insensitive():
    exc = HttpResponseError(response=http_response(403, flat("authorizationFailed", AUTHZ_MESSAGE)))
    assert from_exception(ACTION, exc).hint == CODE_HINTS["authorizationfailed"]


def test_body_without_json_keeps_first_line_and_status():
    exc = HttpResponseError(response=http_response(502, b"<html>Bad Gateway</html>"))
    error = from_exception(ACTION, exc)
    assert error.status == 502
    assert error.code is None
    assert error.hint == SERVER_ERROR_HINT
    assert "\n" not in error.message and error.message


def test_http_response_error_without_response():
    error = from_exception(ACTION, HttpResponseError(message="Operation returned an invalid status 'Bad Request'"))
    assert error.status is None and error.code is None
    assert error.message == "Operation returned an invalid status 'Bad Request'"
    assert error.hint is None


AADSTS_TEXT = ("ClientSecretCredential.get_token failed: Authentication failed: AADSTS7000215: Invalid client secret provided. "
               "Ensure the secret being sent in the request is the client secret value, not the client secret ID.\n"
               "Trace ID: 0000 Correlation ID: 1111 Timestamp: 2026-01-01 00:00:00Z")


def test_client_authentication_error_with_aadsts():
    exc = ClientAuthenticationError(message=AADSTS_TEXT)
    assert exc.status_code is None
    error = from_exception("build the credential", exc)
    assert error.code == "AADSTS7000215"
    assert error.status == 401
    assert error.hint == AUTH_HINT
    assert error.message.startswith("Invalid client secret provided.") and "\n" not in error.message
    assert "client_id, secret and tenant" in error.describe()
    assert error.describe().startswith("Failed to build the credential: AADSTS7000215: ")


def test_client_authentication_error_without_aadsts():
    error = from_exception("build the credential", ClientAuthenticationError(message="token request failed"))
    assert (error.code, error.status, error.hint) == ("AuthenticationFailed", 401, AUTH_HINT)


def test_client_authentication_error_with_a_401_response_is_an_http_error():
    exc = ClientAuthenticationError(response=http_response(401, wrapped("ExpiredAuthenticationToken", "The token expired.")))
    error = from_exception(ACTION, exc)
    expected = ("ExpiredAuthenticationToken", 401, "The token expired.", AUTH_HINT)
    assert (error.code, error.status, error.message, error.hint) == expected


def test_credential_unavailable_error():
    exc = CredentialUnavailableError(message="Azure CLI not found on path")
    error = from_exception("build the credential", exc)
    assert (error.code, error.status, error.hint) == ("CredentialUnavailable", None, AUTH_HINT)
    assert error.message == "Azure CLI not found on path"


@pytest.mark.parametrize("exc_type", [ServiceRequestError, ServiceResponseError])
def test_service_unreachable(exc_type):
    exc = exc_type("<urllib3.connection.HTTPSConnection object>: Failed to establish a new connection: [Errno 111] "
                   "Connection refused")
    error = from_exception(ACTION, exc)
    assert (error.code, error.status, error.hint) == ("ServiceUnreachable", None, CONNECTION_HINT)
    assert "Connection refused" in error.message
    assert "REQUESTS_CA_BUNDLE" in error.describe()


def test_os_error_is_a_connection_failure():
    error = from_exception(ACTION, ConnectionResetError(104, "Connection reset by peer"))
    assert (error.code, error.hint) == ("ServiceUnreachable", CONNECTION_HINT)


def test_ml_exception():
    exc = MlException(message="Workspace ws-nope not found.\nMore details.", no_personal_data_message="Workspace not found.")
    error = from_exception("find online deployment 'blue'", exc)
    assert (error.code, error.status, error.hint) == ("AzureMLError", None, None)
    assert error.message == "Workspace ws-nope not found."
    assert error.describe() == "Failed to find online deployment 'blue': AzureMLError: Workspace ws-nope not found."


@pytest.mark.parametrize("exc", [ValueError("bad"), KeyError("x"), RuntimeError("boom"), TypeError("t")])
def test_unknown_exceptions_are_not_mapped(exc):
    assert from_exception(ACTION, exc) is None


@pytest.mark.parametrize("code, status, expected", [
    ("AuthorizationFailed", 403, CODE_HINTS["authorizationfailed"]),
    ("TARGETRESOURCENOTFOUND", 404, CODE_HINTS["targetresourcenotfound"]),
    ("Unknown", 403, STATUS_HINTS[403]),
    (None, 409, CODE_HINTS["conflict"]),
    (None, 500, SERVER_ERROR_HINT),
    (None, 599, SERVER_ERROR_HINT),
    ("InternalServerError", 500, SERVER_ERROR_HINT),
    (None, 418, None),
    (None, None, None),
])
def test_hint_for(code, status, expected):
    assert hint_for(code, status) == expected


@pytest.mark.parametrize("error, expected", [
    (AutoscaleError("read x", "gone", code="ResourceNotFound", status=404, hint="Check it."),
     "Failed to read x: ResourceNotFound: gone Check it."),
    (AutoscaleError("read x", "gone"), "Failed to read x: gone"),
    (AutoscaleError("read x", "gone", code="C"), "Failed to read x: C: gone"),
    (AutoscaleError("read x", "gone", hint="Do y."), "Failed to read x: gone Do y."),
])
def test_describe(error, expected):
    assert error.describe() == expected
    assert str(error) == "gone"
