// Declarations only (see include/CFuzzerSupport.h); the driver comes from libFuzzer under `make fuzz`.
#include "CFuzzerSupport.h"
