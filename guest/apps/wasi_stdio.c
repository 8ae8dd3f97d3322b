/*
 * wasi_stdio.c - WASI command: copy stdin to stdout in chunks, converting
 * ASCII letters to upper case.  Writes nothing else.  Exit code 0, or 1 if
 * reading or writing failed.
 */
#include <unistd.h>

#include "wasm_app.h"

static char chunk[4096];

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(void)
{
    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
        if (n == 0)
            return 0;
        if (n < 0)
            return 1;
        for (ssize_t i = 0; i < n; i++) {
            char c = chunk[i];
            if (c >= 'a' && c <= 'z')
                chunk[i] = (char)(c - 'a' + 'A');
        }
        if (write_all(STDOUT_FILENO, chunk, (size_t)n) != 0)
            return 1;
    }
}
