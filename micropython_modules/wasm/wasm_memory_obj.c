// wasm.Memory: a live view of an instance's linear memory (inst.memory,
// an exported memory, or a wasm.Memory(pages) once an instance imported
// it). Every access reads the current base and size, so it stays correct
// after memory.grow (which may move the memory); the buffer protocol gives
// zero-copy access.
//
// A wasm.Memory made by Python holds only its limits until an instance
// imports it; that instance then creates the memory (WAMR 2.4 builds each
// instance's memory itself, in every mode) and grows it to the object's
// size, and the object is its view from then on.
//
// A memory already in an instance (exported, or imported once) is shared
// by the next instances importing it: they use its data (wamr_shim/
// wasm_memory_share.c), and form a ring (instance->memory_next) along which
// the memory's size and address are copied whenever one of them stops
// running guest code (mp_wasm_shared_leave). The object views any of them.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "py/objint.h"
#include "modwasm.h"

#define MAX_PAGES 65536u

typedef struct _mp_obj_wasm_memory_t {
    mp_obj_base_t base;
    mp_obj_t instance;           // whose memory this is; MP_OBJ_NULL: not imported yet
    uint32_t pages;              // until imported: its size and maximum
    uint32_t max_pages;
    bool has_max;
    bool imported;               // made by Python, then imported
} mp_obj_wasm_memory_t;

mp_obj_t mp_wasm_memory_new(mp_obj_wasm_instance_t *inst) {
    if (wasm_runtime_get_default_memory(inst->inst) == NULL) {
        return mp_const_none;
    }
    mp_obj_wasm_memory_t *self = mp_obj_malloc(mp_obj_wasm_memory_t, &mp_type_wasm_memory);
    self->instance = MP_OBJ_FROM_PTR(inst);
    self->imported = false;
    return MP_OBJ_FROM_PTR(self);
}

// wasm.Memory(pages, max_pages=None)
static mp_obj_t wasm_memory_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *all_args) {
    enum { ARG_pages, ARG_max_pages };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_pages, MP_ARG_REQUIRED | MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_max_pages, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_int_t pages = args[ARG_pages].u_int;
    if (pages < 0 || pages > (mp_int_t)MAX_PAGES) {
        mp_raise_ValueError(MP_ERROR_TEXT("pages must be between 0 and 65536"));
    }
    mp_obj_wasm_memory_t *self = mp_obj_malloc(mp_obj_wasm_memory_t, type);
    self->instance = MP_OBJ_NULL;
    self->imported = false;
    self->pages = (uint32_t)pages;
    self->has_max = args[ARG_max_pages].u_obj != mp_const_none;
    self->max_pages = MAX_PAGES;
    if (self->has_max) {
        mp_int_t max = mp_obj_get_int(args[ARG_max_pages].u_obj);
        if (max < pages || max > (mp_int_t)MAX_PAGES) {
            mp_raise_ValueError(MP_ERROR_TEXT("max_pages must be between pages and 65536"));
        }
        self->max_pages = (uint32_t)max;
    }
    return MP_OBJ_FROM_PTR(self);
}

static wasm_memory_inst_t memory_of(mp_obj_t self_in) {
    mp_obj_wasm_memory_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->instance == MP_OBJ_NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("wasm.Memory holds no data until an instance imports it"));
    }
    mp_obj_wasm_instance_t *inst = mp_wasm_instance_open(self->instance);
    return wasm_runtime_get_default_memory(inst->inst);
}

