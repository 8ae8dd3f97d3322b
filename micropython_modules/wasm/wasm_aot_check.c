// Checks a WAMR AOT file before WAMR 2.4.3's AOT loader sees it.
//
// The loader trusts much of a file: data segment and literal sizes, the
// symbol table's length, relocation offsets on some targets, indices that
// the runtime later uses unchecked (table segments, aux globals), imported
// memories it has no names for, and names it never checks for UTF-8. One
// changed byte can make it read or write outside the file or its arrays.
// This walks the whole file as the loader does (aot_loader.c; the writer is
// aot_emit_aot_file.c, format version 6) and refuses what the loader or the
// runtime would not handle safely, saying what is wrong.
//
// AOT code is native code and is trusted (README, "Security model"): this
// guards the loader and the module's metadata, not the machine code.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

#define AOT_VERSION 6
#define SECTION_TARGET_INFO 0
#define SECTION_INIT_DATA 1
#define SECTION_TEXT 2
#define SECTION_FUNCTION 3
#define SECTION_EXPORT 4
#define SECTION_RELOCATION 5
#define SECTION_CUSTOM 100
#define CUSTOM_RAW 0
#define CUSTOM_NATIVE_SYMBOL 1

#define E_TYPE_XIP 4
#define PAGE_BYTES 65536u // a wasm page; WAMR's may differ
#define MAX_PAGES 65536u
#define NO_INDEX 0xFFFFFFFFu

// Init expression types (WAMR's wasm.h).
#define EXPR_NONE 0x00
#define EXPR_I32 0x41
#define EXPR_I64 0x42
#define EXPR_F32 0x43
#define EXPR_F64 0x44
#define EXPR_GLOBAL 0x23
#define EXPR_REF_NULL 0xD0
#define EXPR_REF_FUNC 0xD2

// Value types the runtime is built for (no SIMD, no GC).
#define TYPE_I32 0x7F
#define TYPE_I64 0x7E
#define TYPE_F32 0x7D
#define TYPE_F64 0x7C
#define TYPE_FUNCREF 0x70
#define TYPE_EXTERNREF 0x6F

typedef struct _checker_t {
    const uint8_t *buf;    // the file
    uint32_t len;
    uint32_t pos, end;     // cursor, end of the current section
    mp_rom_error_text_t problem; // first problem found (a format: the index)
    uint32_t problem_index;
    bool is_64bit;         // the runtime's pointer size: function offsets, relocations
    // What later sections are checked against.
    uint32_t memory_count, table_count, type_count;
    uint32_t import_global_count, global_count;
    uint32_t max_func_ref; // largest function index in a table or global, + 1
    uint32_t import_func_count, func_count;
    uint32_t import_funcs_pos, import_globals_pos; // where those lists start
    uint32_t data_sections_pos, data_section_count;
    uint32_t literal_size, code_size;
    const uint8_t *section; // payload of the firmware's section
    uint32_t section_end;
    uint32_t native_symbols; // count of the native symbol section
    const uint8_t *imports; // the imports list in the firmware's section
    uint32_t text_relocations; // relocations that patch code
    bool xip;
} checker_t;

static bool ok(const checker_t *c) {
    return c->problem == NULL;
}

static void fail(checker_t *c, mp_rom_error_text_t problem) {
    if (c->problem == NULL) {
        c->problem = problem;
        c->problem_index = NO_INDEX;
    }
    c->pos = c->end;
}

// The problem names an item: "function 3 ...".
static void fail_at(checker_t *c, mp_rom_error_text_t problem, uint32_t index) {
    if (c->problem == NULL) {
        fail(c, problem);
        c->problem_index = index;
    }
}

