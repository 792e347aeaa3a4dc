// sandbox_init: PID 1 of an isolated sandbox, whose PID namespace is its own.
//
//   sandbox_init                          descriptor 3: a pipe to baton
//
// baton starts the function's runtime as PID 2 of the namespace, then makes the runtime's parent
// execute this (sandbox_process.cc), so that the runtime is no namespace's init: the kernel
// drops the signals an init sends itself without a handler (`kill -9 $$` would do nothing), and
// a Lambda runtime is not PID 1 either. It reaps what the runtime leaves behind, and when the
// runtime ends it writes the runtime's wait status (an int) to descriptor 3 and exits, which
// ends every process left in the sandbox.
//
// A program of its own, written out by baton with the bootstraps (runtime/bootstraps.h). It
// links nothing: no C library, no dynamic loader, the few system calls it makes are its own
// (x86-64 and AArch64); it is built without sanitizers, which need the C library.

#include <asm/unistd.h>

namespace {

#if defined(__x86_64__)
long system_call(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  long result;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return result;
}
#elif defined(__aarch64__)
long system_call(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  register long x8 __asm__("x8") = number;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}
#else
#error "sandbox_init makes its own system calls: add this architecture's"
#endif

[[noreturn]] void exit_with(int code) {
  for (;;) system_call(__NR_exit_group, code);
}

// The runtime: the first process of the namespace after this one.
constexpr long kRuntime = 2;
constexpr long kEINTR = 4;

}  // namespace

// The entry point, from _start.
extern "C" [[noreturn]] void sandbox_init_main() {
  for (;;) {
    int status = 0;
    long ended = system_call(__NR_wait4, -1, reinterpret_cast<long>(&status));
    if (ended == kRuntime) {
      bool told = system_call(__NR_write, 3, reinterpret_cast<long>(&status), sizeof status) ==
                  static_cast<long>(sizeof status);
      exit_with(told ? 0 : 125);
    }
    if (ended < 0 && ended != -kEINTR) exit_with(125);
  }
}

#if defined(__x86_64__)
__asm__(
    ".text\n.global _start\n_start:\n"
    "  xor %rbp, %rbp\n  and $-16, %rsp\n  call sandbox_init_main\n  hlt\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n.global _start\n_start:\n"
    "  mov x29, #0\n  mov x30, #0\n  bl sandbox_init_main\n  brk #0\n");
#endif
