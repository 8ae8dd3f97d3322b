/*
 * errno_name.h - short symbolic names for errno values, for guest apps
 * whose output is compared by host tests.
 *
 *   errno_name(ENOENT) -> "ENOENT"
 *
 * The values are wasi-libc's, which are the WASI errno codes
 * (__WASI_ERRNO_*), not the Linux ones.  Values without a name here are
 * formatted as "E?<number>" into a static buffer.
 */
#ifndef ERRNO_NAME_H
#define ERRNO_NAME_H

#include <errno.h>

static const char *errno_name(int e)
{
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    /* Not required by the tests, but useful when a host answers with
     * something unexpected. */
    case EIO: return "EIO";
    case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case EROFS: return "EROFS";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EXDEV: return "EXDEV";
    case EMFILE: return "EMFILE";
    case EFAULT: return "EFAULT";
    case EAGAIN: return "EAGAIN";
    case EINTR: return "EINTR";
    case EFBIG: return "EFBIG";
    default: break;
    }

    /* "E?" + decimal; no snprintf so this header pulls in nothing. */
    static char buf[16];
    char tmp[12];
    unsigned v = e < 0 ? 0u - (unsigned)e : (unsigned)e;
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    int i = 0;
    buf[i++] = 'E';
    buf[i++] = '?';
    if (e < 0)
        buf[i++] = '-';
    while (n > 0)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return buf;
}

#endif /* ERRNO_NAME_H */
