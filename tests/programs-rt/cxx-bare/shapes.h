// SPDX-License-Identifier: MIT
// C++ with classes, virtual calls, static constructors and destructors
// and exceptions, but no C++ standard library headers: what compiles for
// macOS here, where there is no SDK (tests/unit/macho-src/sdk stands in
// for its C headers only).  The same source built natively is the
// reference.
#ifndef SHAPES_H
#define SHAPES_H

extern "C" {
#include <stdio.h>
#include <stdlib.h>
}

struct bad_shape {
	const char *why;
	int code;
};

class shape {
public:
	virtual ~shape() {}
	virtual long area() const = 0;
	virtual const char *name() const = 0;
};

// throws bad_shape for a negative side, an int for zero
shape *make_square(int side);
shape *make_rect(int w, int h);
// qsort by area; the comparator throws bad_shape when two areas are equal
void sort_by_area(shape **v, int n);

#endif
