#!/usr/bin/env bash
# Makes the images docker-compose.yml and the Dockerfile start from, out of Debian's packages, for
# a machine that reaches Debian's archive but no image registry. Each is made only when missing:
#   debian:bookworm, debian:bookworm-slim   one root filesystem of `debootstrap --variant=minbase
#                                           bookworm`, imported with `docker import` and tagged twice
#   ingest-postgres:local                   deploy/postgres/Dockerfile: PostgreSQL 15 from Debian
#                                           with an entrypoint that does what docker-compose.yml
#                                           uses of the official postgres image
#   ingest-haproxy:local                    deploy/haproxy/Dockerfile: HAProxy 2.6 from Debian, with
#                                           the official haproxy image's config path and command
# Then make docker-compose.yml take the last two instead of postgres:16 and haproxy:2.6:
#   export POSTGRES_IMAGE=ingest-postgres:local HAPROXY_IMAGE=ingest-haproxy:local
# Online none of this is needed: the official images are pulled as they are named.
#
#   scripts/base-images.sh [--force]     --force makes all four again
#
# Needs a running Docker daemon and debootstrap (scripts/setup-deps.sh --docker), and root for
# debootstrap. INGEST_DEBIAN_MIRROR (default http://deb.debian.org/debian) is the archive it
# installs from.
set -euo pipefail
cd "$(dirname "$0")/.."

MIRROR="${INGEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *) echo "usage: scripts/base-images.sh [--force]" >&2; exit 2 ;;
esac
# The legacy builder: BuildKit needs the buildx plugin, which Debian's docker.io does not ship.
export DOCKER_BUILDKIT=0

say() { echo "base-images: $*"; }
fail() { echo "base-images: $*" >&2; exit 1; }

have_image() { [ "$FORCE" -eq 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

ROOTFS=""
cleanup() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  # debootstrap unmounts what it mounted, unless it was interrupted.
  local m
  for m in $(awk -v root="$ROOTFS/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" || true
  done
  rm -rf --one-file-system "$ROOTFS"
}
trap cleanup EXIT

# The apt sources of the official image (main, updates, security), in place of debootstrap's
# one-line sources.list; no package lists or .deb files are left in the image.
tidy_rootfs() {
  local root="$1" security="${MIRROR%/debian}/debian-security"
  rm -f "$root/etc/apt/sources.list" "$root/etc/hostname" "$root/etc/resolv.conf"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/* "$root"/tmp/*
}

make_debian() {
  if have_image debian:bookworm && have_image debian:bookworm-slim; then
    say "debian:bookworm and debian:bookworm-slim are there"
    return 0
  fi
  command -v debootstrap >/dev/null || fail "debootstrap not found; run scripts/setup-deps.sh --docker"
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root; run this script as root (or with sudo)"
  ROOTFS="$(mktemp -d /var/tmp/ingest-rootfs.XXXXXX)"
  local log=.local/logs/debootstrap.log
  mkdir -p .local/logs
  say "debootstrap --variant=minbase bookworm from $MIRROR (log $log)"
  if ! debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "debootstrap of bookworm from $MIRROR failed (full output: $log)"
  fi
  tidy_rootfs "$ROOTFS"
  say "docker import as debian:bookworm"
  tar -C "$ROOTFS" --numeric-owner -cf - . |
    docker import --change 'CMD ["bash"]' --message "debootstrap --variant=minbase bookworm" - debian:bookworm >/dev/null
  docker tag debian:bookworm debian:bookworm-slim
  cleanup
  ROOTFS=""
}

# build_image TAG DIR: DIR/Dockerfile, FROM debian:bookworm-slim.
build_image() {
  local tag="$1" dir="$2"
  if have_image "$tag"; then
    say "$tag is there"
    return 0
  fi
  local log=".local/logs/base-image-${tag%%:*}.log"
  say "docker build -t $tag $dir (log $log)"
  if ! docker build -t "$tag" "$dir" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "docker build of $tag from $dir/Dockerfile failed (full output: $log)"
  fi
}

docker info >/dev/null 2>&1 || fail "no Docker daemon answers; start one with scripts/setup-deps.sh --docker"
make_debian
build_image ingest-postgres:local deploy/postgres
build_image ingest-haproxy:local deploy/haproxy
say "done; for docker-compose: export POSTGRES_IMAGE=ingest-postgres:local HAPROXY_IMAGE=ingest-haproxy:local"
