/* SPDX-License-Identifier: MIT */
/*
 * Recursive-descent parser for calc.  Syntax errors unwind with longjmp to
 * parse_stmt, which frees every node made for the failed statement.
 *
 *   stmt    := 'fn' IDENT '(' params ')' '=' expr | IDENT '=' expr | expr
 *   expr    := or ('?' expr ':' expr)?
 *   or      := and ('||' and)*          and := cmp ('&&' cmp)*
 *   cmp     := sum (relop sum)?         sum := term (('+'|'-') term)*
 *   term    := unary (('*'|'/'|'%') unary)*
 *   unary   := ('-'|'!') unary | power  power := primary ('^' unary)?
 *   primary := NUM | IDENT | IDENT '(' args ')' | '(' expr ')'
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

struct parser {
	struct lexer *lx;
	jmp_buf fail;
	char *err;
	size_t errlen;
	struct node **made;
	size_t nmade, capmade;
	struct node *orphan; /* the name node left of '=' once parsed */
};

static void fail(struct parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "line %d: expected %s, found %s",
		 p->lx->cur.line, what, tok_name(p->lx->cur.kind));
	longjmp(p->fail, 1);
}

static struct node *make(struct parser *p, enum node_kind kind)
{
	if (p->nmade == p->capmade) {
		size_t cap = p->capmade ? p->capmade * 2 : 16;
		struct node **grown = realloc(p->made, cap * sizeof(*grown));
		if (!grown)
			abort();
		p->made = grown;
		p->capmade = cap;
	}
	struct node *n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->kind = kind;
	p->made[p->nmade++] = n;
	return n;
}

static void expect(struct parser *p, enum tok kind)
{
	if (p->lx->cur.kind != kind)
		fail(p, tok_name(kind));
	lex_next(p->lx);
}

static struct node *binary(struct parser *p, enum tok op, struct node *l,
			   struct node *r)
{
	struct node *n = make(p, N_BINARY);
	n->op = op;
	n->kid[0] = l;
	n->kid[1] = r;
	n->nargs = 2;
	return n;
}

static struct node *expr(struct parser *p);
static struct node *unary(struct parser *p);

static struct node *primary(struct parser *p)
{
	struct token t = p->lx->cur;
	struct node *n;

	switch (t.kind) {
	case T_NUM:
		lex_next(p->lx);
		n = make(p, N_NUM);
		n->num = t.num;
		return n;
	case T_IDENT:
		lex_next(p->lx);
		if (p->lx->cur.kind != T_LPAREN) {
			n = make(p, N_VAR);
			memcpy(n->name, t.text, sizeof(n->name));
			return n;
		}
		lex_next(p->lx);
		n = make(p, N_CALL);
		memcpy(n->name, t.text, sizeof(n->name));
		if (p->lx->cur.kind != T_RPAREN) {
			do {
				if (n->nargs == MAX_ARGS)
					fail(p, "at most 4 arguments");
				n->kid[n->nargs++] = expr(p);
			} while (p->lx->cur.kind == T_COMMA && (lex_next(p->lx), 1));
		}
		expect(p, T_RPAREN);
		return n;
	case T_LPAREN:
		lex_next(p->lx);
		n = expr(p);
		expect(p, T_RPAREN);
		return n;
	default:
		fail(p, "a number, a name or '('");
		return NULL;
	}
}

static struct node *power(struct parser *p)
{
	struct node *base = primary(p);
	if (p->lx->cur.kind != T_CARET)
		return base;
	lex_next(p->lx);
	return binary(p, T_CARET, base, unary(p)); /* right associative */
}

static struct node *unary(struct parser *p)
{
	enum tok op = p->lx->cur.kind;
	if (op != T_MINUS && op != T_NOT)
		return power(p);
	lex_next(p->lx);
	struct node *n = make(p, N_UNARY);
	n->op = op;
	n->kid[0] = unary(p);
	n->nargs = 1;
	return n;
}

static struct node *term(struct parser *p)
{
	struct node *n = unary(p);
	for (;;) {
		enum tok op = p->lx->cur.kind;
		if (op != T_STAR && op != T_SLASH && op != T_PERCENT)
			return n;
		lex_next(p->lx);
		n = binary(p, op, n, unary(p));
	}
}