void mp_wasm_memory_import_check(mp_obj_t mem_in, const wasm_import_t *imp, uint32_t init,
    uint32_t max, bool has_max, uint32_t *cap) {
    if (!mp_obj_is_type(mem_in, &mp_type_wasm_memory)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s must be a wasm.Memory, not %s"),
            imp->module_name, imp->name, mp_obj_get_type_str(mem_in));
    }
    mp_obj_wasm_memory_t *mem = MP_OBJ_TO_PTR(mem_in);
    mp_obj_wasm_instance_t *source = NULL;
    uint32_t pages = mem->pages, max_pages = mem->max_pages;
    bool mem_has_max = mem->has_max;
    if (mem->instance != MP_OBJ_NULL) {
        source = MP_OBJ_TO_PTR(mem->instance);
        if (source->inst == NULL) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s: the wasm.Memory's instance is closed"), imp->module_name, imp->name);
        }
        // An app heap lives inside linear memory and belongs to one instance.
        if (mp_wasm_memory_share_has_heap(source->inst)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s: the memory holds its instance's app heap (create that instance with heap=0 to share it)"),
                imp->module_name, imp->name);
        }
        wasm_memory_inst_t wm = wasm_runtime_get_default_memory(source->inst);
        if (wasm_memory_get_bytes_per_page(wm) != 65536) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s: WAMR shrank this memory to the part its module uses (it never grows it): it cannot be shared"),
                imp->module_name, imp->name);
        }
        pages = (uint32_t)wasm_memory_get_cur_page_count(wm);
        max_pages = (uint32_t)wasm_memory_get_max_page_count(wm);
        mem_has_max = max_pages < MAX_PAGES;
    }
    // The spec's import matching: at least the module's minimum, and within
    // its maximum if it declares one.
    if (pages < init || (has_max && (!mem_has_max || max_pages > max))) {
        char want[24], got[24];
        mp_wasm_limits_text(want, sizeof(want), NULL, init, max, has_max);
        mp_wasm_limits_text(got, sizeof(got), NULL, pages, max_pages, mem_has_max);
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s: the module imports memory of %s pages, the wasm.Memory has %s"),
            imp->module_name, imp->name, want, got);
    }
    if (source != NULL && *cap != 0) {
        // Its limit was set where it was created; one instance cannot lower it.
        mp_raise_ValueError(MP_ERROR_TEXT("max_pages cannot cap a memory shared with another instance"));
    }
    // The instance may grow it to the object's maximum, not the module's.
    if (mem_has_max && (*cap == 0 || max_pages < *cap)) {
        *cap = max_pages;
    }
}

uint32_t mp_wasm_memory_import_prepare(mp_obj_t mem_in, wasm_module_t module) {
    mp_obj_wasm_memory_t *mem = MP_OBJ_TO_PTR(mem_in);
    if (mem->instance != MP_OBJ_NULL) {
        // Shared: the instance gets the memory's data, and allocates none.
        mp_wasm_memory_share_next(((mp_obj_wasm_instance_t *)MP_OBJ_TO_PTR(mem->instance))->inst);
        return mp_wasm_module_memory_set_init(module, 0);
    }
    return mp_wasm_module_memory_set_init(module, mem->pages);
}

// Joins `inst` to the ring of the instances using `owner`'s memory.
static void join_group(mp_obj_wasm_instance_t *owner, mp_obj_wasm_instance_t *inst) {
    if (owner->memory_next == NULL) {
        owner->memory_next = owner;
    }
    inst->memory_next = owner->memory_next;
    owner->memory_next = inst;
}

void mp_wasm_memory_publish(mp_obj_wasm_instance_t *self) {
    for (mp_obj_wasm_instance_t *other = self->memory_next; other != self; other = other->memory_next) {
        mp_wasm_memory_share_copy(other->inst, self->inst);
    }
}

void mp_wasm_memory_leave_group(mp_obj_wasm_instance_t *inst, bool retarget) {
    mp_obj_wasm_instance_t *next = inst->memory_next;
    if (next == NULL) {
        return;
    }
    mp_obj_wasm_instance_t *prev = next;
    while (prev->memory_next != inst) {
        prev = prev->memory_next;
    }
    // The buffer stays with the instances still using it.
    if (mp_wasm_runtime_active() && inst->inst != NULL && next->inst != NULL) {
        mp_wasm_memory_share_hand_over(inst->inst, next->inst);
    }
    prev->memory_next = next;
    inst->memory_next = NULL;
    if (next->memory_next == next) {
        next->memory_next = NULL; // alone again
    }
    if (retarget && mp_obj_is_type(inst->memory, &mp_type_wasm_memory)) {
        mp_obj_wasm_memory_t *mem = MP_OBJ_TO_PTR(inst->memory);
        if (mem->instance == MP_OBJ_FROM_PTR(inst)) {
            mem->instance = MP_OBJ_FROM_PTR(next);
        }
    }
}

