/*
 * hello.c - WASI command used to test argv, environment, stdio and exit
 * codes.
 *
 * stdout:
 *   hello from wasm
 *   arg[0]=...            one line per argv element
 *   GREETING=...          or "GREETING unset"
 *   stdin: N bytes
 *   <stdin verbatim>\n    only if N > 0
 * stderr:
 *   to stderr
 * exit code: argc - 1, or 42 (through exit()) if argv[1] is "exit".
 *
 * Uses the POSIX read()/write() wrappers instead of stdio to keep the
 * module small (no printf machinery is linked in).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasm_app.h"

static void put_buf(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void put_str(int fd, const char *s)
{
    put_buf(fd, s, strlen(s));
}

static void put_uint(int fd, size_t v)
{
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put_buf(fd, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Read fd until EOF into a malloc'd buffer (may be NULL when empty) and
 * store the number of bytes read in *len_out. */
static char *slurp(int fd, size_t *len_out)
{
    size_t cap = 0, len = 0;
    char *buf = NULL;

    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            char *nbuf = realloc(buf, ncap);
            if (nbuf == NULL)
                break;
            buf = nbuf;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n <= 0)
            break; /* EOF or error: stop reading */
        len += (size_t)n;
    }
    *len_out = len;
    return buf;
}

int main(int argc, char **argv)
{
    put_str(STDOUT_FILENO, "hello from wasm\n");

    for (int i = 0; i < argc; i++) {
        put_str(STDOUT_FILENO, "arg[");
        put_uint(STDOUT_FILENO, (size_t)i);
        put_str(STDOUT_FILENO, "]=");
        put_str(STDOUT_FILENO, argv[i]);
        put_str(STDOUT_FILENO, "\n");
    }

    const char *greeting = getenv("GREETING");
    if (greeting != NULL) {
        put_str(STDOUT_FILENO, "GREETING=");
        put_str(STDOUT_FILENO, greeting);
        put_str(STDOUT_FILENO, "\n");
    } else {
        put_str(STDOUT_FILENO, "GREETING unset\n");
    }

    put_str(STDERR_FILENO, "to stderr\n");

    size_t n = 0;
    char *data = slurp(STDIN_FILENO, &n);
    put_str(STDOUT_FILENO, "stdin: ");
    put_uint(STDOUT_FILENO, n);
    put_str(STDOUT_FILENO, " bytes\n");
    if (n > 0) {
        put_buf(STDOUT_FILENO, data, n);
        put_str(STDOUT_FILENO, "\n");
    }
    free(data);

    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        exit(42); /* goes through WASI proc_exit */

    return argc - 1;
}
