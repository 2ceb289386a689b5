/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>
#include <map>
#include <stdexcept>
#include <string>
static int fact(int n){ return n <= 1 ? 1 : n * fact(n - 1); }
TEST(Math, Fact) { EXPECT_EQ(fact(5), 120); EXPECT_EQ(fact(1), 1); }
TEST(Str, Map) { std::map<std::string,int> m{{"a",1},{"b",2}}; EXPECT_EQ(m.size(), 2u); EXPECT_EQ(m["b"], 2); }
TEST(Exc, Throw) { EXPECT_THROW(throw std::runtime_error("x"), std::runtime_error); EXPECT_ANY_THROW(std::string().at(3)); }
TEST(Fail, Expected) { EXPECT_EQ(1, 1); }
