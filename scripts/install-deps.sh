#!/usr/bin/env bash
# Install the Debian 12 packages that vigil's build, tests, demo and benchmarks need.
# Uses sudo only when not root; does nothing when everything is already present.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build python3
  libssl-dev libarchive-dev libmagic-dev libsqlite3-dev libcmocka-dev
  clang libclang-rt-14-dev
  hashdeep zip unzip p7zip-full cpio xorriso zstd xz-utils bzip2 lz4 openssl coreutils util-linux procps
  file sqlite3
  libpq-dev postgresql time
  libmicrohttpd-dev wrk curl
  libsodium-dev
  libseccomp-dev
  libyajl-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev libtiff-dev libheif-dev imagemagick
  libjpeg-turbo-progs webp
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg
  fonts-dejavu-core mate-backgrounds gnome-backgrounds
  foremost zlib1g-dev
  libyajl-dev libxml2-dev jq strace
  sleuthkit
  libtsk-dev libewf-dev sleuthkit ewf-tools mtools dosfstools ntfs-3g e2fsprogs fdisk genisoimage exfatprogs
  libvhdi-dev libvmdk-dev libqcow-dev libbfio-dev libluksde-dev libbde-dev libargon2-dev qemu-utils cryptsetup-bin
  python3-cryptography
  chromium nodejs
  debhelper lintian groff-base man-db bash-completion zsh
  graphviz
)

cd "$(dirname "$0")/.."

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm comes with some builds of nodejs; Debian's own is a package of its own
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exec scripts/npm-deps.sh

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
scripts/npm-deps.sh
