"""Response helpers: ARM and Entra ID shapes, paging tokens."""

import base64
import datetime
import json
import uuid

from flask import Response, g, request


def json_response(payload, status=200, headers=None):
    """A JSON response with ARM's usual headers."""
    resp = Response(json.dumps(payload), status=status, mimetype="application/json")
    request_id = g.get("request_id") or str(uuid.uuid4())
    resp.headers["x-ms-request-id"] = request_id
    resp.headers["x-ms-correlation-request-id"] = request.headers.get("x-ms-correlation-request-id", request_id)
    resp.headers["Cache-Control"] = "no-cache"
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def arm_error(status, code, message, headers=None):
    """An ARM error response ``{"error": {"code", "message"}}``."""
    return json_response({"error": {"code": code, "message": message}}, status, headers)


def entra_error(status, error, code, description, headers=None):
    """An Entra ID (AADSTS) error response."""
    trace = str(uuid.uuid4())
    correlation = g.get("request_id") or str(uuid.uuid4())
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    return json_response({
        "error": error,
        "error_description": "AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s" % (code, description, trace, correlation, stamp),
        "error_codes": [code], "timestamp": stamp, "trace_id": trace, "correlation_id": correlation,
        "error_uri": "https://login.armemulator.local/error?code=%d" % code,
    }, status, headers)


def encode_skiptoken(offset):
    """Opaque $skiptoken for an offset."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_skiptoken(token):
    """Offset from a $skiptoken (0 when malformed)."""
    try:
        padded = token + "=" * (-len(token) % 4)
        return max(0, int(json.loads(base64.urlsafe_b64decode(padded.encode()))["o"]))
    except (ValueError, KeyError, TypeError):
        return 0
