#!/usr/bin/env bash
# Builds a base image with no container registry: Debian bookworm (minbase) from the Debian
# mirror this machine already uses, plus this machine's node binary. It stands in for the
# official node image that the Dockerfile uses by default. Skipped when the image exists.
set -euo pipefail
image=${1:-atomic-link-base:bookworm}
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi

sources=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/ { print $2; exit }' "$sources")
rootfs=$(mktemp -d -t atomic-link-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
# The same suites as this machine (security updates included), as the official image has.
cp "$sources" "$rootfs/etc/apt/sources.list.d/debian.sources"
rm -f "$rootfs/etc/apt/sources.list"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
cp "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
echo "built $image"
