// A minimal test harness for ctest: each TEST registers a function; CHECK records a failure with
// its line and continues; main runs every test and exits non-zero if any check failed.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "jitctl/jitctl.h"

namespace check {

struct Test {
  const char* name;
  std::function<void()> body;
};

inline std::vector<Test>& registry() {
  static std::vector<Test> tests;
  return tests;
}
inline int& failures() {
  static int count = 0;
  return count;
}

struct Register {
  Register(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

inline void report(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: FAILED %s\n", file, line, what.c_str());
  ++failures();
}

template <typename T>
std::string show(const T& v) {
  if constexpr (std::is_convertible_v<T, std::string>) return std::string(v);
  else if constexpr (std::is_floating_point_v<T>) return std::to_string(v);
  else if constexpr (std::is_pointer_v<T>) return "pointer";
  else return std::to_string(static_cast<long long>(v));
}

inline int runAll() {
  for (const Test& t : registry()) {
    const int before = failures();
    try {
      t.body();
    } catch (const std::exception& e) {
      report(t.name, 0, std::string("unexpected exception: ") + e.what());
    }
    std::fprintf(stderr, "%s %s\n", failures() == before ? "ok  " : "FAIL", t.name);
  }
  std::fprintf(stderr, "%zu tests, %d failed checks\n", registry().size(), failures());
  return failures() ? 1 : 0;
}

}  // namespace check

#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define TEST(name)                                                                  \
  static void CHECK_CAT(test_, __LINE__)();                                         \
  static check::Register CHECK_CAT(register_, __LINE__)(name, CHECK_CAT(test_, __LINE__)); \
  static void CHECK_CAT(test_, __LINE__)()

#define CHECK(cond) \
  do { if (!(cond)) check::report(__FILE__, __LINE__, #cond); } while (0)

#define CHECK_EQ(a, b)                                                                               \
  do {                                                                                               \
    const auto va_ = (a);                                                                            \
    const auto vb_ = (b);                                                                            \
    if (!(va_ == vb_))                                                                               \
      check::report(__FILE__, __LINE__,                                                              \
                    std::string(#a " == " #b " (") + check::show(va_) + " vs " + check::show(vb_) + ")"); \
  } while (0)

// Expects `expr` to throw a jitctl::Error of `kind` whose message contains `fragment`.
#define CHECK_THROWS(expr, errorKind, fragment)                                                        \
  do {                                                                                                 \
    try {                                                                                              \
      (void)(expr);                                                                                    \
      check::report(__FILE__, __LINE__, std::string(#expr " did not throw"));                          \
    } catch (const jitctl::Error& e_) {                                                                \
      if (e_.kind() != (errorKind) || std::string(e_.what()).find(fragment) == std::string::npos)     \
        check::report(__FILE__, __LINE__, std::string(#expr " threw the wrong error: ") + e_.what()); \
    }                                                                                                  \
  } while (0)

#define TEST_MAIN() \
  int main() { return check::runAll(); }
