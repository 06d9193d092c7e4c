#!/bin/sh
# render.sh TEMPLATE TOKEN_FILE OUT: writes TEMPLATE with @WEBHOOK_TOKEN@ replaced by the token in
# TOKEN_FILE (one line). POSIX sh, sed and grep only: it runs inside the registry:2 image (busybox).
set -eu
template=$1 token_file=$2 out=$3
token=$(head -n 1 "$token_file" | tr -d '\r\n')
# The token goes into a sed replacement and a YAML string: allow only characters that are safe in both.
if ! printf '%s' "$token" | grep -Eq '^[A-Za-z0-9._~+=-]{16,}$'; then
  echo "render.sh: $token_file: the token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + = -" >&2
  exit 1
fi
umask 077
sed "s|@WEBHOOK_TOKEN@|$token|g" "$template" >"$out"
