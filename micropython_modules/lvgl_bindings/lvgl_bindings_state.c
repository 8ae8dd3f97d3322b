// Per-instance state of the LVGL bindings: the handle table, which objects
// belong to which instance, the instance's root, and deleting everything
// an instance made when it is closed (or the display goes away).
//
// Every LVGL object's id slot holds its handle (display.h's object hooks
// see every creation and deletion): an object belongs to the instance of
// its parent, or, for screens and objects on shared parents, to the
// instance whose call created it. Deletion by anyone (the guest, LVGL
// itself, deinit) frees the handle, so a stale handle is always caught.

#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_private.h"

#define NO_INDEX (0xffff)
#define FIRST_CAP (32)

static lvb_state_t *states;          // live states
static lvb_state_t *current;         // whose call runs LVGL code now
static uint16_t last_tag;
static lv_obj_t *shared_screen;      // screen of apps shown in areas; fallback screen
static uint32_t shared_generation;

lvb_state_t *lvb_current(void) {
    return current;
}

void lvb_set_current(lvb_state_t *st) {
    current = st;
}

lvb_state_t *lvb_state_by_tag(uint32_t tag) {
    for (lvb_state_t *st = states; st != NULL; st = st->next) {
        if (st->tag == tag) {
            return st;
        }
    }
    return NULL;
}

uint32_t lvb_handle_of(lvb_state_t *st, uint16_t index) {
    return ((uint32_t)st->tag << LVB_TAG_SHIFT) | ((uint32_t)st->entries[index].gen << LVB_INDEX_BITS) | index;
}

lvb_entry_t *lvb_entry_of_handle(lvb_state_t *st, uint32_t handle) {
    if ((handle >> LVB_TAG_SHIFT) != st->tag) {
        return NULL;
    }
    uint32_t index = handle & (LVB_MAX_ENTRIES - 1);
    if (index >= st->cap) {
        return NULL;
    }
    lvb_entry_t *e = &st->entries[index];
    if (e->ptr == NULL || e->gen != ((handle >> LVB_INDEX_BITS) & ((1u << LVB_GEN_BITS) - 1))) {
        return NULL;
    }
    return e;
}

// --- The table ------------------------------------------------------------------------

static bool grow(lvb_state_t *st) {
    if (st->cap >= LVB_MAX_ENTRIES) {
        return false;
    }
    uint32_t cap = st->cap ? st->cap * 2 : FIRST_CAP;
    if (cap > LVB_MAX_ENTRIES) {
        cap = LVB_MAX_ENTRIES;
    }
    lvb_entry_t *e = lv_realloc(st->entries, cap * sizeof(lvb_entry_t));
    if (e == NULL) {
        return false;
    }
    memset(e + st->cap, 0, (cap - st->cap) * sizeof(lvb_entry_t));
    // New slots go to the end of the free list.
    for (uint32_t i = st->cap; i < cap; i++) {
        e[i].next_free = NO_INDEX;
        if (st->free_tail == NO_INDEX) {
            st->free_head = (uint16_t)i;
        } else {
            e[st->free_tail].next_free = (uint16_t)i;
        }
        st->free_tail = (uint16_t)i;
    }
    st->entries = e;
    st->cap = (uint16_t)(cap > 0xffff ? 0xffff : cap);
    return true;
}

// Index 0 is never handed out, so that no handle equals its tag alone.
static uint16_t try_new(lvb_state_t *st, lvb_kind_t kind, void *ptr, uint8_t flags) {
    if (st->free_head == NO_INDEX && !grow(st)) {
        return NO_INDEX;
    }
    uint16_t i = st->free_head;
    lvb_entry_t *e = &st->entries[i];
    st->free_head = e->next_free;
    if (st->free_head == NO_INDEX) {
        st->free_tail = NO_INDEX;
    }
    if (i == 0) {
        e->gen = 1;
        e->ptr = (void *)1;   // reserved forever
        return try_new(st, kind, ptr, flags);
    }
    e->ptr = ptr;
    e->side = NULL;
    e->user_data = 0;
    e->parent = 0;
    e->kind = (uint8_t)kind;
    e->flags = flags;
    e->next_free = NO_INDEX;
    st->used++;
    st->counts[kind]++;
    return i;
}

uint16_t lvb_entry_new(lvb_state_t *st, lvb_kind_t kind, void *ptr, uint8_t flags) {
    uint16_t i = try_new(st, kind, ptr, flags);
    if (i == NO_INDEX) {
        mp_display_raise_fmt(&mp_type_MemoryError, "lvgl: no room for another handle (%d in use)", st->used);
    }
    return i;
}

