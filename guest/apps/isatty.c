/*
 * isatty.c - WASI command that reports what wasi-libc's isatty() says about
 * its stdio descriptors, for the host's fd_fdstat_get.
 *
 * stderr, one line:  isatty 0=<0|1> 1=<0|1> 2=<0|1>
 * (stderr, so that a test can give stdin and stdout any stream.)
 * Exit code 0.
 */
#include <stdio.h>
#include <unistd.h>

#include "wasm_app.h"

int main(void)
{
    fprintf(stderr, "isatty 0=%d 1=%d 2=%d\n", isatty(0), isatty(1), isatty(2));
    return 0;
}
