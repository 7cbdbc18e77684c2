"""The Flask application: cloud metadata, Entra ID token endpoint, admin routes and request plumbing."""

import socket
import time
import uuid
from urllib.parse import unquote

from flask import Flask, Response, g, request

from arm_emulator import arm
from arm_emulator.auth import EMULATOR_AUDIENCE
from arm_emulator.faults import FaultSet, RequestLog
from arm_emulator.operations import Operations
from arm_emulator.responses import arm_error, entra_error, json_response

_FAULT_CODES = {429: "TooManyRequests", 500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable",
                504: "GatewayTimeout", 408: "RequestTimeout", 400: "BadRequest", 409: "Conflict"}
_FAULT_MESSAGES = {
    429: "The request is being throttled as the limit has been reached for operation type - '%s'. Please retry after the Retry-After.",
    500: "Encountered internal server error. Diagnostic information: timestamp '%s', activity id '%s'.",
    503: "The service is temporarily unavailable. Please retry later.",
}
LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


class Emulator:
    """Everything the routes share."""

    def __init__(self, state, authority, page_size=20, latency_ms=0, operation_seconds=0.0):
        self.state = state
        self.authority = authority
        self.page_size = page_size
        self.latency_ms = latency_ms
        self.faults = FaultSet()
        self.operations = Operations(operation_seconds)
        #: The Retry-After (seconds) of long-running operations: azure-ai-ml otherwise polls every 5 s.
        self.retry_after = 1
        self.log = RequestLog()
        self.env = {}

    @property
    def base_url(self):
        """``https://127.0.0.1:PORT`` without a trailing slash."""
        return self.authority.base_url

    def writer(self):
        """The principal whose credentials go into env.json."""
        principals = self.state.data["principals"]
        return next((item for item in principals if item.get("role") == "writer"), principals[0])

    def metadata(self):
        """The cloud metadata document (one cloud)."""
        root = self.base_url + "/"
        return {
            "name": self.state.data["cloud_name"], "portal": "https://portal.armemulator.local",
            "resourceManager": root, "authentication": {"loginEndpoint": root, "audiences": self.authority.audiences(),
                                                        "tenant": "common", "identityProvider": "AAD"},
            "media": "https://rest.media.armemulator.local", "graphAudience": "https://graph.armemulator.local/",
            "graph": "https://graph.armemulator.local/", "batch": "https://batch.armemulator.local/",
            "vmImageAliasDoc": "https://raw.armemulator.local/arm-compute/quickstart-templates/aliases.json",
            "activeDirectoryDataLake": "https://datalake.armemulator.local/",
            "sqlManagement": "https://management.armemulator.local:8443/",
            "microsoftGraphResourceId": "https://graph.microsoft.armemulator.local/",
            "appInsightsResourceId": "https://api.applicationinsights.armemulator.local",
            "appInsightsTelemetryChannelResourceId": "https://dc.applicationinsights.armemulator.local/v2/track",
            "attestationResourceId": "https://attest.armemulator.local",
            "synapseAnalyticsResourceId": "https://dev.azuresynapse.armemulator.local",
            "logAnalyticsResourceId": "https://api.loganalytics.armemulator.local",
            "ossrDbmsResourceId": "https://ossrdbms-aad.database.armemulator.local",
            "suffixes": {"azureDataLakeStoreFileSystem": "azuredatalakestore.armemulator.local",
                         "acrLoginServer": "azurecr.armemulator.local", "sqlServerHostname": "database.armemulator.local",
                         "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.armemulator.local",
                         "keyVaultDns": "vault.armemulator.local", "storage": "core.armemulator.local",
                         "azureFrontDoorEndpointSuffix": "azurefd.armemulator.local",
                         "storageSyncEndpointSuffix": "afs.armemulator.local", "mhsmDns": "managedhsm.armemulator.local",
                         "mysqlServerEndpoint": "mysql.database.armemulator.local",
                         "postgresqlServerEndpoint": "postgres.database.armemulator.local",
                         "mariadbServerEndpoint": "mariadb.database.armemulator.local",
                         "synapseAnalytics": "dev.azuresynapse.armemulator.local",
                         "attestationEndpoint": "attest.armemulator.local"},
        }


