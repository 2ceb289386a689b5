// SPDX-License-Identifier: MIT
// A small C++ program in two objects: the exceptions thrown by one are
// caught by the other, and one crosses qsort (host frames) on the way.
#ifndef INVENTORY_H
#define INVENTORY_H

#include <map>
#include <stdexcept>
#include <string>

class out_of_stock : public std::runtime_error {
public:
	out_of_stock(const std::string &item, int wanted);
	int wanted() const { return wanted_; }

private:
	int wanted_;
};

class inventory {
public:
	void add(const std::string &item, int count);
	// throws out_of_stock, or std::invalid_argument for an unknown item
	void take(const std::string &item, int count);
	int count(const std::string &item) const;
	const std::map<std::string, int> &items() const { return items_; }

private:
	std::map<std::string, int> items_;
};

// sorts with qsort; the comparator throws std::domain_error on a zero
void sort_or_throw(int *v, int n);

#endif
