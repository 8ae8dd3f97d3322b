"""Guests that delete things from callbacks LVGL runs in the middle of its
own work (guest/apps/ui_reentry.c). Run on the ASan build too (make
test-asan): before the fixes these were use-after-free or endless loops."""

import pytest

PRELUDE = """
import wasm, display
display.init()
g = wasm.Instance(wasm.Module.load(GUEST + '/ui_reentry.wasm'), heap=0)
e = g.exports
def attempt(fn, *args):
    try:
        print('ok', fn(*args))
    except Exception as ex:
        print(type(ex).__name__, ex)
def still_fine():
    for i in range(3):
        display.task_handler()
    print('alive', e.tree_alive())
"""

# lv_anim_start() of an early-applied animation calls its get_value, path
# and exec callbacks before it returns: the guest deletes the animation
# from each (lv_anim_delete of its var, deleting the animated object,
# lv_anim_delete_all, or starting a replacement for the same var and
# callback). The animation ends there: lv_anim_start() returns NULL, no
# later callback runs, its deleted callback runs once (not when the
# object's deletion took it: its handle is gone with the object).
BY_ANIM_DELETE, BY_OBJ_DELETE, BY_DELETE_ALL, BY_RESTART = range(4)
ANIM_CASES = [
    # phase, how, lv_anim_start's result, deleted calls, exec calls, animations left
    (0, BY_ANIM_DELETE, 0, 1, 0, 0),
    (1, BY_ANIM_DELETE, 0, 1, 0, 0),
    (2, BY_ANIM_DELETE, 0, 1, 1, 0),
    (0, BY_OBJ_DELETE, 0, 0, 0, 0),
    (1, BY_OBJ_DELETE, 0, 0, 0, 0),
    (2, BY_OBJ_DELETE, 0, 0, 1, 0),
    (0, BY_DELETE_ALL, 0, 1, 0, 0),
    (1, BY_DELETE_ALL, 0, 1, 0, 0),
    (2, BY_DELETE_ALL, 0, 1, 1, 0),
    (0, BY_RESTART, 0, 1, 1, 1),
    (1, BY_RESTART, 0, 1, 1, 1),
    (2, BY_RESTART, 0, 1, 2, 1),
]


@pytest.mark.parametrize("phase, how, started, deleted, execs, left", ANIM_CASES,
                         ids=[f"{('get_value', 'path', 'exec')[c[0]]}-"
                              f"{('anim_delete', 'obj_delete', 'delete_all', 'restart')[c[1]]}"
                              for c in ANIM_CASES])
def test_animation_deleted_inside_its_own_start(fw, phase, how, started, deleted, execs, left):
    out = fw.lines(PRELUDE + f"""
attempt(e.anim_delete_inside_start, {phase}, {how})
print(e.anim_deleted_calls(), e.anim_exec_calls(), e.anims_running(), display.app_info(g)['animations'])
still_fine()
""")
    assert out[0] == f"ok {started}"
    assert out[1] == f"{deleted} {execs} {left} {left}"
    assert out[-1] == "alive 10"


# A parent (flex column) with two buttons in one group, the first focused.
# tree_attack(code, on, victim, act, action): a callback for event `code`
# on `on` deletes / cleans / re-parents `victim` (0 the parent, 1 the
# focused child, 2 the other child, 3 the screen) while the guest does
# `action`: 0 delete the focused child (LVGL moves the focus from its
# destructor: FOCUSED to the other; then CHILD_CHANGED, CHILD_DELETED to
# the parent; the child's own DEFOCUSED reaches no callback: they are gone), 1 clean the parent, 2 resize the parent
# and lay it out (SIZE_CHANGED, LAYOUT_CHANGED), 3 restyle the parent
# (STYLE_CHANGED). LVGL goes on with the objects after sending each of
# these: the guest's call traps, naming the event; LVGL's own work ends.
PARENT, CHILD, OTHER, SCREEN = range(4)
DELETE, CLEAN, SET_PARENT = range(3)
EVENTS = {"FOCUSED": 19, "CHILD_CHANGED": 43, "CHILD_DELETED": 45,
          "SIZE_CHANGED": 50, "STYLE_CHANGED": 51, "LAYOUT_CHANGED": 52}