static void free_side(lvb_side_t *side) {
    while (side != NULL) {
        lvb_side_t *next = side->next;
        lv_free(side);
        side = next;
    }
}

void lvb_entry_free(lvb_state_t *st, uint16_t index) {
    lvb_entry_t *e = &st->entries[index];
    if (e->ptr == NULL) {
        return;
    }
    if (e->kind == LVB_ANIM && lvb_anim_stop(st, index)) {
        return;   // deleting the animation freed the entry
    }
    if (e->flags & LVB_DEPENDENTS) {
        e->flags &= ~LVB_DEPENDENTS;
        for (uint16_t i = 1; i < st->cap; i++) {
            if (st->entries[i].ptr != NULL && st->entries[i].parent == index + 1) {
                lvb_entry_free(st, i);
            }
        }
        e = &st->entries[index];
    }
    if (e->kind == LVB_OBJ && e->ptr == st->root) {
        st->root = NULL;
    }
    lvb_side_t *side = e->side;
    st->counts[e->kind]--;
    st->used--;
    e->ptr = NULL;
    e->side = NULL;
    e->kind = LVB_FREE;
    e->gen = (uint8_t)(e->gen + 1);
    e->next_free = NO_INDEX;
    if (st->free_tail == NO_INDEX) {
        st->free_head = index;
    } else {
        st->entries[st->free_tail].next_free = index;
    }
    st->free_tail = index;
    free_side(side);
}

int lvb_find(lvb_state_t *st, lvb_kind_t kind, const void *ptr) {
    if (ptr == NULL) {
        return -1;
    }
    for (uint16_t i = 1; i < st->cap; i++) {
        if (st->entries[i].ptr == ptr && st->entries[i].kind == kind) {
            return i;
        }
    }
    return -1;
}

lvb_entry_t *lvb_obj_entry(lvb_state_t *st, const lv_obj_t *obj) {
    if (obj == NULL || obj->id == NULL) {
        return NULL;
    }
    lvb_entry_t *e = lvb_entry_of_handle(st, (uint32_t)(uintptr_t)obj->id);
    return e != NULL && e->kind == LVB_OBJ && e->ptr == obj ? e : NULL;
}

void lvb_side_add(lvb_state_t *st, uint16_t index, lvb_side_t *side) {
    lvb_entry_t *e = &st->entries[index];
    side->next = e->side;
    e->side = side;
}

lvb_blob_t *lvb_blob_new(size_t size) {
    if (size + sizeof(lvb_blob_t) + lvb_reserve() > lvb_lvgl_free()) {
        mp_display_raise_fmt(&mp_type_MemoryError, "lvgl: no room for %u bytes in LVGL's memory "
            "(%u free, %u kept for drawing)", (unsigned)size, (unsigned)lvb_lvgl_free(), (unsigned)lvb_reserve());
    }
    lvb_blob_t *b = lv_malloc(sizeof(lvb_blob_t) + size);
    LV_ASSERT_MALLOC(b);
    b->side.next = NULL;
    b->side.type = LVB_SIDE_BLOB;
    b->side.tag = 0;
    b->size = size;
    b->hash = 0;
    memset(&b->dsc, 0, sizeof(b->dsc));
    return b;
}

void lvb_blob_set(lvb_state_t *st, uint16_t index, uint8_t tag, lvb_blob_t *blob) {
    lvb_entry_t *e = &st->entries[index];
    for (lvb_side_t **p = &e->side; *p != NULL; p = &(*p)->next) {
        if ((*p)->type == LVB_SIDE_BLOB && (*p)->tag == tag) {
            lvb_side_t *old = *p;
            *p = old->next;
            lv_free(old);
            break;
        }
    }
    if (blob != NULL) {
        blob->side.tag = tag;
        lvb_side_add(st, index, &blob->side);
    }
}

lvb_blob_t *lvb_blob_keep(lvb_state_t *st, uint16_t index, uint8_t tag, lvb_blob_t *blob) {
    for (lvb_side_t *s = st->entries[index].side; s != NULL; s = s->next) {
        lvb_blob_t *b = (lvb_blob_t *)s;
        if (s->type == LVB_SIDE_BLOB && s->tag == tag && b->size == blob->size && b->hash == blob->hash
            && memcmp(b->data, blob->data, b->size) == 0) {
            lv_free(blob);
            return b;
        }
    }
    blob->side.tag = tag;
    lvb_side_add(st, index, &blob->side);
    return blob;
}

