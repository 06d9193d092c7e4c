#!/bin/sh
# secrets.sh [ROOT]: makes ROOT/.env from ROOT/.env.example if it is missing (each empty RSD_*_PASSWORD
# or RSD_*_TOKEN filled with `openssl rand -hex 32`), then writes the secret files docker-compose.yml
# mounts under /run/secrets from it: deploy/compose/secrets/{postgres_password,database_url,api_token,
# webhook_token}. ROOT defaults to the repository. Run it again after editing .env.
set -eu
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
env_file=$root/.env
dir=$root/deploy/compose/secrets
umask 077
if [ ! -e "$env_file" ]; then
  while IFS= read -r line; do
    case $line in
      RSD_*_PASSWORD= | RSD_*_TOKEN=) printf '%s%s\n' "$line" "$(openssl rand -hex 32)" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$root/.env.example" >"$env_file"
  echo "secrets.sh: wrote $env_file" >&2
fi
value() {
  v=$(sed -n "s/^$1=//p" "$env_file" | tail -n 1)
  if ! printf '%s' "$v" | grep -Eq '^[A-Za-z0-9._~+=-]{16,}$'; then
    echo "secrets.sh: $env_file: $1 must be at least 16 characters of A-Z a-z 0-9 . _ ~ + = -" >&2
    exit 1
  fi
  printf '%s' "$v"
}
password=$(value RSD_POSTGRES_PASSWORD)
api_token=$(value RSD_API_TOKEN)
webhook_token=$(value RSD_WEBHOOK_TOKEN)
mkdir -p "$dir"
chmod 700 "$dir"
# The containers run as other users (postgres 999, regscand 10001) and Compose mounts these files as
# they are: readable by all, inside a directory only you can enter.
write() { (umask 022 && printf '%s\n' "$2" >"$dir/$1"); }
write postgres_password "$password"
write database_url "postgresql://regscand:$password@postgres:5432/regscand?sslmode=disable"
write api_token "$api_token"
write webhook_token "$webhook_token"
echo "secrets.sh: wrote $dir" >&2