CALLS = ("lv_obj_delete", "lv_obj_clean", "lv_obj_set_parent")
TREE_CASES = [
    # event, on, victim, act, action
    ("FOCUSED", OTHER, PARENT, DELETE, 0),       # before: endless loop (the child is deleting)
    ("FOCUSED", OTHER, SCREEN, DELETE, 0),
    ("FOCUSED", OTHER, PARENT, CLEAN, 0),
    ("FOCUSED", OTHER, OTHER, SET_PARENT, 0),
    ("CHILD_CHANGED", PARENT, PARENT, DELETE, 0),
    ("CHILD_CHANGED", PARENT, PARENT, DELETE, 1),
    ("CHILD_DELETED", PARENT, PARENT, DELETE, 0),
    ("CHILD_DELETED", PARENT, SCREEN, DELETE, 1),
    ("SIZE_CHANGED", PARENT, PARENT, DELETE, 2),
    ("SIZE_CHANGED", PARENT, CHILD, SET_PARENT, 2),
    ("LAYOUT_CHANGED", PARENT, PARENT, DELETE, 2),
    ("LAYOUT_CHANGED", PARENT, PARENT, CLEAN, 2),
    ("STYLE_CHANGED", PARENT, PARENT, DELETE, 3),
    ("STYLE_CHANGED", PARENT, OTHER, SET_PARENT, 3),
]


@pytest.mark.parametrize("event, on, victim, act, action", TREE_CASES,
                         ids=[f"{c[0]}-{CALLS[c[3]]}-{('parent', 'child', 'other', 'screen')[c[2]]}-{c[4]}"
                              for c in TREE_CASES])
def test_tree_changes_inside_events_lvgl_sends_while_it_works(fw, event, on, victim, act, action):
    out = fw.lines(PRELUDE + f"""
attempt(e.tree_attack, {EVENTS[event]}, {on}, {victim}, {act}, {action})
still_fine()
""", timeout=20)
    assert out[0] == (f"Trap lvgl: {CALLS[act]}(): objects cannot be deleted or moved inside an "
                      f"LV_EVENT_{event} callback (LVGL is changing the object tree): use lv_obj_delete_async")
    assert out[-1] == "alive 10"


def test_delete_async_inside_such_an_event(fw):
    # lv_obj_delete_async is the way: the parent goes at the next timer run.
    out = fw.lines(PRELUDE + f"""
e.tree_async({EVENTS['FOCUSED']})
print(display.app_info(g)['objects'])
still_fine()
print(display.app_info(g)['objects'])
""")
    assert out == ["3", "alive 10", "1"]


IMAGE_VFS = """
import os, struct
HEADER = struct.pack("<BBHHHHH", 0x19, 0x12, 0, 3, 2, 6, 0)   # RGB565, 3x2, stride 6
class Vfs:
    # A user VFS whose stat() deletes the image and list through the guest.
    def mount(self, readonly, mkfs): pass
    def umount(self): pass
    def stat(self, path):
        if path == '/':
            return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        print('stat', path)
        attempt(e.img_delete)
        return (0x8000, 0, 0, 0, 0, 0, len(HEADER) + 12, 0, 0, 0)
    def open(self, path, mode):
        import io
        return io.BytesIO(HEADER + bytes(12))
os.mount(Vfs(), '/vfs')
g.close()
g = wasm.Instance(wasm.Module.load(GUEST + '/ui_reentry.wasm'), heap=0,
                  wasi=wasm.WASI(preopens={'/data': '/vfs'}))
e = g.exports
buf = e.img_setup()
g.memory[buf:buf + 14] = b'/data/img.bin\\0'
"""


@pytest.mark.parametrize("call", ["img_set", "img_style", "img_list"])
def test_image_path_whose_vfs_deletes_the_object(fw, call):
    # Loading the image runs Python (the VFS), which may delete the object
    # the call was given: handles are resolved after the load.
    out = fw.lines(PRELUDE + IMAGE_VFS + f"""
attempt(e.{call})
print(display.app_info(g)['objects'])
still_fine()
""")
    assert out[0] == "stat /img.bin"
    assert out[1] == "ok None"
    assert out[2].startswith(f"Trap lvgl: {dict(img_set='lv_image_set_src', img_style='lv_obj_set_style_bg_image_src', img_list='lv_list_add_button')[call]}(): argument 1: stale object handle")
    assert out[-1] == "alive 10"
