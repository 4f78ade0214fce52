#!/usr/bin/env bash
# Installs atomic-link (the committed bundle, which needs nothing but Node.js 20+, linked into
# /usr/local/bin) and BusyBox (Debian's busybox package, for its ln), then shows two things on
# a real deploy tree:
#  1. a reader reads current/index.html while current is switched 200 times, by atomic-link,
#     GNU ln -sfn, BusyBox ln -sfn and rm + ln -s, and counts the reads that found it missing;
#  2. a naive deploy script (rm + ln -s) runs beside atomic-link over the same links: atomic-link
#     switches them all, sees that a link was missing meanwhile, and fails the run (exit 3).
# Run it as root on Debian or Ubuntu.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v busybox >/dev/null; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends busybox >/dev/null
fi
ln -sf "$PWD/dist/cli.js" /usr/local/bin/atomic-link
echo "installed: $(command -v atomic-link) ($(atomic-link --version))"

site=$(mktemp -d -t atomic-link-demo.XXXXXX)
# However the demo ends, its readers and writers end with it.
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$site"' EXIT
mkdir -p "$site/releases/v1" "$site/releases/v2"
echo v1 >"$site/releases/v1/index.html"
echo v2 >"$site/releases/v2/index.html"
ln -s releases/v1 "$site/current"

# What a web server does: read current/index.html over and over, counting the reads that fail,
# until the file "stop" appears. Node, which atomic-link needs anyway, reads fast enough to land
# in a gap of microseconds; a shell loop of cat would step over most of them.
READER='
const fs = require("fs");
const [file, stop] = process.argv.slice(1);
let reads = 0, missing = 0;
const dir = require("path").dirname(stop);
while (reads % 256 !== 0 || !(fs.existsSync(stop) || !fs.existsSync(dir))) {
  reads++;
  try { fs.readFileSync(file); } catch { missing++; }
}
console.log(`${reads} reads, ${missing} missing`);
'

switch_with() {
  local label=$1 result=$site/reader.out
  shift
  rm -f "$site/stop"
  node -e "$READER" "$site/current/index.html" "$site/stop" >"$result" &
  local reader=$!
  sleep 0.2 # Node's start-up
  for i in $(seq 1 200); do "$@" "releases/v$((i % 2 + 1))"; done
  touch "$site/stop"
  wait "$reader"
  printf '%-38s %s\n' "$label" "$(cat "$result")"
}

atomic() { atomic-link -C "$site" "current -> $1"; }
gnu_ln() { ln -sfn "$1" "$site/current"; }
busybox_ln() { busybox ln -sfn "$1" "$site/current"; }
rm_ln() { rm "$site/current" && ln -s "$1" "$site/current"; }

echo
echo "1. switching current 200 times while a reader reads current/index.html:"
switch_with "atomic-link 'current -> TARGET'" atomic
switch_with "GNU ln -sfn TARGET current" gnu_ln
switch_with "BusyBox ln -sfn TARGET current" busybox_ln
switch_with "rm current && ln -s TARGET current" rm_ln
echo "GNU ln -sfn (coreutils 8.27 and later) is atomic too: a temporary link, then rename(2)."
echo "BusyBox ln (Alpine images) and rm + ln unlink the link first: for a moment it is missing."

# 2. A batch of 2,000 links, and a naive script replacing three of them with rm + ln -s
# meanwhile. ln -sfn and BusyBox ln would not notice; atomic-link's guard looks at every link
# while it switches them, and fails the run.
mkdir "$site/links"
for i in $(seq -w 1 2000); do
  ln -s ../releases/v1 "$site/links/$i"
  echo "links/$i -> ../releases/v2"
done >"$site/specs"
writers=()
for i in 0001 0002 0003; do
  while :; do
    rm -f "$site/links/$i"
    ln -s ../releases/v1 "$site/links/$i" 2>/dev/null || true
  done &
  writers+=($!)
done
echo
echo "2. atomic-link switches 2,000 links while another script replaces 3 of them with rm + ln -s:"
sleep 0.2
status=0
atomic-link -C "$site" --spec-file "$site/specs" 2>&1 | grep -v '^atomic-link: switched [0-9]* of' || status=${PIPESTATUS[0]}
kill "${writers[@]}"
wait "${writers[@]}" 2>/dev/null || true
case $status in
  3) echo "exit 3: the run failed, because a link was missing while it switched them." ;;
  # The guard samples: a gap between two of its looks at a link goes unseen (README, Guarantees).
  0) echo "exit 0: this time the guard's lookups fell between the other script's gaps." ;;
  *) echo "exit $status: see atomic-link's message above." ;;
esac
