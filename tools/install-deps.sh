#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what objload needs to build and test on Debian or Ubuntu (lld-16:
# ld64.lld with -fixup_chains and -init_offsets, for the dylib tests), and
# what the cross builds need (docs/hosts.md):
#   - Linux AArch64 host: gcc-aarch64-linux-gnu and the arm64 C library
#     (libc6-dev-arm64-cross), CUnit for arm64 (libcunit1-dev:arm64, Debian
#     multiarch), qemu-user to run it;
#   - Windows x86-64 host: mingw-w64 (gcc and g++ with winpthreads) and
#     wine64 to run it.
# Not installed: binutils-dev:arm64.  It is not co-installable with the
# amd64 binutils-dev (Debian 12 marks neither Multi-Arch: same), and apt
# resolves the conflict by removing the native binutils, gcc and clang.
# The arm64 build is configured --without-bfd instead (the libbfd plug-in
# is optional; nothing else uses libbfd).
set -e
pkgs="build-essential autoconf automake libtool pkg-config binutils-dev
libcunit1-dev zlib1g-dev clang llvm lld libsqlite3-dev gcc-mingw-w64-x86-64
g++-mingw-w64-x86-64 python3 libclang-rt-14-dev qemu-user g++ gdb libc++-14-dev
libc++abi-14-dev librsvg2-bin man-db libbz2-dev tcl-dev libgtest-dev python3-dev
libxml2-dev libicu-dev liblzma-dev libexpat1-dev lld-16 time
gcc-aarch64-linux-gnu libc6-dev-arm64-cross libcunit1-dev:arm64 wine64"
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
# the :arm64 packages need the architecture known to dpkg
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$sudo dpkg --add-architecture arm64
	updated=no
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ] || [ "${updated-}" = no ]; then
	$sudo apt-get update -qq
fi
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi
