/* Parser-only stand-in, see _types.h. */
#include "_types.h"
#define bool _Bool
#define true 1
#define false 0
