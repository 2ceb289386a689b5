/* SPDX-License-Identifier: MIT */
/*
 * KERNEL32's virtual memory on a Linux host: VirtualAlloc, VirtualFree,
 * VirtualProtect, VirtualQuery and GetSystemInfo.
 *
 * Windows reserves address space in 64 KiB units (the allocation
 * granularity) and commits pages inside a reservation.  Here a
 * reservation is an anonymous mapping, 64 KiB-aligned, PROT_NONE until
 * committed; committing sets the pages' protection (their contents are
 * zero, as Windows' are); decommitting makes them PROT_NONE again and
 * gives their memory back.  The session records each reservation, so
 * VirtualFree(MEM_RELEASE) unmaps exactly what VirtualAlloc mapped and
 * the session unmaps what the program left when it is freed.
 *
 * Protections map one to one (PAGE_READONLY r--, PAGE_READWRITE rw-,
 * PAGE_EXECUTE_READ r-x, ...; the WRITECOPY ones as their WRITE ones),
 * except that objload never maps memory writable and executable at once:
 * PAGE_EXECUTE_READWRITE and PAGE_EXECUTE_WRITECOPY are refused with
 * ERROR_DYNAMIC_CODE_BLOCKED, which is what Windows answers a process
 * under Arbitrary Code Guard.  VirtualQuery reads /proc/self/maps: the
 * region is the run of pages from the queried one with the same
 * protection; its allocation base is the reservation's for VirtualAlloc's
 * regions and the mapping's own start otherwise; unmapped addresses are
 * MEM_FREE up to the next mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi/win32/win32.h"

enum {
	PAGE_NOACCESS = 0x01,
	PAGE_READONLY = 0x02,
	PAGE_READWRITE = 0x04,
	PAGE_WRITECOPY = 0x08,
	PAGE_EXECUTE = 0x10,
	PAGE_EXECUTE_READ = 0x20,
	PAGE_EXECUTE_READWRITE = 0x40,
	PAGE_EXECUTE_WRITECOPY = 0x80,
	PAGE_MODIFIERS = 0x100 | 0x200 | 0x400,   /* GUARD, NOCACHE, WRITECOMBINE */

	MEM_COMMIT = 0x1000,
	MEM_RESERVE = 0x2000,
	MEM_DECOMMIT = 0x4000,
	MEM_RELEASE = 0x8000,
	MEM_FREE = 0x10000,
	MEM_PRIVATE = 0x20000,
	MEM_MAPPED = 0x40000,
	MEM_TOP_DOWN = 0x100000,
};

#define GRANULARITY ((size_t)64 << 10)

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* PAGE_* as PROT_*, or -1 for what is refused or not a protection. */
static int prot_of(uint32_t page)
{
	switch (page & ~(uint32_t)PAGE_MODIFIERS) {
	case PAGE_NOACCESS: return PROT_NONE;
	case PAGE_READONLY: return PROT_READ;
	case PAGE_READWRITE:
	case PAGE_WRITECOPY: return PROT_READ | PROT_WRITE;
	case PAGE_EXECUTE: return PROT_EXEC;
	case PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
	default: return -1;
	}
}

static uint32_t page_of(int prot)
{
	switch (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) {
	case PROT_READ: return PAGE_READONLY;
	case PROT_READ | PROT_WRITE:
	case PROT_WRITE: return PAGE_READWRITE;
	case PROT_EXEC: return PAGE_EXECUTE;
	case PROT_READ | PROT_EXEC: return PAGE_EXECUTE_READ;
	case PROT_READ | PROT_WRITE | PROT_EXEC:
	case PROT_WRITE | PROT_EXEC: return PAGE_EXECUTE_READWRITE;
	default: return PAGE_NOACCESS;
	}
}

/* Is the request one objload refuses (writable and executable)? */
static int is_wx(uint32_t page)
{
	page &= ~(uint32_t)PAGE_MODIFIERS;
	return page == PAGE_EXECUTE_READWRITE || page == PAGE_EXECUTE_WRITECOPY;
}

