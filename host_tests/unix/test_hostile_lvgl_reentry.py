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
