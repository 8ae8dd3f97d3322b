"""Every generated host function that takes numbers, called with extreme
values (the generated guests lvgl_fuzz_N, tools/lvgl_bindings/emit_calls.py):
each call returns or traps the guest with an `lvgl:` message, never crashes
the firmware; afterwards LVGL still draws and closing the guests gives
LVGL's pool back. (Drawing after every call finds more, but takes minutes:
run by hand.)"""

SCRIPT = """
import wasm, display, gc
display.init()
VALUES = (0, -1, 65536, 0x7FFFFFFF, -0x80000000)
def settle():
    gc.collect()
    for i in range(3):
        display.task_handler()
# Each guest draws its objects once first: LVGL's caches and layer
# buffers stay allocated.
for part in range(4):
    mod = wasm.Module.load(GUEST + '/lvgl_fuzz_%d.wasm' % part)
    warm = wasm.Instance(mod, heap=0)
    warm.exports.fuzz_setup()
    warm.exports.fuzz_draw()
    warm.close()
    mod.close()
settle()
base = display.mem_info()[1]
calls = 0
outcomes = {}
bad = []
for part in range(4):
    mod = wasm.Module.load(GUEST + '/lvgl_fuzz_%d.wasm' % part)
    inst = wasm.Instance(mod, heap=0)
    for i in range(inst.exports.fuzz_count()):
        for v in VALUES:
            inst.exports.fuzz_setup()
            calls += 1
            try:
                inst.exports.fuzz(i, v)
                kind = 'ok'
            except Exception as e:
                kind = type(e).__name__
                if kind not in ('Trap', 'MemoryError') or not str(e).startswith('lvgl: '):
                    bad.append((part, i, v, kind, str(e)))
            outcomes[kind] = outcomes.get(kind, 0) + 1
    inst.exports.fuzz_draw()
    display.task_handler()
    display.screenshot('part%d.png' % part)
    inst.close()
    mod.close()
settle()
print('calls', calls)
print('outcomes', sorted(outcomes))
print('traps', outcomes.get('Trap', 0) > 100)
print('bad', bad)
print('pool back', display.mem_info()[1] == base, base - display.mem_info()[1])
"""


def test_extreme_numbers_trap_or_work_and_lvgl_survives(fw, guest_dir):
    out = [line for line in fw.lines(SCRIPT, timeout=600) if not line.startswith("lvgl: ")]
    calls = int(out[0].split()[1])
    assert calls >= 5 * 600
    assert out[1] in ("outcomes ['Trap', 'ok']", "outcomes ['MemoryError', 'Trap', 'ok']")
    assert out[2:] == ["traps True", "bad []", "pool back True 0"]
    for part in range(4):
        png = (fw.workdir / f"part{part}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
