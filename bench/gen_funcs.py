#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a C file with N functions (default 10,000) in chains of ten
calls, and a main that calls every chain; exit status 0 when the sum is
not zero.
Usage: gen_funcs.py N OUT.c"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
out = open(sys.argv[2] if len(sys.argv) > 2 else "funcs.c", "w")
for i in range(n):
    out.write(f"int f{i}(int x);\n")
out.write("int table[64];\n")
for i in range(n):
    if i + 1 < n and i % 10 != 9:
        out.write(f"__attribute__((noinline)) int f{i}(int x) {{ table[{i % 64}] += x; return f{i+1}(x ^ {i}) * 3 + 1; }}\n")
    else:
        out.write(f"__attribute__((noinline)) int f{i}(int x) {{ return (x + {i}) * 3 + 1; }}\n")
# main calls the head of every chain of ten, so that every function is
# reachable from main and a dead-stripping load keeps them all
heads = " ".join(f"s += (unsigned)f{i}(i);" for i in range(0, n, 10))
out.write(f"int main(void) {{ unsigned s = 0; for (int i = 0; i < 4; i++) {{ {heads} }} return s == 0; }}\n")
