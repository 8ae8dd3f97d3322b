// aotc: compiles a WebAssembly module into a WAMR AOT file.
//
// A small driver over WAMR's compilation library (aot_export.h): load and
// validate the module with WAMR's loader, create the compilation data and
// context, compile with LLVM, emit the AOT file into memory, check it and
// write it. The compiler is built from the same WAMR release and feature set
// as the firmware's runtime, so the files use the runtime's AOT format.
//
//   aotc --target=ARCH [--target-abi=ABI] [--cpu=CPU] [--cpu-features=F]
//        [--xip] [--builtin-intrinsics=LIST] [-o OUT.aot] IN.wasm
//
// Exit status: 0 written, 1 compile or output error, 2 usage error.

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/ErrorHandling.h>

#include "wasm_export.h"
#include "aot_export.h"

#include "aotc_llvm.h"
#include "aotc_polls.h"
#include "aotc_xip_fcmp.h"

#define AOT_SECTION_TARGET_INFO 0
#define AOT_SECTION_RELOCATION 5
#define AOT_SECTION_CUSTOM 100
#define AOT_CUSTOM_RAW 0
#define AOT_BIN_TYPE_64BIT 2
#define AOT_CUSTOM_NATIVE_SYMBOL 1
// Read by the firmware (micropython_modules/wasm/wasm_aot_check.h).
#define FIRMWARE_SECTION "micropython.aot"
// Loop nests proven to end within this many iterations lose their stop-flag
// polls (aotc_prune.cpp): about 1 ms of a 160 MHz MCU for a body of
// a few instructions, the longest a stop request then waits for one.
#define AOTC_DEFAULT_LOOP_POLL_LIMIT 65536
#define AOTC_MAX_LOOP_POLL_LIMIT 16777216

typedef struct {
    const char *input;
    const char *output;
    const char *target;
    const char *abi;
    const char *cpu;
    const char *features;
    const char *builtin_intrinsics;
    bool xip;
    bool suspend_checks;
    bool print_relocations;
    bool verbose;
    unsigned opt_level;
    unsigned size_level;
    unsigned bounds_checks;
    unsigned stack_bounds_checks;
    unsigned long loop_poll_limit;
    bool prune_bound_checks;
} Options;

static const char *g_target_name = "";
static char g_tmp_dir[4096];
static char g_stack_usage_file[4200];
static char g_partial_output[4200];

static void error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("aotc: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void llvm_version(char *buf, size_t size) {
    unsigned major = 0, minor = 0, patch = 0;
    LLVMGetVersion(&major, &minor, &patch);
    snprintf(buf, size, "%u.%u.%u", major, minor, patch);
}

static bool is_xtensa(const char *target) {
    return strncmp(target, "xtensa", 6) == 0;
}

static void xtensa_hint(void) {
    char version[32];
    llvm_version(version, sizeof(version));
    fprintf(stderr,
        "aotc: upstream LLVM %s lacks a usable Xtensa backend (at most an experimental\n"
        "      target without the ESP32 CPUs).\n"
        "      Xtensa AOT files need Espressif's LLVM fork (xtensa_release_18.x or newer);\n"
        "      rebuild aotc against it with\n"
        "      LLVM_CONFIG=/path/to/espressif-llvm/bin/llvm-config python -m scripts aot --build-compiler\n",
        version);
}

// Remove everything this process created, also when LLVM exits on a fatal error.
static void cleanup(void) {
    if (g_stack_usage_file[0]) {
        unlink(g_stack_usage_file);
    }
    if (g_tmp_dir[0]) {
        rmdir(g_tmp_dir);
    }
    if (g_partial_output[0]) {
        unlink(g_partial_output);
    }
}

// LLVM calls this on report_fatal_error ("Cannot select", ...) and exits
// with status 1 when it returns.
static void on_llvm_fatal_error(const char *reason) {
    error("LLVM cannot generate code for target %s: %s", g_target_name, reason);
    if (is_xtensa(g_target_name)) {
        xtensa_hint();
    }
}

