// SPDX-License-Identifier: MIT
#include "shapes.h"

namespace {
struct tracer {
	const char *who;
	explicit tracer(const char *w) : who(w) { printf("construct %s\n", who); }
	~tracer() { printf("destroy %s\n", who); }
};
tracer main_tracer("main.cc");

int build(shape **out, const int *sides, int n)
{
	int made = 0;

	for (int i = 0; i < n; i++) {
		tracer t("a shape under construction");

		try {
			out[made] = sides[i] > 10 ? make_rect(sides[i] / 10, sides[i] % 10)
						  : make_square(sides[i]);
			made++;
		} catch (int) {
			printf("  side %d: an int was thrown\n", sides[i]);
		}
	}
	return made;
}
}

int main()
{
	static const int sides[] = { 3, 0, 23, 1, 45 };
	static const int bad[] = { 2, -4 };
	shape *v[8];
	int n = build(v, sides, 5), errors = 0;

	sort_by_area(v, n);
	for (int i = 0; i < n; i++)
		printf("%s of area %ld\n", v[i]->name(), v[i]->area());
	try {
		build(v + n, bad, 2);
	} catch (const bad_shape &e) {
		printf("caught bad_shape: %s (%d)\n", e.why, e.code);
		errors++;
	}
	v[n] = make_rect(1, 6);
	try {
		sort_by_area(v, n + 1);
	} catch (const bad_shape &e) {
		printf("comparator threw through qsort: %s (%d)\n", e.why, e.code);
		errors++;
	}
	for (int i = 0; i <= n; i++)
		delete v[i];
	return errors;
}
