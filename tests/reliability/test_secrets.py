# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets never leak: not in stdout, return values, diffs, warnings, -vvv output or exception text, nor in the token cache.

Runs last (file order) and, in `make test`, after `make integration`: it greps the logs of the whole integration suite
(tests/output/integration/*.log) and of this suite (tests/output/reliability/*, including a -vvv --diff run made here)
for every seeded client secret, every webhook signature the tests used, and any JWT (the emulator's bearer tokens).
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys

import pytest

import helpers

INTEGRATION_LOGS = helpers.ROOT / "tests" / "output" / "integration"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")
WRONG_SECRET = "Wr0ng~SecretValue.ForReliability5"
SIGNED_QUERY = re.compile(r"(?:sig|signature|code)=([A-Za-z0-9%_.~-]{6,})")

PLAYBOOK = """
- name: Secrets under -vvv and --diff
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    target: &target
      resource_group: rg-ml-prod
      workspace: ws-prod
      endpoint: ep-recommend
      deployment: green
  tasks:
    - name: Create a setting with a signed webhook
      mlops.autoscale.autoscale_state:
        <<: *target
        write_verify_delay: 0
        profiles: [{name: default, capacity: {minimum: 1, maximum: 3, default: 1}}]
        notifications:
          custom_emails: [oncall@example.com]
          webhooks: [{service_uri: "https://hooks.example.com/scale?api-version=1&sig=SIG_ONE", properties: {team: ml}}]
      register: created

    - name: Rotate the webhook signature (a diff)
      mlops.autoscale.autoscale_state:
        <<: *target
        write_verify_delay: 0
        notifications:
          custom_emails: [oncall@example.com]
          webhooks: [{service_uri: "https://hooks.example.com/scale?api-version=1&sig=SIG_TWO", properties: {team: ml}}]
      register: rotated

    - name: Read it back, raw body included
      mlops.autoscale.autoscale_info:
        <<: *target
        include_raw: true
      register: read

    - name: Show everything that was returned
      ansible.builtin.debug:
        var: item
      loop: [created, rotated, read]

    - name: A webhook that is not a web URL fails (exception text)
      mlops.autoscale.autoscale_state:
        <<: *target
        notifications:
          webhooks: [{service_uri: "ftp://hooks.example.com/scale?sig=SIG_BAD"}]
      ignore_errors: true

    - name: A wrong secret fails (exception text)
      mlops.autoscale.autoscale_info:
        <<: *target
        secret: WRONG_SECRET
        lookup_cache: false
      ignore_errors: true
"""


def _needles(emulator=None):
    """Every secret value that must never appear in output: seeded secrets, signatures, the wrong secret tried."""
    from arm_emulator.seed import default_principals  # pylint: disable=import-outside-toplevel
    secrets = {item["secret"]: "client secret of " + item["name"] for item in default_principals()}
    if emulator is not None:
        secrets.update({item["secret"]: "client secret of " + item["name"] for item in emulator.env["principals"]})
    secrets[WRONG_SECRET] = "wrong secret tried"
    for signature in helpers.SIGNATURES:
        secrets[signature] = "webhook signature"
    for folder in (helpers.ROOT / "tests" / "integration" / "targets", helpers.ROOT / "playbooks"):
        for path in folder.rglob("*.yml"):
            for value in SIGNED_QUERY.findall(path.read_text(encoding="utf-8")):
                if "REDACTED" not in value and "{" not in value:
                    secrets[value] = "webhook signature in " + str(path.relative_to(helpers.ROOT))
    return secrets


def _scan(paths, needles):
    leaks = []
    scanned, size = 0, 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        scanned += 1
        size += len(text)
        for needle, what in needles.items():
            if needle in text:
                leaks.append("{0}: {1}".format(path.name, what))
        for match in JWT.finditer(text):
            leaks.append("{0}: a JWT {1}...".format(path.name, match.group(0)[:16]))
    return leaks, scanned, size


def test_verbose_and_diff_runs_leak_nothing(emulator, ansible_env, tmp_path, figures):
    playbook = tmp_path / "secrets.yml"
    text = PLAYBOOK.replace("SIG_ONE", helpers.SIGNATURES[1]).replace("SIG_TWO", helpers.SIGNATURES[2])
    playbook.write_text(text.replace("SIG_BAD", helpers.SIGNATURES[3]).replace("WRONG_SECRET", WRONG_SECRET), encoding="utf-8")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter={0}\n".format(sys.executable), encoding="utf-8")
    env = helpers.playbook_env(ansible_env, emulator, tmp_path)
    rc, output, _seconds = helpers.run_playbook(["-i", inventory, playbook, "-vvv", "--diff"], env, "secrets-vvv-diff")
    assert rc == 0, output[-3000:]
    assert "AADSTS7000215" in output and "is not an https://" in output  # the failures did happen
    assert "VALUE_REDACTED" in output  # masked, not dropped
    rc, output, _seconds = helpers.run_playbook(["-i", inventory, playbook, "--check", "--diff", "-v"], env, "secrets-check-diff")
    assert rc == 0, output[-3000:]
    leaks, _scanned, _size = _scan([helpers.OUTPUT_DIR / "secrets-vvv-diff.log", helpers.OUTPUT_DIR / "secrets-check-diff.log"],
                                   _needles(emulator))
    assert not leaks


def test_no_secret_in_any_log(emulator, figures):
    integration = sorted(INTEGRATION_LOGS.glob("*.log"))
    own = sorted(path for path in helpers.OUTPUT_DIR.glob("*") if path.is_file() and path.suffix in (".log", ".json"))
    needles = _needles(emulator)
    leaks, scanned, size = _scan(integration + own, needles)
    figures["secrets"] = {
        "integration_logs": len(integration), "reliability_logs": len(own), "files_scanned": scanned, "characters_scanned": size,
        "needles": {"client_secrets": sum(1 for what in needles.values() if what.startswith("client secret")),
                    "webhook_signatures": sum(1 for what in needles.values() if "signature" in what), "jwt_pattern": JWT.pattern},
        "leaks": len(leaks), "leak_details": leaks, "command": "make integration reliability",
    }
    assert not leaks
    if not integration:
        pytest.skip("no integration logs in {0}: run `make integration` first (make test does)".format(INTEGRATION_LOGS))


def test_token_cache_holds_no_secret_or_token(emulator, figures):
    """Cache entries (this suite's, and the default directory the integration runs used) hold no secret and no token."""
    from ansible_collections.mlops.autoscale.plugins.module_utils._cache import default_directory  # pylint: disable=import-outside-toplevel
    folders = [helpers.CACHE_DIR]
    home_default = os.path.join(os.path.expanduser("~"), ".cache", "mlops.autoscale")
    for candidate in (default_directory(), home_default):
        if candidate not in [str(folder) for folder in folders] and os.path.isdir(candidate):
            folders.append(candidate)
    needles = _needles(emulator)
    files, tokens, problems = 0, 0, []
    for folder in folders:
        for parent, _dirs, names in os.walk(folder):
            # The folders that hold entries are 0700 (their parents are made with the umask's mode: see Findings).
            mode = stat.S_IMODE(os.stat(parent).st_mode)
            if names and mode & 0o077:
                problems.append("{0}: directory mode {1:o}".format(parent, mode))
            for name in names:
                path = os.path.join(parent, name)
                text = open(path, encoding="utf-8", errors="replace").read()
                files += 1
                if os.path.basename(parent) == "tokens":
                    tokens += 1
                    entry = json.loads(text)
                    assert set(entry["value"]) == {"nonce", "sealed"}, path
                if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                    problems.append("{0}: file mode {1:o}".format(path, stat.S_IMODE(os.stat(path).st_mode)))
                problems.extend("{0}: {1}".format(path, what) for needle, what in needles.items() if needle in text)
                problems.extend("{0}: a JWT".format(path) for _match in JWT.finditer(text))
                if "eyJ" in text:
                    problems.append("{0}: eyJ".format(path))
    figures["token_cache"] = {"folders": [str(folder) for folder in folders], "files": files, "token_entries": tokens,
                              "problems": len(problems), "problem_details": problems[:20],
                              "command": "make reliability PYTEST_ARGS='-k token_cache'"}
    assert tokens > 0
    assert not problems
