"""The benchmark results (scripts/bench.py) as a Markdown report and a PNG
chart (matplotlib)."""

from . import bench_programs

LABELS = {
    "native": "native C (gcc -O2)",
    "aot": "WAMR AOT",
    "xip": "WAMR XIP AOT",
    "fast": "WAMR fast interpreter",
    "classic": "WAMR classic interpreter",
    "wasm3": "wasm3 (pywasm3)",
    "viper": "MicroPython @viper",
    "emit_native": "MicroPython @native",
    "bytecode": "MicroPython bytecode",
}
CALLS = (
    ("export_nop", "Python -> export, no-op `nop()`"),
    ("export_add", "Python -> export `add(1, 2)`"),
    ("import_py", "guest -> Python import `nop()`"),
    ("import_py_add", "guest -> Python import `add(a, b)`"),
    ("import_native", "guest -> native import `mp.random_bytes(p, 0)`"),
)


def label(mode):
    return LABELS.get(mode, mode)


def _fmt(value, unit):
    if value != value:
        return "n/a"
    if unit == "instructions":
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def kernel_table(summary, title):
    unit = summary["unit"]
    kernels = summary["kernels"]
    names = list(kernels)
    # Every mode that ran; a mode whose kernels all took less than a clock
    # tick (tiny runs) has no ratio.
    modes = list(summary["geomean_vs_native"])
    modes += [m for k in names for m in kernels[k] if m not in modes]
    modes = list(dict.fromkeys(modes))
    lines = [f"#### {title}", "",
             f"| mode | {' | '.join(names)} | geomean vs native |",
             "|---|" + "---|" * (len(names) + 1)]
    for mode in modes:
        cells = [_fmt(kernels[k][mode]["median"], unit) if mode in kernels[k] else "-" for k in names]
        ratio = summary["geomean_vs_native"].get(mode)
        lines.append(f"| {label(mode)} | {' | '.join(cells)} | {f'{ratio:.2f}x' if ratio else '-'} |")
    checks = {k: next(iter(v.values()))["checksum"][0] for k, v in kernels.items() if v}
    lines += ["", f"Cells: median {unit} per kernel call. Checksums (equal in every mode): "
              + ", ".join(f"{k} {c:#010x}" for k, c in checks.items()) + ".", ""]
    return lines


def calls_table(summary, valgrind=None):
    unit = "ns" if summary["unit"] == "ms" else "instructions"
    scale = 1e6 if summary["unit"] == "ms" else 1
    calls = summary["calls"]
    builtin = calls.get("python/builtin")
    modes = [m for m in ("fast", "classic", "aot", "xip") if any(k.startswith(m + "/") for k in calls)]
    head = f"| crossing ({unit} per loop iteration, loop included) | " + " | ".join(label(m) for m in modes)
    lines = [head + (" | valgrind instructions (fast) |" if valgrind else " |"),
             "|---|" + "---|" * (len(modes) + (1 if valgrind else 0))]
    if builtin is not None:
        vg = valgrind or {}
        lines.append(f"| empty Python loop `for _ in range(n): pass` | "
                     + " | ".join(_fmt(calls.get('python/empty', float('nan')) * scale, unit) for _ in modes)
                     + (f" | {_fmt(vg.get('empty', float('nan')), 'instructions')} |" if valgrind else " |"))
        lines.append(f"| Python call to a C builtin `abs(1)` (the yardstick) | "
                     + " | ".join(_fmt(builtin * scale, unit) for _ in modes)
                     + (f" | {_fmt(vg.get('builtin', float('nan')), 'instructions')} |" if valgrind else " |"))
        lines.append(f"| Python call to a Python function | "
                     + " | ".join(_fmt(calls.get('python/python', float('nan')) * scale, unit) for _ in modes)
                     + (f" | {_fmt(vg.get('python', float('nan')), 'instructions')} |" if valgrind else " |"))
    for what, text in CALLS:
        cells = []
        for mode in modes:
            v = calls.get(f"{mode}/{what}")
            if v is None:
                cells.append("-")
            elif builtin:
                cells.append(f"{_fmt(v * scale, unit)} ({v / builtin:.1f}x)")
            else:
                cells.append(_fmt(v * scale, unit))
        extra = ""
        if valgrind:
            extra = f" {_fmt(valgrind.get(what, float('nan')), 'instructions')} |"
        lines.append(f"| {text} | {' | '.join(cells)} |{extra}")
    return lines + [""]


