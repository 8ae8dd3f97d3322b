/* Parser-only stand-in, see _types.h. */
#include "_types.h"
#define CHAR_BIT 8
#define INT_MAX 2147483647
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX 4294967295U
#define LONG_MAX 2147483647L
#define ULONG_MAX 4294967295UL
