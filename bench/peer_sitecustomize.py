# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sitecustomize.py of the PEER's benchmark venv only (.build/bench/peer-venv); installed there by `make bench`.

azure.azcollection 3.12.0 resolves a ``cloud_environment`` given as a metadata discovery URL with
``azure.cli.core.cloud.get_cloud_from_metadata_endpoint``, which its pinned azure-cli-core 2.75 no longer has (it
came from msrestazure). Without it the peer cannot reach any non-public cloud, the emulator included. This restores
the function: it fetches the metadata document (requests, so REQUESTS_CA_BUNDLE applies), picks the cloud whose
resourceManager is the URL's host, and builds the Cloud object with azure-cli-core's own ``_arm_to_cli_mapper``.

It costs the peer nothing at start-up: nothing is imported here; a meta path hook patches azure.cli.core.cloud only
when the peer itself imports it. Figures of the peer measured with this shim are reported as such.
"""

import sys

_TARGET = "azure.cli.core.cloud"
_METADATA_API_VERSION = "2022-09-01"


def _get_cloud_from_metadata_endpoint(arm_endpoint, name=None, session=None):
    """msrestazure's signature: a Cloud from an ARM endpoint or a metadata discovery URL."""
    from urllib.parse import urlsplit  # pylint: disable=import-outside-toplevel

    import requests  # pylint: disable=import-outside-toplevel

    cloud_module = sys.modules[_TARGET]
    url = arm_endpoint
    if "/metadata/endpoints" not in url:
        url = url.rstrip("/") + "/metadata/endpoints?api-version=" + _METADATA_API_VERSION
    response = (session or requests).get(url, timeout=30)
    response.raise_for_status()
    document = response.json()
    clouds = document if isinstance(document, list) else [document]
    host = urlsplit(url).netloc.lower()
    chosen = next((entry for entry in clouds if urlsplit(entry.get("resourceManager", "")).netloc.lower() == host), clouds[0])
    cloud = cloud_module._arm_to_cli_mapper(chosen)  # pylint: disable=protected-access
    if name:
        cloud.name = name
    return cloud


class _PatchOnImport:
    """Adds the function to azure.cli.core.cloud right after the module is executed. A plain class with find_spec (the
    meta path protocol): importing importlib.abc here would cost every peer process tens of milliseconds."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(fullname, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None:
                original = spec.loader.exec_module

                def exec_module(module, _original=original):
                    _original(module)
                    if not hasattr(module, "get_cloud_from_metadata_endpoint"):
                        module.get_cloud_from_metadata_endpoint = _get_cloud_from_metadata_endpoint

                spec.loader.exec_module = exec_module
                return spec
        return None


sys.meta_path.insert(0, _PatchOnImport())