def load_table(summary):
    unit = "µs" if summary["unit"] == "ms" else "instructions"
    scale = 1000 if summary["unit"] == "ms" else 1
    lines = [f"| mode | module file | load + instantiate ({unit}) | pool: module | pool: instance | module pool / file size |",
             "|---|---|---|---|---|---|"]
    for mode, e in summary["load"].items():
        size = e["module_bytes"]
        if e.get("does_not_fit"):
            lines.append(f"| {label(mode)} | {size:,} B | does not fit in the pool: {e['does_not_fit']} | | | |")
            continue
        ratio = f"{e['pool_module'] / size:.2f}x" if size else "-"
        lines.append(f"| {label(mode)} | {size:,} B | {_fmt(e['median'] * scale, unit)} | "
                     f"{e['pool_module']:,} B | {e['pool_instance']:,} B | {ratio} |")
    return lines + [""]


def markdown(results):
    meta = results["meta"]
    lines = [f"### Benchmark results ({meta['profile']} profile, {meta['date']}, "
             f"commit {meta['commit'][:10]}{' + changes' if meta['dirty'] else ''})", ""]
    lines += ["#### Targets", "", "| target | this run | limit | | rounds |", "|---|---|---|---|---|"]
    for t in results["targets"]:
        value = f"{t['value']:.2f}" if t["unit"] == "x" else f"{t['value']:.1f}"
        rounds = ", ".join(f"{v:.2f}" for v in t.get("rounds", ()))
        lines.append(f"| {t['target']} | {value} | {t['limit']} | {'met' if t['ok'] else '**missed**'} "
                     f"| {rounds} |")
    lines.append("")
    unix = results["unix"]
    lines += kernel_table(unix, "unix (x86-64): wall clock, ms per call")
    vg = results.get("valgrind", {}).get("instructions_per_call")
    lines += ["#### unix: call overheads", ""] + calls_table(unix, vg)
    lines += ["#### unix: load + instantiate `bench_big.wasm`", ""] + load_table(unix)
    for board, summary in results.get("boards", {}).items():
        lines += kernel_table(summary, f"{board}: instructions per call (QEMU -icount)")
        lines += [f"#### {board}: call overheads", ""] + calls_table(summary)
        lines += [f"#### {board}: load + instantiate `bench_big`", ""] + load_table(summary)
    if results.get("programs"):
        lines += bench_programs.table(results["programs"])
    if results.get("flash"):
        lines += ["#### Flash cost (linker map)", "",
                  "| firmware | WAMR | `wasm` module | total |", "|---|---|---|---|"]
        for board, f in results["flash"].items():
            lines.append(f"| {board} ({f['interp']}) | {f['wamr']:,} B | {f['module']:,} B | "
                         f"{f['total']:,} B ({f['total'] / 1024:.1f} KB) |")
        lines.append("")
    display = results.get("display")
    if display:
        lines += ["#### LVGL render benchmark (display-bench)", "",
                  f"unix: {display['unix']['fps']} fps; {display['emulated']['board']}: "
                  f"{display['emulated']['instructions_per_frame']:,} instructions per frame", ""]
    if results.get("problems"):
        lines += ["#### Problems", ""] + [f"- {p}" for p in results["problems"]] + [""]
    return "\n".join(lines) + "\n"


def chart(results, path):
    """Geomean time (or instructions) relative to native, per mode and target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = [("unix (time)", results["unix"])]
    targets += [(f"{b} (instructions)", s) for b, s in results.get("boards", {}).items()]
    modes = [m for m in LABELS if any(m in s["geomean_vs_native"] for _, s in targets)]
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=100)
    width = 0.8 / len(targets)
    for i, (name, summary) in enumerate(targets):
        values = [summary["geomean_vs_native"].get(m, 0) for m in modes]
        xs = [j + (i - (len(targets) - 1) / 2) * width for j in range(len(modes))]
        bars = ax.bar(xs, values, width, label=name)
        for x, v in zip(xs, values):
            if v:
                ax.text(x, v * 1.05, f"{v:.1f}" if v < 100 else f"{v:.0f}", ha="center",
                        va="bottom", fontsize=7, rotation=90)
        del bars
    ax.set_yscale("log")
    ax.set_xticks(range(len(modes)))
    ax.set_xticklabels([label(m).replace(" ", "\n", 1) for m in modes], fontsize=8)
    ax.set_ylabel("geomean of 6 kernels, relative to native C (log)")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_title("Kernel suite: cost relative to native C (lower is faster)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
