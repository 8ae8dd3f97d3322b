/* libc functions that Lua's portable build calls and wasi-libc does not
 * have: WASI preview 1 has no processes and no anonymous temporary files.
 * Both fail the way C allows, so os.execute and io.tmpfile report errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int system(const char *command) {
    if (command == NULL) {
        return 0; /* no command processor */
    }
    errno = ENOSYS;
    return -1;
}

FILE *tmpfile(void) {
    errno = ENOTSUP;
    return NULL;
}
