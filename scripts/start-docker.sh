#!/usr/bin/env bash
# Starts the Docker engine in the background when none answers (no systemd here), and waits.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
nohup dockerd >/tmp/atomic-link-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "dockerd did not start; see /tmp/atomic-link-dockerd.log" >&2
exit 1
