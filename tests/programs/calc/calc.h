/* SPDX-License-Identifier: MIT */
/* calc: a small expression language -- lexer, parser, evaluator. */
#ifndef CALC_CALC_H
#define CALC_CALC_H

#include <stddef.h>
#include <stdint.h>

enum tok {
	T_EOF, T_NUM, T_IDENT, T_FN, T_PLUS, T_MINUS, T_STAR, T_SLASH,
	T_PERCENT, T_CARET, T_LPAREN, T_RPAREN, T_COMMA, T_ASSIGN, T_SEMI,
	T_QUESTION, T_COLON, T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_AND, T_OR,
	T_NOT, T_ERROR
};

struct token {
	enum tok kind;
	int64_t num;
	char text[32];
	int line;
};

struct lexer {
	const char *src;
	size_t pos;
	int line;
	struct token cur;
};

void lex_init(struct lexer *lx, const char *src);
void lex_next(struct lexer *lx);
const char *tok_name(enum tok kind);

enum node_kind { N_NUM, N_VAR, N_UNARY, N_BINARY, N_TERNARY, N_CALL };

#define MAX_ARGS 4

struct node {
	enum node_kind kind;
	enum tok op;
	int64_t num;
	char name[32];
	int nargs;
	struct node *kid[MAX_ARGS];
};

/* One parsed statement: an expression, an assignment or a definition. */
struct stmt {
	enum { S_EXPR, S_ASSIGN, S_DEF } kind;
	char name[32];
	int nparams;
	char params[MAX_ARGS][32];
	struct node *body;
	int line;
};

/* Returns 1 and fills *st, 0 at end of input, -1 on a syntax error (the
 * message is in err, the parser has skipped to the next ';'). */
int parse_stmt(struct lexer *lx, struct stmt *st, char *err, size_t errlen);
void free_node(struct node *n);
int count_nodes(const struct node *n);

/* eval.c */
struct env;
struct env *env_new(void);
void env_free(struct env *env);
int env_set(struct env *env, const char *name, int64_t value);
int env_get(const struct env *env, const char *name, int64_t *value);
void env_define(struct env *env, struct stmt *def); /* takes the body */
int eval(struct env *env, const struct node *n, int64_t *out, char *err,
	 size_t errlen);
void env_dump(const struct env *env);

#endif
