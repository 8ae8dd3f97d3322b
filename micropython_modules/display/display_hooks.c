// Code that runs when LVGL creates or deletes any object, and around init
// and deinit. LVGL calls lv_obj_assign_id() from every object's constructor
// and lv_obj_free_id() from its destructor (lv_conf: LV_USE_OBJ_ID with
// LV_OBJ_ID_AUTO_ASSIGN and our own id functions), so this sees every
// object, including those deleted by lv_deinit() at deinit or soft reset.
// The object's `id` slot is left to the hooks' owner.

#include <stddef.h>

#include "display.h"
#include "display_internal.h"

#include "lvgl_private.h"

static mp_display_obj_hooks_t *hooks_head;

void mp_display_add_hooks(mp_display_obj_hooks_t *hooks) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h == hooks) {
            return;
        }
    }
    hooks->next = hooks_head;
    hooks_head = hooks;
}

void mp_display_remove_hooks(mp_display_obj_hooks_t *hooks) {
    for (mp_display_obj_hooks_t **p = &hooks_head; *p != NULL; p = &(*p)->next) {
        if (*p == hooks) {
            *p = hooks->next;
            hooks->next = NULL;
            return;
        }
    }
}

void mp_display_hooks_after_init(void) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->after_init != NULL) {
            h->after_init();
        }
    }
}

void mp_display_hooks_before_timers(void) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->before_timers != NULL) {
            h->before_timers();
        }
    }
}

void mp_display_hooks_after_timers(void) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->after_timers != NULL) {
            h->after_timers();
        }
    }
}

void mp_display_hooks_before_deinit(void) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->before_deinit != NULL) {
            h->before_deinit();
        }
    }
}

// --- LVGL's object id functions (LV_USE_OBJ_ID_BUILTIN 0) -------------------------

void lv_obj_assign_id(const lv_obj_class_t *class_p, lv_obj_t *obj) {
    (void)class_p;
    obj->id = NULL;
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->created != NULL) {
            h->created(obj);
        }
    }
}

void lv_obj_free_id(lv_obj_t *obj) {
    for (mp_display_obj_hooks_t *h = hooks_head; h != NULL; h = h->next) {
        if (h->deleted != NULL) {
            h->deleted(obj);
        }
    }
    obj->id = NULL;
}

// Not a deletion: only the slot changes (LVGL's builtin version would call
// lv_obj_free_id() here, which would look like one to the hooks).
void lv_obj_set_id(lv_obj_t *obj, void *id) {
    obj->id = id;
}

int lv_obj_id_compare(const void *id1, const void *id2) {
    return id1 == id2 ? 0 : 1;
}

const char *lv_obj_stringify_id(lv_obj_t *obj, char *buf, uint32_t len) {
    if (obj == NULL || obj->class_p == NULL || buf == NULL) {
        return NULL;
    }
    const char *name = obj->class_p->name != NULL ? obj->class_p->name : "obj";
    lv_snprintf(buf, len, "%s@%p", name, (void *)obj);
    return buf;
}
