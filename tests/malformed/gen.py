#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate malformed object files for objload's robustness tests.

    gen.py [--seed N] [--max-per-seed N] [--only FMT] [--seeds-only] OUTDIR

Compiles small valid objects at run time (gcc and clang; ELF x86-64, and
with clang also Mach-O x86-64, COFF x86-64 and ELF AArch64) and two PE DLLs
(MinGW gcc; clang with lld-link), builds an ar archive and a Mach-O fat
file around them, then writes mutants of each into OUTDIR and lists every
file written in OUTDIR/manifest.txt, one name a line.

Mutations are format-aware:
  - truncation at every header boundary (file header, each section or load
    command header, each table's start and end) and at a sample of other
    lengths;
  - counts, offsets, sizes and indices of headers, sections, symbols and
    relocations set to 0, all-ones, the file size (+1), a flipped bit, +-1
    and huge values;
  - cycles where the format allows references: an ELF section linking to
    itself, a group listing itself, a Mach-O load command of size 0, a fat
    file whose slice is the fat header, a COFF weak external aliasing
    itself and sections associative to each other, an archive symbol table
    pointing at itself and an archive inside an archive;
  - PE images: the MS-DOS and PE headers, data directories, sections, the
    import, delay-import and export tables, base relocation blocks (one of
    size 0) and the TLS directory, a lookup table without its zero entry,
    an export forwarded to a string that is no DLL.name.

Linked images are seeds too (formats/elf/elf_dyn.c, formats/macho/
macho_dylib.c): ELF shared objects (gcc -shared: GNU hash, versions, RELA
and JMPREL; and with a SysV hash table and RELR), and dylibs linked by
ld64.lld (-14: dyld opcode streams; -16 -fixup_chains: chained fixups).
Their mutants corrupt program headers, dynamic entries, hash tables,
version records, dynamic symbols and relocations, load commands, opcode
streams, chained fixup starts and imports and the exports trie, and make
cycles: a hash chain that loops, a version record whose next is itself,
an exports trie whose child is its root.

Everything is deterministic for a given --seed.  --seeds-only writes the
valid objects alone (the fuzzers' seed corpus); --only keeps the inputs of
one format (elf, macho, coff -- PE DLLs included, which the COFF plug-in
reads --, pe, archive).  Compilers that are missing are
skipped with a note on stderr.
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

SOURCES = {
    "basic.c": r"""
extern int printf(const char *, ...);
extern int ext_val;
extern void ext_fn(int);
static int counter;
int data_tab[4] = { 1, 2, 3, 4 };
int *ptr_to_counter = &counter;
const char *greeting = "hello";
int common_thing __attribute__((common));
__attribute__((weak)) int weak_fn(int x) { return x * 3; }
__attribute__((constructor)) static void ctor(void) { counter = 1; }
__attribute__((destructor)) static void dtor(void) { counter = 0; }
int work(int x)
{
	ext_fn(x);
	return x + counter + ext_val + data_tab[x & 3] + weak_fn(x);
}
int main(void) { printf("%s %d\n", greeting, work(2)); return 0; }
""",
    "switch.c": r"""
extern int puts(const char *);
static int (*const fns[3])(int);
static int f0(int x) { return x + 1; }
static int f1(int x) { return x * 2; }
static int f2(int x) { return x - 7; }
static int (*const fns[3])(int) = { f0, f1, f2 };
int classify(int v)
{
	switch (v) {
	case 0: return 11; case 1: return 23; case 2: return 37;
	case 3: return 41; case 4: return 53; case 5: return 67;
	case 6: return 71; case 7: return 83;
	default: return fns[(unsigned)v % 3](v);
	}
}
static inline int helper(int x) { return x ^ 0x55; }
int use_helper(int x) { puts("x"); return helper(x); }
""",
}

# (name, compiler, flags, format); flags without -c/-o.
VARIANTS = [
    ("gcc-O2", "gcc", ["-O2"], "elf"),
    ("gcc-O0-nopic", "gcc", ["-O0", "-fno-pic"], "elf"),
    ("gcc-O1-g", "gcc", ["-O1", "-g", "-ffunction-sections"], "elf"),
    ("clang-O2-pic", "clang", ["-O2", "-fPIC"], "elf"),
    ("clang-O0-large", "clang", ["-O0", "-mcmodel=large"], "elf"),
    ("clang-aarch64", "clang", ["-O1", "--target=aarch64-linux-gnu"], "elf"),
    ("clang-macho", "clang", ["-O1", "--target=x86_64-apple-macos11"], "macho"),
    ("clang-coff", "clang", ["-O1", "--target=x86_64-pc-windows-msvc"], "coff"),
]

U8, U16, U32, U64 = 1, 2, 4, 8


class Mutator:
    """Collects fields and boundaries of one valid file, then mutates it."""

    def __init__(self, name, data, rng):
        self.name = name
        self.data = bytes(data)
        self.rng = rng
        self.fields = []        # (offset, width, label, big_endian)
        self.bounds = set()
        self.specials = []      # (label, bytes)

    def field(self, off, width, label, be=False):
        if 0 <= off and off + width <= len(self.data):
            self.fields.append((off, width, label, be))

    def bound(self, off):
        if 0 <= off <= len(self.data):
            self.bounds.add(off)

    def special(self, label, data):
        self.specials.append((label, bytes(data)))

    def put(self, buf, off, width, value, be=False):
        value &= (1 << (8 * width)) - 1
        buf[off:off + width] = value.to_bytes(width, "big" if be else "little")

    def values(self, cur, width):
        ones = (1 << (8 * width)) - 1
        n = len(self.data)
        cands = [0, ones, cur ^ (1 << self.rng.randrange(8 * width)),
                 cur + 1, cur - 1 if cur else ones >> 1, 1 << (8 * width - 1),
                 n & ones, (n + 1) & ones, ones >> 1, (cur * 0x10001) & ones]
        return cands

    def mutants(self, budget):
        out = []
        n = len(self.data)
        # truncations: every boundary, and a sample of other lengths
        lengths = set(b for b in self.bounds if b < n)
        for b in list(self.bounds):
            for d in (-1, 1):
                if 0 <= b + d < n:
                    lengths.add(b + d)
        for _ in range(24):
            lengths.add(self.rng.randrange(n))
        for length in sorted(lengths):
            out.append(("trunc%d" % length, self.data[:length]))
        # field mutations
        fm = []
        for off, width, label, be in self.fields:
            cur = int.from_bytes(self.data[off:off + width], "big" if be else "little")
            vals = self.values(cur, width)
            pick = [vals[0], vals[1]] + self.rng.sample(vals[2:], 3)
            for v in pick:
                mask = (1 << (8 * width)) - 1
                if v & mask == cur:
                    continue
                buf = bytearray(self.data)
                self.put(buf, off, width, v, be)
                fm.append(("%s=%x" % (label, v & mask), bytes(buf)))
        # random multi-byte corruptions, a few
        for k in range(16):
            buf = bytearray(self.data)
            for _ in range(1 + k % 4):
                buf[self.rng.randrange(n)] = self.rng.randrange(256)
            fm.append(("bytes%d" % k, bytes(buf)))
        room = max(budget - len(out) - len(self.specials), 0)
        if len(fm) > room:
            fm = self.rng.sample(fm, room)
        return out + self.specials + fm


# ---- ELF --------------------------------------------------------------------

def elf_fields(m):
    d = m.data
    if len(d) < 64 or d[:4] != b"\x7fELF" or d[4] != 2:
        return
    for o, w, l in ((4, U8, "ei_class"), (5, U8, "ei_data"), (16, U16, "e_type"),
                    (18, U16, "e_machine"), (32, U64, "e_phoff"),
                    (40, U64, "e_shoff"), (52, U16, "e_ehsize"),
                    (54, U16, "e_phentsize"), (56, U16, "e_phnum"),
                    (58, U16, "e_shentsize"), (60, U16, "e_shnum"),
                    (62, U16, "e_shstrndx")):
        m.field(o, w, l)
    for b in (1, 4, 16, 52, 64):
        m.bound(b)
    shoff, = struct.unpack_from("<Q", d, 40)
    shnum, shstrndx = struct.unpack_from("<HH", d, 60)
    m.bound(shoff)
    secs = []
    for i in range(shnum):
        h = shoff + 64 * i
        if h + 64 > len(d):
            break
        secs.append(struct.unpack_from("<IIQQQQIIQQ", d, h))
        m.bound(h + 64)
        for o, w, l in ((0, U32, "name"), (4, U32, "type"), (8, U64, "flags"),
                        (24, U64, "offset"), (32, U64, "size"), (40, U32, "link"),
                        (44, U32, "info"), (48, U64, "align"), (56, U64, "entsize")):
            m.field(h + o, w, "sh%d.%s" % (i, l))
    for i, (name, typ, flags, addr, off, size, link, info, align, ent) in enumerate(secs):
        h = shoff + 64 * i
        if typ != 8:    # not NOBITS
            m.bound(off)
            m.bound(off + size)
        if typ == 2:    # SYMTAB
            nsym = size // 24
            idx = sorted(set(range(min(nsym, 8))) | set(m.rng.sample(range(nsym), min(nsym, 8))))
            for k in idx:
                e = off + 24 * k
                for o, w, l in ((0, U32, "name"), (4, U8, "info"), (5, U8, "other"),
                                (6, U16, "shndx"), (8, U64, "value"), (16, U64, "size")):
                    m.field(e + o, w, "sym%d.%s" % (k, l))
            # cycle: the symbol table's string table is itself
            buf = bytearray(d)
            m.put(buf, h + 40, 4, i)
            m.special("symtab-link-self", buf)
        if typ in (4, 9):   # RELA, REL
            ent = 24 if typ == 4 else 16
            n = size // ent
            idx = sorted(set(range(min(n, 6))) | set(m.rng.sample(range(n), min(n, 6))))
            for k in idx:
                e = off + ent * k
                m.field(e, U64, "rel%d.%d.offset" % (i, k))
                m.field(e + 8, U32, "rel%d.%d.type" % (i, k))
                m.field(e + 12, U32, "rel%d.%d.sym" % (i, k))
                if typ == 4:
                    m.field(e + 16, U64, "rel%d.%d.addend" % (i, k))
            buf = bytearray(d)
            m.put(buf, h + 44, 4, i)    # relocates itself
            m.special("rel%d-info-self" % i, buf)
            buf = bytearray(d)
            m.put(buf, h + 40, 4, i)    # its symbol table is itself
            m.special("rel%d-link-self" % i, buf)
        if typ == 17:   # GROUP: make it a member of itself
            if size >= 8:
                buf = bytearray(d)
                m.put(buf, off + 4, 4, i)
                m.special("group%d-self" % i, buf)
            for k in range(min(size // 4, 4)):
                m.field(off + 4 * k, U32, "group%d.%d" % (i, k))
    # e_shstrndx names the symbol table, the null section, itself
    buf = bytearray(d)
    m.put(buf, 62, 2, 0xffff)   # SHN_XINDEX, with section 0's sh_link 0
    m.special("shstrndx-xindex", buf)
    if shnum:
        buf = bytearray(d)
        m.put(buf, 60, 2, 0)    # extended count in section 0: size 0xffffffff
        m.put(buf, shoff + 32, 8, 0xffffffff)
        m.special("shnum-extended-huge", buf)
        buf = bytearray(d)
        m.put(buf, 62, 2, 0xffff)
        m.put(buf, shoff + 40, 4, 0xffffffff)
        m.special("shstrndx-xindex-huge", buf)
    # every section header overlapping the file header
    buf = bytearray(d)
    m.put(buf, 40, 8, 0)
    m.special("shoff-zero", buf)


# ---- Mach-O -----------------------------------------------------------------

def macho_commands(m, header_fields):
    """The header's fields, then (number, offset, cmd) of each load
    command, its cmd and cmdsize fields and boundary recorded."""
    d = m.data
    if len(d) < 32 or struct.unpack_from("<I", d, 0)[0] != 0xfeedfacf:
        return
    for o, l in header_fields:
        m.field(o, U32, l)
    m.bound(4)
    m.bound(32)
    ncmds, = struct.unpack_from("<I", d, 16)
    p = 32
    for c in range(ncmds):
        if p + 8 > len(d):
            break
        cmd, size = struct.unpack_from("<II", d, p)
        m.field(p, U32, "lc%d.cmd" % c)
        m.field(p + 4, U32, "lc%d.cmdsize" % c)
        m.bound(p + 8)
        yield c, p, cmd
        if size < 8:
            break
        p += size


def macho_fields(m):
    d = m.data
    for c, p, cmd in macho_commands(m, ((4, "cputype"), (12, "filetype"), (16, "ncmds"),
                                        (20, "sizeofcmds"), (24, "flags"))):
        buf = bytearray(d)
        m.put(buf, p + 4, 4, 0)     # a command of size 0: a loop if unchecked
        m.special("lc%d-cmdsize0" % c, buf)
        if cmd == 0x19:             # LC_SEGMENT_64
            for o, w, l in ((24, U64, "vmaddr"), (32, U64, "vmsize"), (40, U64, "fileoff"),
                            (48, U64, "filesize"), (64, U32, "nsects")):
                m.field(p + o, w, "seg%d.%s" % (c, l))
            nsects, = struct.unpack_from("<I", d, p + 64)
            for s in range(nsects):
                q = p + 72 + 80 * s
                if q + 80 > len(d):
                    break
                m.bound(q)
                m.bound(q + 80)
                for o, w, l in ((32, U64, "addr"), (40, U64, "size"), (48, U32, "offset"),
                                (52, U32, "align"), (56, U32, "reloff"), (60, U32, "nreloc"),
                                (64, U32, "flags"), (68, U32, "reserved1"), (72, U32, "reserved2")):
                    m.field(q + o, w, "sect%d.%s" % (s, l))
                size_, off, align, reloff, nreloc = struct.unpack_from("<QIIII", d, q + 40)
                m.bound(off)
                m.bound(off + size_)
                m.bound(reloff)
                m.bound(reloff + 8 * nreloc)
                idx = sorted(set(range(min(nreloc, 6))) |
                             set(m.rng.sample(range(nreloc), min(nreloc, 6))))
                for k in idx:
                    e = reloff + 8 * k
                    m.field(e, U32, "sect%d.rel%d.address" % (s, k))
                    m.field(e + 4, U32, "sect%d.rel%d.info" % (s, k))
                    # symbolnum only (low 24 bits), type only (high nibble)
                    m.field(e + 4, 3, "sect%d.rel%d.symnum" % (s, k))
                    m.field(e + 7, U8, "sect%d.rel%d.type" % (s, k))
        elif cmd == 0x2:            # LC_SYMTAB
            symoff, nsyms, stroff, strsize = struct.unpack_from("<IIII", d, p + 8)
            for o, l in ((8, "symoff"), (12, "nsyms"), (16, "stroff"), (20, "strsize")):
                m.field(p + o, U32, "symtab.%s" % l)
            m.bound(symoff)
            m.bound(symoff + 16 * nsyms)
            m.bound(stroff)
            m.bound(stroff + strsize)
            idx = sorted(set(range(min(nsyms, 6))) | set(m.rng.sample(range(nsyms), min(nsyms, 6))))
            for k in idx:
                e = symoff + 16 * k
                for o, w, l in ((0, U32, "strx"), (4, U8, "type"), (5, U8, "sect"),
                                (6, U16, "desc"), (8, U64, "value")):
                    m.field(e + o, w, "nlist%d.%s" % (k, l))
            # an indirect symbol (N_INDR) naming itself
            if nsyms:
                buf = bytearray(d)
                e = symoff
                m.put(buf, e + 4, 1, 0x0b)      # N_INDR | N_EXT
                strx, = struct.unpack_from("<I", d, e)
                m.put(buf, e + 8, 8, strx)
                m.special("nlist0-indr-self", buf)
        elif cmd == 0xb:            # LC_DYSYMTAB
            for k in range(18):
                m.field(p + 8 + 4 * k, U32, "dysymtab.%d" % k)


def fat_wrap(obj, cputype=0x01000007, offset=None, size=None, nfat=1):
    """A fat (universal) file with one slice: obj at 4096 unless told."""
    off = 4096 if offset is None else offset
    hdr = struct.pack(">II", 0xcafebabe, nfat)
    hdr += struct.pack(">IIIII", cputype, 3, off, len(obj) if size is None else size, 12)
    body = hdr + b"\0" * (4096 - len(hdr)) + obj
    return body


def fat_fields(m):
    m.field(4, U32, "nfat_arch", be=True)
    for o, l in ((8, "cputype"), (16, "offset"), (20, "size"), (24, "align")):
        m.field(o, U32, "fat.%s" % l, be=True)
    m.bound(8)
    m.bound(28)
    m.bound(4096)
    buf = bytearray(m.data)
    m.put(buf, 16, 4, 0, be=True)   # the slice is the fat file itself
    m.put(buf, 20, 4, len(m.data), be=True)
    m.special("fat-slice-self", buf)


# ---- COFF -------------------------------------------------------------------

def coff_fields(m):
    d = m.data
    if len(d) < 20 or struct.unpack_from("<H", d, 0)[0] != 0x8664:
        return
    nsec, _, symptr, nsym, opt, _ = struct.unpack_from("<HIIIHH", d, 2)
    for o, w, l in ((2, U16, "nsections"), (8, U32, "symptr"), (12, U32, "nsyms"),
                    (16, U16, "optsize"), (18, U16, "characteristics")):
        m.field(o, w, l)
    m.bound(2)
    m.bound(20)
    base = 20 + opt
    for s in range(nsec):
        h = base + 40 * s
        if h + 40 > len(d):
            break
        m.bound(h + 40)
        for o, w, l in ((8, U32, "vsize"), (16, U32, "rawsize"), (20, U32, "rawptr"),
                        (24, U32, "relptr"), (32, U16, "nrelocs"), (36, U32, "chars")):
            m.field(h + o, w, "sec%d.%s" % (s, l))
        rawsize, rawptr, relptr = struct.unpack_from("<III", d, h + 16)
        nrel, = struct.unpack_from("<H", d, h + 32)
        m.bound(rawptr)
        m.bound(rawptr + rawsize)
        m.bound(relptr)
        m.bound(relptr + 10 * nrel)
        idx = sorted(set(range(min(nrel, 6))) | set(m.rng.sample(range(nrel), min(nrel, 6))))
        for k in idx:
            e = relptr + 10 * k
            m.field(e, U32, "sec%d.rel%d.va" % (s, k))
            m.field(e + 4, U32, "sec%d.rel%d.sym" % (s, k))
            m.field(e + 8, U16, "sec%d.rel%d.type" % (s, k))
    m.bound(symptr)
    m.bound(symptr + 18 * nsym)
    m.bound(symptr + 18 * nsym + 4)
    i = 0
    seen = 0
    sects = []
    while i < nsym:
        e = symptr + 18 * i
        if e + 18 > len(d):
            break
        value, secno, typ, sclass, naux = struct.unpack_from("<IhHBB", d, e + 8)
        if seen < 10 or m.rng.random() < 0.3:
            for o, w, l in ((4, U32, "stroff"), (8, U32, "value"), (12, U16, "secno"),
                            (14, U16, "type"), (16, U8, "class"), (17, U8, "naux")):
                m.field(e + o, w, "sym%d.%s" % (i, l))
            seen += 1
        if sclass == 3 and naux == 1 and secno > 0:     # section definition
            sects.append((i, secno))
            a = e + 18
            m.field(a, U32, "sym%d.aux.length" % i)
            m.field(a + 12, U16, "sym%d.aux.number" % i)
            m.field(a + 14, U8, "sym%d.aux.selection" % i)
            # a weak external whose alternative is itself
            buf = bytearray(d)
            m.put(buf, e + 12, 2, 0)
            m.put(buf, e + 16, 1, 105)      # IMAGE_SYM_CLASS_WEAK_EXTERNAL
            m.put(buf, a, 4, i)             # TagIndex: itself
            m.special("sym%d-weak-self" % i, buf)
        i += 1 + naux
    # two sections associative to each other (COMDAT selection 5)
    if len(sects) >= 2:
        (i1, s1), (i2, s2) = sects[0], sects[1]
        buf = bytearray(d)
        for (ia, sa), (ib, sb) in (((i1, s1), (i2, s2)), ((i2, s2), (i1, s1))):
            a = symptr + 18 * ia + 18
            m.put(buf, a + 12, 2, sb)
            m.put(buf, a + 14, 1, 5)
        m.special("assoc-cycle", buf)
        buf = bytearray(d)
        a = symptr + 18 * i1 + 18
        m.put(buf, a + 12, 2, s1)
        m.put(buf, a + 14, 1, 5)
        m.special("assoc-self", buf)
    st = symptr + 18 * nsym
    if st + 4 <= len(d):
        m.field(st, U32, "strtab.size")


# ---- PE images (DLLs) --------------------------------------------------------

def pe_rva_map(d, sections):
    """A function from an RVA to its file offset (None when not in the file)."""
    def off(rva):
        for va, vsize, rawsize, rawptr in sections:
            if va <= rva < va + min(vsize or rawsize, rawsize):
                return rawptr + rva - va
        return None
    return off


def pe_fields(m):
    d = m.data
    if len(d) < 64 or d[:2] != b"MZ":
        return
    pe, = struct.unpack_from("<I", d, 0x3c)
    if pe + 24 > len(d) or d[pe:pe + 4] != b"PE\0\0":
        return
    m.field(0x3c, U32, "e_lfanew")
    m.bound(0x40)
    m.bound(pe + 24)
    fh = pe + 4
    nsec, _, symptr, nsym, optsize, _ = struct.unpack_from("<HIIIHH", d, fh + 2)
    for o, w, l in ((0, U16, "machine"), (2, U16, "nsections"), (8, U32, "symptr"),
                    (12, U32, "nsyms"), (16, U16, "optsize"), (18, U16, "characteristics")):
        m.field(fh + o, w, l)
    opt = fh + 20
    if opt + 112 > len(d):
        return
    for o, w, l in ((0, U16, "magic"), (16, U32, "entry"), (24, U64, "imagebase"),
                    (32, U32, "sectionalign"), (56, U32, "sizeofimage"),
                    (60, U32, "sizeofheaders"), (108, U32, "ndirs")):
        m.field(opt + o, w, l)
    image_base, = struct.unpack_from("<Q", d, opt + 24)
    ndirs, = struct.unpack_from("<I", d, opt + 108)
    dirs = []
    for k in range(min(ndirs, 16)):
        e = opt + 112 + 8 * k
        if e + 8 > len(d):
            break
        dirs.append(struct.unpack_from("<II", d, e))
        m.field(e, U32, "dir%d.rva" % k)
        m.field(e + 4, U32, "dir%d.size" % k)
    m.bound(opt + optsize)
    secs = []
    for i in range(nsec):
        h = opt + optsize + 40 * i
        if h + 40 > len(d):
            break
        m.bound(h + 40)
        vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", d, h + 8)
        secs.append((va, vsize, rawsize, rawptr))
        for o, w, l in ((8, U32, "vsize"), (12, U32, "va"), (16, U32, "rawsize"),
                        (20, U32, "rawptr"), (36, U32, "chars")):
            m.field(h + o, w, "sec%d.%s" % (i, l))
        m.bound(rawptr)
        m.bound(rawptr + rawsize)
    off = pe_rva_map(d, secs)

    def dir_at(k):
        return dirs[k] if k < len(dirs) and dirs[k][1] else (0, 0)

    # exports: the directory, a few addresses, names and ordinals
    rva, size = dir_at(0)
    e = off(rva)
    if e is not None and e + 40 <= len(d):
        for o, w, l in ((12, U32, "name"), (16, U32, "base"), (20, U32, "nfuncs"),
                        (24, U32, "nnames"), (28, U32, "funcs"), (32, U32, "names"),
                        (36, U32, "ords")):
            m.field(e + o, w, "export.%s" % l)
        nfuncs, nnames, funcs, names, ords = struct.unpack_from("<IIIII", d, e + 20)
        for k, (tab, w) in enumerate(((funcs, U32), (names, U32), (ords, U16))):
            t = off(tab)
            for j in range(min(nnames if k else nfuncs, 3)):
                if t is not None:
                    m.field(t + w * j, w, "export.tab%d.%d" % (k, j))
        # an export forwarded to the module's name string ("foo.dll": DLL.name)
        f = off(funcs)
        if f is not None and nfuncs:
            buf = bytearray(d)
            m.put(buf, f, 4, struct.unpack_from("<I", d, e + 12)[0])
            m.special("export-forwarded-to-module-name", buf)
    # imports: the descriptors and their first lookup entries
    for k, (dirk, dsize, label) in enumerate(((1, 20, "import"), (13, 32, "delay"))):
        rva, size = dir_at(dirk)
        e = off(rva)
        for j in range(3):
            if e is None or e + dsize * (j + 1) > len(d):
                break
            desc = e + dsize * j
            fields = ((0, "lookup"), (12, "name"), (16, "iat")) if dirk == 1 else \
                ((0, "attributes"), (4, "name"), (12, "iat"), (16, "lookup"))
            for o, l in fields:
                m.field(desc + o, U32, "%s%d.%s" % (label, j, l))
            lookup, = struct.unpack_from("<I", d, desc + (0 if dirk == 1 else 16))
            t = off(lookup)
            for q in range(2):
                if t is not None:
                    m.field(t + 8 * q, U64, "%s%d.entry%d" % (label, j, q))
        if e is not None and e + dsize <= len(d):
            # a lookup table with no zero entry: it points at the headers' end
            buf = bytearray(d)
            m.put(buf, e + (0 if dirk == 1 else 16), 4, 0x40)
            m.special("%s-lookup-in-headers" % label, buf)
    # base relocations: blocks, a few entries, a block of size 0
    rva, size = dir_at(5)
    e = off(rva)
    pos, n = 0, 0
    while e is not None and pos + 8 <= size and e + pos + 8 <= len(d) and n < 4:
        page, bsize = struct.unpack_from("<II", d, e + pos)
        m.field(e + pos, U32, "reloc%d.page" % n)
        m.field(e + pos + 4, U32, "reloc%d.size" % n)
        for q in range(min((bsize - 8) // 2, 3) if bsize >= 8 else 0):
            m.field(e + pos + 8 + 2 * q, U16, "reloc%d.entry%d" % (n, q))
        if n == 0:
            buf = bytearray(d)
            m.put(buf, e + 4, 4, 0)
            m.special("reloc-block-size-0", buf)
        if bsize < 8:
            break
        pos += bsize
        n += 1
    # TLS: the template and the callbacks
    rva, size = dir_at(9)
    e = off(rva)
    if e is not None and e + 40 <= len(d):
        for o, l in ((0, "start"), (8, "end"), (24, "callbacks")):
            m.field(e + o, U64, "tls.%s" % l)
        m.field(e + 32, U32, "tls.zerofill")
        cb = off(struct.unpack_from("<Q", d, e + 24)[0] - image_base)
        if cb is not None and cb + 8 <= len(d):
            m.field(cb, U64, "tls.callback0")


PE_SOURCE = r"""
extern int printf(const char *, ...);
extern int remote_value(void);
__declspec(dllexport) int counter = 5;
__declspec(dllexport) int *counter_ptr = &counter;
__declspec(dllexport) int add(int a, int b) { return a + b + remote_value(); }
__declspec(dllexport) int say(void) { return printf("%d\n", counter); }
int __stdcall DllMain(void *h, unsigned long r, void *p) { return 1; }
void *__delayLoadHelper2(const void *d, void **slot) { return 0; }
"""


def compile_pe_seeds(work):
    """A MinGW gcc DLL (its C runtime, TLS callbacks, imports, base
    relocations) and an lld-link DLL (a delay import by ordinal, a
    forwarder, an import of the C library)."""
    seeds = []
    src = os.path.join(work, "pedll.c")
    with open(src, "w") as f:
        f.write(PE_SOURCE.replace("remote_value()", "0"))
    if have("x86_64-w64-mingw32-gcc"):
        out = os.path.join(work, "mingw.dll")
        r = subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", out, src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode == 0:
            with open(out, "rb") as f:
                seeds.append(("mingw-dll", "pe", f.read()))
    else:
        sys.stderr.write("gen.py: x86_64-w64-mingw32-gcc not found: mingw-dll skipped\n")
    if all(have(t) for t in ("clang", "lld-link", "llvm-dlltool")):
        with open(src, "w") as f:
            f.write(PE_SOURCE)
        for name, text in (("remote.def", "LIBRARY remote.dll\nEXPORTS\nremote_value @3 NONAME\n"),
                           ("msvcrt.def", "LIBRARY msvcrt.dll\nEXPORTS\nprintf\n"),
                           ("lld.def", "LIBRARY lld.dll\nEXPORTS\nforwarded = remote.remote_value\n")):
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
        steps = [["llvm-dlltool", "-m", "i386:x86-64", "-d", "remote.def", "-l", "remote.lib"],
                 ["llvm-dlltool", "-m", "i386:x86-64", "-d", "msvcrt.def", "-l", "msvcrt.lib"],
                 ["clang", "--target=x86_64-pc-windows-msvc", "-O1", "-c", "pedll.c",
                  "-o", "pedll.obj"],
                 ["lld-link", "-dll", "-nodefaultlib", "-entry:DllMain", "pedll.obj",
                  "remote.lib", "msvcrt.lib", "-delayload:remote.dll", "-def:lld.def",
                  "-out:lld.dll"]]
        for step in steps:
            r = subprocess.run(step, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.stderr.write("gen.py: %s failed:\n%s" % (" ".join(step),
                                                             r.stdout.decode(errors="replace")))
                break
        else:
            with open(os.path.join(work, "lld.dll"), "rb") as f:
                seeds.append(("lld-dll", "pe", f.read()))
    return seeds


# ---- ar archives --------------------------------------------------------------

def ar_member(name, data, size_field=None):
    size = "%d" % len(data) if size_field is None else size_field
    hdr = ("%-16s%-12s%-6s%-6s%-8s%-10s" % (name, "0", "0", "0", "644", size)).encode()
    hdr += b"`\n"
    body = hdr + data
    if len(data) & 1:
        body += b"\n"
    return body


def ar_archive(objs, symbols):
    """A GNU archive: symbol table, long names, members named /OFFSET."""
    longnames = b""
    names = []
    for n, _ in objs:
        names.append(len(longnames))
        longnames += n.encode() + b"/\n"
    # member offsets need the symbol table's size first
    strs = b"".join(s.encode() + b"\0" for s, _ in symbols)
    symtab_size = 4 + 4 * len(symbols) + len(strs)
    off = 8 + 60 + symtab_size + (symtab_size & 1)
    off += 60 + len(longnames) + (len(longnames) & 1)
    offsets = []
    for (n, data), lo in zip(objs, names):
        offsets.append(off)
        off += 60 + len(data) + (len(data) & 1)
    st = struct.pack(">I", len(symbols))
    st += b"".join(struct.pack(">I", offsets[k]) for _, k in symbols) + strs
    out = b"!<arch>\n" + ar_member("/", st) + ar_member("//", longnames)
    for (n, data), lo in zip(objs, names):
        out += ar_member("/%d" % lo, data)
    return out


def ar_fields(m, objs):
    d = m.data
    m.bound(8)
    p = 8
    k = 0
    while p + 60 <= len(d):
        m.bound(p + 60)
        m.field(p, U8, "m%d.name0" % k)
        m.field(p + 16, U8, "m%d.date0" % k)
        m.field(p + 48, U8, "m%d.size0" % k)
        m.field(p + 57, U8, "m%d.size9" % k)
        m.field(p + 58, U16, "m%d.fmag" % k)
        for label, txt in (("huge", b"9999999999"), ("neg", b"-1        "),
                           ("junk", b"0x10      "), ("blank", b"          "),
                           ("zero", b"0         ")):
            buf = bytearray(d)
            buf[p + 48:p + 58] = txt
            m.special("m%d-size-%s" % (k, label), buf)
        if d[p:p + 2] == b"/ ":     # GNU symbol table
            n, = struct.unpack_from(">I", d, p + 60)
            m.field(p + 60, U32, "armap.count", be=True)
            for j in range(min(n, 4)):
                m.field(p + 64 + 4 * j, U32, "armap.off%d" % j, be=True)
            buf = bytearray(d)
            if n:
                m.put(buf, p + 64, 4, p, be=True)   # points at the armap itself
                m.special("armap-self", buf)
        elif d[p:p + 1] == b"/" and d[p + 1:p + 2].isdigit():
            buf = bytearray(d)
            buf[p:p + 16] = b"/99999999       "
            m.special("m%d-longname-out" % k, buf)
        try:
            size = int(d[p + 48:p + 58].decode().strip())
        except ValueError:
            break
        p += 60 + size + (size & 1)
        m.bound(p)
        k += 1
    # an archive inside an archive, and a thin archive header
    nested = ar_archive([("inner.a", d)], [])
    m.special("nested", nested)
    m.special("thin", b"!<thin>\n" + d[8:])
    # BSD long name #1/N whose N runs past the member
    if len(d) > 68:
        buf = bytearray(d)
        buf[8:24] = b"#1/99999        "
        m.special("bsd-name-out", buf)


# ---- driver -------------------------------------------------------------------

# ---- linked images -----------------------------------------------------------

def elf_vaddr_to_off(loads, vaddr):
    for off, va, filesz in loads:
        if va <= vaddr < va + filesz:
            return off + vaddr - va
    return None


def elfdyn_fields(m):
    """An ELF shared object: what elf_dyn.c reads."""
    d = m.data
    if len(d) < 64 or d[:4] != b"\x7fELF":
        return
    for o, w, l in ((16, U16, "e_type"), (18, U16, "e_machine"), (32, U64, "e_phoff"),
                    (54, U16, "e_phentsize"), (56, U16, "e_phnum")):
        m.field(o, w, l)
    phoff, = struct.unpack_from("<Q", d, 32)
    phnum, = struct.unpack_from("<H", d, 56)
    m.bound(phoff)
    loads, dyn = [], None
    for i in range(phnum):
        h = phoff + 56 * i
        if h + 56 > len(d):
            break
        m.bound(h + 56)
        typ, flags, off, va, pa, filesz, memsz, align = struct.unpack_from("<IIQQQQQQ", d, h)
        for o, w, l in ((0, U32, "type"), (4, U32, "flags"), (8, U64, "offset"),
                        (16, U64, "vaddr"), (32, U64, "filesz"), (40, U64, "memsz"),
                        (48, U64, "align")):
            m.field(h + o, w, "ph%d.%s" % (i, l))
        if typ == 1:
            loads.append((off, va, filesz))
            m.bound(off + filesz)
        elif typ == 2:
            dyn = (off, filesz)
    if not dyn:
        return
    tags = {}
    off, size = dyn
    for k in range(size // 16):
        e = off + 16 * k
        if e + 16 > len(d):
            break
        tag, val = struct.unpack_from("<QQ", d, e)
        m.field(e, U64, "dyn%d.tag" % k)
        m.field(e + 8, U64, "dyn%d.val" % k)
        if tag == 0:
            # no DT_NULL: the table runs to the end of PT_DYNAMIC
            buf = bytearray(d)
            for j in range(k, size // 16):
                m.put(buf, off + 16 * j, 8, 21)     # DT_DEBUG
            m.special("dyn-no-null", buf)
            break
        tags.setdefault(tag, val)

    def at(tag):
        v = tags.get(tag)
        return None if v is None else elf_vaddr_to_off(loads, v)

    gnu = at(0x6ffffef5)
    if gnu is not None and gnu + 16 <= len(d):
        nb, symoff, bsize, shift = struct.unpack_from("<IIII", d, gnu)
        for o, l in ((0, "nbuckets"), (4, "symoffset"), (8, "bloom_size"), (12, "bloom_shift")):
            m.field(gnu + o, U32, "gnuhash.%s" % l)
        buckets = gnu + 16 + 8 * bsize
        for b in range(min(nb, 4)):
            m.field(buckets + 4 * b, U32, "gnuhash.bucket%d" % b)
        chains = buckets + 4 * nb
        for k in range(4):
            m.field(chains + 4 * k, U32, "gnuhash.chain%d" % k)
        if nb and buckets + 4 <= len(d):
            # every bucket starts at symoffset: chains overlap
            buf = bytearray(d)
            for b in range(nb):
                if buckets + 4 * b + 4 <= len(d):
                    m.put(buf, buckets + 4 * b, 4, symoff)
            m.special("gnuhash-buckets-overlap", buf)
            # a chain that never ends: every last-bit cleared
            buf = bytearray(d)
            for k in range(64):
                q = chains + 4 * k
                if q + 4 <= len(d):
                    buf[q] &= 0xfe
            m.special("gnuhash-chain-endless", buf)
    sysv = at(4)
    if sysv is not None and sysv + 8 <= len(d):
        nbucket, nchain = struct.unpack_from("<II", d, sysv)
        m.field(sysv, U32, "hash.nbucket")
        m.field(sysv + 4, U32, "hash.nchain")
        for b in range(min(nbucket, 4)):
            m.field(sysv + 8 + 4 * b, U32, "hash.bucket%d" % b)
        chain = sysv + 8 + 4 * nbucket
        if nchain > 2 and chain + 4 * nchain <= len(d):
            buf = bytearray(d)
            for k in range(1, nchain):
                m.put(buf, chain + 4 * k, 4, k)     # each chain loops on itself
            m.special("hash-chain-loop", buf)
    sym = at(6)
    if sym is not None:
        for k in range(1, 6):
            e = sym + 24 * k
            for o, w, l in ((0, U32, "name"), (4, U8, "info"), (5, U8, "other"),
                            (6, U16, "shndx"), (8, U64, "value")):
                m.field(e + o, w, "dynsym%d.%s" % (k, l))
    versym = at(0x6ffffff0)
    if versym is not None:
        for k in range(1, 6):
            m.field(versym + 2 * k, U16, "versym%d" % k)
    vd = at(0x6ffffffc)
    if vd is not None and vd + 20 <= len(d):
        for o, w, l in ((0, U16, "version"), (4, U16, "ndx"), (6, U16, "cnt"),
                        (12, U32, "aux"), (16, U32, "next")):
            m.field(vd + o, w, "verdef.%s" % l)
        buf = bytearray(d)
        m.put(buf, vd + 16, 4, 0)
        m.special("verdef-ends-early", buf)
    vn = at(0x6ffffffe)
    if vn is not None and vn + 16 <= len(d):
        for o, w, l in ((0, U16, "version"), (2, U16, "cnt"), (8, U32, "aux"),
                        (12, U32, "next")):
            m.field(vn + o, w, "verneed.%s" % l)
        aux, = struct.unpack_from("<I", d, vn + 8)
        for o, w, l in ((6, U16, "other"), (8, U32, "name"), (12, U32, "next")):
            m.field(vn + aux + o, w, "vernaux.%s" % l)
        buf = bytearray(d)
        m.put(buf, vn + 2, 2, 0xffff)       # 65535 entries in a loop
        m.put(buf, vn + aux + 12, 4, 0)
        m.special("vernaux-count-huge", buf)
    for tag, ent, name in ((7, 24, "rela"), (23, 24, "jmprel"), (36, 8, "relr")):
        r = at(tag)
        if r is None:
            continue
        for k in range(4):
            e = r + ent * k
            m.field(e, U64, "%s%d.offset" % (name, k))
            if ent == 24:
                m.field(e + 8, U32, "%s%d.type" % (name, k))
                m.field(e + 12, U32, "%s%d.sym" % (name, k))
                m.field(e + 16, U64, "%s%d.addend" % (name, k))


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def dylib_fields(m):
    """A dylib: what macho_dylib.c reads."""
    d = m.data
    for c, p, cmd in macho_commands(m, ((12, "filetype"), (16, "ncmds"), (20, "sizeofcmds"))):
        if cmd == 0x19:
            for o, w, l in ((24, U64, "vmaddr"), (32, U64, "vmsize"), (40, U64, "fileoff"),
                            (48, U64, "filesize"), (60, U32, "initprot"), (64, U32, "nsects")):
                m.field(p + o, w, "seg%d.%s" % (c, l))
            nsects, = struct.unpack_from("<I", d, p + 64)
            for s in range(min(nsects, 8)):
                q = p + 72 + 80 * s
                for o, w, l in ((32, U64, "addr"), (40, U64, "size"), (64, U32, "flags")):
                    m.field(q + o, w, "seg%d.sect%d.%s" % (c, s, l))
        elif cmd in (0xc, 0xd):
            m.field(p + 8, U32, "dylib%d.name" % c)
        elif cmd in (0x22, 0x80000022):
            vals = struct.unpack_from("<10I", d, p + 8)
            for k, l in enumerate(("rebase_off", "rebase_size", "bind_off", "bind_size",
                                   "weak_off", "weak_size", "lazy_off", "lazy_size",
                                   "export_off", "export_size")):
                m.field(p + 8 + 4 * k, U32, "dyldinfo.%s" % l)
            for name, off, sz in (("rebase", vals[0], vals[1]), ("bind", vals[2], vals[3]),
                                  ("lazy", vals[6], vals[7])):
                for k in range(0, min(sz, 24), 3):
                    m.field(off + k, U8, "%s.byte%d" % (name, k))
                m.bound(off + sz)
                if sz > 2:
                    # a repeat count of 2^62 (DO_*_ULEB_TIMES)
                    op = 0x60 if name == "rebase" else 0xc0
                    body = bytes([0x11 if name == "rebase" else 0x11, 0x20 if name == "rebase" else 0x72]) + \
                        uleb(0) + bytes([op]) + uleb(1 << 62) + (b"" if name == "rebase" else uleb(0))
                    if len(body) <= sz:
                        buf = bytearray(d)
                        buf[off:off + len(body)] = body
                        m.special("%s-count-huge" % name, buf)
            eo, es = vals[8], vals[9]
            trie_fields(m, eo, es)
        elif cmd == 0x80000033:
            eo, es = struct.unpack_from("<II", d, p + 8)
            m.field(p + 8, U32, "exports.off")
            m.field(p + 12, U32, "exports.size")
            trie_fields(m, eo, es)
        elif cmd == 0x80000034:
            co, cs = struct.unpack_from("<II", d, p + 8)
            m.field(p + 8, U32, "chained.off")
            m.field(p + 12, U32, "chained.size")
            if co + 28 <= len(d):
                for k, l in enumerate(("version", "starts", "imports", "symbols", "count",
                                       "imports_format", "symbols_format")):
                    m.field(co + 4 * k, U32, "chained.%s" % l)
                starts, imports = struct.unpack_from("<II", d, co + 4)
                s0 = co + starts
                if s0 + 4 <= len(d):
                    segc, = struct.unpack_from("<I", d, s0)
                    m.field(s0, U32, "chained.seg_count")
                    for k in range(min(segc, 6)):
                        q = s0 + 4 + 4 * k
                        if q + 4 > len(d):
                            break
                        info, = struct.unpack_from("<I", d, q)
                        m.field(q, U32, "chained.seg%d.info" % k)
                        if info and s0 + info + 22 <= len(d):
                            b = s0 + info
                            for o, w, l in ((0, U32, "size"), (4, U16, "page_size"),
                                            (6, U16, "format"), (8, U64, "segment_offset"),
                                            (20, U16, "page_count"), (22, U16, "page0")):
                                m.field(b + o, w, "chained.seg%d.%s" % (k, l))
                for k in range(3):
                    m.field(co + imports + 4 * k, U32, "chained.import%d" % k)
    if len(d) < 32:
        return
    # the fixed-up words themselves: chain links and targets
    for k in range(8):
        q = m.rng.randrange(len(d) - 8)
        m.field(q, U64, "word%x" % q)


def trie_fields(m, off, size):
    if not size or off + size > len(m.data):
        return
    m.bound(off + size)
    for k in range(0, min(size, 32), 2):
        m.field(off + k, U8, "trie.byte%d" % k)
    # the root's first child leads back to the root
    d = m.data
    q = off
    term = d[q]
    q += 1 + term
    if q < off + size and d[q] > 0:
        q += 1
        while q < off + size and d[q]:
            q += 1
        q += 1
        if q < off + size:
            buf = bytearray(d)
            buf[q] = 0      # child offset 0: the root again
            m.special("trie-child-root", buf)


LINKED_TBD = """--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos ]
install-name:    '/usr/lib/libSystem.B.dylib'
current-version: 1311
exports:
  - targets:         [ x86_64-macos ]
    symbols:         [ _printf, _puts, dyld_stub_binder ]
...
"""


def compile_linked(work, only):
    """Linked images of basic.c: (name, format, bytes)."""
    out = []
    src = os.path.join(work, "basic.c")
    jobs = []
    if only in (None, "elf"):
        jobs.append(("gcc-so-basic", "elfdyn", ["gcc", "-O1", "-shared", "-fPIC", src]))
        jobs.append(("gcc-so-sysv-relr-basic", "elfdyn",
                     ["gcc", "-O1", "-shared", "-fPIC", "-Wl,--hash-style=sysv",
                      "-Wl,-z,pack-relative-relocs", src]))
    if only in (None, "macho") and have("clang"):
        obj = os.path.join(work, "basic-macho-dylib.o")
        tbd = os.path.join(work, "libSystem.tbd")
        with open(tbd, "w") as f:
            f.write(LINKED_TBD)
        r = subprocess.run(["clang", "-c", "-O1", "--target=x86_64-apple-macos11", "-o", obj,
                            src], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode == 0:
            common = ["-arch", "x86_64", "-dylib", "-undefined", "dynamic_lookup",
                      "-install_name", "@rpath/libbasic.dylib", obj, tbd]
            jobs.append(("lld14-dylib-basic", "dylib",
                         ["ld64.lld-14", "-platform_version", "macos", "11.0", "11.0"] + common))
            jobs.append(("lld16-chained-basic", "dylib",
                         ["ld64.lld-16", "-platform_version", "macos", "13.0", "13.0",
                          "-fixup_chains", "-init_offsets"] + common))
    for name, fmt, argv in jobs:
        if not have(argv[0]):
            sys.stderr.write("gen.py: %s not found: %s skipped\n" % (argv[0], name))
            continue
        outp = os.path.join(work, name)
        r = subprocess.run(argv + ["-o", outp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            sys.stderr.write("gen.py: %s failed:\n%s" % (" ".join(argv),
                                                          r.stdout.decode(errors="replace")))
            continue
        with open(outp, "rb") as f:
            out.append((name, fmt, f.read()))
    return out


def have(tool):
    return shutil.which(tool) is not None


def compile_seeds(work, only):
    seeds = []      # (name, format, bytes)
    for fn, text in SOURCES.items():
        with open(os.path.join(work, fn), "w") as f:
            f.write(text)
    for vname, cc, flags, fmt in VARIANTS:
        if only and only != fmt and not (only == "archive" and fmt == "elf"):
            continue
        if not have(cc):
            sys.stderr.write("gen.py: %s not found: %s skipped\n" % (cc, vname))
            continue
        for fn in SOURCES:
            obj = os.path.join(work, "%s-%s.o" % (vname, fn[:-2]))
            r = subprocess.run([cc, "-c", "-o", obj] + flags + [os.path.join(work, fn)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.stderr.write("gen.py: %s %s failed:\n%s" %
                                 (cc, " ".join(flags), r.stdout.decode(errors="replace")))
                continue
            with open(obj, "rb") as f:
                seeds.append(("%s-%s" % (vname, fn[:-2]), fmt, f.read()))
    if only in (None, "elf", "macho"):
        seeds += compile_linked(work, only)
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--max-per-seed", type=int, default=400)
    ap.add_argument("--only", choices=("elf", "macho", "coff", "pe", "archive"))
    ap.add_argument("--seeds-only", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="objload-gen-")
    try:
        seeds = compile_seeds(work, a.only)
        if a.only in (None, "coff", "pe"):   # the COFF plug-in reads PE images
            seeds += compile_pe_seeds(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not seeds:
        sys.stderr.write("gen.py: no seed object could be compiled\n")
        return 1
    # derived seeds: a Mach-O fat file, and archives of the ELF objects
    extra = []
    for name, fmt, data in seeds:
        if fmt == "macho" and name.endswith("basic"):
            extra.append((name + "-fat", "fat", fat_wrap(data)))
    elf = [(n, d) for n, f, d in seeds if f == "elf" and n.startswith("gcc-O2")]
    if elf:
        syms = [("work", 0), ("main", 0), ("classify", len(elf) - 1)]
        extra.append(("gcc-O2-archive", "archive",
                      ar_archive([(n + ".o", d) for n, d in elf], syms)))
    seeds += extra
    if a.only:
        want = {"macho": ("macho", "fat", "dylib"),
                "elf": ("elf", "elfdyn"),
                "coff": ("coff", "pe")}.get(a.only, (a.only,))
        seeds = [s for s in seeds if s[1] in want]
    manifest = []

    def emit(fname, data):
        with open(os.path.join(a.outdir, fname), "wb") as f:
            f.write(data)
        manifest.append(fname)

    for name, fmt, data in seeds:
        emit("%s.valid" % name, data)
        if a.seeds_only:
            continue
        m = Mutator(name, data, random.Random("%d-%s" % (a.seed, name)))
        if fmt == "elf":
            elf_fields(m)
        elif fmt == "macho":
            macho_fields(m)
        elif fmt == "fat":
            fat_fields(m)
        elif fmt == "elfdyn":
            elfdyn_fields(m)
        elif fmt == "dylib":
            dylib_fields(m)
        elif fmt == "coff":
            coff_fields(m)
        elif fmt == "pe":
            pe_fields(m)
        elif fmt == "archive":
            ar_fields(m, elf)
        for k, (label, mdata) in enumerate(m.mutants(a.max_per_seed)):
            safe = "".join(ch if ch.isalnum() or ch in "._=-" else "_" for ch in label)
            emit("%s.%04d.%s" % (name, k, safe[:60]), mdata)
    with open(os.path.join(a.outdir, "manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    sys.stderr.write("gen.py: %d seeds, %d files in %s\n" % (len(seeds), len(manifest), a.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
