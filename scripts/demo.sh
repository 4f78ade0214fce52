#!/usr/bin/env bash
# Installs atomic-link (the committed bundle, which needs nothing but Node.js 20+, linked into
# /usr/local/bin) and shows its main job on a real deploy
# tree: a reader reads through current/ while current is switched 200 times, first with
# atomic-link, then with rm + ln -s as many deploy scripts do. The reader counts missing reads.
set -euo pipefail
cd "$(dirname "$0")/.."
ln -sf "$PWD/dist/cli.js" /usr/local/bin/atomic-link
echo "installed: $(command -v atomic-link) ($(atomic-link --version))"

site=$(mktemp -d -t atomic-link-demo.XXXXXX)
mkdir -p "$site/releases/v1" "$site/releases/v2"
echo v1 >"$site/releases/v1/index.html"
echo v2 >"$site/releases/v2/index.html"
ln -s releases/v1 "$site/current"

read_loop() {
  # What a web server does: read current/index.html, over and over, counting failures.
  local reads=0 missing=0
  trap 'echo "$reads reads, $missing missing"; exit 0' TERM
  while :; do
    reads=$((reads + 1))
    cat "$site/current/index.html" >/dev/null 2>&1 || missing=$((missing + 1))
  done
}

switch_with() {
  local label=$1 result=$site/reader.out
  shift
  read_loop >"$result" &
  local reader=$!
  for i in $(seq 1 200); do "$@" "releases/v$((i % 2 + 1))"; done
  kill -TERM "$reader"
  wait "$reader" || true
  printf '%-34s %s\n' "$label:" "$(cat "$result")"
}

atomic() { atomic-link -C "$site" "current -> $1"; }
naive() { rm "$site/current" && ln -s "$1" "$site/current"; }

echo "switching $site/current 200 times while a reader reads current/index.html"
switch_with "atomic-link 'current -> TARGET'" atomic
switch_with "rm current && ln -s TARGET current" naive
atomic-link -v -C "$site" -b -S .previous 'current -> releases/v2'
rm -rf "$site"
