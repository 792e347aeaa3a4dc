#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace baton::detail {

void check_failed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "baton: internal error at %s:%d: %s (%s)\n", file, line, message, condition);
  std::abort();
}

}  // namespace baton::detail