static void usage(FILE *out) {
    fprintf(out,
        "usage: aotc --target=ARCH [options] [-o OUT.aot] IN.wasm\n"
        "\n"
        "  --target=ARCH            x86_64, thumbv7em, riscv32, xtensa, ... (WAMR's list)\n"
        "                           or an LLVM triple, e.g. thumbv7m-unknown-none-eabi\n"
        "                           (WAMR then ignores --target-abi, --cpu, --cpu-features)\n"
        "  --target-abi=ABI         eabi, eabihf, ilp32, gnu, ...\n"
        "  --cpu=CPU                LLVM CPU name (cortex-m4, generic-rv32, esp32, ...)\n"
        "  --cpu-features=LIST      LLVM features, e.g. +m,+c\n"
        "  --xip                    execute-in-place file: indirect mode, no LLVM\n"
        "                           intrinsics; refuses output with text relocations\n"
        "  --builtin-intrinsics=L   WAMR runtime helpers to call instead of inline code,\n"
        "                           e.g. i64.common,fp.common,fpxint\n"
        "  --opt-level=N            LLVM optimisation level 0-3 (default 3)\n"
        "  --size-level=N           code model / size level 0-3 (default 3)\n"
        "  --bounds-checks=0|1      software linear-memory bounds checks (default 1;\n"
        "                           0 only for runtimes with hardware bounds checks)\n"
        "  --stack-bounds-checks=0|1  native stack overflow checks (default 1)\n"
        "  --no-suspend-checks      do not poll the exec env's suspend flags\n"
        "                           (stopping a guest from the host then needs the\n"
        "                           guest to return on its own)\n"
        "  --loop-poll-limit=N      keep no stop-flag poll in loop nests proven to end\n"
        "                           within N iterations (default 65536; 0 keeps all)\n"
        "  --no-prune               keep every poll and bounds check WAMR emits (by\n"
        "                           default those proven useless are dropped)\n"
        "  --print-relocations      list the relocations kept in the AOT file\n"
        "  -o, --output=FILE        output file (default: IN with .aot)\n"
        "  -v, --verbose            WAMR's verbose log\n"
        "  -h, --help\n");
}

