/* Parser-only C library headers for tools/lvgl_bindings: just enough for
 * LVGL's public headers to preprocess the same way with any C
 * preprocessor (cpp -undef -nostdinc). Types follow wasm32 (ILP32), the
 * guest's data model; the firmware itself compiles against the real ones. */
#ifndef LVB_FAKE_TYPES_H
#define LVB_FAKE_TYPES_H
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long long int64_t;
typedef unsigned long long uint64_t;
typedef int intptr_t;
typedef unsigned int uintptr_t;
typedef long long intmax_t;
typedef unsigned long long uintmax_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef int ptrdiff_t;
typedef int wchar_t;
typedef int __builtin_va_list;
typedef __builtin_va_list va_list;
typedef struct _lvb_FILE FILE;
#define NULL ((void *)0)
#endif
