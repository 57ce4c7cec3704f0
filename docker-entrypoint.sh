#!/bin/sh
# Migrate, then replace this shell with the bot so signals reach it directly.
set -e
if [ "${1:-run}" = "run" ]; then
  cchc-bot db upgrade
  shift 2>/dev/null || true
  exec cchc-bot run --no-migrate "$@"
fi
exec cchc-bot "$@"
