/* SPDX-License-Identifier: MIT */
/*
 * A DLL that uses the Windows API objload provides on Linux, from its own
 * start-up code and from a function the program calls, and prints what
 * each call answers: yes/no facts and values that do not depend on the
 * machine, so that the output is the same on every run (winapi.expected).
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static HMODULE self;
static DWORD slot = TLS_OUT_OF_INDEXES;
static CRITICAL_SECTION lock;

static const char *yes(int v)
{
	return v ? "yes" : "no";
}

__declspec(dllexport) int winapi_report(void);

static void modules(void)
{
	char path[MAX_PATH];
	HMODULE k32 = GetModuleHandleA("kernel32.dll");
	DWORD (WINAPI *ticks)(void) = (DWORD (WINAPI *)(void))(void *)GetProcAddress(k32, "GetTickCount");
	DWORD n = GetModuleFileNameA(self, path, sizeof(path));
	int found;

	printf("GetModuleHandleA(\"WINAPI.DLL\") is DllMain's module: %s\n",
	       yes(GetModuleHandleA("WINAPI.DLL") == self));
	printf("its headers start with MZ: %s\n", yes(!memcmp(self, "MZ", 2)));
	printf("GetProcAddress(self, \"winapi_report\") is the function: %s\n",
	       yes(GetProcAddress(self, "winapi_report") == (FARPROC)winapi_report));
	printf("GetProcAddress(self, MAKEINTRESOURCE(1)) is it too: %s\n",
	       yes(GetProcAddress(self, MAKEINTRESOURCEA(1)) == (FARPROC)winapi_report));
	found = GetProcAddress(self, "missing") != NULL;
	printf("GetProcAddress(self, \"missing\"): %s, error %lu\n", yes(found), GetLastError());
	printf("LoadLibraryA(\"winapi\") is it: %s\n", yes(LoadLibraryA("winapi") == self));
	found = LoadLibraryA("absent.dll") != NULL;
	printf("LoadLibraryA(\"absent.dll\"): %s, error %lu\n", yes(found), GetLastError());
	printf("GetModuleFileNameA is a full path ending in winapi.dll: %s\n",
	       yes(n > 10 && path[0] == '/' && !strcmp(path + n - 10, "winapi.dll")));
	printf("kernel32's GetTickCount through GetProcAddress runs: %s\n",
	       yes(ticks && (DWORD)GetTickCount64() - ticks() < 1000));
}

static void memory(void)
{
	MEMORY_BASIC_INFORMATION m;
	DWORD old = 0;
	BOOL ok;
	char *p = VirtualAlloc(NULL, 5000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

	printf("VirtualAlloc: %s, 64 KiB-aligned %s\n", yes(p != NULL),
	       yes(((ULONG_PTR)p & 0xffff) == 0));
	if (!p)
		return;
	strcpy(p, "written");
	VirtualQuery(p + 10, &m, sizeof(m));
	printf("VirtualQuery: base %s, size %lu, committed %s, read-write %s\n",
	       yes(m.BaseAddress == p), (unsigned long)m.RegionSize, yes(m.State == MEM_COMMIT),
	       yes(m.Protect == PAGE_READWRITE));
	ok = VirtualProtect(p, 4096, PAGE_READONLY, &old);
	printf("VirtualProtect to read-only: %s, was read-write %s\n", yes(ok),
	       yes(old == PAGE_READWRITE));
	ok = VirtualProtect(p, 4096, PAGE_EXECUTE_READWRITE, &old);
	printf("read-write-execute refused: %s, error %lu\n", yes(!ok), GetLastError());
	printf("still readable: %s\n", p);
	printf("VirtualFree: %s\n", yes(VirtualFree(p, 0, MEM_RELEASE)));
}

static void text(void)
{
	const char *utf8 = "h\xc3\xa9llo \xe2\x82\xac";
	WCHAR w[32];
	char back[32];
	int nw = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, w, 32);
	int nb = WideCharToMultiByte(CP_UTF8, 0, w, -1, back, sizeof(back), NULL, NULL);

	printf("MultiByteToWideChar: %d units, w[1] = U+%04X, w[6] = U+%04X\n", nw, w[1], w[6]);
	printf("WideCharToMultiByte: %d bytes, round trip %s\n", nb, yes(!strcmp(back, utf8)));
	printf("IsDBCSLeadByteEx(CP_UTF8, 0xE2): %s\n", yes(IsDBCSLeadByteEx(CP_UTF8, 0xe2)));
}

static void timing(void)
{
	LARGE_INTEGER hz, a, b;
	FILETIME ft;
	ULONGLONG t0 = GetTickCount64();

	QueryPerformanceFrequency(&hz);
	QueryPerformanceCounter(&a);
	Sleep(20);
	QueryPerformanceCounter(&b);
	GetSystemTimeAsFileTime(&ft);
	printf("QueryPerformanceFrequency: %lld\n", (long long)hz.QuadPart);
	printf("Sleep(20) took at least 20 ms: %s (ticks %s)\n",
	       yes(b.QuadPart - a.QuadPart >= hz.QuadPart / 50),
	       yes(GetTickCount64() - t0 >= 19));
	printf("GetSystemTimeAsFileTime is after 2020: %s\n",
	       yes(((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime) >
		   132223104000000000ull));
}

__declspec(dllexport) int winapi_report(void)
{
	printf("TlsGetValue gives what DllMain stored: %s\n",
	       (const char *)TlsGetValue(slot));
	EnterCriticalSection(&lock);
	EnterCriticalSection(&lock);
	LeaveCriticalSection(&lock);
	LeaveCriticalSection(&lock);
	SetLastError(1234);
	printf("GetLastError after SetLastError(1234): %lu\n", GetLastError());
	printf("process id is the host's: %s\n", yes(GetCurrentProcessId() != 0));
	modules();
	memory();
	text();
	timing();
	return 42;
}

BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, LPVOID reserved)
{
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH) {
		self = module;
		slot = TlsAlloc();
		TlsSetValue(slot, (void *)"a value per thread");
		InitializeCriticalSection(&lock);
		printf("winapi: attach, TlsAlloc %s\n", yes(slot != TLS_OUT_OF_INDEXES));
	} else if (reason == DLL_PROCESS_DETACH) {
		DeleteCriticalSection(&lock);
		printf("winapi: detach, TlsFree %s\n", yes(TlsFree(slot)));
	}
	return TRUE;
}
