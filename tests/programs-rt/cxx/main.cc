// SPDX-License-Identifier: MIT
#include "inventory.h"

#include <iostream>
#include <sstream>

namespace {
struct guard {
	std::string what;
	explicit guard(std::string w) : what(std::move(w)) {}
	~guard() { std::cout << "  unwound past " << what << "\n"; }
};

struct announce {
	announce() { std::cout << "static init: main.cc\n"; }
	~announce() { std::cout << "static fini: main.cc\n"; }
} main_object;

void take_guarded(inventory &inv, const std::string &item, int n)
{
	guard g("take_guarded(" + item + ")");
	inv.take(item, n);
}
}

int main()
{
	inventory inv;
	int failures = 0;

	inv.add("apple", 3);
	inv.add("pear", 1);
	inv.add("apple", 2);
	for (const auto &kv : inv.items())
		std::cout << kv.first << ": " << kv.second << "\n";
	try {
		take_guarded(inv, "pear", 2);
	} catch (const out_of_stock &e) {
		std::cout << "caught " << e.what() << " (wanted " << e.wanted() << ")\n";
		failures++;
	}
	try {
		take_guarded(inv, "plum", 1);
	} catch (const std::exception &e) {
		std::cout << "caught " << e.what() << "\n";
		failures++;
	}
	try {
		try {
			inv.take("pear", 5);
		} catch (...) {
			std::cout << "rethrowing\n";
			throw;
		}
	} catch (const std::runtime_error &e) {
		std::cout << "caught again: " << e.what() << "\n";
		failures++;
	}
	int sorted[] = { 5, 3, 9, 1 }, broken[] = { 4, 0, 2, 7 };
	sort_or_throw(sorted, 4);
	std::ostringstream line;
	for (int v : sorted)
		line << v << " ";
	std::cout << "sorted: " << line.str() << "\n";
	try {
		sort_or_throw(broken, 4);
	} catch (const std::domain_error &e) {
		std::cout << "qsort comparator threw: " << e.what() << "\n";
		failures++;
	}
	inv.take("apple", 4);
	std::cout << "apples left: " << inv.count("apple") << ", failures: " << failures << "\n";
	return failures;
}
