# atomic-link, the CLI, for any CI that runs containers. Over SSH it speaks SFTP itself and
# needs no privilege; it runs as an unprivileged user:
#   docker run --rm --user "$(id -u)" -v "$HOME/.ssh:/keys:ro" IMAGE --ssh deploy@host:/srv/app \
#     --identity /keys/deploy --known-hosts /keys/known_hosts 'current -> releases/v42'
# (--user "$(id -u)": your keys are yours alone, mode 0600; the image's own user cannot read them.)
# Only --sshfs (mounting the remote directory) needs FUSE, and root in the container:
#   docker run --rm --user 0 --device /dev/fuse --cap-add SYS_ADMIN \
#     --security-opt apparmor=unconfined … IMAGE --ssh … --sshfs …
# BASE_IMAGE may be any Debian-based image with node 20 or later on PATH.
ARG BASE_IMAGE=node:24-bookworm-slim
FROM ${BASE_IMAGE}

# Set by the release workflow; a local build says what it is.
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="atomic-link" \
      org.opencontainers.image.description="Switch links atomically, locally or over SSH, and fail if one could be seen missing" \
      org.opencontainers.image.source="https://github.com/atomic-link/atomic-link" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

# sshfs and ssh only for --sshfs; SFTP is spoken by the bundle itself.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      sshfs openssh-client fuse3 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && useradd --system --uid 10001 --user-group --create-home --shell /usr/sbin/nologin atomic-link

# Only the bundle: it needs nothing from npm at run time. No keys or secrets are baked in;
# they are mounted at run time. The bundle holds ssh2 and its dependencies: their licences
# (cli.licenses.txt) go with it, and atomic-link's own beside them.
COPY dist/ LICENSE /opt/atomic-link/
# GNU ln with every replacement one rename, beside the system's ln and never in its place:
#   docker run --rm --entrypoint /opt/atomic-link/bin/ln IMAGE -sfn releases/v2 current
# or with /opt/atomic-link/bin first in PATH in a derived image.
RUN mkdir /opt/atomic-link/bin && node /opt/atomic-link/cli.js --install-ln /opt/atomic-link/bin
USER atomic-link
WORKDIR /home/atomic-link
ENTRYPOINT ["node", "/opt/atomic-link/cli.js"]
