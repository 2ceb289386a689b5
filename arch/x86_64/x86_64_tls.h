/* SPDX-License-Identifier: MIT */
/*
 * x86-64 thread-local storage and IFUNC stubs (arch/x86_64/tls.c): the
 * code templates and the rewrite of initial-exec and local-exec accesses
 * that arch/x86_64/x86_64.c names in its arch_ops.
 */
#ifndef OBJLOAD_ARCH_X86_64_TLS_H
#define OBJLOAD_ARCH_X86_64_TLS_H

#include "arch/arch.h"

enum {
	X86_64_TLS_TRAMP_SIZE = 96,
	X86_64_TLS_STATIC_DESC_SIZE = 8,
	X86_64_TLV_THUNK_SIZE = 48,
	X86_64_PLT_SIZE = 16,
};

objload_status x86_64_tls_rewrite(unsigned kind, const uint8_t *bytes, uint64_t size,
				  uint64_t offset, int64_t addend, uint8_t *tramp,
				  arch_tls_site *out, char *err, size_t errlen);
void x86_64_tls_static_desc(uint8_t *work, arch_code *out);
void x86_64_tlv_thunk(uint8_t *work, arch_code *out);
void x86_64_plt(uint8_t *work, arch_plt *out);

/* The host routines (assembly in tls.c), when this build runs x86-64
 * code; NULL on other hosts. */
#if defined(__x86_64__) && defined(__ELF__)
void x86_64_tls_desc_entry(void);
void x86_64_tls_get_addr_entry(void);
uint64_t x86_64_tls_save_size(void);
#define X86_64_TLS_SAVE_SIZE x86_64_tls_save_size
#define X86_64_TLS_DESC_RESOLVER ((const void *)x86_64_tls_desc_entry)
#define X86_64_TLS_GET_ADDR ((const void *)x86_64_tls_get_addr_entry)
#else
#define X86_64_TLS_DESC_RESOLVER NULL
#define X86_64_TLS_GET_ADDR NULL
#define X86_64_TLS_SAVE_SIZE NULL
#endif

#endif
