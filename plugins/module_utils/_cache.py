# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""A small on-disk cache shared by the module runs of one user, so a fleet run does not repeat the same lookups.

Every module invocation is a fresh Python process; without this each one would fetch the cloud metadata, ask Entra ID
for a token and resolve names again. Entries are JSON files (mode 0600 in a 0700 directory) written atomically.
Access tokens are encrypted (AES-GCM) with a key derived from the client secret that obtained them, so the cache never
holds a secret in clear and only a holder of that secret can use a cached token.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    HAS_CRYPTOGRAPHY = True
except ImportError:
    HAS_CRYPTOGRAPHY = False

try:
    from azure.core.credentials import AccessToken
except ImportError:
    AccessToken = None

#: Tokens are refreshed when they have less than this many seconds left.
TOKEN_MARGIN = 300

#: How long a module run waits for another one to finish a shared lookup before doing it itself.
LOCK_WAIT = 120


def default_directory():
    """``$MLOPS_AUTOSCALE_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlops.autoscale``, else ``~/.cache/mlops.autoscale``."""
    configured = os.environ.get("MLOPS_AUTOSCALE_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mlops.autoscale")


def cache_key(*parts):
    """A file-name-safe key for a tuple of strings."""
    return hashlib.sha256("\0".join(str(part) for part in parts).encode("utf-8")).hexdigest()


class DiskCache:
    """JSON entries with an expiry, one file each, under ``directory/<namespace>/``."""

    def __init__(self, directory):
        self.directory = directory

    def _path(self, namespace, key):
        return os.path.join(self.directory, namespace, key + ".json")

    def get(self, namespace, key):
        """The value stored under ``key``, or None when absent, expired or unreadable."""
        try:
            with open(self._path(namespace, key), encoding="utf-8") as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("expires", 0) <= time.time():
            return None
        return entry.get("value")

    def holds_any(self, namespace):
        """Whether ``namespace`` holds an entry that has not expired."""
        try:
            names = os.listdir(os.path.join(self.directory, namespace))
        except OSError:
            return False
        return any(self.get(namespace, name[:-len(".json")]) is not None for name in names if name.endswith(".json"))

    def put(self, namespace, key, value, ttl):
        """Store ``value`` for ``ttl`` seconds. A cache that cannot be written is only a slower run, never a failure."""
        folder = os.path.join(self.directory, namespace)
        try:
            for private in (self.directory, folder):
                os.makedirs(private, mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"expires": time.time() + ttl, "value": value}, stream)
            os.replace(temporary, self._path(namespace, key))
        except OSError:
            return

    @contextlib.contextmanager
    def lock(self, namespace, key, wait=LOCK_WAIT):
        """Hold an exclusive lock on ``key`` for the block, so concurrent module runs (forks) do one lookup, not one each.

        Advisory (flock): after ``wait`` seconds, or when the lock file cannot be made, the block runs unlocked, which
        costs a repeated lookup and never correctness.
        """
        folder = os.path.join(self.directory, "locks")
        try:
            for private in (self.directory, folder):
                os.makedirs(private, mode=0o700, exist_ok=True)
            handle = os.open(os.path.join(folder, "{0}-{1}.lock".format(namespace, key)), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield
            return
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.05)
            yield
        finally:
            os.close(handle)  # closing the descriptor releases the lock


class NoCache:
    """The cache when caching is off."""

    def get(self, namespace, key):  # pylint: disable=unused-argument
        """Nothing is ever cached."""
        return None

    def put(self, namespace, key, value, ttl):  # pylint: disable=unused-argument
        """Nothing is stored."""
        return

    @contextlib.contextmanager
    def lock(self, namespace, key, wait=LOCK_WAIT):  # pylint: disable=unused-argument
        """Nothing is shared, so nothing is locked."""
        yield


class CachingCredential:
    """Wraps a service-principal credential: tokens are reused across processes, encrypted with the secret. The wrapped
    credential is built (``make_credential()``) only when a token must come from Entra ID."""

    def __init__(self, make_credential, secret, identity, cache):
        self._make_credential = make_credential
        self._built = None
        self._secret = secret.encode("utf-8")
        self._identity = identity
        self._cache = cache

    def _cipher(self, key):
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"mlops.autoscale token cache v1", info=key.encode("ascii"))
        return AESGCM(derived.derive(self._secret))

    def _cached(self, key):
        entry = self._cache.get("tokens", key)
        if not entry:
            return None
        try:
            nonce, sealed = bytes.fromhex(entry["nonce"]), bytes.fromhex(entry["sealed"])
            plain = json.loads(self._cipher(key).decrypt(nonce, sealed, key.encode("ascii")))
        except Exception:  # pylint: disable=broad-exception-caught
            # Any entry that does not decrypt with this secret (rotated secret, tampering) is simply not used.
            return None
        if plain["expires_on"] - time.time() <= TOKEN_MARGIN:
            return None
        return AccessToken(plain["token"], plain["expires_on"])

    def _store(self, key, token):
        nonce = os.urandom(12)
        plain = json.dumps({"token": token.token, "expires_on": token.expires_on}).encode("utf-8")
        sealed = self._cipher(key).encrypt(nonce, plain, key.encode("ascii"))
        self._cache.put("tokens", key, {"nonce": nonce.hex(), "sealed": sealed.hex()}, max(0, token.expires_on - time.time()))

    @property
    def _credential(self):
        if self._built is None:
            self._built = self._make_credential()
        return self._built

    def get_token(self, *scopes, **kwargs):
        """A token for ``scopes``: from the cache while it has more than TOKEN_MARGIN seconds left, else from Entra ID."""
        if kwargs.get("claims") or kwargs.get("tenant_id"):
            return self._credential.get_token(*scopes, **kwargs)
        key = cache_key(self._identity, *scopes)
        token = self._cached(key)
        if token is None:
            token = self._credential.get_token(*scopes, **kwargs)
            self._store(key, token)
        return token

    def close(self):
        """Close the wrapped credential, if it was built."""
        if self._built is not None:
            self._built.close()