/* The reservation holding addr (win32_lock held); NULL when none does. */
static struct win32_region *region_of(struct win32_regions *rs, uintptr_t addr)
{
	for (size_t i = 0; i < rs->n; i++)
		if (addr >= rs->r[i].base && addr - rs->r[i].base < rs->r[i].size)
			return &rs->r[i];
	return NULL;
}

void win32_regions_release(struct win32_regions *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		munmap((void *)rs->r[i].base, rs->r[i].size);
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

/* A fresh reservation of `size` bytes, 64 KiB-aligned, at `want` when it
 * is not NULL; NULL when the space is not free. */
static void *reserve(uintptr_t want, size_t size)
{
	uint8_t *p, *a;

	if (want) {
		p = mmap((void *)want, size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		if ((uintptr_t)p != want) {   /* an old kernel took it as a hint */
			munmap(p, size);
			return NULL;
		}
		return p;
	}
	if (size > SIZE_MAX - GRANULARITY)
		return NULL;
	p = mmap(NULL, size + GRANULARITY, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + GRANULARITY - 1) & ~(uintptr_t)(GRANULARITY - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + size < p + size + GRANULARITY)
		munmap(a + size, (size_t)(p + size + GRANULARITY - (a + size)));
	return a;
}

void *win32_VirtualAlloc(void *addr, size_t size, uint32_t type, uint32_t page,
			 objload_session *s)
{
	struct win32_state *st = win32_state(s);
	struct win32_regions *rs;
	size_t ps = page_size();
	int prot = prot_of(page);
	uintptr_t a = (uintptr_t)addr;
	void *ret = NULL;

	if (!st)
		return NULL;
	if (is_wx(page)) {
		win32_set_error(s, WIN_ERROR_DYNAMIC_CODE_BLOCKED);
		return NULL;
	}
	type &= ~(uint32_t)MEM_TOP_DOWN;
	if (prot < 0 || !size || size > SIZE_MAX / 2 ||
	    !(type & (MEM_COMMIT | MEM_RESERVE)) || (type & ~(uint32_t)(MEM_COMMIT | MEM_RESERVE))) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return NULL;
	}
	rs = win32_state_regions(st);
	win32_lock(st);
	if (type & MEM_RESERVE) {
		/* a new reservation, committed at once when asked */
		size_t len = (size + ps - 1) & ~(ps - 1);
		struct win32_region *n;
		void *p;

		a &= ~(uintptr_t)(GRANULARITY - 1);
		if (rs->n == rs->cap) {
			size_t cap = rs->cap ? rs->cap * 2 : 8;

			n = realloc(rs->r, cap * sizeof(*n));
			if (!n) {
				win32_set_error(s, WIN_ERROR_NOT_ENOUGH_MEMORY);
				goto out;
			}
			rs->r = n;
			rs->cap = cap;
		}
		p = reserve(a, len);
		if (!p) {
			win32_set_error(s, a ? WIN_ERROR_INVALID_ADDRESS : WIN_ERROR_NOT_ENOUGH_MEMORY);
			goto out;
		}
		if ((type & MEM_COMMIT) && mprotect(p, len, prot)) {
			munmap(p, len);
			win32_set_error(s, WIN_ERROR_NOT_ENOUGH_MEMORY);
			goto out;
		}
		rs->r[rs->n++] = (struct win32_region){ (uintptr_t)p, len };
		ret = p;
	} else {
		/* commit pages of an existing reservation */
		uintptr_t lo = a & ~(uintptr_t)(ps - 1);
		uintptr_t hi = (a + size + ps - 1) & ~(uintptr_t)(ps - 1);
		struct win32_region *r = region_of(rs, lo);

		if (!a || hi < lo || !r || hi - r->base > r->size) {
			win32_set_error(s, WIN_ERROR_INVALID_ADDRESS);
			goto out;
		}
		if (mprotect((void *)lo, hi - lo, prot)) {
			win32_set_error(s, WIN_ERROR_NOT_ENOUGH_MEMORY);
			goto out;
		}
		ret = (void *)lo;
	}
out:
	win32_unlock(st);
	return ret;
}

int win32_VirtualFree(void *addr, size_t size, uint32_t type, objload_session *s)
{
	struct win32_state *st = win32_state(s);
	struct win32_regions *rs;
	uintptr_t a = (uintptr_t)addr;
	size_t ps = page_size();
	struct win32_region *r;
	int ok = 0;

	if (!st)
		return 0;
	rs = win32_state_regions(st);
	win32_lock(st);
	r = region_of(rs, a);
	if (type == MEM_RELEASE) {
		/* the whole reservation, named by its base, size 0 */
		if (!r || r->base != a || size) {
			win32_set_error(s, r ? WIN_ERROR_INVALID_PARAMETER : WIN_ERROR_INVALID_ADDRESS);
			goto out;
		}
		munmap((void *)r->base, r->size);
		*r = rs->r[--rs->n];
		ok = 1;
	} else if (type == MEM_DECOMMIT) {
		uintptr_t lo = a & ~(uintptr_t)(ps - 1);
		uintptr_t hi = size ? (a + size + ps - 1) & ~(uintptr_t)(ps - 1) : 0;

		if (!r) {
			win32_set_error(s, WIN_ERROR_INVALID_ADDRESS);
			goto out;
		}
		if (!size) {   /* from addr, which must be the base, to the end */
			lo = r->base;
			hi = r->base + r->size;
		}
		if (hi < lo || hi - r->base > r->size) {
			win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
			goto out;
		}
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
		mprotect((void *)lo, hi - lo, PROT_NONE);
		ok = 1;
	} else {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
	}
out:
	win32_unlock(st);
	return ok;
}

/* One line of /proc/self/maps. */
struct maps_line {
	uintptr_t lo, hi;
	int prot;
	int anon;
};

/* The mappings around addr: the one holding it (*at, 1 returned) or, when
 * none does, the next one above (*next, 0 returned; next->lo 0 when none).
 * Adjacent mappings with one protection are joined from `at` on. */
static int maps_find(uintptr_t addr, struct maps_line *at, struct maps_line *next)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int found = 0;

	memset(at, 0, sizeof(*at));
	memset(next, 0, sizeof(*next));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off;
		char perm[8], dev[16];
		unsigned long inode;
		struct maps_line m;

		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu", &lo, &hi, perm, &off, dev, &inode) != 6)
			continue;
		m.lo = lo;
		m.hi = hi;
		m.prot = (perm[0] == 'r' ? PROT_READ : 0) | (perm[1] == 'w' ? PROT_WRITE : 0) |
			 (perm[2] == 'x' ? PROT_EXEC : 0);
		m.anon = inode == 0;
		if (found) {
			if (m.lo != at->hi || m.prot != at->prot)
				break;
			at->hi = m.hi;
			continue;
		}
		if (addr >= m.lo && addr < m.hi) {
			*at = m;
			found = 1;
		} else if (m.lo > addr) {
			*next = m;
			break;
		}
	}
	fclose(f);
	return found;
}

