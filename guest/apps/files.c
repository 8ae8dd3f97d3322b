/*
 * files.c - WASI command that exercises the file system through wasi-libc.
 * The host preopens a directory as "/data".  Each step prints one line on
 * stdout so that host tests can compare the exact output.
 *
 *   files.wasm crud               create/read/update/delete under /data/d
 *   files.wasm escape             attempts to leave /data (all must fail)
 *   files.wasm write PATH COUNT   write COUNT lines "line <i>\n" (i from 0)
 *   files.wasm writetrap PATH     write 1000 'x', fflush, then trap
 *   files.wasm cat PATH           print the file verbatim
 *   files.wasm ls DIR             sorted names (no . and ..), one per line
 *   files.wasm stat PATH          "size=<n> dir=<0|1>"
 *
 * A failing step prints "<name> -1 errno=<NAME>" (see errno_name.h).
 * Exit code: 0; 1 if cat/ls/stat/write fails; 2 for usage errors.
 * crud and escape always exit 0: their output says what happened.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errno_name.h"
#include "wasm_app.h"

/* "<name> <ret>" and, when ret is not 0, " errno=<NAME>". */
static void report(const char *name, int ret, int err)
{
    if (ret == 0)
        printf("%s 0\n", name);
    else
        printf("%s %d errno=%s\n", name, ret, errno_name(err));
}

/* Print the bytes with '\n' as "\n", '\\' as "\\" and other control or
 * non-ASCII bytes as "\xNN", so the result stays on one line. */
static void put_escaped(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\\')
            fputs("\\\\", stdout);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the entry names of `path` (without "." and "..") into a sorted,
 * malloc'd array.  Returns the count, or -1 with errno set. */
static int list_dir(const char *path, char ***names_out)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;

    char **names = NULL;
    int count = 0, cap = 0, err = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            err = errno;
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (count == cap) {
            int ncap = cap ? cap * 2 : 8;
            char **nn = realloc(names, (size_t)ncap * sizeof(*nn));
            if (nn == NULL) {
                err = ENOMEM;
                break;
            }
            names = nn;
            cap = ncap;
        }
        names[count] = strdup(de->d_name);
        if (names[count] == NULL) {
            err = ENOMEM;
            break;
        }
        count++;
    }
    closedir(d);

    if (err != 0) {
        for (int i = 0; i < count; i++)
            free(names[i]);
        free(names);
        errno = err;
        return -1;
    }
    if (count > 1)
        qsort(names, (size_t)count, sizeof(*names), cmp_names);
    *names_out = names;
    return count;
}

static void free_names(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* fputs() each of `parts` to `path` opened with `mode` ("w" or "a"), then
 * fclose().  Returns 0, or -1 with errno set by the first failing call. */
static int put_file(const char *path, const char *mode, const char *const *parts,
    int nparts)
{
    FILE *f = fopen(path, mode);
    if (f == NULL)
        return -1;
    int ret = 0, err = 0;
    for (int i = 0; i < nparts && ret == 0; i++) {
        if (fputs(parts[i], f) == EOF) {
            ret = -1;
            err = errno;
        }
    }
    if (fclose(f) != 0 && ret == 0) {
        ret = -1;
        err = errno;
    }
    errno = err;
    return ret;
}

static int cmd_crud(void)
{
    struct stat st;
    int r;

    r = mkdir("/data/d", 0755);
    report("mkdir", r, errno);

    static const char *const first[] = { "alpha\n", "beta\n" };
    r = put_file("/data/d/a.txt", "w", first, 2);
    report("write", r, errno);

    if (stat("/data/d/a.txt", &st) == 0)
        printf("stat size=%lld regular=%d\n", (long long)st.st_size,
            S_ISREG(st.st_mode) ? 1 : 0);
    else
        report("stat", -1, errno);

    static const char *const more[] = { "gamma\n" };
    r = put_file("/data/d/a.txt", "a", more, 1);
    report("append", r, errno);

    FILE *f = fopen("/data/d/a.txt", "r");
    if (f == NULL) {
        int e = errno;
        report("read", -1, e);
        report("seek", -1, e);
    } else {
        char buf[128];
        size_t n = fread(buf, 1, sizeof(buf), f);
        if (ferror(f)) {
            report("read", -1, errno);
        } else {
            fputs("read ", stdout);
            put_escaped(buf, n);
            putchar('\n');
        }

        if (fseek(f, 6, SEEK_SET) != 0) {
            report("seek", -1, errno);
        } else {
            clearerr(f);
            n = fread(buf, 1, 4, f);
            if (ferror(f)) {
                report("seek", -1, errno);
            } else {
                fputs("seek ", stdout);
                put_escaped(buf, n);
                putchar('\n');
            }
        }
        fclose(f);
    }

    r = rename("/data/d/a.txt", "/data/d/b.txt");
    report("rename", r, errno);

    char **names;
    int count = list_dir("/data/d", &names);
    if (count < 0) {
        report("list", -1, errno);
    } else {
        fputs("list", stdout);
        for (int i = 0; i < count; i++)
            printf(" %s", names[i]);
        putchar('\n');
        free_names(names, count);
    }

    r = stat("/data/d/a.txt", &st);
    report("stat-old", r, errno);

    r = rmdir("/data/d");
    report("rmdir-nonempty", r, errno);

    r = unlink("/data/d/b.txt");
    report("unlink", r, errno);

    r = rmdir("/data/d");
    report("rmdir", r, errno);

    r = stat("/data/d", &st);
    report("stat-dir", r, errno);

    puts("done");
    return 0;
}

/* fopen() that reports "<name> 0" or "<name> -1 errno=<NAME>".  A file
 * that was unexpectedly opened is closed again (it is not removed: it may
 * lie outside the preopen). */
static void try_fopen(const char *name, const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (f == NULL) {
        report(name, -1, errno);
    } else {
        report(name, 0, 0);
        fclose(f);
    }
}

static int cmd_escape(void)
{
    int r;

    /* '..' after the preopen prefix: wasi-libc passes "../outside.txt"
     * relative to the /data descriptor to path_open; the host must refuse. */
    try_fopen("open-dotdot", "/data/../outside.txt", "w");

    /* Not under any preopen: wasi-libc itself fails with ENOTCAPABLE. */
    try_fopen("open-outside", "/etc/passwd", "r");

    /* Relative path climbing out of the working directory.  wasi-libc
     * makes it "/data/../x" and passes "../x" to path_open.  The chdir
     * line is only printed when chdir fails. */
    if (chdir("/data") != 0)
        report("chdir", -1, errno);
    try_fopen("open-relative", "../x", "w");

    r = mkdir("/data/../evil", 0755);
    report("mkdir-dotdot", r, errno);
    if (r == 0)
        rmdir("/data/../evil");

    /* Needs an existing source; created and removed silently. */
    FILE *f = fopen("/data/x", "w");
    if (f != NULL)
        fclose(f);
    r = rename("/data/x", "/data/../y");
    report("rename-dotdot", r, errno);
    unlink("/data/x");

    r = symlink("/etc/passwd", "/data/link");
    report("symlink-abs", r, errno);
    if (r == 0)
        unlink("/data/link");

    puts("done");
    return 0;
}

static int parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int cmd_write(const char *path, long count)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        report("write", -1, errno);
        return 1;
    }
    for (long i = 0; i < count; i++) {
        if (fprintf(f, "line %ld\n", i) < 0 || fflush(f) != 0) {
            report("write", -1, errno);
            fclose(f);
            return 1;
        }
    }
    if (fclose(f) != 0) {
        report("write", -1, errno);
        return 1;
    }
    printf("wrote %ld\n", count);
    return 0;
}

