// One linear memory in several instances (wasm_memory_obj.c). WAMR 2.4 keeps
// each instance's memory descriptor inside the instance (AOT code reads it
// at a fixed offset), so instances share a memory by sharing its buffer:
// each importer's descriptor is pointed at the exporter's data while it is
// created (WAMR patch 0099's hook, before data segments are written), and
// whenever one instance's guest code stops running, the descriptor it may
// have changed (memory.grow moves and resizes the data) is copied to the
// others. Exactly one instance owns the buffer (WAMR frees it with that
// instance); the others have data_borrowed set. Compiled into libwamr
// because the descriptor is internal to WAMR.

#include <stddef.h>
#include <string.h>

#include "wasm_export.h"
#include "wasm_runtime.h"
#include "wasm_memory.h"

// The instance whose memory the next instantiation imports (NULL: none).
static wasm_module_inst_t share_source;

static WASMMemoryInstance *memory_0(wasm_module_inst_t module_inst) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    return inst->memory_count > 0 ? inst->memories[0] : NULL;
}

// Everything from the page size on: sizes, data and heap addresses, the
// AOT bound checks. The heap handle and lock in between are NULL in every
// sharing instance (no app heap, no shared-memory build).
#define VIEW_START offsetof(WASMMemoryInstance, num_bytes_per_page)

static void copy_view(WASMMemoryInstance *dst, const WASMMemoryInstance *src) {
    memcpy((uint8 *)dst + VIEW_START, (const uint8 *)src + VIEW_START, sizeof(WASMMemoryInstance) - VIEW_START);
}

// Patch 0099's hook: the new instance's imported memory becomes the
// source's. What WAMR allocated for it (nothing when created at 0 pages)
// is freed first.
static void adopt_shared(WASMModuleInstanceCommon *module_inst, WASMMemoryInstance *memory) {
    (void)module_inst;
    WASMMemoryInstance *src = share_source != NULL ? memory_0(share_source) : NULL;
    if (src == NULL || memory->heap_handle != NULL) {
        return;
    }
    if (memory->memory_data != NULL && !memory->data_borrowed) {
        wasm_deallocate_linear_memory(memory);
    }
    copy_view(memory, src);
    memory->data_borrowed = 1;
}

void mp_wasm_memory_share_init(void) {
    wasm_runtime_set_import_memory_hook(adopt_shared);
}

void mp_wasm_memory_share_next(wasm_module_inst_t source) {
    share_source = source;
}

bool mp_wasm_memory_share_adopted(wasm_module_inst_t module_inst) {
    WASMMemoryInstance *memory = memory_0(module_inst);
    return memory != NULL && memory->data_borrowed;
}

// WAMR's app heap (Instance(heap=N)) lives in linear memory, and only its
// own instance moves it along when the memory grows: such a memory is not
// shared.
bool mp_wasm_memory_share_has_heap(wasm_module_inst_t module_inst) {
    WASMMemoryInstance *memory = memory_0(module_inst);
    return memory != NULL && memory->heap_handle != NULL;
}

void mp_wasm_memory_share_copy(wasm_module_inst_t dst, wasm_module_inst_t src) {
    WASMMemoryInstance *to = memory_0(dst), *from = memory_0(src);
    if (to != NULL && from != NULL && to != from) {
        copy_view(to, from);
    }
}

// `from` is closing while `to` still uses the memory: `to` owns the buffer
// from now on (its descriptor is current: copied when guest code last
// stopped), and `from`'s deinstantiation leaves it.
void mp_wasm_memory_share_hand_over(wasm_module_inst_t from, wasm_module_inst_t to) {
    WASMMemoryInstance *old_owner = memory_0(from), *new_owner = memory_0(to);
    if (old_owner == NULL || new_owner == NULL) {
        return;
    }
    if (!old_owner->data_borrowed) {
        new_owner->data_borrowed = 0;
    }
    old_owner->data_borrowed = 1;
}