/* MEMORY_BASIC_INFORMATION (x64): BaseAddress, AllocationBase,
 * AllocationProtect, PartitionId, RegionSize, State, Protect, Type. */
struct win_mbi {
	uint64_t base, alloc_base;
	uint32_t alloc_protect;
	uint16_t partition, pad0;
	uint64_t region_size;
	uint32_t state, protect, type, pad1;
};

_Static_assert(sizeof(struct win_mbi) == 48, "MEMORY_BASIC_INFORMATION is 48 bytes");

size_t win32_VirtualQuery(const void *addr, void *out, size_t len, objload_session *s)
{
	struct win32_state *st = win32_state(s);
	size_t ps = page_size();
	uintptr_t a = (uintptr_t)addr & ~(uintptr_t)(ps - 1);
	struct maps_line at, next;
	struct win_mbi m = { 0 };
	const struct win32_region *r;
	int found;

	if (!st)
		return 0;
	if (len < sizeof(m) || !out) {
		win32_set_error(s, WIN_ERROR_BAD_LENGTH);
		return 0;
	}
	found = maps_find(a, &at, &next);
	if (found < 0) {
		win32_set_error(s, WIN_ERROR_ACCESS_DENIED);
		return 0;
	}
	m.base = a;
	if (!found) {
		m.region_size = (next.lo ? next.lo : (uintptr_t)1 << 47) - a;
		m.state = MEM_FREE;
		m.protect = PAGE_NOACCESS;
	} else {
		win32_lock(st);
		r = region_of(win32_state_regions(st), a);
		m.alloc_base = r ? r->base : at.lo;
		if (r && at.hi > r->base + r->size)
			at.hi = r->base + r->size;
		win32_unlock(st);
		m.region_size = at.hi - a;
		m.protect = page_of(at.prot);
		m.alloc_protect = m.protect;
		m.state = r && at.prot == PROT_NONE ? MEM_RESERVE : MEM_COMMIT;
		if (m.state == MEM_RESERVE)
			m.protect = 0;
		m.type = r || at.anon ? MEM_PRIVATE : MEM_MAPPED;
	}
	memcpy(out, &m, sizeof(m));
	return sizeof(m);
}

