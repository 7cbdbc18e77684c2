# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import time

from azure.core.credentials import AccessToken

from ansible_collections.mlops.autoscale.plugins.module_utils._cache import (
    TOKEN_MARGIN, CachingCredential, DiskCache, NoCache, cache_key, default_directory,
)

SECRET = "s3cr3t-value-that-must-never-be-on-disk"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.payload.signature-that-must-not-be-on-disk"
SCOPE = "https://management.example.test/.default"


class CountingCredential:
    """A credential that mints a new token each time and counts the calls."""

    def __init__(self, lifetime=3600):
        self.calls = 0
        self.lifetime = lifetime

    def get_token(self, *scopes, **kwargs):
        self.calls += 1
        return AccessToken("{0}-{1}".format(TOKEN, self.calls), int(time.time()) + self.lifetime)

    def close(self):
        self.calls = -1


def all_bytes(directory):
    content = b""
    for folder, _dirs, files in os.walk(directory):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                content += handle.read()
    return content


def test_disk_cache_round_trip_expiry_and_permissions(tmp_path):
    cache = DiskCache(str(tmp_path / "cache"))
    cache.put("clouds", "k", {"a": 1}, ttl=60)
    assert cache.get("clouds", "k") == {"a": 1}
    assert cache.get("clouds", "other") is None
    folder = tmp_path / "cache" / "clouds"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "k.json").stat().st_mode) == 0o600
    cache.put("clouds", "old", {"a": 2}, ttl=-1)
    assert cache.get("clouds", "old") is None


def test_holds_any_counts_only_entries_that_have_not_expired(tmp_path):
    cache = DiskCache(str(tmp_path / "cache"))
    assert not cache.holds_any("workspaces-listed")
    cache.put("workspaces-listed", "old", True, ttl=-1)
    (tmp_path / "cache" / "workspaces-listed" / ".tmp-partial").write_text("{")
    assert not cache.holds_any("workspaces-listed")
    cache.put("workspaces-listed", "new", True, ttl=60)
    assert cache.holds_any("workspaces-listed") and not cache.holds_any("deployments")


def test_disk_cache_ignores_unreadable_entries_and_unwritable_directories(tmp_path):
    cache = DiskCache(str(tmp_path))
    (tmp_path / "clouds").mkdir()
    (tmp_path / "clouds" / "bad.json").write_text("{not json")
    assert cache.get("clouds", "bad") is None
    blocked = tmp_path / "file"
    blocked.write_text("x")
    DiskCache(str(blocked)).put("clouds", "k", {}, ttl=60)  # a cache that cannot be written is only slower


def _hold_lock(directory, entered, release):
    with DiskCache(directory).lock("index", "k"):
        entered.set()
        release.wait(30)


def test_lock_excludes_other_processes_and_gives_up_after_its_wait(tmp_path):
    cache = DiskCache(str(tmp_path / "cache"))
    context = multiprocessing.get_context("fork")
    entered, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(tmp_path / "cache"), entered, release))
    holder.start()
    try:
        assert entered.wait(30)
        started = time.monotonic()
        with cache.lock("index", "k", wait=0.5):  # held elsewhere: waits, then runs unlocked (only slower)
            waited = time.monotonic() - started
        assert 0.5 <= waited < 5
        with cache.lock("index", "other", wait=5):  # another key is not held
            assert time.monotonic() - started - waited < 1
        release.set()
        holder.join(30)
        started = time.monotonic()
        with cache.lock("index", "k", wait=5):
            assert time.monotonic() - started < 1
    finally:
        release.set()
        holder.join(30)
    lock_folder = tmp_path / "cache" / "locks"
    assert stat.S_IMODE(lock_folder.stat().st_mode) == 0o700


def test_lock_without_a_writable_directory_runs_the_block(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    ran = []
    with DiskCache(str(blocked)).lock("index", "k"):
        ran.append(True)
    with NoCache().lock("index", "k"):
        ran.append(True)
    assert ran == [True, True]


def test_default_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("MLOPS_AUTOSCALE_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_directory() == str(tmp_path / "explicit")
    monkeypatch.delenv("MLOPS_AUTOSCALE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_directory() == str(tmp_path / "xdg" / "mlops.autoscale")


def test_cache_key_is_stable_and_distinct():
    assert cache_key("a", "b") == cache_key("a", "b")
    assert cache_key("a", "b") != cache_key("ab")
    assert len(cache_key("x")) == 64


def test_tokens_are_reused_across_processes_and_encrypted(tmp_path):
    first = CountingCredential()
    token = CachingCredential(lambda: first, SECRET, ("login", "tenant", "client"), DiskCache(str(tmp_path))).get_token(SCOPE)
    assert first.calls == 1
    built = []  # a later module run: a new process, whose credential is not even built while the token is cached
    again = CachingCredential(lambda: built.append(True), SECRET, ("login", "tenant", "client"), DiskCache(str(tmp_path)))
    assert again.get_token(SCOPE).token == token.token and not built
    again.close()
    on_disk = all_bytes(tmp_path)
    assert TOKEN.encode() not in on_disk and SECRET.encode() not in on_disk
    json.loads(on_disk)  # one JSON entry: nonce and sealed bytes only


def test_another_secret_cannot_use_the_cached_token(tmp_path):
    CachingCredential(CountingCredential, SECRET, ("login", "tenant", "client"), DiskCache(str(tmp_path))).get_token(SCOPE)
    wrong = CountingCredential()
    CachingCredential(lambda: wrong, "another secret", ("login", "tenant", "client"), DiskCache(str(tmp_path))).get_token(SCOPE)
    assert wrong.calls == 1


def test_tampered_entries_are_not_used(tmp_path):
    CachingCredential(CountingCredential, SECRET, ("i",), DiskCache(str(tmp_path))).get_token(SCOPE)
    path = next((tmp_path / "tokens").iterdir())
    entry = json.loads(path.read_text())
    sealed = bytearray(bytes.fromhex(entry["value"]["sealed"]))
    sealed[0] ^= 1
    entry["value"]["sealed"] = bytes(sealed).hex()
    path.write_text(json.dumps(entry))
    fresh = CountingCredential()
    CachingCredential(lambda: fresh, SECRET, ("i",), DiskCache(str(tmp_path))).get_token(SCOPE)
    assert fresh.calls == 1


def test_tokens_near_expiry_are_refreshed(tmp_path):
    short = CountingCredential(lifetime=TOKEN_MARGIN - 10)
    caching = CachingCredential(lambda: short, SECRET, ("i",), DiskCache(str(tmp_path)))
    caching.get_token(SCOPE)
    caching.get_token(SCOPE)
    assert short.calls == 2


def test_scopes_identities_and_claims_are_kept_apart(tmp_path):
    inner = CountingCredential()
    caching = CachingCredential(lambda: inner, SECRET, ("i",), DiskCache(str(tmp_path)))
    caching.get_token(SCOPE)
    caching.get_token("https://other.example.test/.default")
    caching.get_token(SCOPE, claims='{"access_token": {}}')
    CachingCredential(lambda: inner, SECRET, ("j",), DiskCache(str(tmp_path))).get_token(SCOPE)
    assert inner.calls == 4
    caching.close()
    assert inner.calls == -1


def test_no_cache_stores_nothing():
    cache = NoCache()
    cache.put("tokens", "k", {"a": 1}, 60)
    assert cache.get("tokens", "k") is None
