#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate N tiny C files (tiny_I.c: one function, one datum) and a
main.c calling them all.  Usage: gen_tiny.py N DIR"""
import os
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
d = sys.argv[2] if len(sys.argv) > 2 else "tiny"
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(f"{d}/tiny_{i}.c", "w") as f:
        f.write(f"int tiny_data_{i} = {i};\nint tiny_{i}(int x) {{ return x + tiny_data_{i}++; }}\n")
with open(f"{d}/main.c", "w") as f:
    for i in range(n):
        f.write(f"int tiny_{i}(int);\n")
    f.write("int main(void) { long s = 0;\n")
    for i in range(n):
        f.write(f"  s += tiny_{i}(1);\n")
    f.write(f"  return s == {n} + {n * (n - 1) // 2} ? 0 : 1; }}\n")
