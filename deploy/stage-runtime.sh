#!/bin/bash
# stage-runtime.sh ROOTFS BINARY UID: stages the runtime root filesystem of deploy/Dockerfile under ROOTFS
# (run in its build stage, as root): BINARY as /usr/local/bin/regscand, the shared libraries it loads (ldd)
# and, per Debian package they come from, a dpkg status.d entry and its copyright file, so that scanners see
# what the image holds; CA certificates, os-release, a passwd/group with the user regscand (UID, group UID),
# /tmp and the data directory /var/lib/regscand owned by that user.
set -euo pipefail

rootfs=$1
binary=$2
uid=$3

mkdir -p "$rootfs"/usr/local/bin "$rootfs"/etc/ssl/certs "$rootfs"/var/lib/dpkg/status.d "$rootfs"/tmp \
  "$rootfs"/var/lib/regscand
install -m 0755 "$binary" "$rootfs"/usr/local/bin/regscand
# Merged /usr, as in Debian 12: /lib and /lib64 are links into /usr (the loader is /lib64/ld-linux-*).
for dir in lib lib64; do
  if [ -L "/$dir" ]; then ln -sfn "$(readlink "/$dir")" "$rootfs/$dir"; fi
done

# copy PATH: PATH, with its directories, into the rootfs.
copy() {
  mkdir -p "$rootfs$(dirname "$1")"
  cp -p "$1" "$rootfs$1"
}

# owner PATH: the Debian package holding PATH, under either of its merged-/usr names.
owner() {
  local path=$1 candidate
  for candidate in "$path" "${path#/usr}" "/usr$path"; do
    if dpkg-query -S "$candidate" >/dev/null 2>&1; then
      dpkg-query -S "$candidate" | head -n1 | sed 's/: .*//; s/:.*//'
      return 0
    fi
  done
  echo "stage-runtime.sh: no package owns $path" >&2
  return 1
}

packages=(base-files ca-certificates)
libraries=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
[ -n "$libraries" ] || { echo "stage-runtime.sh: ldd found no libraries in $binary" >&2; exit 1; }
for library in $libraries; do
  real=$(realpath "$library")
  copy "$real"
  link="$(realpath "$(dirname "$library")")/$(basename "$library")"
  if [ "$link" != "$real" ]; then
    mkdir -p "$rootfs$(dirname "$link")"
    ln -sfr "$rootfs$real" "$rootfs$link"
  fi
  packages+=("$(owner "$library" || owner "$real")")
done

for package in $(printf '%s\n' "${packages[@]}" | sort -u); do
  dpkg-query -s "$package" >"$rootfs/var/lib/dpkg/status.d/$package"
  if [ -f "/usr/share/doc/$package/copyright" ]; then
    copy "/usr/share/doc/$package/copyright"
  fi
done

copy /etc/ssl/certs/ca-certificates.crt
# Where OpenSSL's default verify paths (OPENSSLDIR /usr/lib/ssl) look, linked as Debian's openssl does.
mkdir -p "$rootfs"/usr/lib/ssl
ln -sfn /etc/ssl/certs/ca-certificates.crt "$rootfs"/usr/lib/ssl/cert.pem
ln -sfn /etc/ssl/certs "$rootfs"/usr/lib/ssl/certs
copy "$(realpath /etc/os-release)"
ln -sfr "$rootfs$(realpath /etc/os-release)" "$rootfs"/etc/os-release
cat >"$rootfs"/etc/passwd <<PASSWD
root:x:0:0:root:/root:/usr/sbin/nologin
regscand:x:$uid:$uid:regscand:/var/lib/regscand:/usr/sbin/nologin
PASSWD
cat >"$rootfs"/etc/group <<GROUP
root:x:0:
regscand:x:$uid:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs"/etc/nsswitch.conf
chmod 1777 "$rootfs"/tmp
chown "$uid:$uid" "$rootfs"/var/lib/regscand
chmod 0750 "$rootfs"/var/lib/regscand