void mp_wasm_memory_import_bind(mp_obj_t mem_in, mp_obj_wasm_instance_t *inst) {
    mp_obj_wasm_memory_t *mem = MP_OBJ_TO_PTR(mem_in);
    if (mem->instance != MP_OBJ_NULL) {
        mp_obj_wasm_instance_t *owner = MP_OBJ_TO_PTR(mem->instance);
        if (!mp_wasm_memory_share_adopted(inst->inst)) {
            mp_raise_msg(&mp_type_wasm_link_error, MP_ERROR_TEXT("the imported memory could not be shared"));
        }
        join_group(owner, inst);
        inst->memory = mem_in;
        return;
    }
    wasm_memory_inst_t wm = wasm_runtime_get_default_memory(inst->inst);
    uint64_t now = wm != NULL ? wasm_memory_get_cur_page_count(wm) : 0;
    if (wm == NULL || (mem->pages > now && !wasm_memory_enlarge(wm, mem->pages - now))) {
        mp_raise_msg_varg(&mp_type_MemoryError,
            MP_ERROR_TEXT("WAMR pool too small for the imported memory's %u pages (largest free block %u bytes)"),
            (unsigned)mem->pages, (unsigned)mp_wasm_memory_largest_free());
    }
    mem->instance = MP_OBJ_FROM_PTR(inst);
    mem->imported = true;
    inst->memory = mem_in;
}

void mp_wasm_memory_import_unbind(mp_obj_t mem_in, mp_obj_wasm_instance_t *inst) {
    mp_obj_wasm_memory_t *mem = MP_OBJ_TO_PTR(mem_in);
    if (mem->imported && mem->instance == MP_OBJ_FROM_PTR(inst)) {
        mem->instance = MP_OBJ_NULL;
        mem->imported = false;
    }
}

static void memory_span(wasm_memory_inst_t mem, uint8_t **base, size_t *size) {
    *base = wasm_memory_get_base_address(mem);
    *size = (size_t)(wasm_memory_get_cur_page_count(mem) * wasm_memory_get_bytes_per_page(mem));
}

static mp_int_t wasm_memory_get_buffer(mp_obj_t self_in, mp_buffer_info_t *bufinfo, mp_uint_t flags) {
    (void)flags;
    uint8_t *base;
    size_t size;
    memory_span(memory_of(self_in), &base, &size);
    bufinfo->buf = base;
    bufinfo->len = size;
    bufinfo->typecode = 'B';
    return 0;
}

static mp_obj_t wasm_memory_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
    mp_obj_wasm_memory_t *self = MP_OBJ_TO_PTR(self_in);
    if (op == MP_UNARY_OP_LEN && self->instance == MP_OBJ_NULL) {
        return mp_obj_new_int_from_ull((uint64_t)self->pages * 65536);
    }
    if (op == MP_UNARY_OP_LEN) {
        uint8_t *base;
        size_t size;
        memory_span(memory_of(self_in), &base, &size);
        return mp_obj_new_int_from_uint(size);
    }
    return MP_OBJ_NULL;
}

static mp_obj_t wasm_memory_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
    if (value == MP_OBJ_NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm memory cannot shrink"));
    }
    uint8_t *base;
    size_t size;
    memory_span(memory_of(self_in), &base, &size);
    if (mp_obj_is_type(index, &mp_type_slice)) {
        mp_bound_slice_t slice;
        if (!mp_seq_get_fast_slice_indexes(size, index, &slice)) {
            mp_raise_NotImplementedError(MP_ERROR_TEXT("only slices with step 1 are supported"));
        }
        size_t len = slice.stop - slice.start;
        if (value == MP_OBJ_SENTINEL) {
            // Reading copies: a view would dangle once memory grows.
            return mp_obj_new_bytes(base + slice.start, len);
        }
        mp_buffer_info_t src;
        mp_get_buffer_raise(value, &src, MP_BUFFER_READ);
        if (src.len != len) {
            mp_raise_ValueError(MP_ERROR_TEXT("slice assignment must keep the memory size"));
        }
        memmove(base + slice.start, src.buf, len);
        return mp_const_none;
    }
    size_t i = mp_get_index(mp_obj_get_type(self_in), size, index, false);
    if (value == MP_OBJ_SENTINEL) {
        return MP_OBJ_NEW_SMALL_INT(base[i]);
    }
    mp_int_t byte = mp_obj_get_int(value);
    if (byte < 0 || byte > 255) {
        mp_raise_ValueError(MP_ERROR_TEXT("byte value out of range"));
    }
    base[i] = (uint8_t)byte;
    return mp_const_none;
}

static NORETURN void raise_grow_failed(mp_obj_t pages_in, uint64_t before, uint64_t max, const char *why) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 16, &print);
    mp_obj_print_helper(&print, pages_in, PRINT_STR);
    mp_wasm_raise_fmt(&mp_type_wasm_error, MP_ERROR_TEXT("cannot grow memory by %s pages (now %u, max %u)%s%s"),
        vstr_null_terminated_str(&vstr), (unsigned)before, (unsigned)max, why ? ": " : "", why ? why : "");
}

