// Port hooks of the `wasm` module for the unix port: clocks, sleeping and
// entropy from the host OS.

// nftw() is X/Open.
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "py/runtime.h"
#include "extmod/vfs.h"
#include "extmod/vfs_posix.h"

#include "modwasm.h"

void mp_wasm_port_random(uint8_t *buf, size_t len) {
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
}

uint64_t mp_wasm_port_time_ns(bool realtime) {
    struct timespec ts;
    clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool mp_wasm_port_cputime_ns(bool thread, uint64_t *now, uint64_t *resolution) {
    clockid_t id = thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
    struct timespec ts, res;
    if (clock_gettime(id, &ts) != 0 || clock_getres(id, &res) != 0) {
        return false;
    }
    *now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    *resolution = (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
    return true;
}

void mp_wasm_port_sleep_ns(uint64_t ns) {
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
    nanosleep(&ts, NULL);
}

// Ctrl-C. The unix port raises KeyboardInterrupt from its SIGINT handler
// (MICROPY_ASYNC_KBD_INTR), which must never unwind through WAMR's frames.
// mp_hal_set_interrupt_char() installs that handler before each script or
// REPL line; it is linked with --wrap (micropython.mk) so that the handler
// below goes in front of it then: while a guest runs, it stops the guest and
// schedules the KeyboardInterrupt instead; otherwise it hands the signal to
// the port's handler. So a guest call costs no system call (before, each
// outermost call swapped the SIGINT handler twice, ~300 ns).
static struct sigaction port_sigint;

static void guest_aware_sigint(int signum) {
    if (mp_wasm_request_interrupt()) {
        mp_sched_keyboard_interrupt();
        return;
    }
    port_sigint.sa_handler(signum);
}

void __real_mp_hal_set_interrupt_char(char c);

void __wrap_mp_hal_set_interrupt_char(char c) {
    __real_mp_hal_set_interrupt_char(c);
    struct sigaction sa;
    if (sigaction(SIGINT, NULL, &sa) != 0 || (sa.sa_flags & SA_SIGINFO)
        || sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN || sa.sa_handler == guest_aware_sigint) {
        return; // Ctrl-C not caught (or already routed here)
    }
    port_sigint = sa;
    sa.sa_handler = guest_aware_sigint;
    sigaction(SIGINT, &sa, NULL);
}

// The deadline of calls with a time limit: a CLOCK_MONOTONIC timer (the
// clock of mp_wasm_port_time_ns) that raises SIGALRM. Its handler only sets
// flags and re-arms, as the SIGINT one does; SA_RESTART keeps it from
// failing the host's system calls.
static timer_t deadline_timer;
static bool deadline_timer_ready;

void mp_wasm_port_deadline_arm(uint64_t us) {
    struct itimerspec its = { 0 };
    its.it_value.tv_sec = (time_t)(us / 1000000u);
    its.it_value.tv_nsec = (long)(us % 1000000u) * 1000 + (us == 0);
    timer_settime(deadline_timer, 0, &its, NULL);
}

void mp_wasm_port_deadline_disarm(void) {
    const struct itimerspec its = { 0 };
    timer_settime(deadline_timer, 0, &its, NULL);
}

static void deadline_signal(int signum) {
    (void)signum;
    uint64_t us = mp_wasm_deadline_timer();
    if (us != 0) {
        mp_wasm_port_deadline_arm(us);
    }
}

bool mp_wasm_port_deadline_init(void) {
    if (deadline_timer_ready) {
        return true;
    }
    struct sigaction sa = { 0 };
    sa.sa_handler = deadline_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGALRM;
    if (sigaction(SIGALRM, &sa, NULL) != 0 || timer_create(CLOCK_MONOTONIC, &ev, &deadline_timer) != 0) {
        return false;
    }
    deadline_timer_ready = true;
    return true;
}

void mp_wasm_port_guest_enter(void) {
}

void mp_wasm_port_guest_exit(void) {
}

// Stop requests come from the SIGINT handler, on the main thread: nothing
// can run between its read of the running exec env and its write.
void mp_wasm_port_interrupt_lock(void) {
}

void mp_wasm_port_interrupt_unlock(void) {
}

// Symlinks exist only on the host's own filesystem: the VfsPosix mounted at
// "/" (the port's, whose VFS paths are host paths). Other filesystems
// (littlefs or FAT images, a Python VFS) have none, so the module's lexical
// check is complete there; a VfsPosix mounted elsewhere maps VFS paths to
// host paths this hook cannot see, so it is refused.
static bool on_host_filesystem(const char *path, bool *refuse) {
    const char *path_out;
    mp_vfs_mount_t *vfs = mp_vfs_lookup_path(path, &path_out);
    *refuse = false;
    if (vfs == MP_VFS_NONE || vfs == MP_VFS_ROOT || !mp_obj_is_type(vfs->obj, &mp_type_vfs_posix)) {
        return false;
    }
    *refuse = vfs->len != 1;
    return !*refuse;
}

// Resolve the deepest existing ancestor of `path` and check that it is still
// below `root`. A dangling symlink on the way is refused: creating through
// it could land anywhere.
bool mp_wasm_port_path_contained(const char *root, const char *path) {
    bool refuse;
    if (!on_host_filesystem(path, &refuse)) {
        return !refuse;
    }
    char real_root[PATH_MAX], probe[PATH_MAX], real[PATH_MAX];
    if (realpath(root, real_root) == NULL || strlen(path) >= sizeof(probe)) {
        return false;
    }
    strcpy(probe, path);
    while (realpath(probe, real) == NULL) {
        struct stat st;
        if (lstat(probe, &st) == 0) {
            return false; // exists, yet does not resolve: a dangling symlink
        }
        char *slash = strrchr(probe, '/');
        if (slash == NULL) {
            if (getcwd(real, sizeof(real)) == NULL) {
                return false;
            }
            break;
        }
        *slash = '\0';
        if (probe[0] == '\0') {
            strcpy(probe, "/");
        }
    }
    size_t n = strlen(real_root);
    if (n == 1) {
        return true; // root is "/"
    }
    return strncmp(real, real_root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

static int stop_at_symlink(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)path;
    (void)st;
    (void)ftw;
    return type == FTW_SL || type == FTW_SLN;
}

// Moving a symlink, or a directory with one inside, could turn a relative
// link that resolves inside the preopen into one that resolves outside.
bool mp_wasm_port_may_move(const char *path) {
    bool refuse;
    if (!on_host_filesystem(path, &refuse)) {
        return !refuse;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
        return true; // nothing there: the rename itself reports it
    }
    // FTW_PHYS: report symlinks instead of following them.
    return nftw(path, stop_at_symlink, 8, FTW_PHYS) == 0;
}

// The wasmapps image is the file named by $WASM_APPS, mapped executable
// once per process (a stand-in for a memory-mapped flash partition).
const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code) {
    static const uint8_t *image;
    static size_t image_size;
    if (image == NULL) {
        const char *path = getenv("WASM_APPS");
        int fd = path ? open(path, O_RDONLY) : -1;
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
            if (fd >= 0) {
                close(fd);
            }
            *size = 0;
            return NULL;
        }
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
        close(fd);
        if (p == MAP_FAILED) {
            *size = 0;
            return NULL;
        }
        image = p;
        image_size = (size_t)st.st_size;
    }
    *size = image_size;
    *code = image;
    return image;
}
