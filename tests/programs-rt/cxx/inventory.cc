// SPDX-License-Identifier: MIT
#include "inventory.h"

#include <cstdlib>
#include <iostream>

namespace {
struct announce {
	const char *name;
	explicit announce(const char *n) : name(n) { std::cout << "static init: " << name << "\n"; }
	~announce() { std::cout << "static fini: " << name << "\n"; }
};
announce inventory_object("inventory.cc");
}

out_of_stock::out_of_stock(const std::string &item, int wanted)
	: std::runtime_error("out of stock: " + item), wanted_(wanted)
{
}

void inventory::add(const std::string &item, int count)
{
	items_[item] += count;
}

void inventory::take(const std::string &item, int count)
{
	auto it = items_.find(item);

	if (it == items_.end())
		throw std::invalid_argument("unknown item: " + item);
	if (it->second < count)
		throw out_of_stock(item, count);
	it->second -= count;
}

int inventory::count(const std::string &item) const
{
	auto it = items_.find(item);

	return it == items_.end() ? 0 : it->second;
}

static int compare_nonzero(const void *a, const void *b)
{
	int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);

	if (x == 0 || y == 0)
		throw std::domain_error("zero in the data");
	return x < y ? -1 : x > y;
}

void sort_or_throw(int *v, int n)
{
	std::qsort(v, n, sizeof(*v), compare_nonzero);
}
