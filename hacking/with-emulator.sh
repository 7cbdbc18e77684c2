#!/usr/bin/env bash
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run a command against a fresh local ARM emulator (tools/arm_emulator).
#
#   hacking/with-emulator.sh [--state-dir DIR] [--seed FILE] [--keep-state] [--] CMD [ARGS...]
#
# Starts `python -m arm_emulator serve --port 0 --state-dir DIR` (DIR is wiped first
# unless --keep-state), waits for DIR/env.json, exports the variables of DIR/env.sh
# (AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT,
# AZURE_CLOUD_ENVIRONMENT, ARM_CLOUD_METADATA_URL, REQUESTS_CA_BUNDLE,
# ARM_EMULATOR_ADMIN_URL, ...), points AZURE_AUTHORITY_HOST at the emulator, unsets
# managed-identity endpoints, runs CMD, and stops the emulator when CMD exits
# (also on failure or Ctrl-C). Exits with CMD's exit status.
#
# Environment: PYTHON (default: .venv/bin/python, else python3),
#              EMULATOR_START_TIMEOUT (seconds, default 60).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

state_dir="$root/.build/emulator-state"
seed=""
keep_state=0

while [ $# -gt 0 ]; do
    case "$1" in
        --state-dir) state_dir="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --keep-state) keep_state=1; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '5,19p' "$0"; exit 0 ;;
        -*) echo "with-emulator.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done

if [ $# -eq 0 ]; then
    echo "usage: with-emulator.sh [--state-dir DIR] [--seed FILE] [--keep-state] [--] CMD [ARGS...]" >&2
    exit 2
fi

if [ -z "${PYTHON:-}" ]; then
    if [ -x "$root/.venv/bin/python" ]; then
        PYTHON="$root/.venv/bin/python"
    else
        PYTHON=python3
    fi
fi

if [ "$keep_state" -eq 0 ]; then
    rm -rf "$state_dir"
fi
mkdir -p "$state_dir"
state_dir="$(cd "$state_dir" && pwd)"
log_file="$state_dir/emulator.log"

serve_args=(serve --port 0 --state-dir "$state_dir")
if [ -n "$seed" ]; then
    serve_args+=(--seed "$seed")
fi

# Never talk to anything but the emulator.
unset IDENTITY_ENDPOINT MSI_ENDPOINT IDENTITY_HEADER IMDS_ENDPOINT MSI_SECRET 2>/dev/null || true

"$PYTHON" -m arm_emulator "${serve_args[@]}" >>"$log_file" 2>&1 &
emulator_pid=$!

# shellcheck disable=SC2329  # invoked by the EXIT trap below
stop_emulator() {
    if kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$emulator_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$emulator_pid" 2>/dev/null || true
    fi
    wait "$emulator_pid" 2>/dev/null || true
}
trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

timeout="${EMULATOR_START_TIMEOUT:-60}"
deadline=$((SECONDS + timeout))
until [ -s "$state_dir/env.json" ] && [ -s "$state_dir/env.sh" ]; do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "with-emulator.sh: the emulator exited before writing $state_dir/env.json; its log:" >&2
        cat "$log_file" >&2 || true
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "with-emulator.sh: no $state_dir/env.json after ${timeout}s; emulator log:" >&2
        cat "$log_file" >&2 || true
        exit 1
    fi
    sleep 0.2
done

set -a
# shellcheck disable=SC1091
. "$state_dir/env.sh"
set +a

# Token requests go to the emulator as well (azure-identity reads AZURE_AUTHORITY_HOST).
if [ -z "${AZURE_AUTHORITY_HOST:-}" ] || [ "${AZURE_AUTHORITY_HOST#https://127.0.0.1}" = "$AZURE_AUTHORITY_HOST" ]; then
    AZURE_AUTHORITY_HOST="$("$PYTHON" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}")' "$ARM_CLOUD_METADATA_URL")"
    export AZURE_AUTHORITY_HOST
fi
export ARM_EMULATOR_STATE_DIR="$state_dir"
# Each emulator is a cloud of its own (its own signing key) that may reuse an earlier one's port: the modules' on-disk
# cache (tokens, lookups) lives with it, so nothing cached against another emulator is offered to this one.
export MLOPS_AUTOSCALE_CACHE_DIR="$state_dir/mlops-autoscale-cache"

echo "with-emulator.sh: emulator pid $emulator_pid, state $state_dir, log $log_file" >&2

status=0
"$@" || status=$?
exit "$status"
