#pragma once

// BATON_CHECK(cond, message): a broken invariant is a bug, not an error. It prints the file,
// line and message and aborts. Safe because every engine step is committed before its commands
// run, so a crash loses nothing, while carrying on could commit a corrupt state. Never use it to
// check user input.

namespace baton::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* condition,
                               const char* message);
}  // namespace baton::detail

#define BATON_CHECK(cond, message)                                         \
  do {                                                                     \
    if (!(cond)) [[unlikely]] {                                            \
      ::baton::detail::check_failed(__FILE__, __LINE__, #cond, (message)); \
    }                                                                      \
  } while (false)
