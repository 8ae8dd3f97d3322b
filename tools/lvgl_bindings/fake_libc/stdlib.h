/* Parser-only stand-in, see _types.h. */
#include "_types.h"
