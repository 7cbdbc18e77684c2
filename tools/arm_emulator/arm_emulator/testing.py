"""Helpers to run the emulator as a subprocess from tests and scripts."""

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from arm_emulator.server import ENV_VARS

WRITE_METHODS = ("PUT", "PATCH", "DELETE", "POST")


class EmulatorError(RuntimeError):
    """The emulator did not start, or an admin call failed."""


class EmulatorProcess:
    """A running ``python -m arm_emulator serve`` subprocess."""

    def __init__(self, state_dir, seed=None, extra_args=(), port=0):
        self.state_dir = os.path.abspath(str(state_dir))
        self.seed = str(seed) if seed else None
        self.extra_args = tuple(extra_args)
        self.port = port
        self.process = None
        self.env = {}
        self._log_handle = None
        self._ssl = None

    @classmethod
    def start(cls, state_dir, seed=None, extra_args=(), port=0, timeout=20.0):
        """Start the emulator and wait until it is listening."""
        emulator = cls(state_dir, seed, extra_args, port)
        emulator._launch(timeout)
        return emulator

    @property
    def log_path(self):
        """Where the subprocess's stdout/stderr go."""
        return os.path.join(self.state_dir, "emulator.log")

    def _launch(self, timeout):
        os.makedirs(self.state_dir, exist_ok=True)
        env_path = os.path.join(self.state_dir, "env.json")
        if os.path.exists(env_path):
            os.remove(env_path)
        command = [sys.executable, "-m", "arm_emulator", "serve", "--port", str(self.port), "--state-dir", self.state_dir]
        if self.seed:
            command += ["--seed", self.seed]
        command += list(self.extra_args)
        self._log_handle = open(self.log_path, "ab")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(command, stdout=self._log_handle, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError("arm-emulator exited with %s; log:\n%s" % (self.process.returncode, self._tail()))
            if os.path.exists(env_path) and b"arm-emulator listening on" in self._tail().encode():
                with open(env_path, "r", encoding="utf-8") as handle:
                    self.env = json.load(handle)
                self.port = int(self.env["resource_manager_url"].rstrip("/").rsplit(":", 1)[1])
                self._ssl = ssl.create_default_context(cafile=self.env["REQUESTS_CA_BUNDLE"])
                return
            time.sleep(0.05)
        self.stop()
        raise EmulatorError("arm-emulator did not start within %ss; log:\n%s" % (timeout, self._tail()))

    def _tail(self):
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 20000))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def base_url(self):
        """``https://127.0.0.1:PORT``."""
        return self.env["resource_manager_url"].rstrip("/")

    def client_env(self):
        """The environment-variable keys of env.json, as strings."""
        return {key: str(self.env[key]) for key in ENV_VARS}

    def admin(self, method, route, payload=None):
        """Call an admin route (``/_emulator/<route>``) and return the decoded JSON."""
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request("%s/_emulator/%s" % (self.base_url, route.lstrip("/")), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=30) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise EmulatorError("admin %s %s failed: %s %s" % (method, route, exc.code, exc.read()[:500])) from exc

    def requests(self):
        """The request log (list of dicts)."""
        return self.admin("GET", "requests")

    def clear_requests(self):
        """Empty the request log."""
        self.admin("DELETE", "requests")

    def writes(self):
        """ARM log entries with a write method (PUT/PATCH/DELETE/POST)."""
        return [entry for entry in self.requests() if entry["kind"] == "arm" and entry["method"] in WRITE_METHODS]

    def set_faults(self, rules):
        """Append fault rules; return the active rules."""
        return self.admin("POST", "faults", {"rules": list(rules)})["rules"]

    def faults(self):
        """The active fault rules with their counters."""
        return self.admin("GET", "faults")["rules"]

    def clear_faults(self):
        """Remove all fault rules."""
        self.admin("DELETE", "faults")

    def token(self, client_id=None, expires_in=3600, audience=None):
        """Mint an access token (may be expired or for another audience)."""
        payload = {"expires_in": expires_in}
        if client_id:
            payload["client_id"] = client_id
        if audience:
            payload["audience"] = audience
        return self.admin("POST", "tokens", payload)["access_token"]

    def operations(self, seconds=None):
        """The Azure ML operations so far; ``seconds`` first sets how long later ones run."""
        if seconds is not None:
            return self.admin("POST", "operations", {"seconds": seconds})
        return self.admin("GET", "operations")

    def state(self):
        """The emulator's state document."""
        return self.admin("GET", "state")

    def principal(self, name):
        """A principal entry of env.json by name."""
        return next(item for item in self.env["principals"] if item["name"] == name)

    def stop(self, timeout=10.0):
        """SIGTERM, wait, SIGKILL if needed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def restart(self, timeout=20.0):
        """Stop and start again on the same state dir and port."""
        self.stop()
        self._launch(timeout)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


AUTOSCALE_API = "2022-10-01"


class ArmClient:
    """Raw HTTPS calls to the emulator as a principal: for test setup, checks, and what the SDKs cannot express."""

    def __init__(self, emulator, client_id=None):
        import requests  # pylint: disable=import-outside-toplevel  # the test environment's HTTP client, not a dependency of the server
        self.emulator = emulator
        self.session = requests.Session()
        self.session.verify = emulator.env["REQUESTS_CA_BUNDLE"]
        self.client_id = client_id or emulator.env["AZURE_CLIENT_ID"]
        self.token = emulator.token(self.client_id)

    def call(self, method, path, body=None, api_version=AUTOSCALE_API, token=None):
        """One request with the principal's token (or ``token``); ``path`` may be a full URL such as a nextLink."""
        url = path if path.startswith("https://") else self.emulator.base_url + path
        params = {"api-version": api_version} if api_version else None
        return self.session.request(method, url, json=body, params=params, timeout=60, verify=self.session.verify,
                                    headers={"Authorization": "Bearer " + (token or self.token)})

    def setting_path(self, resource_group, name, subscription_id=None):
        """The ARM path of an autoscale setting."""
        return "/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.Insights/autoscalesettings/{2}".format(
            subscription_id or self.emulator.env["AZURE_SUBSCRIPTION_ID"], resource_group, name)

    def get(self, resource_group, name):
        """An autoscale setting, or None."""
        response = self.call("GET", self.setting_path(resource_group, name))
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def put(self, resource_group, name, body):
        """Create or replace an autoscale setting."""
        response = self.call("PUT", self.setting_path(resource_group, name), body)
        if response.status_code not in (200, 201):
            raise EmulatorError("PUT {0} answered {1}: {2}".format(name, response.status_code, response.text))
        return response.json()

    def delete(self, resource_group, name):
        """Delete an autoscale setting."""
        self.call("DELETE", self.setting_path(resource_group, name))

    def settings(self):
        """Every autoscale setting of the subscription (all pages)."""
        items, first = [], True
        url = "/subscriptions/{0}/providers/microsoft.insights/autoscalesettings".format(self.emulator.env["AZURE_SUBSCRIPTION_ID"])
        while url:
            response = self.call("GET", url, api_version=AUTOSCALE_API if first else None)
            response.raise_for_status()
            data = response.json()
            items.extend(data["value"])
            url, first = data.get("nextLink"), False
        return items
