#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what objload needs to build and test on Debian or Ubuntu (lld-16:
# ld64.lld with -fixup_chains and -init_offsets, for the dylib tests).
set -e
pkgs="build-essential autoconf automake libtool pkg-config binutils-dev
libcunit1-dev zlib1g-dev clang llvm lld libsqlite3-dev gcc-mingw-w64-x86-64
python3 libclang-rt-14-dev qemu-user g++ gdb libc++-14-dev libc++abi-14-dev
librsvg2-bin man-db libbz2-dev tcl-dev libgtest-dev python3-dev libxml2-dev
libicu-dev liblzma-dev libexpat1-dev lld-16 time"
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi
