/* SPDX-License-Identifier: MIT */
/* Tokeniser for calc. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "calc.h"

static const char *const names[] = {
	[T_EOF] = "end of input", [T_NUM] = "number", [T_IDENT] = "identifier",
	[T_FN] = "'fn'", [T_PLUS] = "'+'", [T_MINUS] = "'-'", [T_STAR] = "'*'",
	[T_SLASH] = "'/'", [T_PERCENT] = "'%'", [T_CARET] = "'^'",
	[T_LPAREN] = "'('", [T_RPAREN] = "')'", [T_COMMA] = "','",
	[T_ASSIGN] = "'='", [T_SEMI] = "';'", [T_QUESTION] = "'?'",
	[T_COLON] = "':'", [T_LT] = "'<'", [T_LE] = "'<='", [T_GT] = "'>'",
	[T_GE] = "'>='", [T_EQ] = "'=='", [T_NE] = "'!='", [T_AND] = "'&&'",
	[T_OR] = "'||'", [T_NOT] = "'!'", [T_ERROR] = "invalid character",
};

const char *tok_name(enum tok kind)
{
	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "?";
}

void lex_init(struct lexer *lx, const char *src)
{
	lx->src = src;
	lx->pos = 0;
	lx->line = 1;
	lex_next(lx);
}

static int two(struct lexer *lx, char second, enum tok yes, enum tok no)
{
	if (lx->src[lx->pos] == second) {
		lx->pos++;
		return yes;
	}
	return no;
}

void lex_next(struct lexer *lx)
{
	struct token *t = &lx->cur;
	const char *s = lx->src;

	for (;;) {
		while (isspace((unsigned char)s[lx->pos])) {
			if (s[lx->pos] == '\n')
				lx->line++;
			lx->pos++;
		}
		if (s[lx->pos] != '#')
			break;
		while (s[lx->pos] && s[lx->pos] != '\n')
			lx->pos++;
	}

	memset(t, 0, sizeof(*t));
	t->line = lx->line;
	char c = s[lx->pos];
	if (!c) {
		t->kind = T_EOF;
		return;
	}
	if (isdigit((unsigned char)c)) {
		uint64_t v = 0;
		while (isdigit((unsigned char)s[lx->pos]))
			v = v * 10 + (uint64_t)(s[lx->pos++] - '0');
		t->kind = T_NUM;
		t->num = (int64_t)v;
		return;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		size_t n = 0;
		while (isalnum((unsigned char)s[lx->pos]) || s[lx->pos] == '_') {
			if (n < sizeof(t->text) - 1)
				t->text[n++] = s[lx->pos];
			lx->pos++;
		}
		t->text[n] = '\0';
		t->kind = strcmp(t->text, "fn") == 0 ? T_FN : T_IDENT;
		return;
	}
	lx->pos++;
	t->text[0] = c;
	switch (c) {
	case '+': t->kind = T_PLUS; break;
	case '-': t->kind = T_MINUS; break;
	case '*': t->kind = T_STAR; break;
	case '/': t->kind = T_SLASH; break;
	case '%': t->kind = T_PERCENT; break;
	case '^': t->kind = T_CARET; break;
	case '(': t->kind = T_LPAREN; break;
	case ')': t->kind = T_RPAREN; break;
	case ',': t->kind = T_COMMA; break;
	case ';': t->kind = T_SEMI; break;
	case '?': t->kind = T_QUESTION; break;
	case ':': t->kind = T_COLON; break;
	case '<': t->kind = two(lx, '=', T_LE, T_LT); break;
	case '>': t->kind = two(lx, '=', T_GE, T_GT); break;
	case '=': t->kind = two(lx, '=', T_EQ, T_ASSIGN); break;
	case '!': t->kind = two(lx, '=', T_NE, T_NOT); break;
	case '&': t->kind = two(lx, '&', T_AND, T_ERROR); break;
	case '|': t->kind = two(lx, '|', T_OR, T_ERROR); break;
	default: t->kind = T_ERROR; break;
	}
}