static uint32_t le32(const uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

// Reads align to the field size (u64: 4) from the start of the file, as the
// loader's do from the buffer's (4-byte aligned) address.
static bool take(checker_t *c, uint32_t align, uint32_t size) {
    if (!ok(c)) {
        return false;
    }
    uint32_t at = (c->pos + align - 1) & ~(align - 1);
    if (at < c->pos || at > c->end || c->end - at < size) {
        fail(c, MP_ERROR_TEXT("truncated section"));
        return false;
    }
    c->pos = at + size;
    return true;
}

static uint32_t rd_u8(checker_t *c) {
    return take(c, 1, 1) ? c->buf[c->pos - 1] : 0;
}

static uint32_t rd_u16(checker_t *c) {
    return take(c, 2, 2) ? (uint32_t)(c->buf[c->pos - 2] | (c->buf[c->pos - 1] << 8)) : 0;
}

static uint32_t rd_u32(checker_t *c) {
    return take(c, 4, 4) ? le32(c->buf + c->pos - 4) : 0;
}

static uint64_t rd_u64(checker_t *c) {
    return take(c, 4, 8) ? le32(c->buf + c->pos - 8) | (uint64_t)le32(c->buf + c->pos - 4) << 32 : 0;
}

static void rd_skip(checker_t *c, uint32_t n) {
    take(c, 1, n);
}

// A count of items that take at least `min_size` bytes each: a count the
// rest of the section cannot hold would make the loader allocate for it.
static uint32_t rd_count(checker_t *c, uint32_t min_size, mp_rom_error_text_t problem) {
    uint32_t n = rd_u32(c);
    if (ok(c) && n > (c->end - c->pos) / min_size) {
        fail(c, problem);
        return 0;
    }
    return n;
}

static bool utf8_valid(const uint8_t *s, uint32_t n) {
    uint32_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        uint32_t extra, cp;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b == 0xC0 && n - i > 1 && s[i + 1] == 0x80) {
            i += 2; // a U+0000 as the compiler's WAMR stores it (patch 0033)
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            extra = 1;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            extra = 2;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            extra = 3;
            cp = b & 0x07;
        } else {
            return false;
        }
        if (n - i <= extra) {
            return false;
        }
        for (uint32_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static const uint32_t min_cp[4] = { 0, 0x80, 0x800, 0x10000 };
        if (cp < min_cp[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

// A string as the loader reads it: u16 length (counting the NUL), bytes,
// NUL. Returns where the characters start (0 on failure).
static uint32_t rd_string(checker_t *c, bool is_name) {
    uint32_t n = rd_u16(c);
    uint32_t at = c->pos;
    rd_skip(c, n);
    if (!ok(c)) {
        return 0;
    }
    if (n > 0 && c->buf[at + n - 1] != '\0') {
        fail(c, MP_ERROR_TEXT("string without terminating NUL"));
        return 0;
    }
    if (is_name && n > 0 && !utf8_valid(c->buf + at, n - 1)) {
        fail(c, MP_ERROR_TEXT("name is not valid UTF-8"));
        return 0;
    }
    return at;
}

// The NUL-terminated string whose u16 length field is at `at` (already
// checked), as a C string.
static const char *string_at(const checker_t *c, uint32_t at) {
    static const char empty[] = "";
    uint32_t n = c->buf[at] | (c->buf[at + 1] << 8);
    return n == 0 ? empty : (const char *)c->buf + at + 2;
}

static bool is_func_index(const checker_t *c, uint32_t index) {
    return index < c->import_func_count + c->func_count;
}

// Function references come before the function counts in the file: note
// the largest, check it once the counts are known. Without GC the runtime
// copies them into tables as indices and calls through them unchecked.
static void note_func_ref(checker_t *c, uint32_t index) {
    if (index != NO_INDEX && index >= c->max_func_ref) {
        c->max_func_ref = index + 1;
    }
}

// An init expression; `*value` gets its u32 operand (index or i32).
static uint32_t rd_init_expr(checker_t *c, uint32_t *value) {
    take(c, 4, 0);
    uint32_t type = rd_u32(c);
    *value = 0;
    switch (type) {
        case EXPR_NONE:
            break;
        case EXPR_I32:
        case EXPR_F32:
        case EXPR_GLOBAL:
        case EXPR_REF_NULL:
        case EXPR_REF_FUNC:
            *value = rd_u32(c);
            break;
        case EXPR_I64:
        case EXPR_F64:
            rd_u64(c);
            break;
        default:
            fail(c, MP_ERROR_TEXT("unsupported initializer expression"));
            break;
    }
    return type;
}

// ---- init data section -------------------------------------------------------

static void check_memories(checker_t *c) {
    // WAMR's compiler writes an imported memory as a defined one; the loader
    // has no array for a memory import that a file declares.
    if (rd_u32(c) != 0) {
        fail(c, MP_ERROR_TEXT("imported memory (not supported in AOT files)"));
        return;
    }
    c->memory_count = rd_count(c, 16, MP_ERROR_TEXT("memory count too large"));
    for (uint32_t i = 0; ok(c) && i < c->memory_count; i++) {
        uint32_t flags = rd_u32(c);
        uint32_t page_bytes = rd_u32(c);
        uint32_t init_pages = rd_u32(c);
        uint32_t max_pages = rd_u32(c);
        if (!ok(c)) {
            break;
        }
        if (flags > 1) { // only "has maximum": no shared memory, no memory64
            fail_at(c, MP_ERROR_TEXT("memory %u has unsupported flags"), i);
        } else if ((uint64_t)page_bytes * init_pages > (uint64_t)PAGE_BYTES * MAX_PAGES
                   || (page_bytes == 0 && max_pages != 0)) {
            // WAMR's compiler folds the pages of a memory that cannot grow
            // into one; no bytes at all only for an empty memory (the
            // runtime divides by the page size).
            fail_at(c, MP_ERROR_TEXT("memory %u has an invalid page size"), i);
        } else if (init_pages > max_pages || max_pages > MAX_PAGES) {
            fail_at(c, MP_ERROR_TEXT("memory %u has invalid limits"), i);
        }
    }
    uint32_t segments = rd_count(c, 16, MP_ERROR_TEXT("data segment count too large"));
    for (uint32_t i = 0; ok(c) && i < segments; i++) {
        uint32_t is_passive = rd_u32(c);
        uint32_t memory_index = rd_u32(c);
        uint32_t value;
        uint32_t offset_type = rd_init_expr(c, &value);
        uint32_t bytes = rd_u32(c);
        rd_skip(c, bytes);
        if (!ok(c)) {
            break;
        }
        if (is_passive > 1) {
            fail_at(c, MP_ERROR_TEXT("data segment %u has an invalid mode"), i);
        } else if (!is_passive && memory_index >= c->memory_count) {
            fail_at(c, MP_ERROR_TEXT("data segment %u names a memory that does not exist"), i);
        } else if (!is_passive && offset_type != EXPR_I32 && offset_type != EXPR_GLOBAL) {
            fail_at(c, MP_ERROR_TEXT("data segment %u has an invalid offset"), i);
        }
    }
}

static bool is_ref_type(uint32_t type) {
    return type == TYPE_FUNCREF || type == TYPE_EXTERNREF;
}

static bool is_value_type(uint32_t type) {
    return (type >= TYPE_F64 && type <= TYPE_I32) || is_ref_type(type);
}

// elem_type, flags, possible_grow, pad, init_size, max_size.
static void check_table_type(checker_t *c, uint32_t index) {
    uint32_t elem_type = rd_u8(c);
    uint32_t flags = rd_u8(c);
    uint32_t grow = rd_u8(c);
    rd_u8(c);
    uint32_t init_size = rd_u32(c);
    uint32_t max_size = rd_u32(c);
    if (!ok(c)) {
        return;
    }
    if (!is_ref_type(elem_type) || flags > 1 || grow > 1 || ((flags & 1) && init_size > max_size)) {
        fail_at(c, MP_ERROR_TEXT("table %u has an invalid type"), index);
    }
}

static void check_tables(checker_t *c) {
    // WAMR's compiler writes imported tables as defined ones; a table import
    // has no names in the format, which WAMR's import list would hand out.
    if (rd_u32(c) != 0) {
        fail(c, MP_ERROR_TEXT("imported table (not supported in AOT files)"));
        return;
    }
    c->table_count = rd_count(c, 12, MP_ERROR_TEXT("table count too large"));
    for (uint32_t i = 0; ok(c) && i < c->table_count; i++) {
        check_table_type(c, i);
    }
    uint32_t segments = rd_count(c, 32, MP_ERROR_TEXT("element segment count too large"));
    for (uint32_t i = 0; ok(c) && i < segments; i++) {
        uint32_t mode = rd_u32(c);
        uint32_t elem_type = rd_u32(c);
        uint32_t table_index = rd_u32(c);
        uint32_t value;
        uint32_t offset_type = rd_init_expr(c, &value);
        rd_skip(c, 8); // reference type details (GC only)
        uint32_t count = rd_count(c, 8, MP_ERROR_TEXT("element segment too long"));
        bool active = (mode & 1) == 0;
        if (ok(c) && (mode > 7 || !is_ref_type(elem_type))) {
            fail_at(c, MP_ERROR_TEXT("element segment %u has an invalid mode or type"), i);
        } else if (ok(c) && active && table_index >= c->table_count) {
            // The runtime only asserts this.
            fail_at(c, MP_ERROR_TEXT("element segment %u names a table that does not exist"), i);
        } else if (ok(c) && active && offset_type != EXPR_I32 && offset_type != EXPR_GLOBAL) {
            fail_at(c, MP_ERROR_TEXT("element segment %u has an invalid offset"), i);
        }
        for (uint32_t j = 0; ok(c) && j < count; j++) {
            uint32_t type = rd_init_expr(c, &value);
            if (ok(c) && type != EXPR_REF_FUNC && type != EXPR_REF_NULL) {
                fail_at(c, MP_ERROR_TEXT("element segment %u holds an invalid reference"), i);
            }
            note_func_ref(c, value); // ref.null's operand is copied as well
        }
    }
}

// Function types: u16 flag, u16 param count, u16 result count, then the
// value types (aligned to 4 before each type).
static void check_types(checker_t *c) {
    c->type_count = rd_count(c, 6, MP_ERROR_TEXT("type count too large"));
    for (uint32_t i = 0; ok(c) && i < c->type_count; i++) {
        take(c, 4, 0);
        rd_u16(c);
        uint32_t params = rd_u16(c);
        uint32_t results = rd_u16(c);
        uint32_t at = c->pos;
        rd_skip(c, params + results);
        for (uint32_t k = 0; ok(c) && k < params + results; k++) {
            if (!is_value_type(c->buf[at + k])) {
                fail_at(c, MP_ERROR_TEXT("type %u has an unsupported value type"), i);
            }
        }
    }
}

static void check_import_globals(checker_t *c) {
    c->import_global_count = rd_count(c, 6, MP_ERROR_TEXT("global import count too large"));
    c->import_globals_pos = c->pos;
    for (uint32_t i = 0; ok(c) && i < c->import_global_count; i++) {
        take(c, 2, 0);
        uint32_t type = rd_u8(c);
        uint32_t mut = rd_u8(c);
        rd_string(c, true);
        rd_string(c, true);
        if (ok(c) && (!is_value_type(type) || mut > 1)) {
            fail_at(c, MP_ERROR_TEXT("global import %u has an invalid type"), i);
        }
    }
}

static void check_globals(checker_t *c) {
    c->global_count = rd_count(c, 8, MP_ERROR_TEXT("global count too large"));
    for (uint32_t i = 0; ok(c) && i < c->global_count; i++) {
        uint32_t type = rd_u8(c);
        uint32_t mut = rd_u8(c);
        uint32_t value;
        uint32_t init = rd_init_expr(c, &value);
        if (!ok(c)) {
            break;
        }
        if (!is_value_type(type) || mut > 1) {
            fail_at(c, MP_ERROR_TEXT("global %u has an invalid type"), i);
        } else if (init == EXPR_GLOBAL && value >= c->import_global_count) {
            fail_at(c, MP_ERROR_TEXT("global %u is initialised from a global that is not imported"), i);
        } else if (init == EXPR_REF_FUNC) {
            note_func_ref(c, value);
        }
    }
}

static void check_import_funcs(checker_t *c) {
    c->import_func_count = rd_count(c, 6, MP_ERROR_TEXT("function import count too large"));
    c->import_funcs_pos = c->pos;
    for (uint32_t i = 0; ok(c) && i < c->import_func_count; i++) {
        uint32_t type = rd_u16(c);
        rd_string(c, true);
        rd_string(c, true);
        if (ok(c) && type >= c->type_count) {
            fail_at(c, MP_ERROR_TEXT("function import %u has an unknown type"), i);
        }
    }
}

// An aux global (__heap_base, __data_end, the stack pointer): none, or a
// defined global the runtime can index without checking.
static bool aux_global_ok(const checker_t *c, uint32_t index) {
    return index == NO_INDEX
           || (index >= c->import_global_count && index - c->import_global_count < c->global_count);
}

static void check_init_data(checker_t *c) {
    check_memories(c);
    check_tables(c);
    check_types(c);
    check_import_globals(c);
    check_globals(c);
    check_import_funcs(c);
    c->func_count = rd_u32(c);
    if (ok(c) && c->func_count > (c->len / 8)) {
        fail(c, MP_ERROR_TEXT("function count too large"));
    }
    uint32_t start = rd_u32(c);
    uint32_t data_end_global = rd_u32(c);
    rd_u64(c);
    uint32_t heap_base_global = rd_u32(c);
    rd_u64(c);
    uint32_t stack_top_global = rd_u32(c);
    rd_u64(c);
    rd_u32(c);
    if (!ok(c)) {
        return;
    }
    if (start != NO_INDEX && !is_func_index(c, start)) {
        fail(c, MP_ERROR_TEXT("invalid start function"));
    } else if (c->max_func_ref > 0 && !is_func_index(c, c->max_func_ref - 1)) {
        fail(c, MP_ERROR_TEXT("table or global refers to a function that does not exist"));
    } else if (!aux_global_ok(c, data_end_global) || !aux_global_ok(c, heap_base_global)
               || !aux_global_ok(c, stack_top_global)) {
        fail(c, MP_ERROR_TEXT("invalid aux global index"));
    }
    c->data_section_count = rd_count(c, 6, MP_ERROR_TEXT("data section count too large"));
    c->data_sections_pos = c->pos;
    for (uint32_t i = 0; ok(c) && i < c->data_section_count; i++) {
        rd_string(c, false);
        rd_skip(c, rd_u32(c));
    }
    if (ok(c) && c->pos != c->end) {
        fail(c, MP_ERROR_TEXT("init data section has trailing bytes"));
    }
}

// Size of the object data section named `name`, or NO_INDEX.
static uint32_t data_section_size(const checker_t *c, const char *name) {
    checker_t w = *c;
    w.pos = c->data_sections_pos;
    w.end = c->len;
    w.problem = NULL;
    for (uint32_t i = 0; i < c->data_section_count; i++) {
        uint32_t at = rd_string(&w, false);
        uint32_t size = rd_u32(&w);
        rd_skip(&w, size);
        if (!ok(&w)) {
            break;
        }
        if (strcmp(string_at(c, at - 2), name) == 0) {
            return size;
        }
    }
    return NO_INDEX;
}

// ---- other sections ------------------------------------------------------------

static void check_target_info(checker_t *c) {
    uint32_t bin_type = rd_u16(c);
    rd_u16(c);
    uint32_t e_type = rd_u16(c);
    rd_skip(c, 2 + 4 + 4 + 8 + 8 + 16);
    if (ok(c) && c->pos != c->end) {
        fail(c, MP_ERROR_TEXT("target info section has the wrong size"));
    }
    // WAMR refuses the other bit width itself; the layouts below depend on it.
    if (ok(c) && ((bin_type & 2) != 0) != c->is_64bit) {
        fail(c, MP_ERROR_TEXT("AOT file for another pointer size"));
    }
    c->xip = e_type == E_TYPE_XIP;
}

static void check_text(checker_t *c) {
    if (c->func_count > 0 && c->end == c->pos) {
        fail(c, MP_ERROR_TEXT("empty text section"));
        return;
    }
    c->literal_size = rd_u32(c);
    if (ok(c) && c->literal_size > c->end - c->pos) {
        fail(c, MP_ERROR_TEXT("literal size larger than the text section"));
        return;
    }
    c->code_size = c->end - c->pos - c->literal_size;
}

static void check_functions(checker_t *c) {
    for (uint32_t i = 0; ok(c) && i < c->func_count; i++) {
        uint64_t offset = c->is_64bit ? rd_u64(c) : rd_u32(c);
        if (ok(c) && offset >= c->code_size) {
            fail_at(c, MP_ERROR_TEXT("function %u starts outside the code"), i);
        }
    }
    for (uint32_t i = 0; ok(c) && i < c->func_count; i++) {
        if (rd_u32(c) >= c->type_count && ok(c)) {
            fail_at(c, MP_ERROR_TEXT("function %u has an unknown type"), i);
        }
    }
    rd_skip(c, c->func_count * 8); // max local and stack cell counts, u32 each
    if (ok(c) && c->pos != c->end) {
        fail(c, MP_ERROR_TEXT("function section has the wrong size"));
    }
}

static void check_exports(checker_t *c) {
    uint32_t count = rd_count(c, 7, MP_ERROR_TEXT("export count too large"));
    for (uint32_t i = 0; ok(c) && i < count; i++) {
        rd_u32(c); // index: the loader checks it against its kind
        rd_u8(c);
        rd_string(c, true);
    }
    if (ok(c) && c->pos != c->end) {
        fail(c, MP_ERROR_TEXT("export section has the wrong size"));
    }
}

// ---- relocations ------------------------------------------------------------------

typedef struct _symbols_t {
    uint32_t offsets;  // file position of the u32 offsets
    uint32_t strings;  // file position of the string table
    uint32_t count;
} symbols_t;

static const char *symbol(const checker_t *c, const symbols_t *s, uint32_t index) {
    return string_at(c, s->strings + le32(c->buf + s->offsets + 4 * index));
}

// The symbol table must be exactly what the loader's validator expects:
// strings in order, each at the offset the table gives, filling it.
static void check_symbol_table(checker_t *c, symbols_t *s) {
    s->count = rd_count(c, 4, MP_ERROR_TEXT("relocation symbol count too large"));
    take(c, 4, 0);
    s->offsets = c->pos;
    rd_skip(c, 4 * s->count);
    uint32_t strings_len = rd_u32(c);
    s->strings = c->pos;
    rd_skip(c, strings_len);
    if (!ok(c)) {
        return;
    }
    checker_t t = *c;
    t.pos = s->strings;
    t.end = s->strings + strings_len;
    for (uint32_t i = 0; ok(&t) && i < s->count; i++) {
        take(&t, 2, 0);
        if (ok(&t) && le32(c->buf + s->offsets + 4 * i) != t.pos - s->strings) {
            fail(&t, MP_ERROR_TEXT("relocation symbol table is inconsistent"));
        }
        uint32_t n = rd_u16(&t);
        rd_skip(&t, n);
        if (ok(&t) && (n == 0 || c->buf[t.pos - 1] != '\0')) {
            fail(&t, MP_ERROR_TEXT("relocation symbol without terminating NUL"));
        }
    }
    take(&t, 2, 0);
    if (ok(&t) && t.pos != t.end) {
        fail(&t, MP_ERROR_TEXT("relocation symbol table has trailing bytes"));
    }
    if (!ok(&t)) {
        fail(c, t.problem);
    }
}

// Bytes a relocation of `type` patches: 8 for absolute and PC-relative
// 64-bit relocations on x86-64 (R_X86_64_64, R_X86_64_PC64), else 4.
static uint32_t reloc_width(const checker_t *c, uint32_t type) {
    return c->is_64bit && (type == 1 || type == 24) ? 8 : 4;
}

static bool has_prefix(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

// Where a relocation group's relocations land, as a size (NO_INDEX if the
// group names nothing the loader can patch); `*text` tells code apart.
static uint32_t group_target(const checker_t *c, const char *group, bool *text) {
    *text = true;
    if (!strcmp(group, ".rel.text") || !strcmp(group, ".rela.text")
        || !strcmp(group, ".rel.ltext") || !strcmp(group, ".rela.ltext")) {
        return c->code_size;
    }
    if (!strcmp(group, ".rela.literal")) {
        return c->literal_size;
    }
    *text = false;
    if (has_prefix(group, ".rela.")) {
        return data_section_size(c, group + 5);
    }
    if (has_prefix(group, ".rel.")) {
        return data_section_size(c, group + 4);
    }
    return NO_INDEX;
}

// Symbols the loader resolves inside the module must exist; any other name
// is a runtime symbol, which the loader looks up itself.
static bool symbol_ok(const checker_t *c, const char *name) {
    if (has_prefix(name, "aot_func#")) {
        const char *p = name + 9;
        uint32_t index = 0;
        if (*p == '\0') {
            return false;
        }
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || index > (NO_INDEX - 9) / 10) {
                return false;
            }
            index = index * 10 + (uint32_t)(*p - '0');
        }
        return index < c->func_count;
    }
    if (name[0] == '.' && strcmp(name, ".text") && strcmp(name, ".ltext") && strcmp(name, ".literal")) {
        return data_section_size(c, name) != NO_INDEX;
    }
    return true;
}

static void check_relocations(checker_t *c) {
    symbols_t s;
    check_symbol_table(c, &s);
    uint32_t reloc_size = c->is_64bit ? 24 : 16;
    uint32_t groups = rd_count(c, 8, MP_ERROR_TEXT("relocation group count too large"));
    for (uint32_t g = 0; ok(c) && g < groups; g++) {
        uint32_t name = rd_u32(c);
        uint32_t count = rd_count(c, reloc_size, MP_ERROR_TEXT("relocation count too large"));
        if (!ok(c)) {
            break;
        }
        if (name >= s.count) {
            fail_at(c, MP_ERROR_TEXT("relocation group %u has an invalid name"), g);
            break;
        }
        bool text;
        uint32_t target_size = group_target(c, symbol(c, &s, name), &text);
        if (target_size == NO_INDEX) {
            fail_at(c, MP_ERROR_TEXT("relocation group %u patches an unknown section"), g);
            break;
        }
        if (text) {
            c->text_relocations += count;
        }
        for (uint32_t i = 0; ok(c) && i < count; i++) {
            uint64_t offset = c->is_64bit ? rd_u64(c) : rd_u32(c);
            c->is_64bit ? rd_u64(c) : rd_u32(c); // addend
            uint32_t type = rd_u32(c);
            uint32_t sym = rd_u32(c);
            if (!ok(c)) {
                break;
            }
            if (offset > target_size || target_size - offset < reloc_width(c, type)) {
                fail_at(c, MP_ERROR_TEXT("relocation outside its section (group %u)"), g);
            } else if (sym >= s.count || !symbol_ok(c, symbol(c, &s, sym))) {
                fail_at(c, MP_ERROR_TEXT("relocation against an invalid symbol (group %u)"), g);
            }
        }
    }
    if (ok(c) && c->pos != c->end) {
        fail(c, MP_ERROR_TEXT("relocation section has the wrong size"));
    }
}

// "f32#" / "i32#" constants have 8 hex digits, "f64#" / "i64#" 16: the
// loader parses that many characters whatever the string's length.
static bool native_symbol_ok(const char *name) {
    size_t digits = has_prefix(name, "f32#") || has_prefix(name, "i32#") ? 8
        : has_prefix(name, "f64#") || has_prefix(name, "i64#") ? 16 : 0;
    if (digits == 0) {
        return true;
    }
    if (strlen(name) != 4 + digits) {
        return false;
    }
    for (size_t i = 4; i < 4 + digits; i++) {
        char ch = name[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) {
            return false;
        }
    }
    return true;
}

static void check_custom(checker_t *c) {
    uint32_t kind = rd_u32(c);
    if (kind == CUSTOM_NATIVE_SYMBOL) {
        uint32_t count = rd_count(c, 2, MP_ERROR_TEXT("native symbol count too large"));
        c->native_symbols = count;
        for (uint32_t i = 0; ok(c) && i < count; i++) {
            uint32_t at = rd_string(c, false);
            if (ok(c) && !native_symbol_ok(string_at(c, at - 2))) {
                fail_at(c, MP_ERROR_TEXT("native symbol %u is malformed"), i);
            }
        }
    } else if (kind == CUSTOM_RAW && ok(c) && c->pos < c->end) {
        uint32_t at = rd_string(c, false);
        if (ok(c) && strcmp(string_at(c, at - 2), MP_WASM_AOT_SECTION) == 0) {
            take(c, 4, 0);
            c->section = c->buf + c->pos;
            c->section_end = c->end;
        }
    }
    // Other custom sections (names, ...) are not loaded by this build.
}

// ---- the firmware's section ------------------------------------------------------------

// The native symbol count, then the imports (u32 count; per import u32 kind,
// module name, name), checked against the file: its native symbol section
// (which XIP code indexes without checks) and its own import lists.
static void check_firmware_section(checker_t *c) {
    checker_t w = *c;
    w.pos = c->section - c->buf;
    w.end = c->section_end;
    if (rd_u32(&w) != c->native_symbols && ok(&w)) {
        fail(&w, MP_ERROR_TEXT("native symbol count does not match the file"));
    }
    c->imports = c->buf + w.pos;
    uint32_t count = rd_count(&w, 8, MP_ERROR_TEXT("imports list too long"));
    uint32_t funcs = 0, globals = 0, tables = 0, memories = 0;
    checker_t f = *c, g = *c; // cursors in the file's own import lists
    f.pos = c->import_funcs_pos;
    g.pos = c->import_globals_pos;
    f.end = g.end = c->len;
    for (uint32_t i = 0; ok(&w) && i < count; i++) {
        uint32_t kind = rd_u32(&w);
        uint32_t module = rd_string(&w, true);
        uint32_t name = rd_string(&w, true);
        if (!ok(&w)) {
            break;
        }
        uint32_t own_module = 0, own_name = 0;
        if (kind == WASM_IMPORT_EXPORT_KIND_FUNC && funcs++ < c->import_func_count) {
            rd_u16(&f);
            own_module = rd_string(&f, true);
            own_name = rd_string(&f, true);
        } else if (kind == WASM_IMPORT_EXPORT_KIND_GLOBAL && globals++ < c->import_global_count) {
            take(&g, 2, 0);
            rd_u8(&g);
            rd_u8(&g);
            own_module = rd_string(&g, true);
            own_name = rd_string(&g, true);
        } else if (kind == WASM_IMPORT_EXPORT_KIND_TABLE) {
            tables++;
        } else if (kind == WASM_IMPORT_EXPORT_KIND_MEMORY) {
            memories++;
        } else {
            fail_at(&w, MP_ERROR_TEXT("import %u does not match the file"), i);
            break;
        }
        if (own_module && (strcmp(string_at(c, own_module - 2), string_at(c, module - 2))
                           || strcmp(string_at(c, own_name - 2), string_at(c, name - 2)))) {
            fail_at(&w, MP_ERROR_TEXT("import %u does not match the file"), i);
        }
    }
    // Imported tables and memories were compiled into defined ones.
    if (ok(&w) && (funcs != c->import_func_count || globals != c->import_global_count
                   || tables > c->table_count || memories > c->memory_count)) {
        fail(&w, MP_ERROR_TEXT("imports do not match the file"));
    }
    if (!ok(&w)) {
        c->problem = w.problem;
        c->problem_index = w.problem_index;
    }
}

// ---- files for another target -----------------------------------------------------

// WAMR's name for this runtime's target ("x86_64", "thumbv7em", ...), from
// its relocation code (aot_reloc.h).
extern void get_current_target(char *target_buf, uint32_t target_buf_size);

#define FEATURES_NOT_BUILT ((1u << 0) | (1u << 4)) // SIMD, GC

// Whether WAMR rejects the file while reading its target info, the first
// section, before it looks at anything else, with a message naming the
// target: only rejections WAMR certainly makes count here.
static bool for_another_target(const uint8_t *aot, uint32_t len) {
    if (len < 64 || le32(aot + 8) != SECTION_TARGET_INFO || le32(aot + 12) != 48) {
        return false;
    }
    const uint8_t *t = aot + 16;
    uint32_t bin_type = t[0] | (t[1] << 8);
    uint32_t e_type = t[4] | (t[5] << 8);
    static const union { uint16_t u16; uint8_t first; } endian = { 1 };
    bool big_endian = endian.first == 0;
    char arch[17], expected[32];
    memcpy(arch, t + 32, 16);
    arch[16] = '\0';
    if (!strcmp(arch, "arm64") || !strcmp(arch, "aarch64")) {
        strcpy(arch, "aarch64v8"); // WAMR's alias
    }
    get_current_target(expected, sizeof(expected));
    return ((bin_type & 1) != 0) != big_endian
           || ((bin_type & 2) != 0) != (sizeof(void *) == 8)
           || (e_type != 1 && e_type != E_TYPE_XIP)
           || le32(t + 8) != 1 // e_version
           || (le32(t + 16) & FEATURES_NOT_BUILT) != 0
           || t[47] != '\0'
           || strncmp(expected, arch, strlen(expected)) != 0;
}

bool mp_wasm_aot_check(const uint8_t *aot, uint32_t len, bool in_place, const uint8_t **imports,
    char *err, size_t err_len) {
    // Its message says what to do about such a file: let WAMR give it.
    if (for_another_target(aot, len)) {
        *imports = NULL;
        return true;
    }
    checker_t c;
    memset(&c, 0, sizeof(c));
    c.buf = aot;
    c.len = len;
    c.end = len;
    c.pos = 8;
    c.is_64bit = sizeof(void *) == 8;
    if (len < 8) {
        fail(&c, MP_ERROR_TEXT("file header truncated"));
    } else if (memcmp(aot, "\0aot", 4) != 0 || le32(aot + 4) != AOT_VERSION) {
        fail(&c, MP_ERROR_TEXT("not a version 6 AOT file"));
    }
    uint32_t last = NO_INDEX, seen = 0;
    while (ok(&c) && c.pos < len) {
        c.end = len;
        uint32_t type = rd_u32(&c);
        uint32_t size = rd_u32(&c);
        if (!ok(&c)) {
            break;
        }
        if (size > len - c.pos) {
            fail(&c, MP_ERROR_TEXT("section extends past the end of the file"));
            break;
        }
        // The loader's order: 0 to 5, each once, then custom sections.
        bool in_order = last == NO_INDEX ? type == SECTION_TARGET_INFO
            : type == SECTION_CUSTOM || (type == last + 1 && type <= SECTION_RELOCATION);
        if (!in_order) {
            fail(&c, MP_ERROR_TEXT("sections out of order"));
            break;
        }
        last = type;
        seen |= type == SECTION_CUSTOM ? 0 : 1u << type;
        c.end = c.pos + size;
        switch (type) {
            case SECTION_TARGET_INFO:
                check_target_info(&c);
                break;
            case SECTION_INIT_DATA:
                check_init_data(&c);
                break;
            case SECTION_TEXT:
                check_text(&c);
                break;
            case SECTION_FUNCTION:
                check_functions(&c);
                break;
            case SECTION_EXPORT:
                check_exports(&c);
                break;
            case SECTION_RELOCATION:
                check_relocations(&c);
                break;
            default:
                check_custom(&c);
                break;
        }
        c.pos = c.end;
    }
    if (ok(&c) && seen != (1u << (SECTION_RELOCATION + 1)) - 1) {
        fail(&c, MP_ERROR_TEXT("sections missing"));
    }
    if (ok(&c) && c.section == NULL) {
        fail(&c, MP_ERROR_TEXT("no micropython.aot section (compile it with `python3 -m scripts aot`)"));
    } else if (ok(&c)) {
        check_firmware_section(&c);
    }
    if (!ok(&c)) {
        char what[100];
        mp_wasm_format_rom(what, sizeof(what), c.problem, (unsigned)c.problem_index);
        snprintf(err, err_len, "malformed AOT file: %s", what);
        return false;
    }
    // XIP code stays where it is: in flash (read-only, patched by nobody),
    // or in a pool copy, which is not executable on most targets.
    if (in_place && c.text_relocations > 0) {
        snprintf(err, err_len,
            "%u text relocations, which code in flash cannot take (compile it with --xip)",
            (unsigned)c.text_relocations);
        return false;
    }
    if (!in_place && c.xip) {
        snprintf(err, err_len, "XIP AOT file: it runs in place from the wasmapps partition (Module.xip)");
        return false;
    }
    *imports = c.imports;
    return true;
}