// --- Object hooks -------------------------------------------------------------------------

static lvb_state_t *owner_of(const lv_obj_t *obj) {
    if (obj == NULL || obj->id == NULL) {
        return NULL;
    }
    uint32_t h = (uint32_t)(uintptr_t)obj->id;
    lvb_state_t *st = lvb_state_by_tag(h >> LVB_TAG_SHIFT);
    return st != NULL && lvb_obj_entry(st, obj) != NULL ? st : NULL;
}

static void obj_created(lv_obj_t *obj) {
    lvb_state_t *st = owner_of(obj->parent);
    if (st == NULL) {
        st = current;
    }
    if (st == NULL || st->closing) {
        return;
    }
    // Made by LVGL for a widget unless the call that made it returns it.
    uint16_t i = try_new(st, LVB_OBJ, obj, LVB_PART);
    if (i != NO_INDEX) {
        obj->id = (void *)(uintptr_t)lvb_handle_of(st, i);
    }
}

static void obj_deleted(lv_obj_t *obj) {
    lvb_state_t *st = owner_of(obj);
    if (st != NULL) {
        lvb_entry_free(st, (uint16_t)((uintptr_t)obj->id & (LVB_MAX_ENTRIES - 1)));
    }
}

// --- Roots -------------------------------------------------------------------------------

// A screen of no instance: shows the apps placed in areas, and is what the
// display shows when an app's active screen goes away.
lv_obj_t *lvb_shared_screen(void) {
    if (shared_screen == NULL || shared_generation != mp_display_generation()) {
        lvb_state_t *saved = current;
        current = NULL;
        shared_screen = lv_obj_create(NULL);
        current = saved;
        shared_generation = mp_display_generation();
    }
    return shared_screen;
}

lv_obj_t *lvb_root(lvb_state_t *st) {
    if (st->root != NULL) {
        return st->root;
    }
    lv_obj_t *root;
    lvb_state_t *saved = current;
    current = st;
    if (st->in_area) {
        lv_obj_t *scr = lvb_shared_screen();
        root = lv_obj_create(scr);
        lv_obj_remove_style_all(root);
        lv_obj_set_pos(root, st->area.x1, st->area.y1);
        lv_obj_set_size(root, lv_area_get_width(&st->area), lv_area_get_height(&st->area));
        lv_obj_set_style_bg_opa(root, LV_OPA_COVER, 0);
        lv_obj_set_style_bg_color(root, lv_obj_get_style_bg_color(scr, 0), 0);
        lv_obj_set_style_clip_corner(root, true, 0);
    } else {
        root = lv_obj_create(NULL);
        lv_screen_load(root);
    }
    current = saved;
    lvb_entry_t *e = lvb_obj_entry(st, root);
    if (e == NULL) {
        lv_obj_delete(root);
        mp_display_raise(&mp_type_MemoryError, "lvgl: no room for the app's screen");
    }
    e->flags = LVB_ROOT;
    st->root = root;
    return root;
}

// --- States ------------------------------------------------------------------------------

static void hooks_before_deinit(void);
static void hooks_before_timers(void);
static void hooks_after_timers(void);

static mp_display_obj_hooks_t hooks = {
    .created = obj_created,
    .deleted = obj_deleted,
    .before_deinit = hooks_before_deinit,
    .before_timers = hooks_before_timers,
    .after_timers = hooks_after_timers,
};

static uint16_t new_tag(void) {
    for (;;) {
        last_tag = last_tag >= LVB_MAX_TAG ? 1 : last_tag + 1;
        if (lvb_state_by_tag(last_tag) == NULL) {
            return last_tag;
        }
    }
}

lvb_state_t *lvb_state_of(mp_obj_wasm_instance_t *inst) {
    if (inst->lvgl != NULL && inst->lvgl_generation == mp_display_generation()) {
        return inst->lvgl;
    }
    mp_display_add_hooks(&hooks);
    lvb_state_t *st = lv_malloc_zeroed(sizeof(lvb_state_t));
    LV_ASSERT_MALLOC(st);
    st->inst = inst;
    st->free_head = st->free_tail = NO_INDEX;
    st->tag = new_tag();
    st->next = states;
    states = st;
    inst->lvgl = st;
    inst->lvgl_generation = mp_display_generation();
    return st;
}

