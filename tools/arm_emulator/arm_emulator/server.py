"""Serve the emulator over HTTPS on 127.0.0.1 and publish env.json / env.sh."""

import json
import logging
import os
import shlex
import signal
import ssl
import sys
import threading

from werkzeug.serving import make_server

from arm_emulator import certs
from arm_emulator.app import Emulator, create_app
from arm_emulator.auth import EMULATOR_AUDIENCE, TokenAuthority
from arm_emulator.seed import default_seed, load_seed
from arm_emulator.state import State

ENV_VARS = ("AZURE_CLOUD_ENVIRONMENT", "ARM_CLOUD_METADATA_URL", "AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_SECRET",
            "AZURE_TENANT", "REQUESTS_CA_BUNDLE", "ARM_EMULATOR_ADMIN_URL")
METADATA_API_VERSION = "2022-09-01"


def _write_atomic(path, text, mode=0o600):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def build_env(emu, ca_path):
    """The env.json document."""
    base = emu.base_url
    metadata_url = "%s/metadata/endpoints?api-version=%s" % (base, METADATA_API_VERSION)
    writer = emu.writer()
    first_sub = next(iter(emu.state.data["subscriptions"].values()))["subscription_id"]
    env = {
        "AZURE_CLOUD_ENVIRONMENT": metadata_url, "ARM_CLOUD_METADATA_URL": metadata_url, "AZURE_SUBSCRIPTION_ID": first_sub,
        "AZURE_CLIENT_ID": writer["client_id"], "AZURE_SECRET": writer["secret"], "AZURE_TENANT": writer["tenant"],
        "REQUESTS_CA_BUNDLE": os.path.abspath(ca_path), "ARM_EMULATOR_ADMIN_URL": base + "/_emulator",
        "resource_manager_url": base + "/", "login_endpoint": base + "/", "audience": EMULATOR_AUDIENCE,
        "cloud_name": emu.state.data["cloud_name"],
        "principals": [{"name": item["name"], "client_id": item["client_id"], "secret": item["secret"], "tenant": item["tenant"],
                        "object_id": item["object_id"], "role": item.get("role"), "actions": item.get("actions", [])}
                       for item in emu.state.data["principals"]],
    }
    env.update(emu.state.inventory())
    return env


def write_env(state_dir, env):
    """Write env.json and env.sh atomically."""
    _write_atomic(os.path.join(state_dir, "env.json"), json.dumps(env, indent=2) + "\n")
    lines = ["export %s=%s" % (key, shlex.quote(env[key])) for key in ENV_VARS]
    _write_atomic(os.path.join(state_dir, "env.sh"), "\n".join(lines) + "\n")


def serve(state_dir, port=0, seed_path=None, latency_ms=0, page_size=20, operation_seconds=0.0):
    """Run until SIGTERM/SIGINT; return an exit code."""
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    for stale in ("env.json", "env.sh"):
        if os.path.exists(os.path.join(state_dir, stale)):
            os.remove(os.path.join(state_dir, stale))
    material = certs.ensure_material(state_dir)
    seed = load_seed(seed_path) if seed_path else default_seed()
    state = State.open(state_dir, seed)
    authority = TokenAuthority(material["jwt_key"], material["kid"], "https://127.0.0.1:0")
    emu = Emulator(state, authority, page_size=page_size, latency_ms=latency_ms, operation_seconds=operation_seconds)
    app = create_app(emu)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(material["cert"], material["key"])
    server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=context)
    server.daemon_threads = True
    bound_port = server.socket.getsockname()[1]
    authority.base_url = "https://127.0.0.1:%d" % bound_port
    emu.env = build_env(emu, material["ca"])
    _write_atomic(os.path.join(state_dir, "emulator.pid"), "%d\n" % os.getpid(), 0o644)
    write_env(state_dir, emu.env)

    def _stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sys.stdout.write("arm-emulator listening on %s\n" % authority.base_url)
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        with state.lock:
            state.save()
        pid_file = os.path.join(state_dir, "emulator.pid")
        if os.path.exists(pid_file):
            os.remove(pid_file)
    sys.stdout.write("arm-emulator stopped\n")
    sys.stdout.flush()
    return 0
