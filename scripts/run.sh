#!/usr/bin/env bash
# Installs what is missing, builds regscand and runs `regscand serve` on the embedded default:
# no database URL, so it starts a private PostgreSQL cluster under its data directory.
# Extra arguments go to `regscand serve` (e.g. --config FILE).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_missing_packages
# Only the daemon: the tests are the other command's business.
RSD_BUILD_TARGET=regscand build "$RSD_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGSCAND_SANITIZE=OFF

# As root the embedded cluster runs as the unprivileged `postgres` user, which must be able to reach
# the data directory; a checkout under /root is not reachable, so use /var/lib/regscand there.
if [ "$(id -u)" -eq 0 ] && [ -z "${REGSCAND_DATA_DIR:-}" ] &&
  ! runuser -u postgres -- test -x "$RSD_ROOT" 2>/dev/null; then
  export REGSCAND_DATA_DIR=/var/lib/regscand
fi

echo "regscand: serving on http://127.0.0.1:8080 (GET /readyz; Ctrl-C stops)" >&2
exec "$RSD_ROOT/build/server/regscand" serve "$@"
