#!/bin/sh
# The entrypoint of ingest-haproxy:local, as the official image's: options alone run haproxy with
# them, and haproxy runs in master-worker mode in the foreground (-W -db).
set -eu
case "${1:-}" in
  -*) set -- haproxy "$@" ;;
esac
if [ "${1:-}" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