static bool parse_level(const char *arg, const char *name, unsigned max, unsigned *out) {
    char *end;
    unsigned long v = strtoul(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v > max) {
        error("%s must be a number from 0 to %u, not '%s'", name, max, arg);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

// Returns 0 to continue, or the exit status.
static int parse_args(int argc, char **argv, Options *o) {
    enum {
        OPT_TARGET = 256, OPT_ABI, OPT_CPU, OPT_FEATURES, OPT_XIP, OPT_BUILTIN,
        OPT_OPT_LEVEL, OPT_SIZE_LEVEL, OPT_BOUNDS, OPT_STACK_BOUNDS, OPT_NO_SUSPEND, OPT_PRINT_RELOCS,
        OPT_LOOP_POLL_LIMIT, OPT_NO_PRUNE,
    };
    static const struct option long_options[] = {
        { "target", required_argument, NULL, OPT_TARGET },
        { "target-abi", required_argument, NULL, OPT_ABI },
        { "cpu", required_argument, NULL, OPT_CPU },
        { "cpu-features", required_argument, NULL, OPT_FEATURES },
        { "xip", no_argument, NULL, OPT_XIP },
        { "builtin-intrinsics", required_argument, NULL, OPT_BUILTIN },
        { "opt-level", required_argument, NULL, OPT_OPT_LEVEL },
        { "size-level", required_argument, NULL, OPT_SIZE_LEVEL },
        { "bounds-checks", required_argument, NULL, OPT_BOUNDS },
        { "stack-bounds-checks", required_argument, NULL, OPT_STACK_BOUNDS },
        { "no-suspend-checks", no_argument, NULL, OPT_NO_SUSPEND },
        { "loop-poll-limit", required_argument, NULL, OPT_LOOP_POLL_LIMIT },
        { "no-prune", no_argument, NULL, OPT_NO_PRUNE },
        { "print-relocations", no_argument, NULL, OPT_PRINT_RELOCS },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };

    memset(o, 0, sizeof(*o));
    o->opt_level = 3;
    o->size_level = 3;
    o->bounds_checks = 1;
    o->stack_bounds_checks = 1;
    o->suspend_checks = true;
    o->loop_poll_limit = AOTC_DEFAULT_LOOP_POLL_LIMIT;
    o->prune_bound_checks = true;

    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:vh", long_options, NULL)) != -1) {
        switch (c) {
            case OPT_TARGET: o->target = optarg; break;
            case OPT_ABI: o->abi = optarg; break;
            case OPT_CPU: o->cpu = optarg; break;
            case OPT_FEATURES: o->features = optarg; break;
            case OPT_XIP: o->xip = true; break;
            case OPT_BUILTIN: o->builtin_intrinsics = optarg; break;
            case OPT_OPT_LEVEL:
                if (!parse_level(optarg, "--opt-level", 3, &o->opt_level)) return 2;
                break;
            case OPT_SIZE_LEVEL:
                if (!parse_level(optarg, "--size-level", 3, &o->size_level)) return 2;
                break;
            case OPT_BOUNDS:
                if (!parse_level(optarg, "--bounds-checks", 1, &o->bounds_checks)) return 2;
                break;
            case OPT_STACK_BOUNDS:
                if (!parse_level(optarg, "--stack-bounds-checks", 1, &o->stack_bounds_checks)) return 2;
                break;
            case OPT_NO_SUSPEND: o->suspend_checks = false; break;
            case OPT_LOOP_POLL_LIMIT: {
                unsigned limit;
                if (!parse_level(optarg, "--loop-poll-limit", AOTC_MAX_LOOP_POLL_LIMIT, &limit)) return 2;
                o->loop_poll_limit = limit;
                break;
            }
            case OPT_NO_PRUNE:
                o->loop_poll_limit = 0;
                o->prune_bound_checks = false;
                break;
            case OPT_PRINT_RELOCS: o->print_relocations = true; break;
            case 'o': o->output = optarg; break;
            case 'v': o->verbose = true; break;
            case 'h': usage(stdout); return -1;
            default:
                error("unknown or incomplete option '%s'", argv[optind - 1]);
                usage(stderr);
                return 2;
        }
    }
    if (optind != argc - 1) {
        error(optind >= argc ? "no input file" : "only one input file is allowed");
        usage(stderr);
        return 2;
    }
    o->input = argv[optind];
    if (!o->target) {
        error("--target is required (x86_64, thumbv7em, riscv32, xtensa, ... or an LLVM triple)");
        return 2;
    }
    if (strchr(o->target, '-') && (o->abi || o->cpu || o->features)) {
        error("with an LLVM triple as --target, WAMR ignores --target-abi, --cpu and "
              "--cpu-features: put the ABI in the triple and leave the others out");
        return 2;
    }
    return 0;
}

static uint8_t *read_file(const char *path, uint32_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        error("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        len = ftell(f);
    }
    if (len < 0 || len > 0x7fffffff || fseek(f, 0, SEEK_SET) != 0) {
        error("cannot read %s", path);
        fclose(f);
        return NULL;
    }
    buf = malloc(len ? (size_t)len : 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        error("cannot read %s: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = (uint32_t)len;
    return buf;
}

static bool write_file(const char *path, const uint8_t *data, uint32_t size) {
    // Written next to the destination and renamed: never a half-written file.
    snprintf(g_partial_output, sizeof(g_partial_output), "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(g_partial_output, "wb");
    if (!f) {
        error("cannot create %s: %s", path, strerror(errno));
        g_partial_output[0] = '\0';
        return false;
    }
    bool ok = fwrite(data, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(g_partial_output, path) != 0) {
        error("cannot write %s: %s", path, strerror(errno));
        return false;
    }
    g_partial_output[0] = '\0';
    return true;
}

// ---- Relocations kept in the emitted AOT file ------------------------------
//
// The relocation section (type 5) holds a symbol table (count, offsets,
// total length, then u16-length-prefixed strings) and relocation groups,
// each named by a symbol index: ".rela.text", ".rel.rodata.cst8", ...
// All u32 fields are 4-byte aligned relative to the start of the file.

typedef struct {
    const uint8_t *buf;
    uint32_t size;
    uint32_t pos;
    bool ok;
} Reader;

static uint32_t rd_u32(Reader *r) {
    r->pos = (r->pos + 3) & ~3u;
    if (!r->ok || r->pos > r->size || r->size - r->pos < 4) {
        r->ok = false;
        return 0;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd_u16_at(const Reader *r, uint32_t pos) {
    return (uint16_t)(r->buf[pos] | r->buf[pos + 1] << 8);
}

static void skip(Reader *r, uint32_t n) {
    if (!r->ok || r->pos > r->size || r->size - r->pos < n) {
        r->ok = false;
        return;
    }
    r->pos += n;
}

// Relocations in a code section: an XIP loader cannot apply them, because the
// code stays in (read-only) flash.
static bool is_text_group(const char *name) {
    const char *section = name;
    if (strncmp(section, ".rela", 5) == 0) {
        section += 5;
    } else if (strncmp(section, ".rel", 4) == 0) {
        section += 4;
    }
    return strncmp(section, ".text", 5) == 0 || strncmp(section, ".ltext", 6) == 0
           || strncmp(section, ".literal", 8) == 0;
}

typedef struct {
    const uint8_t *strings;
    uint32_t strings_size;
    const uint8_t *offsets;
    uint32_t count;
} SymbolTable;

static const char *symbol_name(const SymbolTable *t, uint32_t index) {
    if (index >= t->count) {
        return "?";
    }
    const uint8_t *o = t->offsets + 4 * index;
    uint32_t off = (uint32_t)o[0] | (uint32_t)o[1] << 8 | (uint32_t)o[2] << 16 | (uint32_t)o[3] << 24;
    if (off > t->strings_size || t->strings_size - off < 3) {
        return "?";
    }
    uint16_t len = (uint16_t)(t->strings[off] | t->strings[off + 1] << 8);
    const char *s = (const char *)t->strings + off + 2;
    if (len == 0 || t->strings_size - off - 2 < len || s[len - 1] != '\0') {
        return "?";
    }
    return s;
}

// Counts the text relocations in an AOT file; lists relocations on `out`
// (text ones only unless `all`). Returns -1 if the file cannot be parsed.
static long scan_relocations(const uint8_t *buf, uint32_t size, FILE *out, bool all) {
    Reader r = { buf, size, 8, size >= 8 };
    bool is_32bit = true;
    long text_relocs = 0;

    while (r.ok && ((r.pos + 3) & ~3u) < size) {
        uint32_t type = rd_u32(&r);
        uint32_t section_size = rd_u32(&r);
        uint32_t start = r.pos;
        if (!r.ok || section_size > size - start) {
            return -1;
        }
        if (type == AOT_SECTION_TARGET_INFO && section_size >= 2) {
            is_32bit = !(rd_u16_at(&r, start) & AOT_BIN_TYPE_64BIT);
        } else if (type == AOT_SECTION_RELOCATION) {
            Reader s = { buf, start + section_size, start, true };
            SymbolTable symbols;
            symbols.count = rd_u32(&s);
            if (!s.ok || symbols.count > section_size / 4) {
                return -1;
            }
            symbols.offsets = buf + s.pos;
            skip(&s, 4 * symbols.count);
            symbols.strings_size = rd_u32(&s);
            symbols.strings = buf + s.pos;
            skip(&s, symbols.strings_size);
            uint32_t groups = rd_u32(&s);
            for (uint32_t g = 0; s.ok && g < groups; g++) {
                const char *group = symbol_name(&symbols, rd_u32(&s));
                uint32_t count = rd_u32(&s);
                bool text = is_text_group(group);
                if (text) {
                    text_relocs += count;
                }
                for (uint32_t i = 0; s.ok && i < count; i++) {
                    uint32_t offset = rd_u32(&s);
                    rd_u32(&s); // addend (or high half of the 64-bit offset)
                    if (!is_32bit) {
                        skip(&s, 8);
                    }
                    uint32_t reloc_type = rd_u32(&s);
                    uint32_t symbol = rd_u32(&s);
                    if (out && (all || text) && s.ok) {
                        fprintf(out, "    %-20s +0x%-6x type %-3u -> %s\n", group, offset,
                            reloc_type, symbol_name(&symbols, symbol));
                    }
                }
            }
            if (!s.ok) {
                return -1;
            }
        }
        r.pos = start + section_size;
    }
    return r.ok ? text_relocs : -1;
}

// ---- The firmware's section ---------------------------------------------------
//
// WAMR's AOT format keeps no names for imported tables and turns an imported
// memory into a private one, so a runtime cannot list or link them; and a
// file can lose its native symbol section, which code compiled for XIP
// indexes without checks. The firmware reads both from a custom section
// (type 100, raw, named FIRMWARE_SECTION) that WAMR's loader skips:
//   u32 number of native symbols (0 if the file has no such section),
//   u32 import count, then per import (4-byte aligned): u32 kind
//   (wasm_export.h's wasm_import_export_kind_t), module name, field name;
//   names as the AOT format writes them: u16 length counting a NUL, the
//   bytes, the NUL, each length 2-byte aligned. Offsets align from the
//   start of the file.

typedef struct {
    uint8_t *data;
    uint32_t size, cap;
    bool ok;
} Buffer;

static void put(Buffer *b, const void *data, uint32_t n) {
    if (!b->ok) {
        return;
    }
    if (b->size + n > b->cap) {
        uint32_t cap = (b->size + n) * 2;
        uint8_t *grown = realloc(b->data, cap);
        if (!grown) {
            b->ok = false;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->size, data, n);
    b->size += n;
}

static void put_align(Buffer *b, uint32_t align) {
    static const uint8_t zeros[4] = { 0 };
    put(b, zeros, (align - b->size % align) % align);
}

static void put_u32(Buffer *b, uint32_t v) {
    uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put_align(b, 4);
    put(b, le, 4);
}

static void put_string(Buffer *b, const char *s) {
    size_t n = strlen(s) + 1;
    if (n > 0xffff) {
        b->ok = false;
        return;
    }
    uint8_t le[2] = { (uint8_t)n, (uint8_t)(n >> 8) };
    put_align(b, 2);
    put(b, le, 2);
    put(b, s, (uint32_t)n);
}

// The count of the file's native symbol section, or 0.
static uint32_t native_symbol_count(const uint8_t *aot, uint32_t size) {
    Reader r = { aot, size, 8, size >= 8 };
    while (r.ok && ((r.pos + 3) & ~3u) < size) {
        uint32_t type = rd_u32(&r);
        uint32_t section_size = rd_u32(&r);
        uint32_t start = r.pos;
        if (r.ok && type == AOT_SECTION_CUSTOM && section_size >= 8
            && rd_u32(&r) == AOT_CUSTOM_NATIVE_SYMBOL) {
            return rd_u32(&r);
        }
        r.pos = start + section_size;
    }
    return 0;
}

// The AOT file with the firmware's section appended; NULL if out of memory
// or a name is too long.
static uint8_t *append_firmware_section(const uint8_t *aot, uint32_t aot_size, wasm_module_t module,
    uint32_t *out_size) {
    Buffer b = { NULL, 0, 0, true };
    put(&b, aot, aot_size);
    put_align(&b, 4);
    put_u32(&b, AOT_SECTION_CUSTOM);
    uint32_t size_at = b.size;
    put_u32(&b, 0);
    uint32_t body = b.size;
    put_u32(&b, AOT_CUSTOM_RAW);
    put_string(&b, FIRMWARE_SECTION);
    put_u32(&b, native_symbol_count(aot, aot_size));
    int32_t count = wasm_runtime_get_import_count(module);
    put_u32(&b, (uint32_t)count);
    for (int32_t i = 0; i < count; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, i, &imp);
        put_u32(&b, (uint32_t)imp.kind);
        put_string(&b, imp.module_name);
        put_string(&b, imp.name);
    }
    put_align(&b, 4);
    if (!b.ok) {
        free(b.data);
        return NULL;
    }
    uint32_t body_size = b.size - body;
    memcpy(b.data + size_at, (uint8_t[4]){ (uint8_t)body_size, (uint8_t)(body_size >> 8),
        (uint8_t)(body_size >> 16), (uint8_t)(body_size >> 24) }, 4);
    *out_size = b.size;
    return b.data;
}

// ---- Target checks ---------------------------------------------------------

// A triple good enough to look up the backend (WAMR builds the real one).
static void probe_triple(const Options *o, char *buf, size_t size) {
    if (strchr(o->target, '-')) {
        snprintf(buf, size, "%s", o->target);
    } else {
        snprintf(buf, size, "%s-unknown-unknown", o->target);
    }
}

static bool check_target(const Options *o) {
    char triple[256], version[32];
    probe_triple(o, triple, sizeof(triple));
    llvm_version(version, sizeof(version));
    switch (aotc_llvm_probe(triple, o->cpu)) {
        case AOTC_PROBE_OK:
            return true;
        case AOTC_PROBE_NO_TARGET:
            error("this LLVM (%s) has no backend for target '%s'", version, o->target);
            break;
        default:
            error("the %s backend of this LLVM (%s) does not know CPU '%s'", o->target,
                version, o->cpu);
            break;
    }
    if (is_xtensa(o->target)) {
        xtensa_hint();
    }
    return false;
}

// ---- Main --------------------------------------------------------------------

static char *default_output(const char *input) {
    size_t len = strlen(input);
    const char *slash = strrchr(input, '/');
    const char *dot = strrchr(input, '.');
    if (dot && (!slash || dot > slash)) {
        len = (size_t)(dot - input);
    }
    char *out = malloc(len + 5);
    if (out) {
        memcpy(out, input, len);
        memcpy(out + len, ".aot", 5);
    }
    return out;
}

int main(int argc, char **argv) {
    Options o;
    int status = parse_args(argc, argv, &o);
    if (status != 0) {
        return status < 0 ? 0 : status;
    }
    g_target_name = o.target;
    char *output = o.output ? strdup(o.output) : default_output(o.input);

    uint32_t wasm_size = 0;
    uint8_t *wasm = read_file(o.input, &wasm_size);
    if (!wasm) {
        return 1;
    }
    if (wasm_size >= 4 && memcmp(wasm, "\0aot", 4) == 0) {
        error("%s is already a WAMR AOT file", o.input);
        return 1;
    }
    if (wasm_size < 8 || memcmp(wasm, "\0asm", 4) != 0) {
        error("%s is not a WebAssembly binary (no \\0asm header)", o.input);
        return 1;
    }

    atexit(cleanup);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_tmp_dir, sizeof(g_tmp_dir), "%s/aotc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_tmp_dir)) {
        error("cannot create a temporary directory: %s", strerror(errno));
        g_tmp_dir[0] = '\0';
        return 1;
    }
    snprintf(g_stack_usage_file, sizeof(g_stack_usage_file), "%s/stack.su", g_tmp_dir);

    RuntimeInitArgs init_args;
    memset(&init_args, 0, sizeof(init_args));
    init_args.mem_alloc_type = Alloc_With_System_Allocator;
    if (!wasm_runtime_full_init(&init_args)) {
        error("cannot initialise the WAMR runtime");
        return 1;
    }
    wasm_runtime_set_log_level(o.verbose ? WASM_LOG_LEVEL_VERBOSE : WASM_LOG_LEVEL_WARNING);
    LLVMInstallFatalErrorHandler(on_llvm_fatal_error);

    if (!check_target(&o)) {
        return 1;
    }

    char error_buf[256];
    wasm_module_t module = wasm_runtime_load(wasm, wasm_size, error_buf, sizeof(error_buf));
    if (!module) {
        error("%s: invalid WebAssembly module: %s", o.input, error_buf);
        if (strstr(error_buf, "unsupported opcode fd") || strstr(error_buf, "unknown value type")) {
            fprintf(stderr, "aotc: SIMD (v128) is not supported (the firmware runtimes leave it "
                "out): build the guest without -msimd128\n");
        }
        return 1;
    }

    aot_comp_data_t comp_data = aot_create_comp_data(module, o.target, false);
    if (!comp_data) {
        error("%s: %s", o.input, aot_get_last_error());
        return 1;
    }

    AOTCompOption option;
    memset(&option, 0, sizeof(option));
    option.target_arch = (char *)o.target;
    option.target_abi = (char *)o.abi;
    option.target_cpu = (char *)o.cpu;
    option.cpu_features = (char *)o.features;
    option.opt_level = o.opt_level;
    option.size_level = o.size_level;
    option.output_format = AOT_FORMAT_FILE;
    // The firmware runtimes have no hardware bound checks (and bare metal has
    // no MMU): the code checks every linear-memory access and its native
    // stack (--stack-bounds-checks can be set apart, for runtimes that have
    // guard regions for linear memory only).
    option.bounds_checks = o.bounds_checks;
    option.stack_bounds_checks = o.stack_bounds_checks;
    option.stack_usage_file = g_stack_usage_file;
    // Runtime features: bulk memory and reference types on, SIMD off
    // (WASM_ENABLE_SIMD=0), no GC, no tail calls. Multi-value is always on.
    option.enable_bulk_memory = true;
    option.enable_bulk_memory_opt = true; // memory.copy/fill (see Makefile)
    option.enable_ref_types = true;
    option.enable_call_indirect_overlong = true;
    option.enable_simd = false;
    option.enable_aux_stack_check = true;
    option.enable_thread_mgr = o.suspend_checks;
    option.aux_stack_frame_type = AOT_STACK_FRAME_OFF;
    aot_call_stack_features_init_default(&option.call_stack_features);
    if (o.xip) {
        option.is_indirect_mode = true;
        option.disable_llvm_intrinsics = true;
    }
    option.builtin_intrinsics = o.builtin_intrinsics;

    aot_comp_context_t comp_ctx = aot_create_comp_context(comp_data, &option);
    if (!comp_ctx) {
        const char *msg = aot_get_last_error();
        error("cannot compile for target %s: %s", o.target, msg && *msg ? msg : "unknown error");
        if (is_xtensa(o.target)) {
            xtensa_hint();
        }
        return 1;
    }

    // See aotc_polls.c: WAMR emits the polls only for shared memories.
    uint32_t memory_flags = 0;
    if (o.suspend_checks) {
        memory_flags = aotc_force_suspend_polls(comp_data);
    }
    aotc_prune_stats pruned = { 0 };
    bool compiled = aotc_compile_pruned((struct AOTCompContext *)comp_ctx,
        o.suspend_checks ? o.loop_poll_limit : 0, o.bounds_checks && o.prune_bound_checks, &pruned);
    if (o.suspend_checks) {
        aotc_restore_memory_flags(comp_data, memory_flags);
    }
    if (!compiled) {
        error("%s: compilation failed: %s", o.input, aot_get_last_error());
        return 1;
    }
    if (pruned.polls_dropped > 0) {
        printf("aotc: %lu of %lu loop polls dropped (loop nests proven to end within %lu iterations)\n",
            pruned.polls_dropped, pruned.polls_dropped + pruned.polls_kept, o.loop_poll_limit);
    }
    if (pruned.checks_dropped > 0) {
        printf("aotc: %lu of %lu bounds checks dropped (accesses proven inside the initial memory)\n",
            pruned.checks_dropped, pruned.checks_dropped + pruned.checks_kept);
    }
    // See aotc_xip_fcmp.c: compares the optimiser created would need helpers.
    long moved_fcmps = o.xip ? aotc_xip_lower_fcmp((struct AOTCompContext *)comp_ctx) : 0;
    if (moved_fcmps < 0) {
        error("%s: no room for a runtime intrinsic: %s", o.input, aot_get_last_error());
        return 1;
    }
    if (moved_fcmps > 0) {
        printf("aotc: %ld float compare%s made by LLVM's optimiser call%s the runtime (XIP)\n",
            moved_fcmps, moved_fcmps == 1 ? "" : "s", moved_fcmps == 1 ? "s" : "");
    }

    uint32_t aot_size = 0;
    uint8_t *aot = aot_emit_aot_file_buf(comp_ctx, comp_data, &aot_size);
    if (!aot) {
        error("%s: emitting the AOT file failed: %s", o.input, aot_get_last_error());
        return 1;
    }

    long text_relocs = scan_relocations(aot, aot_size, NULL, false);
    if (text_relocs < 0) {
        error("internal: cannot parse the emitted AOT file");
        return 1;
    }
    if (o.print_relocations) {
        printf("relocations:\n");
        scan_relocations(aot, aot_size, stdout, true);
    }
    if (o.xip && text_relocs > 0) {
        error("refusing to write XIP file %s: its code still needs %ld text relocation%s,\n"
              "which an XIP loader cannot apply (the code runs from read-only flash):",
              output, text_relocs, text_relocs == 1 ? "" : "s");
        scan_relocations(aot, aot_size, stderr, false);
        fprintf(stderr,
            "aotc: calls to helpers (__aeabi_*, libm) can go through WAMR's runtime instead:\n"
            "      --builtin-intrinsics=... (e.g. i64.common,fp.common,fpxint); references to\n"
            "      constant pools (.rodata.cst*, e.g. from vectorised x86-64 code) may go away\n"
            "      with a lower --opt-level\n");
        return 1;
    }

    uint32_t file_size = 0;
    uint8_t *file = append_firmware_section(aot, aot_size, module, &file_size);
    if (!file) {
        error("%s: cannot record the module's imports (out of memory, or a name longer "
              "than 65534 bytes)", o.input);
        return 1;
    }
    if (!write_file(output, file, file_size)) {
        return 1;
    }
    free(file);
    printf("aotc: wrote %s (%u bytes, target %s%s, %ld text relocations)\n", output, file_size,
        o.target, o.xip ? ", XIP" : "", text_relocs);

    wasm_runtime_free(aot); // aot_emit_aot_file_buf allocates with wasm_runtime_malloc
    aot_destroy_comp_context(comp_ctx);
    aot_destroy_comp_data(comp_data);
    wasm_runtime_unload(module);
    wasm_runtime_destroy();
    free(wasm);
    free(output);
    return 0;
}
