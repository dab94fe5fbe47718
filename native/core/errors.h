// Error helpers shared by the runtime: every failure is a jitctl::Error with a message that names
// the bad thing, built with printf-style formatting.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>

#include "jitctl/jitctl.h"

namespace jitctl {

__attribute__((format(printf, 1, 2))) inline std::string format(const char* fmt, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

[[noreturn]] __attribute__((format(printf, 2, 3))) inline void fail(ErrorKind kind, const char* fmt, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  throw Error(kind, buffer);
}

// A limit that freeing kernels can lift (the executable-memory cap, the mapping budget): the engine
// reclaims collected kernels (Engine::setReclaimer) and tries once more before it reports it.
class ReclaimableError : public Error {
 public:
  using Error::Error;
};

}  // namespace jitctl
