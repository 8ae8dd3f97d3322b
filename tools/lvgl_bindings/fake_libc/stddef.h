/* Parser-only stand-in, see _types.h. */
#include "_types.h"
#define offsetof(t, m) __builtin_offsetof(t, m)
