/*
 * clock.c - WASI command that checks the clocks, sleeping and random
 * numbers.
 *
 * stdout, one line per check:
 *   sleep ok            nanosleep(50 ms) and CLOCK_MONOTONIC advanced >= 45 ms
 *   sleep short <ms>    ... advanced less (whole ms, rounded down)
 *   sleep -1 errno=<NAME>   clock_gettime or nanosleep failed
 *   realtime ok         CLOCK_REALTIME seconds > 1600000000 (Sep 2020)
 *   realtime <secs>     ... otherwise
 *   realtime -1 errno=<NAME>
 *   random ok           getentropy(32 bytes) succeeded, bytes not all equal
 *   random same         ... all 32 bytes equal
 *   random -1 errno=<NAME>
 * Exit code: 0 if all three are "ok", otherwise 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errno_name.h"
#include "wasm_app.h"

static int64_t ts_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int check_sleep(void)
{
    struct timespec t0, t1;
    struct timespec req = { .tv_sec = 0, .tv_nsec = 50 * 1000000L };

    if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0 || nanosleep(&req, NULL) != 0
        || clock_gettime(CLOCK_MONOTONIC, &t1) != 0) {
        printf("sleep -1 errno=%s\n", errno_name(errno));
        return 1;
    }
    int64_t ms = (ts_ns(&t1) - ts_ns(&t0)) / 1000000;
    if (ms >= 45) {
        puts("sleep ok");
        return 0;
    }
    printf("sleep short %lld\n", (long long)ms);
    return 1;
}

static int check_realtime(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        printf("realtime -1 errno=%s\n", errno_name(errno));
        return 1;
    }
    if (ts.tv_sec > 1600000000) {
        puts("realtime ok");
        return 0;
    }
    printf("realtime %lld\n", (long long)ts.tv_sec);
    return 1;
}

static int check_random(void)
{
    unsigned char buf[32];
    memset(buf, 0, sizeof(buf));
    if (getentropy(buf, sizeof(buf)) != 0) {
        printf("random -1 errno=%s\n", errno_name(errno));
        return 1;
    }
    for (size_t i = 1; i < sizeof(buf); i++) {
        if (buf[i] != buf[0]) {
            puts("random ok");
            return 0;
        }
    }
    puts("random same");
    return 1;
}

int main(void)
{
    int bad = 0;
    bad |= check_sleep();
    bad |= check_realtime();
    bad |= check_random();
    return bad ? 1 : 0;
}
