// SPDX-License-Identifier: MIT
#include "shapes.h"

namespace {
struct tracer {
	const char *who;
	explicit tracer(const char *w) : who(w) { printf("construct %s\n", who); }
	~tracer() { printf("destroy %s\n", who); }
};
tracer shapes_tracer("shapes.cc");

class rect : public shape {
public:
	rect(int w, int h) : w_(w), h_(h) {}
	long area() const override { return (long)w_ * h_; }
	const char *name() const override { return "rect"; }

private:
	int w_, h_;
};

class square : public rect {
public:
	explicit square(int s) : rect(s, s) {}
	const char *name() const override { return "square"; }
};

int by_area(const void *a, const void *b)
{
	long x = (*(shape *const *)a)->area(), y = (*(shape *const *)b)->area();

	if (x == y)
		throw bad_shape{ "two shapes of one area", (int)x };
	return x < y ? -1 : 1;
}
}

shape *make_square(int side)
{
	if (side < 0)
		throw bad_shape{ "negative side", side };
	if (side == 0)
		throw 0;
	return new square(side);
}

shape *make_rect(int w, int h)
{
	if (w < 0 || h < 0)
		throw bad_shape{ "negative rectangle", w < 0 ? w : h };
	return new rect(w, h);
}

void sort_by_area(shape **v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_area);
}
