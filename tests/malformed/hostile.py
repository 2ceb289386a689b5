#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile and heavy inputs for objload's hardening tests (issue 18).

    hostile.py findings OUTDIR    one input (or a few) per finding
    hostile.py scaling OUTDIR [N] 100k-entry inputs of every kind (N entries)
    hostile.py seeds KIND OUTDIR  seed corpus of a fuzzer (fuzz/run.sh):
                                  mixed, thin_script or coff (for coff_struct)

Valid content comes from real tools at run time (gcc, llvm-mc, ar); the
hostile part is then written or patched by this script, never by hand.
Every file written is listed in OUTDIR/manifest.txt as "NAME  what it is".

findings (the numbers of issue 18):
  1  thin-symdef64.a     thin archive: a "#1/12" member of size 9999999999
                         whose name is __.SYMDEF_64, a string at 4 GiB
     thin-bsd64.a        68 bytes: a thin archive whose only member is "#1/64"
     thin-bsd-past.a     a "#1/8000" name running past the end of the file
  2  coff-assoc.obj      one COMDAT leader and 31,999 associative sections
  3  coff-altname.obj    100,000 /ALTERNATENAME directives naming 100,000
                         undefined symbols
  4  bss-1536m.o         gcc: a 1.5 GiB .bss of which main touches one byte
     bss-8g.o            gcc -mcmodel=medium: an 8 GiB .lbss
  6  fan/                8 levels of ld scripts, each naming the next 12 times,
                         the last an archive (libleaf.a) defining leaf_fn;
                         fan-main.o calls leaf_fn
  8  ctrl-name.o         gcc object whose undefined symbol's name is patched
                         to ESC [2J, a newline and a forged "objload: " line
  9  coff-weak-aux.obj   llvm-mc weak external whose default is patched to an
                         auxiliary record
     coff-weak-file.obj  ... to the .file symbol
     coff-weak-cycle.obj two weak externals patched to default to each other
  11 elf-rela-symtab.o   gcc object whose .rela.text patches the symbol table
     entry-data.o        gcc object defining data_main, a data object

scaling (N, default 100,000, entries of each kind; drivers reference them):
  sections.o  N sections, one function each        (llvm-mc, ELF)
  symbols.o   N global functions in one section    (llvm-mc, ELF)
  relocs.o    N absolute relocations in .data      (llvm-mc, ELF)
  directives.obj  N /ALTERNATENAME directives over N symbols (llvm-mc, COFF)
  comdat.obj  a leader and N associative sections  (llvm-mc, COFF bigobj)
  members.a   N members, each defining m_NNNNNN    (llvm-mc objects in a GNU
              ar container with a symbol index, written here)
  members-main.o  calls the last member's function (llvm-mc)
  script/libscr.so  an ld script with N entries naming libsl.a (ar)
  script-main.o     calls sleaf_fn (llvm-mc)
"""

import os
import struct
import subprocess
import sys
import tempfile


def run(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def mc(src, out, triple="x86_64-linux-gnu"):
    """Assemble `src` (text) with llvm-mc into `out`."""
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write(src)
        path = f.name
    try:
        run("llvm-mc", "-filetype=obj", "-triple", triple, path, "-o", out)
    finally:
        os.unlink(path)


def cc(src, out, *flags, compiler="gcc"):
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write(src)
        path = f.name
    try:
        run(compiler, "-c", *flags, path, "-o", out)
    finally:
        os.unlink(path)


class Manifest:
    def __init__(self, outdir):
        self.outdir = outdir
        self.lines = []

    def path(self, name):
        return os.path.join(self.outdir, name)

    def add(self, name, what):
        self.lines.append("%s  %s" % (name, what))

    def write(self):
        with open(self.path("manifest.txt"), "w") as f:
            f.write("\n".join(self.lines) + "\n")


# ---- ar ---------------------------------------------------------------------

def ar_header(name, size):
    h = b"%-16s%-12s%-6s%-6s%-8s%-10s`\n" % (name, b"0", b"0", b"0", b"644", b"%d" % size)
    assert len(h) == 60, h
    return h


def ar_gnu(members):
    """A GNU ar archive with a symbol index: members are (name, bytes,
    [defined symbol names]); long names go to the "//" table."""
    longnames = b""
    names = []
    for name, _, _ in members:
        if len(name) < 16:
            names.append(name + b"/")
        else:
            names.append(b"/%d" % len(longnames))
            longnames += name + b"/\n"
    syms = [s for _, _, ss in members for s in ss]
    index_size = 4 + 4 * len(syms) + sum(len(s) + 1 for s in syms)
    off = 8 + 60 + index_size + (index_size & 1)
    if longnames:
        off += 60 + len(longnames) + (len(longnames) & 1)
    offsets = []
    for _, data, _ in members:
        offsets.append(off)
        off += 60 + len(data) + (len(data) & 1)
    index = struct.pack(">I", len(syms))
    for (_, _, ss), o in zip(members, offsets):
        index += struct.pack(">I", o) * len(ss)
    index += b"".join(s + b"\0" for _, _, ss in members for s in ss)
    out = [b"!<arch>\n", ar_header(b"/", len(index)), index, b"\n" * (len(index) & 1)]
    if longnames:
        out += [ar_header(b"//", len(longnames)), longnames, b"\n" * (len(longnames) & 1)]
    for n, (_, data, _) in zip(names, members):
        out += [ar_header(n, len(data)), data, b"\n" * (len(data) & 1)]
    return b"".join(out)


# ---- ELF and COFF views (what the patches need) --------------------------------

def elf_sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    secs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, info = struct.unpack_from(
            "<IIQQQQII", data, shoff + i * shentsize)
        secs.append(dict(name=name, type=typ, off=off, size=size, link=link, info=info,
                         hdr=shoff + i * shentsize))
    strtab = secs[shstrndx]
    for s in secs:
        raw = data[strtab["off"] + s["name"]:]
        s["sname"] = raw[:raw.index(b"\0")].decode()
    return secs


def coff_symbols(data):
    """(symptr, [(index, name, value, secnum, sclass, naux)])"""
    symptr, nsyms = struct.unpack_from("<II", data, 8)
    strtab = symptr + 18 * nsyms
    out = []
    i = 0
    while i < nsyms:
        raw = data[symptr + 18 * i:symptr + 18 * i + 18]
        if raw[:4] == b"\0\0\0\0":
            o, = struct.unpack_from("<I", raw, 4)
            name = data[strtab + o:data.index(b"\0", strtab + o)]
        else:
            name = raw[:8].rstrip(b"\0")
        value, secnum, _, sclass, naux = struct.unpack_from("<IhHBB", raw, 8)
        out.append((i, name, value, secnum, sclass, naux))
        i += 1 + naux
    return symptr, out


# ---- findings -----------------------------------------------------------------

def thin_inputs(m):
    # 1: 128 bytes.  A "#1/12" member of size 9999999999; in a thin archive
    # the next header follows at once, and its first 12 bytes are the
    # name: "__.SYMDEF_64".  Its other fields hold the index an unchecked
    # reader would take: 16 bytes of entries, one of them naming a string
    # at 4 GiB of an 8 GiB string table.  The header still parses (size
    # "0", "`\n").
    t = b"!<thin>\n" + ar_header(b"#1/12", 9999999999)
    h = b"__.SYMDEF_64" + struct.pack("<QQQQ", 16, 1 << 32, 0, 1 << 33) + b"    "
    h += b"%-10s`\n" % b"0"
    assert len(h) == 60
    open(m.path("thin-symdef64.a"), "wb").write(t + h)
    m.add("thin-symdef64.a", "finding 1: thin archive, #1/12 __.SYMDEF_64 index with a string at 4 GiB")
    # 68 bytes: the name's 64 bytes would be after the end of the file
    t = b"!<thin>\n" + ar_header(b"#1/64", 64)
    open(m.path("thin-bsd64.a"), "wb").write(t)
    m.add("thin-bsd64.a", "finding 1: 68-byte thin archive whose member is #1/64")
    # 4088 bytes: a #1/8000 name read from the headers that follow runs
    # 4 KB past the end of the file; the 66 headers themselves are valid
    t = b"!<thin>\n" + ar_header(b"#1/8000", 8000) + ar_header(b"x.o/", 0) * 66
    open(m.path("thin-bsd-past.a"), "wb").write(t)
    m.add("thin-bsd-past.a", "finding 1: thin archive whose #1/8000 name runs past the end of the file")


def altname_source(n):
    """COFF: n undefined alias_N, each referenced from .data, and n
    directives /ALTERNATENAME:alias_N=target_fn: every directive looks two
    names up among more than n symbols."""
    return ("".join([".text\n.globl main\nmain:\n ret\n.globl target_fn\ntarget_fn:\n ret\n.data\n"] +
                    [".quad alias_%d\n" % i for i in range(n)] +
                    ['.section .drectve,"yn"\n'] +
                    ['.ascii " /alternatename:alias_%d=target_fn"\n' % i for i in range(n)]))


def coff_heavy(m):
    n = 31999
    src = ['.section .text$lead,"xr",one_only,lead_sym\n.globl lead_sym\nlead_sym:\n ret\n']
    src += ['.section .data$a%d,"dr",associative,lead_sym\n.byte 1\n' % i for i in range(n)]
    mc("".join(src), m.path("coff-assoc.obj"), "x86_64-pc-windows-msvc")
    m.add("coff-assoc.obj", "finding 2: a COMDAT leader and 31,999 associative sections")
    mc(altname_source(100000), m.path("coff-altname.obj"), "x86_64-pc-windows-msvc")
    m.add("coff-altname.obj", "finding 3: 100,000 /ALTERNATENAME directives over 100,000 symbols")


def bss_inputs(m):
    cc("static char big[1536u << 20];\n"
       "int main(void) { big[123456789] = 7; return big[123456789] + big[5]; }\n",
       m.path("bss-1536m.o"), "-O0")
    m.add("bss-1536m.o", "finding 4: 1.5 GiB .bss, one byte touched (exit 7)")
    cc("static char big[8ull << 30];\n"
       "int main(void) { big[5] = 3; return big[5]; }\n",
       m.path("bss-8g.o"), "-O0", "-mcmodel=medium")
    m.add("bss-8g.o", "finding 4: 8 GiB .lbss")


def fan_scripts(m, levels=8, fanout=12):
    d = m.path("fan")
    os.makedirs(d, exist_ok=True)
    cc("int leaf_fn(void) { return 42; }\n", os.path.join(d, "leaf.o"), "-O2")
    run("ar", "rcs", os.path.join(d, "libleaf.a"), os.path.join(d, "leaf.o"))
    os.unlink(os.path.join(d, "leaf.o"))
    for lev in range(levels):
        nxt = "libl%d.so" % (lev + 1) if lev + 1 < levels else "libleaf.a"
        name = "libfan.so" if lev == 0 else "libl%d.so" % lev
        with open(os.path.join(d, name), "w") as f:
            f.write("/* GNU ld script, level %d */\nGROUP ( %s )\n" %
                    (lev, " ".join([nxt] * fanout)))
    cc("int leaf_fn(void);\nint main(void) { return leaf_fn(); }\n", m.path("fan-main.o"), "-O2")
    m.add("fan/libfan.so", "finding 6: 8 levels of ld scripts, each naming the next 12 times")
    m.add("fan-main.o", "finding 6: calls leaf_fn of fan/libleaf.a (exit 42)")


def ctrl_name(m):
    placeholder = b"P" * 40
    cc("extern int %s(void);\nint main(void) { return %s(); }\n" %
       (placeholder.decode(), placeholder.decode()), m.path("ctrl-name.o"), "-O2")
    data = bytearray(open(m.path("ctrl-name.o"), "rb").read())
    hostile = b"\x1b[2J\nobjload: forged line\x07\x7f".ljust(40, b"Q")
    k = data.index(placeholder)
    data[k:k + 40] = hostile
    assert placeholder not in data
    open(m.path("ctrl-name.o"), "wb").write(bytes(data))
    m.add("ctrl-name.o", "finding 8: undefined symbol named ESC[2J, newline, 'objload: forged line', BEL, DEL")


COFF_WEAK_SRC = """
.file "hostile.c"
.text
.globl main
main:
 call wa
 call wb
 ret
.weak wa
wa:
 ret
.weak wb
wb:
 ret
"""


def coff_weak(m):
    base = m.path("coff-weak.tmp")
    mc(COFF_WEAK_SRC, base, "x86_64-pc-windows-msvc")
    data = open(base, "rb").read()
    os.unlink(base)
    symptr, syms = coff_symbols(data)
    weak = [s for s in syms if s[4] == 105]
    files = [s for s in syms if s[4] == 103]
    assert len(weak) == 2 and files and files[0][5] >= 1, (weak, files)

    def patched(pairs):
        d = bytearray(data)
        for sym, tag in pairs:
            struct.pack_into("<I", d, symptr + 18 * (sym + 1), tag)
        return bytes(d)

    wa, wb = weak[0][0], weak[1][0]
    open(m.path("coff-weak-aux.obj"), "wb").write(patched([(wa, files[0][0] + 1)]))
    m.add("coff-weak-aux.obj", "finding 9: weak external %s defaults to an aux record" %
          weak[0][1].decode())
    open(m.path("coff-weak-file.obj"), "wb").write(patched([(wa, files[0][0])]))
    m.add("coff-weak-file.obj", "finding 9: weak external %s defaults to the .file symbol" %
          weak[0][1].decode())
    open(m.path("coff-weak-cycle.obj"), "wb").write(patched([(wa, wb), (wb, wa)]))
    m.add("coff-weak-cycle.obj", "finding 9: weak externals %s and %s default to each other" %
          (weak[0][1].decode(), weak[1][1].decode()))


def elf_rela_symtab(m):
    cc("extern int ext(void);\nint main(void) { return ext(); }\n",
       m.path("elf-rela-symtab.o"), "-O2")
    data = bytearray(open(m.path("elf-rela-symtab.o"), "rb").read())
    secs = elf_sections(data)
    symtab = [i for i, s in enumerate(secs) if s["type"] == 2][0]
    rela = [s for s in secs if s["sname"].startswith(".rela.text")][0]
    struct.pack_into("<I", data, rela["hdr"] + 0x2c, symtab)
    open(m.path("elf-rela-symtab.o"), "wb").write(bytes(data))
    m.add("elf-rela-symtab.o", "finding 11: .rela.text* patches the symbol table")


def entry_data(m):
    cc("int data_main = 5;\nint main(void) { return data_main; }\n", m.path("entry-data.o"), "-O2")
    m.add("entry-data.o", "finding 11: data_main is data, not an entry point")


def findings(outdir):
    m = Manifest(outdir)
    entry_data(m)
    thin_inputs(m)
    coff_heavy(m)
    bss_inputs(m)
    fan_scripts(m)
    ctrl_name(m)
    coff_weak(m)
    elf_rela_symtab(m)
    m.write()


# ---- scaling ----------------------------------------------------------------------

def scaling(outdir, n):
    m = Manifest(outdir)
    coff = "x86_64-pc-windows-msvc"
    mc("".join('.section .text.f%d,"ax",@progbits\n.globl f%d\nf%d:\n ret\n' % (i, i, i)
               for i in range(n)), m.path("sections.o"))
    m.add("sections.o", "%d sections" % n)
    mc(".text\n" + "".join(".globl s%d\ns%d:\n nop\n" % (i, i) for i in range(n)) + " ret\n",
       m.path("symbols.o"))
    m.add("symbols.o", "%d global symbols" % n)
    mc(".text\n.globl rtarget\nrtarget:\n ret\n.data\n" +
       "".join(".quad rtarget+%d\n" % i for i in range(n)), m.path("relocs.o"))
    m.add("relocs.o", "%d relocations" % n)
    mc(altname_source(n), m.path("directives.obj"), coff)
    m.add("directives.obj", "%d /ALTERNATENAME directives over %d symbols" % (n, n))
    mc('.section .text$lead,"xr",one_only,lead_sym\n.globl lead_sym\nlead_sym:\n ret\n' +
       "".join('.section .data$a%d,"dr",associative,lead_sym\n.byte 1\n' % i for i in range(n)),
       m.path("comdat.obj"), coff)
    m.add("comdat.obj", "a COMDAT leader and %d associative sections" % n)
    # archive members: one real object, its symbol renamed per member
    tmp = m.path("member.tmp")
    mc(".text\n.globl m_000000\nm_000000:\n mov $1, %eax\n ret\n", tmp)
    obj = open(tmp, "rb").read()
    os.unlink(tmp)
    members = []
    for i in range(n):
        sym = b"m_%06d" % i
        members.append((b"member_%06d.o" % i, obj.replace(b"m_000000", sym), [sym]))
    open(m.path("members.a"), "wb").write(ar_gnu(members))
    m.add("members.a", "%d archive members with a symbol index" % n)
    mc(".text\n.globl main\nmain:\n call m_%06d\n ret\n" % (n - 1), m.path("members-main.o"))
    m.add("members-main.o", "calls the last member's function")
    # an ld script with n entries: -lsl, libsl.a beside it, AS_NEEDED
    d = m.path("script")
    os.makedirs(d, exist_ok=True)
    mc(".text\n.globl sleaf_fn\nsleaf_fn:\n mov $2, %eax\n ret\n", os.path.join(d, "sleaf.o"))
    if os.path.exists(os.path.join(d, "libsl.a")):
        os.unlink(os.path.join(d, "libsl.a"))
    run("ar", "rcs", os.path.join(d, "libsl.a"), os.path.join(d, "sleaf.o"))
    os.unlink(os.path.join(d, "sleaf.o"))
    entries = ["-lsl", "libsl.a", "AS_NEEDED(-lsl)"]
    with open(os.path.join(d, "libscr.so"), "w") as f:
        f.write("/* GNU ld script */\nGROUP ( %s )\n" %
                "\n".join(entries[i % 3] for i in range(n)))
    m.add("script/libscr.so", "an ld script with %d entries" % n)
    mc(".text\n.globl main\nmain:\n call sleaf_fn\n ret\n", m.path("script-main.o"))
    m.add("script-main.o", "calls sleaf_fn of script/libsl.a")
    m.write()


# ---- fuzzer seeds --------------------------------------------------------------

MIXED_A = "int mixed_shared(int x) { return x * 3 + 1; }\nint mixed_data = 7;\n"
MIXED_B = ("extern int mixed_shared(int);\nextern int mixed_data;\n"
           "int main(void) { return mixed_shared(mixed_data); }\n")
MIXED_TARGETS = [("elf", "x86_64-linux-gnu"), ("macho", "x86_64-apple-macos11"),
                 ("coff", "x86_64-pc-windows-msvc")]

# the fixtures of fuzz/harness.h (harness_fixtures): a.o and sub/b.o are
# its 208-byte anchor object
FIXTURE_SIZE = 208


def ar_thin(members):
    """A GNU thin archive (no index) of (path, size) members."""
    longnames = b"".join(p + b"/\n" for p, _ in members)
    out = [b"!<thin>\n", ar_header(b"//", len(longnames)), longnames,
           b"\n" * (len(longnames) & 1)]
    off = 0
    for p, size in members:
        out.append(ar_header(b"/%d" % off, size))
        off += len(p) + 2
    return b"".join(out)


def seeds(kind, outdir):
    m = Manifest(outdir)
    if kind == "mixed":
        objs = {}
        for fmt, triple in MIXED_TARGETS:
            for part, src in (("a", MIXED_A), ("b", MIXED_B)):
                out = m.path("%s-%s.tmp" % (fmt, part))
                cc(src, out, "-O1", "--target=" + triple, compiler="clang")
                objs[fmt, part] = open(out, "rb").read()
                os.unlink(out)
        for fa, _ in MIXED_TARGETS:
            for fb, _ in MIXED_TARGETS:
                if fa == fb:
                    continue
                a, b = objs[fa, "a"], objs[fb, "b"]
                name = "mixed-%s-%s" % (fa, fb)
                open(m.path(name), "wb").write(struct.pack("<I", len(a)) + a + b)
                m.add(name, "%s object defining, %s object using" % (fa, fb))
    elif kind == "thin_script":
        thin = [
            [(b"a.o", FIXTURE_SIZE)],
            [(b"a.o", FIXTURE_SIZE), (b"sub/b.o", FIXTURE_SIZE)],
            [(b"../outside.o", FIXTURE_SIZE)],
            [(b"f.o", 100), (b"/etc/hostname", 10)],
        ]
        for i, members in enumerate(thin):
            open(m.path("thin-%d" % i), "wb").write(bytes([2 * (i & 1)]) + ar_thin(members))
            m.add("thin-%d" % i, "thin archive of fixtures")
        scripts = [
            b"GROUP ( a.o sub/b.o )",
            b"/* GNU ld script */ INPUT ( -lx ) GROUP ( AS_NEEDED ( libloop.so ) )",
            b"SEARCH_DIR(=sub) OUTPUT_FORMAT(elf64-x86-64) GROUP ( b.o -l:libx.a \"a.o\" )",
            b"GROUP ( libloop.so libloop.so -lloop f.o )",
        ]
        for i, text in enumerate(scripts):
            open(m.path("script-%d" % i), "wb").write(b"\x01" + text + b"\n")
            m.add("script-%d" % i, "ld script naming fixtures")
    elif kind == "coff":
        coff = "x86_64-pc-windows-msvc"
        mc(COFF_WEAK_SRC, m.path("coff-weak.obj"), coff)
        m.add("coff-weak.obj", "weak externals and a .file symbol")
        mc(altname_source(8), m.path("coff-directives.obj"), coff)
        m.add("coff-directives.obj", "8 /ALTERNATENAME directives")
        mc('.section .text$lead,"xr",one_only,lead_sym\n.globl lead_sym\nlead_sym:\n ret\n' +
           "".join('.section .data$a%d,"dr",associative,lead_sym\n.byte 1\n' % i
                   for i in range(6)), m.path("coff-comdat.obj"), coff)
        m.add("coff-comdat.obj", "a COMDAT leader and 6 associative sections")
    else:
        raise SystemExit("hostile.py: unknown seed kind %s" % kind)
    m.write()


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("findings", "scaling", "seeds"):
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "seeds":
        if len(sys.argv) < 4:
            sys.stderr.write(__doc__)
            return 2
        os.makedirs(sys.argv[3], exist_ok=True)
        seeds(sys.argv[2], sys.argv[3])
        return 0
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    if sys.argv[1] == "findings":
        findings(outdir)
    else:
        scaling(outdir, int(sys.argv[3]) if len(sys.argv) > 3 else 100000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
