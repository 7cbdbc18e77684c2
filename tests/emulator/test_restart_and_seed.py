"""A second emulator: YAML seed, --latency-ms, pre-existing autoscale settings and restart persistence."""

import json
import os
import time

import requests

from arm_emulator.seed import make_seed
from arm_emulator.testing import EmulatorProcess
from emulator_helpers import ArmHttp, setting_body


def test_restart_keeps_state_ca_and_port(tmp_path):
    seed = make_seed(2, 2, 2, resource_groups=2)
    sub = seed["subscriptions"][0]["subscription_id"]
    target = "/subscriptions/%s/resourceGroups/rg-fleet-00/providers/Microsoft.MachineLearningServices/workspaces/ws-fleet-000" \
             "/onlineEndpoints/ep-000-00/deployments/blue" % sub
    seed["autoscale_settings"] = [{"id": "/subscriptions/%s/resourceGroups/rg-fleet-00/providers/microsoft.insights/autoscalesettings/pre" % sub,
                                   "location": "eastus", "properties": {"enabled": True, "targetResourceUri": target, "profiles": []}}]
    seed_path = tmp_path / "seed.yaml"
    seed_path.write_text(_to_yaml(seed), encoding="utf-8")
    state_dir = tmp_path / "state"
    emu = EmulatorProcess.start(state_dir, seed=seed_path, extra_args=("--latency-ms", "150"))
    try:
        assert len(emu.env["deployments"]) == 8 and len(emu.env["resource_groups"]) == 2
        with open(emu.env["REQUESTS_CA_BUNDLE"], "rb") as handle:
            ca_before = handle.read()
        http = ArmHttp(emu)
        path = "/subscriptions/%s/resourceGroups/rg-fleet-00/providers/microsoft.insights/autoscalesettings" % sub
        started = time.monotonic()
        listed = http.call("GET", path).json()["value"]
        assert time.monotonic() - started >= 0.15, "--latency-ms applies to ARM requests"
        assert [item["name"] for item in listed] == ["pre"]
        second = target.replace("/blue", "/green")
        assert http.call("PUT", path + "/mine", setting_body(second)).status_code == 201
        port = emu.port
        emu.restart()
        assert emu.port == port
        with open(emu.env["REQUESTS_CA_BUNDLE"], "rb") as handle:
            assert handle.read() == ca_before
        fresh = requests.get(emu.base_url + path, params={"api-version": "2022-10-01"}, headers={"Authorization": "Bearer " + http.token},
                             verify=emu.env["REQUESTS_CA_BUNDLE"], timeout=10)
        assert fresh.status_code == 200, "tokens signed before the restart stay valid"
        assert sorted(item["name"] for item in fresh.json()["value"]) == ["mine", "pre"]
    finally:
        emu.stop()
    assert not os.path.exists(state_dir / "emulator.pid")
    with open(state_dir / "state.json", encoding="utf-8") as handle:
        assert len(json.load(handle)["autoscale"]) == 2


def _to_yaml(seed):
    import yaml  # pylint: disable=import-outside-toplevel
    return yaml.safe_dump(seed)