int win32_VirtualProtect(void *addr, size_t size, uint32_t page, uint32_t *old,
			 objload_session *s)
{
	size_t ps = page_size();
	uintptr_t lo = (uintptr_t)addr & ~(uintptr_t)(ps - 1);
	uintptr_t hi = ((uintptr_t)addr + size + ps - 1) & ~(uintptr_t)(ps - 1);
	int prot = prot_of(page);
	struct maps_line at, next;

	if (is_wx(page)) {
		win32_set_error(s, WIN_ERROR_DYNAMIC_CODE_BLOCKED);
		return 0;
	}
	if (prot < 0 || !size || hi <= lo) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return 0;
	}
	if (!old) {
		win32_set_error(s, WIN_ERROR_NOACCESS);
		return 0;
	}
	if (maps_find(lo, &at, &next) != 1) {
		win32_set_error(s, WIN_ERROR_INVALID_ADDRESS);
		return 0;
	}
	if (mprotect((void *)lo, hi - lo, prot)) {
		win32_set_error(s, errno == ENOMEM ? WIN_ERROR_INVALID_ADDRESS :
				   WIN_ERROR_ACCESS_DENIED);
		return 0;
	}
	*old = page_of(at.prot);
	return 1;
}

/* SYSTEM_INFO (x64). */
struct win_system_info {
	uint16_t arch, reserved;
	uint32_t page_size;
	uint64_t min_addr, max_addr, cpu_mask;
	uint32_t ncpus, cpu_type, granularity;
	uint16_t level, revision;
};

_Static_assert(sizeof(struct win_system_info) == 48, "SYSTEM_INFO is 48 bytes");

WIN_API void win32_GetSystemInfo(void *out)
{
	struct win_system_info i = { 0 };
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	i.arch = 9;            /* PROCESSOR_ARCHITECTURE_AMD64 */
	i.page_size = (uint32_t)page_size();
	i.min_addr = GRANULARITY;
	i.max_addr = ((uint64_t)1 << 47) - GRANULARITY - 1;
	i.ncpus = n > 0 ? (uint32_t)n : 1;
	i.cpu_mask = i.ncpus >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << i.ncpus) - 1;
	i.cpu_type = 8664;     /* PROCESSOR_AMD_X8664 */
	i.granularity = (uint32_t)GRANULARITY;
	i.level = 6;
	memcpy(out, &i, sizeof(i));
}
