#!/bin/sh
# SPDX-License-Identifier: MIT
# `make check` without CUnit: configure found no CUnit, so the test program
# was not built.  Say so, and report the test as skipped (77), not passed.
echo "objload: the test suite needs CUnit (Debian package libcunit1-dev);"
echo "configure did not find it, so no test was built or run."
exit 77
