#!/usr/bin/env bash
# Builds what a meaningful ThreadSanitizer run needs and Debian does not ship: Abseil built with
# -fsanitize=thread, so that the sanitizer sees the ordering absl::Mutex gives (its annotations
# are compiled into Abseil's own .cc files only under -fsanitize=thread). Static libraries with
# -fPIC, installed in .local/tsan/abseil (CMake package `absl`), from the source of exactly the
# Debian version installed (same patches, same absl/base/options.h, so the same ABI as the
# libabsl*.so that Debian's gRPC links). scripts/test.sh --sanitize=thread calls this; it does
# nothing once .local/tsan/abseil holds a build of the installed version.
#
# The source comes from the Debian mirror through a private apt configuration (a deb-src list in
# .local/tsan/apt): /etc/apt is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)/.local/tsan"
PREFIX="$ROOT/abseil"
version="$(dpkg-query -W -f='${Version}' libabsl-dev)"
stamp="$PREFIX/built-from-abseil-$version"
if [[ -f "$stamp" ]]; then
  echo "build-tsan-deps: Abseil $version with ThreadSanitizer already in $PREFIX"
  exit 0
fi

LOG=.local/logs/build-tsan-deps.log
mkdir -p .local/logs
: >"$LOG"
fail() {
  tail -n 40 "$LOG" >&2
  echo "build-tsan-deps: $1 failed (full output: $LOG)" >&2
  exit 1
}

echo "build-tsan-deps: fetching the source of Abseil $version from the Debian mirror"
APT="$ROOT/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$ROOT/src"
suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$APT/sources.list" <<LIST
deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite main
deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite-updates main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main
LIST
apt_opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
rm -rf "$ROOT/src"/abseil*
{
  apt-get "${apt_opts[@]}" update
  (cd "$ROOT/src" && apt-get "${apt_opts[@]}" source "abseil=$version")
} >>"$LOG" 2>&1 || fail "fetching the source"
src="$(find "$ROOT/src" -maxdepth 1 -type d -name 'abseil-*' | head -n 1)"

echo "build-tsan-deps: building Abseil with -fsanitize=thread (a few minutes; output in $LOG)"
# As Debian builds it (debian/rules: C++17, static), plus ThreadSanitizer and position-independent code.
rm -rf "$ROOT/abseil-build" "$PREFIX"
{
  cmake -S "$src" -B "$ROOT/abseil-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_STANDARD=17 \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_TESTING=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_INSTALL_PREFIX="$PREFIX"
  cmake --build "$ROOT/abseil-build" -j"$(nproc)"
  cmake --install "$ROOT/abseil-build"
} >>"$LOG" 2>&1 || fail "the Abseil build"
touch "$stamp"
echo "build-tsan-deps: Abseil $version with ThreadSanitizer installed in $PREFIX"
