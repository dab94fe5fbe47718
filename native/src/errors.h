// Error helpers shared by the runtime: every failure is a jitctl::Error with a message that names
// the bad thing, built with printf-style formatting.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>

#include "jitctl/jitctl.h"

namespace jitctl {

[[noreturn]] __attribute__((format(printf, 2, 3))) inline void fail(ErrorKind kind, const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  throw Error(kind, buffer);
}

}  // namespace jitctl