static int cmd_writetrap(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        report("writetrap", -1, errno);
        return 1;
    }
    char buf[1000];
    memset(buf, 'x', sizeof(buf));
    if (fwrite(buf, 1, sizeof(buf), f) != sizeof(buf) || fflush(f) != 0) {
        report("writetrap", -1, errno);
        return 1;
    }
    /* Flush our own stdout (nothing is pending) and trap with the file
     * still open. */
    fflush(stdout);
    __builtin_trap();
}

static int cmd_cat(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        report("cat", -1, errno);
        return 1;
    }
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
    int bad = ferror(f);
    int err = errno;
    fclose(f);
    if (bad) {
        /* Only reached if reading failed part way. */
        report("cat", -1, err);
        return 1;
    }
    return 0;
}

static int cmd_ls(const char *path)
{
    char **names;
    int count = list_dir(path, &names);
    if (count < 0) {
        report("ls", -1, errno);
        return 1;
    }
    for (int i = 0; i < count; i++)
        puts(names[i]);
    free_names(names, count);
    return 0;
}

static int cmd_stat(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        report("stat", -1, errno);
        return 1;
    }
    printf("size=%lld dir=%d\n", (long long)st.st_size, S_ISDIR(st.st_mode) ? 1 : 0);
    return 0;
}

static int usage(void)
{
    fputs("usage: files.wasm crud | escape | write PATH COUNT | writetrap PATH\n"
          "       | cat PATH | ls DIR | stat PATH\n",
        stderr);
    return 2;
}

int main(int argc, char **argv)
{
    /* Line-buffered stdout even when it is not a terminal, so everything
     * printed before a trap has reached the host. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (argc < 2)
        return usage();
    const char *cmd = argv[1];

    if (strcmp(cmd, "crud") == 0 && argc == 2)
        return cmd_crud();
    if (strcmp(cmd, "escape") == 0 && argc == 2)
        return cmd_escape();
    if (strcmp(cmd, "write") == 0 && argc == 4) {
        long count;
        if (parse_count(argv[3], &count) != 0)
            return usage();
        return cmd_write(argv[2], count);
    }
    if (strcmp(cmd, "writetrap") == 0 && argc == 3)
        return cmd_writetrap(argv[2]);
    if (strcmp(cmd, "cat") == 0 && argc == 3)
        return cmd_cat(argv[2]);
    if (strcmp(cmd, "ls") == 0 && argc == 3)
        return cmd_ls(argv[2]);
    if (strcmp(cmd, "stat") == 0 && argc == 3)
        return cmd_stat(argv[2]);
    return usage();
}
