# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One module invocation's start-up, phase by phase: imports, credential, token, first ARM request.

    python startup_probe.py ours|peer RESOURCE_GROUP SETTING_NAME

Runs under the tool's own interpreter (ours: .venv with PYTHONPATH=.build/collections; peer: the peer venv), with
the emulator's environment. Prints one JSON line of durations in seconds. It does what each module does before its
first autoscale read (ours: Session from _azure.py, the on-disk cache as configured by MLOPS_AUTOSCALE_CACHE_DIR;
peer: AzureRMAuth from azure_rm_common and the MonitorManagementClient it builds), without Ansible's own
argument handling, which both share.
"""

import json
import os
import sys
import time

START = time.perf_counter()


def ours(resource_group, name):
    marks = {}
    # pylint: disable=import-outside-toplevel,unused-import
    import ansible_collections.mlops.autoscale.plugins.modules.autoscale_state  # noqa: F401
    from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AZURE_AUTH_SPEC, Session
    marks["imports"] = time.perf_counter()
    params = {key: spec.get("default") for key, spec in AZURE_AUTH_SPEC.items()}
    params.update({"subscription_id": os.environ["AZURE_SUBSCRIPTION_ID"], "client_id": os.environ["AZURE_CLIENT_ID"],
                   "secret": os.environ["AZURE_SECRET"], "tenant": os.environ["AZURE_TENANT"],
                   "cloud_environment": os.environ["AZURE_CLOUD_ENVIRONMENT"]})
    session = Session(params)
    credential = session.credential
    marks["credential"] = time.perf_counter()
    credential.get_token(session.cloud.arm_scope)
    marks["token"] = time.perf_counter()
    session.monitor.autoscale_settings.get(resource_group, name)
    marks["first_request"] = time.perf_counter()
    return marks


def peer(resource_group, name):
    marks = {}
    # pylint: disable=import-outside-toplevel,unused-import
    import ansible_collections.azure.azcollection.plugins.modules.azure_rm_autoscale  # noqa: F401
    from ansible_collections.azure.azcollection.plugins.module_utils.azure_rm_common import AzureRMAuth
    from azure.mgmt.monitor import MonitorManagementClient
    marks["imports"] = time.perf_counter()
    auth = AzureRMAuth(auth_source="auto", subscription_id=os.environ["AZURE_SUBSCRIPTION_ID"],
                       client_id=os.environ["AZURE_CLIENT_ID"], secret=os.environ["AZURE_SECRET"],
                       tenant=os.environ["AZURE_TENANT"], cloud_environment=os.environ["AZURE_CLOUD_ENVIRONMENT"],
                       disable_instance_discovery=True)
    credential = auth.azure_credential_track2
    marks["credential"] = time.perf_counter()
    base_url = auth._cloud_environment.endpoints.resource_manager  # pylint: disable=protected-access
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    credential.get_token(base_url + ".default")
    marks["token"] = time.perf_counter()
    client = MonitorManagementClient(credential=credential, subscription_id=auth.subscription_id, base_url=base_url,
                                     credential_scopes=[base_url + ".default"])
    client.autoscale_settings.get(resource_group, name)
    marks["first_request"] = time.perf_counter()
    return marks


def main():
    tool, resource_group, name = sys.argv[1:4]
    marks = (ours if tool == "ours" else peer)(resource_group, name)
    previous, phases = START, {}
    for key in ("imports", "credential", "token", "first_request"):
        phases[key] = marks[key] - previous
        previous = marks[key]
    phases["in_process"] = previous - START
    sys.stdout.write(json.dumps(phases) + "\n")


if __name__ == "__main__":
    main()
