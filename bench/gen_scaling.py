#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Assembly for the scaling table (x86-64, GNU as syntax), written as
assembly so that 10,000 objects or a million relocations take seconds to
build, not minutes.

  gen_scaling.py objects N DIR    N objects of one function and one datum
                                  (as gen_tiny.py: tiny_I.s) and main.s,
                                  which calls them all
  gen_scaling.py relocs N FILE    one object with N relocations: N/10
                                  functions, each with 5 PC-relative data
                                  references, 4 calls and one pointer to
                                  it in .data; main calls the first"""
import os
import sys


def objects(n, d):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(f"{d}/tiny_{i}.s", "w") as f:
            f.write(f"\t.data\n\t.globl tiny_data_{i}\n\t.p2align 2\ntiny_data_{i}:\t.long {i}\n"
                    f"\t.text\n\t.globl tiny_{i}\n\t.type tiny_{i}, @function\ntiny_{i}:\n"
                    f"\tmovl tiny_data_{i}(%rip), %eax\n\tleal 1(%rax), %edx\n"
                    f"\tmovl %edx, tiny_data_{i}(%rip)\n\taddl %edi, %eax\n\tret\n"
                    f"\t.size tiny_{i}, .-tiny_{i}\n\t.section .note.GNU-stack,\"\",@progbits\n")
    with open(f"{d}/main.s", "w") as f:
        f.write("\t.text\n\t.globl main\n\t.type main, @function\nmain:\n\tpushq %rbx\n\txorl %ebx, %ebx\n")
        for i in range(n):
            f.write(f"\tmovl $1, %edi\n\tcall tiny_{i}\n\taddl %eax, %ebx\n")
        # sum of (1 + i) is n + n(n-1)/2
        want = (n + n * (n - 1) // 2) & 0xffffffff
        f.write(f"\txorl %eax, %eax\n\tcmpl ${want}, %ebx\n\tsetne %al\n\tpopq %rbx\n\tret\n"
                "\t.section .note.GNU-stack,\"\",@progbits\n")


def relocs(n, path):
    nf = max(1, n // 10)
    with open(path, "w") as f:
        f.write("\t.data\n")
        for i in range(nf):
            f.write(f"d{i}:\t.quad f{i}\n")
        f.write("\t.text\n\t.globl main\n\t.type main, @function\nmain:\n\tcall f0\n\txorl %eax, %eax\n\tret\n")
        for i in range(nf):
            # global: the assembler keeps a relocation for each call
            f.write(f"\t.globl f{i}\nf{i}:\n")
            for k in range(5):
                f.write(f"\tleaq d{(i + k) % nf}(%rip), %rax\n")
            for k in range(1, 5):
                # calls go forward and never run: f0 returns at once
                f.write(f"\tjmp 1f\n\tcall f{(i + k) % nf}\n1:\n" if i == 0 else f"\tcall f{(i + k) % nf}\n")
            f.write("\tret\n")
        f.write("\t.section .note.GNU-stack,\"\",@progbits\n")


if __name__ == "__main__":
    what, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    (objects if what == "objects" else relocs)(n, out)
