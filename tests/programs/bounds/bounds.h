/* SPDX-License-Identifier: MIT */
#ifndef BOUNDS_H
#define BOUNDS_H

/* One entry of the registration table: every object adds its own to the
 * section "objl_cmds", and the linker's __start_/__stop_ symbols bound
 * them all. */
struct cmd {
	const char *name;
	int (*run)(int);
};

/* ELF linkers name the bounds __start_SEC and __stop_SEC; ld64 names them
 * section$start$SEG$SECT and section$end$SEG$SECT. */
#ifdef __APPLE__
#define CMDS_SECTION "__DATA,objl_cmds"
extern const struct cmd cmds_start[] __asm("section$start$__DATA$objl_cmds");
extern const struct cmd cmds_stop[] __asm("section$end$__DATA$objl_cmds");
#else
#define CMDS_SECTION "objl_cmds"
extern const struct cmd cmds_start[] __asm("__start_objl_cmds");
extern const struct cmd cmds_stop[] __asm("__stop_objl_cmds");
#endif

#define REGISTER_CMD(id, fn) \
	__attribute__((section(CMDS_SECTION), used, aligned(sizeof(void *)))) \
	static const struct cmd cmd_##id = { #id, fn }

#endif