static struct node *sum(struct parser *p)
{
	struct node *n = term(p);
	for (;;) {
		enum tok op = p->lx->cur.kind;
		if (op != T_PLUS && op != T_MINUS)
			return n;
		lex_next(p->lx);
		n = binary(p, op, n, term(p));
	}
}

static struct node *cmp(struct parser *p)
{
	struct node *n = sum(p);
	enum tok op = p->lx->cur.kind;
	switch (op) {
	case T_LT: case T_LE: case T_GT: case T_GE: case T_EQ: case T_NE:
		lex_next(p->lx);
		return binary(p, op, n, sum(p));
	default:
		return n;
	}
}

static struct node *and(struct parser *p)
{
	struct node *n = cmp(p);
	while (p->lx->cur.kind == T_AND) {
		lex_next(p->lx);
		n = binary(p, T_AND, n, cmp(p));
	}
	return n;
}

static struct node *or(struct parser *p)
{
	struct node *n = and(p);
	while (p->lx->cur.kind == T_OR) {
		lex_next(p->lx);
		n = binary(p, T_OR, n, and(p));
	}
	return n;
}

static struct node *expr(struct parser *p)
{
	struct node *c = or(p);
	if (p->lx->cur.kind != T_QUESTION)
		return c;
	lex_next(p->lx);
	struct node *n = make(p, N_TERNARY);
	n->kid[0] = c;
	n->kid[1] = expr(p);
	expect(p, T_COLON);
	n->kid[2] = expr(p);
	n->nargs = 3;
	return n;
}

static void statement(struct parser *p, struct stmt *st)
{
	struct lexer *lx = p->lx;
	st->line = lx->cur.line;
	if (lx->cur.kind == T_FN) {
		lex_next(lx);
		if (lx->cur.kind != T_IDENT)
			fail(p, "a function name");
		st->kind = S_DEF;
		memcpy(st->name, lx->cur.text, sizeof(st->name));
		lex_next(lx);
		expect(p, T_LPAREN);
		while (lx->cur.kind == T_IDENT) {
			if (st->nparams == MAX_ARGS)
				fail(p, "at most 4 parameters");
			memcpy(st->params[st->nparams++], lx->cur.text, 32);
			lex_next(lx);
			if (lx->cur.kind != T_COMMA)
				break;
			lex_next(lx);
		}
		expect(p, T_RPAREN);
		expect(p, T_ASSIGN);
		st->body = expr(p);
		return;
	}
	st->body = expr(p);
	if (lx->cur.kind == T_ASSIGN) {
		if (st->body->kind != N_VAR)
			fail(p, "a name before '='");
		st->kind = S_ASSIGN;
		memcpy(st->name, st->body->name, sizeof(st->name));
		p->orphan = st->body;
		lex_next(lx);
		st->body = expr(p);
	}
}

int parse_stmt(struct lexer *lx, struct stmt *st, char *err, size_t errlen)
{
	memset(st, 0, sizeof(*st));
	while (lx->cur.kind == T_SEMI)
		lex_next(lx);
	if (lx->cur.kind == T_EOF)
		return 0;

	/* On the heap: what longjmp leaves behind must not be a local that
	 * changed after setjmp. */
	struct parser *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->lx = lx;
	p->err = err;
	p->errlen = errlen;

	int result = 1;
	if (setjmp(p->fail) == 0) {
		statement(p, st);
		if (lx->cur.kind != T_SEMI && lx->cur.kind != T_EOF)
			fail(p, "';'");
		free(p->orphan); /* every other node belongs to st->body now */
	} else {
		for (size_t i = 0; i < p->nmade; i++)
			free(p->made[i]);
		memset(st, 0, sizeof(*st));
		while (lx->cur.kind != T_SEMI && lx->cur.kind != T_EOF)
			lex_next(lx);
		result = -1;
	}
	free(p->made);
	free(p);
	return result;
}

void free_node(struct node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nargs; i++)
		free_node(n->kid[i]);
	free(n);
}

int count_nodes(const struct node *n)
{
	int c = 1;
	if (!n)
		return 0;
	for (int i = 0; i < n->nargs; i++)
		c += count_nodes(n->kid[i]);
	return c;
}