class _SlashMerger:
    """WSGI middleware: collapse repeated slashes (the SDK sends ``//subscriptions/...`` for resource-scoped calls)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        while "//" in path:
            path = path.replace("//", "/")
        environ["PATH_INFO"] = path
        return self.wsgi_app(environ, start_response)


def _kind(path):
    parts = [part.lower() for part in path.split("/") if part]
    if not parts:
        return "other"
    if parts[0] == "_emulator":
        return "admin"
    if parts[0] == "metadata":
        return "metadata"
    if parts[0] == "subscriptions" or "providers" in parts:
        return "arm"
    if len(parts) >= 3 and parts[1] == "oauth2":
        return "token"
    return "discovery"


def create_app(emu):
    """Build the Flask app around an Emulator."""
    app = Flask("arm_emulator")
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.wsgi_app = _SlashMerger(app.wsgi_app)

    @app.before_request
    def _before():
        g.request_id = str(uuid.uuid4())
        g.kind = _kind(request.path)
        g.principal = None
        if g.kind == "admin":
            if request.remote_addr not in LOOPBACK:
                return json_response({"error": {"code": "Forbidden", "message": "Admin routes are loopback only."}}, 403)
            return None
        latency, rule = emu.faults.decide(request.method, request.path)
        if g.kind == "arm":
            latency += emu.latency_ms
        if latency:
            time.sleep(latency / 1000.0)
        if rule is None:
            return None
        if rule.action == "drop":
            _drop(emu)
            return Response("", status=500)
        return _fault_response(rule)

    @app.after_request
    def _after(resp):
        if g.get("kind") != "admin" and not g.get("dropped"):
            emu.log.add({"method": request.method, "path": request.path, "query": request.query_string.decode("latin-1"),
                         "status": resp.status_code, "principal": g.get("principal"), "kind": g.get("kind")})
        return resp

    _metadata_routes(app, emu)
    _entra_routes(app, emu)
    _admin_routes(app, emu)

    @app.route("/<path:path>", methods=["GET", "PUT", "PATCH", "DELETE", "POST", "HEAD"])
    def _arm(path):
        return arm.dispatch(emu, "/" + path)

    @app.errorhandler(404)
    def _not_found(_error):
        return json_response({"error": {"code": "NotFound", "message": "The requested path '%s' was not found." % request.path}}, 404)

    @app.errorhandler(405)
    def _not_allowed(_error):
        return json_response({"error": {"code": "MethodNotAllowed", "message": "The method '%s' is not allowed." % request.method}}, 405)

    return app


def _drop(emu):
    """Close the client connection without a response."""
    g.dropped = True
    emu.log.add({"method": request.method, "path": request.path, "query": request.query_string.decode("latin-1"),
                 "status": 0, "principal": None, "kind": g.kind})
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _fault_response(rule):
    status = rule.status
    headers = {}
    if rule.retry_after is not None and status in (429, 503):
        headers["Retry-After"] = str(rule.retry_after)
    code = _FAULT_CODES.get(status, "Status%d" % status)
    if g.kind in ("token", "discovery"):
        return entra_error(status, "temporarily_unavailable", 50196 if status == 429 else 90033,
                           "The service is temporarily unavailable (%s)." % code, headers)
    template = _FAULT_MESSAGES.get(status, "The request failed with status %d." % status)
    if "%s" in template:
        template = template % ((request.method.capitalize(),) if status == 429 else (time.strftime("%Y%m%dT%H%M%SZ"), g.request_id))
    return json_response({"error": {"code": code, "message": template}}, status, headers)


def _metadata_routes(app, emu):
    @app.route("/metadata/endpoints", methods=["GET"])
    def _metadata():
        version = request.args.get("api-version")
        if not version:
            return arm_error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        if version == "2015-01-01":
            return json_response(emu.metadata())
        return json_response([emu.metadata()])


def _tenant_known(emu, tenant):
    return tenant.lower() in (emu.state.data["tenant_id"].lower(), "common", "organizations")


def _entra_routes(app, emu):
    @app.route("/<tenant>/v2.0/.well-known/openid-configuration", methods=["GET"])
    def _discovery(tenant):
        if not _tenant_known(emu, tenant):
            return entra_error(400, "invalid_tenant", 90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
                               "and are signing into the correct cloud." % tenant)
        base = emu.base_url
        tid = emu.state.data["tenant_id"] if tenant.lower() in ("common", "organizations") else tenant
        return json_response({
            "token_endpoint": "%s/%s/oauth2/v2.0/token" % (base, tenant),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": "%s/%s/discovery/v2.0/keys" % (base, tenant),
            "response_modes_supported": ["query", "fragment", "form_post"], "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": emu.authority.issuer(tid), "request_uri_parameter_supported": False,
            "authorization_endpoint": "%s/%s/oauth2/v2.0/authorize" % (base, tenant),
            "device_authorization_endpoint": "%s/%s/oauth2/v2.0/devicecode" % (base, tenant),
            "end_session_endpoint": "%s/%s/oauth2/v2.0/logout" % (base, tenant),
            "http_logout_supported": True, "frontchannel_logout_supported": True,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "name", "tid", "ver"],
            "tenant_region_scope": "NA", "cloud_instance_name": "armemulator.local", "cloud_graph_host_name": "graph.armemulator.local",
            "msgraph_host": "graph.microsoft.armemulator.local", "rbac_url": "https://pas.armemulator.local",
        })

    @app.route("/<tenant>/discovery/v2.0/keys", methods=["GET"])
    @app.route("/<tenant>/discovery/keys", methods=["GET"])
    def _jwks(tenant):
        if not _tenant_known(emu, tenant):
            return entra_error(400, "invalid_tenant", 90002, "Tenant '%s' not found." % tenant)
        return json_response(emu.authority.jwks())

    @app.route("/<tenant>/oauth2/v2.0/token", methods=["POST"])
    def _token(tenant):
        return _issue_token(emu, tenant)


def _issue_token(emu, tenant):
    form = request.form
    client_id, secret = form.get("client_id"), form.get("client_secret")
    basic = request.authorization
    if basic is not None and basic.type == "basic":
        client_id, secret = client_id or unquote(basic.username or ""), secret or unquote(basic.password or "")
    g.principal = client_id
    if tenant.lower() != emu.state.data["tenant_id"].lower():
        return entra_error(400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
                           "and are signing into the correct cloud. Check with your subscription administrator, this may happen "
                           "if there are no active subscriptions for the tenant." % tenant)
    grant = form.get("grant_type")
    if grant != "client_credentials":
        if not grant:
            return entra_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
        return entra_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'." % grant)
    if not client_id:
        return entra_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
    principal = emu.state.principal_by_client_id(client_id)
    if principal is None or principal.get("tenant", "").lower() != tenant.lower():
        return entra_error(400, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'. "
                           "This can happen if the application has not been installed by the administrator of the tenant or consented "
                           "to by any user in the tenant. You may have sent your authentication request to the wrong tenant." % (client_id, tenant))
    g.principal = principal["name"]
    if secret != principal["secret"]:
        return entra_error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request "
                           "is the client secret value, not the client secret ID, for a secret added to app '%s'." % client_id)
    scope = form.get("scope")
    if not scope:
        return entra_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
    resource = next((item for item in scope.split() if item.endswith("/.default")), None)
    if resource is None:
        return entra_error(400, "invalid_scope", 1002012, "The provided value for scope %s is not valid. Client credential flows "
                           "must have a scope value with /.default suffixed to the resource identifier (application ID URI)." % scope)
    audience = resource[: -len("/.default")]
    token = emu.authority.mint(principal, audience, 3599)
    return json_response({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})


def _admin_routes(app, emu):
    @app.route("/_emulator/requests", methods=["GET", "DELETE"])
    def _requests():
        if request.method == "DELETE":
            emu.log.clear()
            return json_response({"cleared": True})
        return json_response(emu.log.list())

    @app.route("/_emulator/faults", methods=["GET", "POST", "DELETE"])
    def _faults():
        if request.method == "DELETE":
            emu.faults.clear()
        elif request.method == "POST":
            payload = request.get_json(silent=True) or {}
            rules = payload.get("rules") if isinstance(payload, dict) else None
            if not isinstance(rules, list):
                return json_response({"error": {"code": "BadRequest", "message": "Expected {\"rules\": [...]}"}}, 400)
            try:
                emu.faults.add(rules)
            except (ValueError, TypeError, KeyError) as exc:
                return json_response({"error": {"code": "BadRequest", "message": str(exc)}}, 400)
        return json_response({"rules": emu.faults.describe()})

    @app.route("/_emulator/tokens", methods=["POST"])
    def _tokens():
        payload = request.get_json(silent=True) or {}
        principal = emu.state.principal_by_client_id(payload.get("client_id")) if payload.get("client_id") else emu.writer()
        if principal is None:
            return json_response({"error": {"code": "NotFound", "message": "Unknown client_id."}}, 404)
        expires_in = int(payload.get("expires_in", 3600))
        token = emu.authority.mint(principal, payload.get("audience") or EMULATOR_AUDIENCE, expires_in)
        return json_response({"token_type": "Bearer", "access_token": token, "expires_in": expires_in,
                              "expires_on": int(time.time()) + expires_in})

    @app.route("/_emulator/operations", methods=["GET", "POST"])
    def _operations():
        if request.method == "POST":
            payload = request.get_json(silent=True) or {}
            try:
                emu.operations.seconds = max(0.0, float(payload.get("seconds", emu.operations.seconds)))
            except (TypeError, ValueError):
                return json_response({"error": {"code": "BadRequest", "message": "Expected {\"seconds\": N}"}}, 400)
        with emu.state.lock:
            emu.operations.settle(emu.state)
            items = [dict(emu.operations.status_document(key), kind=item["kind"], resourceId=item["resource_id"])
                     for key, item in emu.operations.items.items()]
        return json_response({"seconds": emu.operations.seconds, "operations": items})

    @app.route("/_emulator/state", methods=["GET"])
    def _state():
        with emu.state.lock:
            return json_response(emu.state.data)

    @app.route("/_emulator/env", methods=["GET"])
    def _env():
        return json_response(emu.env)