// grow(pages) -> previous size in pages
static mp_obj_t wasm_memory_grow(mp_obj_t self_in, mp_obj_t pages_in) {
    mp_obj_wasm_memory_t *self = MP_OBJ_TO_PTR(self_in);
    if (!mp_obj_is_int(pages_in)) {
        mp_raise_TypeError(MP_ERROR_TEXT("pages must be an int"));
    }
    if (mp_obj_int_sign(pages_in) < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("pages must be >= 0"));
    }
    if (self->instance == MP_OBJ_NULL) {
        // Not imported yet: only its size changes.
        uint32_t before = self->pages;
        if (!mp_obj_is_small_int(pages_in) || MP_OBJ_SMALL_INT_VALUE(pages_in) > (mp_int_t)(self->max_pages - before)) {
            raise_grow_failed(pages_in, before, self->max_pages, NULL);
        }
        self->pages += (uint32_t)MP_OBJ_SMALL_INT_VALUE(pages_in);
        return mp_obj_new_int_from_uint(before);
    }
    wasm_memory_inst_t mem = memory_of(self_in);
    uint64_t before = wasm_memory_get_cur_page_count(mem);
    uint64_t max = wasm_memory_get_max_page_count(mem);
    mp_obj_wasm_instance_t *inst = MP_OBJ_TO_PTR(((mp_obj_wasm_memory_t *)MP_OBJ_TO_PTR(self_in))->instance);
    inst->grow_failure = MP_WASM_GROW_OK;
    // WAMR takes 32 bits of the count: check the whole number here.
    bool fits = mp_obj_is_small_int(pages_in) && (uint64_t)MP_OBJ_SMALL_INT_VALUE(pages_in) <= max - before;
    if (!fits) {
        // Recorded as WAMR's hook would: memory_error names the limit.
        uint64_t wanted = mp_obj_is_small_int(pages_in) ? before + (uint64_t)MP_OBJ_SMALL_INT_VALUE(pages_in) : UINT32_MAX;
        inst->grow_failure = MP_WASM_GROW_CAP;
        inst->grow_failed_pages = wanted > UINT32_MAX ? UINT32_MAX : (uint32_t)wanted;
    }
    if (!fits || !wasm_memory_enlarge(mem, (uint64_t)MP_OBJ_SMALL_INT_VALUE(pages_in))) {
        // Below the maximum, memory ran out: say how much was left.
        bool no_room = inst->grow_failure == MP_WASM_GROW_POOL;
        raise_grow_failed(pages_in, before, max,
            no_room ? mp_obj_str_get_str(mp_wasm_instance_memory_error(inst)) : NULL);
    }
    if (inst->memory_next != NULL) {
        mp_wasm_memory_publish(inst); // it may have moved
    }
    return mp_obj_new_int_from_ull(before);
}
static MP_DEFINE_CONST_FUN_OBJ_2(wasm_memory_grow_obj, wasm_memory_grow);

static void wasm_memory_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_wasm_memory_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL && self->instance == MP_OBJ_NULL
        && (attr == MP_QSTR_pages || attr == MP_QSTR_max_pages)) {
        dest[0] = mp_obj_new_int_from_uint(attr == MP_QSTR_pages ? self->pages : self->max_pages);
        return;
    }
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_pages || attr == MP_QSTR_max_pages)) {
        wasm_memory_inst_t mem = memory_of(self_in);
        uint64_t n = attr == MP_QSTR_pages ? wasm_memory_get_cur_page_count(mem)
            : wasm_memory_get_max_page_count(mem);
        dest[0] = mp_obj_new_int_from_ull(n);
        return;
    }
    dest[1] = MP_OBJ_SENTINEL;
}

static const mp_rom_map_elem_t wasm_memory_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_grow), MP_ROM_PTR(&wasm_memory_grow_obj) },
};
static MP_DEFINE_CONST_DICT(wasm_memory_locals, wasm_memory_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_memory, MP_QSTR_Memory, MP_TYPE_FLAG_NONE,
    make_new, wasm_memory_make_new,
    unary_op, wasm_memory_unary_op,
    subscr, wasm_memory_subscr,
    buffer, wasm_memory_get_buffer,
    attr, wasm_memory_attr,
    locals_dict, &wasm_memory_locals
    );
