#ifndef CFUZZERSUPPORT_H
#define CFUZZERSUPPORT_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, LLVM 11 and later), linked in by -sanitize=fuzzer. The fuzz harnesses
/// call it from their own main, since SwiftPM gives every executable target a Swift entry point.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