static void unlink_state(lvb_state_t *st) {
    for (lvb_state_t **p = &states; *p != NULL; p = &(*p)->next) {
        if (*p == st) {
            *p = st->next;
            return;
        }
    }
}

// The topmost objects of `st`: those whose parent is not its own.
static int find_top_object(lvb_state_t *st) {
    for (uint16_t i = 1; i < st->cap; i++) {
        lvb_entry_t *e = &st->entries[i];
        if (e->kind == LVB_OBJ && e->ptr != NULL && lvb_obj_entry(st, ((lv_obj_t *)e->ptr)->parent) == NULL) {
            return i;
        }
    }
    return -1;
}

void lvb_instance_delete_all(lvb_state_t *st) {
    st->closing = true;
    lvb_anims_delete_all(st);
    lvb_timers_delete_all(st);
    lv_display_t *disp = mp_display_lv_display();
    // Each deletion frees the entries of the object and its children.
    for (uint32_t guard = 0; guard < LVB_MAX_ENTRIES; guard++) {
        int i = find_top_object(st);
        if (i < 0) {
            break;
        }
        lv_obj_t *obj = st->entries[i].ptr;
        if (obj->parent == NULL && disp != NULL && lv_display_get_screen_active(disp) == obj) {
            lv_screen_load(lvb_shared_screen());
        }
        lv_obj_delete(obj);
        if (st->entries[i].ptr == obj) {
            lvb_entry_free(st, (uint16_t)i);   // LVGL kept it (being deleted already)
        }
    }
    for (uint16_t i = 1; i < st->cap; i++) {
        lvb_entry_t *e = &st->entries[i];
        if (e->ptr == NULL) {
            continue;
        }
        if (e->kind == LVB_GROUP) {
            lv_group_delete(e->ptr);
        } else if (e->kind == LVB_STYLE && !(e->flags & LVB_BORROWED)) {
            lv_style_reset(e->ptr);
            lv_free(e->ptr);
        }
        lvb_entry_free(st, i);
    }
    unlink_state(st);
    lv_free(st->entries);
    lv_free(st);
}

// Never raises: an instance closes whatever LVGL says.
void mp_wasm_lvgl_release(mp_obj_wasm_instance_t *inst) {
    lvb_state_t *st = inst->lvgl;
    inst->lvgl = NULL;
    if (st == NULL || !mp_display_active() || inst->lvgl_generation != mp_display_generation()) {
        return;   // LVGL (and with it the state) went away with its pool
    }
    st->inst = NULL;
    st->closing = true;
    if (mp_display_inside()) {
        return;   // LVGL is busy under us: hooks_before_timers() finishes it
    }
    mp_display_enter();
    mp_display_state_t lvgl_state;
    mp_display_save(&lvgl_state);
    lvb_state_t *saved = current;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        lvb_instance_delete_all(st);
        nlr_pop();
    } else {
        unlink_state(st);
        mp_display_restore(&lvgl_state);
        mp_printf(&mp_plat_print, "lvgl: closing an instance: ");
        mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(nlr.ret_val));
    }
    current = saved;
    mp_display_exit();
}

// Inside LVGL at the start of a timer run: instances closed while LVGL was
// busy are deleted now.
static void hooks_before_timers(void) {
    if (mp_display_nested()) {
        return;
    }
    for (lvb_state_t *st = states; st != NULL;) {
        lvb_state_t *next = st->next;
        if (st->inst == NULL) {
            lvb_instance_delete_all(st);
        }
        st = next;
    }
}

// display.task_handler(): the first exception a callback left.
static void hooks_after_timers(void) {
    for (lvb_state_t *st = states; st != NULL; st = st->next) {
        mp_obj_wasm_instance_t *inst = st->inst;
        if (inst != NULL && inst->deferred_exc != MP_OBJ_NULL) {
            mp_obj_t exc = inst->deferred_exc;
            inst->deferred_exc = MP_OBJ_NULL;
            st->failed = false;
            nlr_raise(exc);
        }
    }
}

// lv_deinit() deletes every object, timer and animation and then resets
// the pool the states live in: they only need forgetting. Instances notice
// by the display's generation. (Also at soft reset: touches no GC object.)
static void hooks_before_deinit(void) {
    for (lvb_state_t *st = states; st != NULL; st = st->next) {
        st->closing = true;
    }
    states = NULL;
    current = NULL;
    shared_screen = NULL;
}
