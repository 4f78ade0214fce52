# atomic-link for remote directories: the CLI with sshfs, to switch links on a host that is
# reached only by SSH. Run it with FUSE, never --privileged:
#   docker run --rm --device /dev/fuse --cap-add SYS_ADMIN --security-opt apparmor=unconfined \
#     -v "$PWD/keys:/keys:ro" IMAGE --ssh deploy@host:/srv/app --identity /keys/id \
#     --known-hosts /keys/known_hosts 'current -> releases/v42'
# BASE_IMAGE may be any Debian-based image with node 20 or later on PATH.
ARG BASE_IMAGE=node:24-bookworm-slim
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="atomic-link" \
      org.opencontainers.image.description="Switch links atomically on remote directories over SSH, and fail if one could be seen missing" \
      org.opencontainers.image.source="https://github.com/atomic-link/atomic-link" \
      org.opencontainers.image.licenses="MIT"

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      sshfs openssh-client fuse3 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

# Only the bundle: it needs nothing from npm at run time. No keys or secrets are baked in;
# they are mounted at run time.
COPY dist/ /opt/atomic-link/
ENTRYPOINT ["node", "/opt/atomic-link/cli.js"]
