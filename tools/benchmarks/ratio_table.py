#!/usr/bin/env python3
"""The ratio tables of docs/benchmarks.md, from one BenchmarkDotNet run's CSV reports.

    python3 tools/benchmarks/ratio_table.py [BenchmarkDotNet.Artifacts/results]

Reads the reports of OptimizerStepBenchmarks, LionStepBenchmarks, AdamCeilingBenchmarks, ModelMixBenchmarks,
CutOverBenchmarks and PrefetchCutOverBenchmarks (the speed benchmarks of benchmarks/Optim.Benchmarks/Speed) and prints Markdown: the goals of issue 16 with the measured
ratios, then the tables they come from. Times are BenchmarkDotNet's medians, or its means where a report has no Median
column (it leaves it out when they agree, as in a short job's few iterations); a speed-up is PyTorch's time over ours.
"""
import csv
import glob
import os
import sys

ADAM_BYTES = 28  # reads p, g, m, v; writes p, m, v (4 bytes each)
AXPY_BYTES = 12  # reads x and y, writes y
UNITS = {"ns": 1e-3, "us": 1.0, "μs": 1.0, "ms": 1e3, "s": 1e6}


def microseconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * UNITS[unit]


def allocated_bytes(text):
    if text in ("-", "0 B", ""):
        return 0
    value, unit = text.replace(",", "").split()
    return float(value) * {"B": 1, "KB": 1024, "MB": 1024 ** 2}[unit]


def rows(directory, name):
    paths = glob.glob(os.path.join(directory, f"*{name}-report.csv"))
    if not paths:
        return []
    with open(paths[0], newline="", encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if typical(row) not in (None, "", "NA")]


def typical(row):
    """The row's median, or its mean when the report has no median."""
    return row.get("Median") or row.get("Mean")


def time_of(table, method, **params):
    for row in table:
        if row["Method"] == method and all(row.get(key) == str(value) for key, value in params.items()):
            return microseconds(typical(row))
    return None


def fmt_time(us):
    return "—" if us is None else (f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs")


def ratio(numerator, denominator):
    return None if numerator is None or denominator is None else numerator / denominator


def fmt_ratio(value):
    return "—" if value is None else f"{value:.2f}×"


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "BenchmarkDotNet.Artifacts/results"
    steps = rows(directory, "OptimizerStepBenchmarks")
    ceiling = rows(directory, "AdamCeilingBenchmarks")
    mix = rows(directory, "ModelMixBenchmarks")
    cut = rows(directory, "CutOverBenchmarks")
    prefetch = rows(directory, "PrefetchCutOverBenchmarks")
    lion = rows(directory, "LionStepBenchmarks")
    out = []

    def speedup(n, threads, optimizer="Adam", against="TorchFused"):
        return ratio(time_of(steps, against, Optimizer=optimizer, N=n, Threads=threads),
                     time_of(steps, "ScratchOptimStep", Optimizer=optimizer, N=n, Threads=threads))

    goals = []
    for n, label, goal in [(10_000_000, "10M", 1.2), (1_000_000, "1M", 1.8)]:
        for threads in (1, 2):
            value = speedup(n, threads)
            goals.append((f"{label} Adam, {threads} thread{'s' if threads > 1 else ''}: ScratchOptim ≥ {goal}× as fast as PyTorch fused",
                          fmt_ratio(value), "—" if value is None else ("yes" if value >= goal else "no")))
    scaling = ratio(time_of(steps, "ScratchOptimStep", Optimizer="Adam", N=10_000_000, Threads=1),
                    time_of(steps, "ScratchOptimStep", Optimizer="Adam", N=10_000_000, Threads=2))
    goals.append(("10M Adam: 2 threads ≥ 1.8× as fast as 1 thread", fmt_ratio(scaling),
                  "—" if scaling is None else ("yes" if scaling >= 1.8 else "no")))
    ours = [row for table in (steps, ceiling, mix, lion) for row in table if row["Method"] == "ScratchOptimStep"]
    most = max((allocated_bytes(row["Allocated"]) for row in ours), default=None)
    goals.append(("0 B allocated per step, every ScratchOptim row", "—" if most is None else f"{most:.0f} B at most",
                  "—" if most is None else ("yes" if most == 0 else "no")))
    out.append("| Goal (issue 16) | Measured | Met? |")
    out.append("|---|---:|---|")
    out += [f"| {goal} | {value} | {met} |" for goal, value, met in goals]

    out.append("")
    out.append("| Optimizer | N | Threads | ScratchOptim | PyTorch fused | foreach | for-loop | vs fused | vs foreach | vs for-loop |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for optimizer in ("Adam", "AdamW", "SGD", "Adagrad"):
        for n in (1_000_000, 10_000_000):
            for threads in (1, 2):
                t = {m: time_of(steps, m, Optimizer=optimizer, N=n, Threads=threads)
                     for m in ("ScratchOptimStep", "TorchFused", "TorchForeach", "TorchForLoop")}
                if t["ScratchOptimStep"] is None:
                    continue
                out.append(f"| {optimizer} | {n // 1_000_000}M | {threads} | {fmt_time(t['ScratchOptimStep'])} | {fmt_time(t['TorchFused'])} | "
                           f"{fmt_time(t['TorchForeach'])} | {fmt_time(t['TorchForLoop'])} | "
                           + " | ".join(fmt_ratio(ratio(t[m], t["ScratchOptimStep"])) for m in ("TorchFused", "TorchForeach", "TorchForLoop")) + " |")

    for n in (1_000_000, 10_000_000):
        for threads in (1, 2):
            t = {m: time_of(lion, m, N=n, Threads=threads) for m in ("ScratchOptimStep", "TorchForeach", "TorchForLoop")}
            if t["ScratchOptimStep"] is None:
                continue
            # PyTorch has no Lion: its columns are Lion written in torch operations, and there is no fused one.
            out.append(f"| Lion | {n // 1_000_000}M | {threads} | {fmt_time(t['ScratchOptimStep'])} | — | {fmt_time(t['TorchForeach'])} | "
                       f"{fmt_time(t['TorchForLoop'])} | — | " + " | ".join(fmt_ratio(ratio(t[m], t["ScratchOptimStep"])) for m in ("TorchForeach", "TorchForLoop")) + " |")

    if ceiling:
        out.append("")
        out.append("| Adam, N | Threads | ScratchOptim | hand-written 512-bit | hand-written, prefetched | in-place axpy | axpy, prefetched | triad | Adam's bytes alone | Adam's reads alone | "
                   "effective bandwidth / axpy's: ScratchOptim | PyTorch fused | ScratchOptim / prefetched axpy's | ScratchOptim / hand-written prefetched (time) | ScratchOptim / bytes alone (time) | ScratchOptim / reads alone (time) | "
                   "PyTorch fused, malloc untuned | foreach, untuned | for-loop, untuned |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in (1_000_000, 10_000_000):
            for threads in (1, 2):
                t = {m: time_of(ceiling, m, N=n, Threads=threads) for m in
                     ("ScratchOptimStep", "HandWrittenFused", "HandWrittenFusedPrefetched", "InPlaceAxpy", "InPlaceAxpyPrefetched", "Triad", "AdamBytesAlone", "AdamReadsAlone",
                      "TorchFusedUntunedMalloc", "TorchForeachUntunedMalloc", "TorchForLoopUntunedMalloc")}

                def efficiency(step, axpy):
                    return "—" if not t[step] or not t[axpy] else f"{(ADAM_BYTES / t[step]) / (AXPY_BYTES / t[axpy]):.2f}"

                out.append(f"| {n // 1_000_000}M | {threads} | {fmt_time(t['ScratchOptimStep'])} | {fmt_time(t['HandWrittenFused'])} | {fmt_time(t['HandWrittenFusedPrefetched'])} | "
                           f"{fmt_time(t['InPlaceAxpy'])} | {fmt_time(t['InPlaceAxpyPrefetched'])} | {fmt_time(t['Triad'])} | {fmt_time(t['AdamBytesAlone'])} | {fmt_time(t['AdamReadsAlone'])} | "
                           f"{efficiency('ScratchOptimStep', 'InPlaceAxpy')} | {efficiency('TorchFusedUntunedMalloc', 'InPlaceAxpy')} | {efficiency('ScratchOptimStep', 'InPlaceAxpyPrefetched')} | "
                           f"{fmt_ratio(ratio(t['ScratchOptimStep'], t['HandWrittenFusedPrefetched']))} | {fmt_ratio(ratio(t['ScratchOptimStep'], t['AdamBytesAlone']))} | {fmt_ratio(ratio(t['ScratchOptimStep'], t['AdamReadsAlone']))} | "
                           f"{fmt_time(t['TorchFusedUntunedMalloc'])} | {fmt_time(t['TorchForeachUntunedMalloc'])} | {fmt_time(t['TorchForLoopUntunedMalloc'])} |")

    if mix:
        out.append("")
        out.append("| Adam, 200 tensors (41.8M floats) | Threads | ScratchOptim | PyTorch fused | foreach | vs fused | vs foreach |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        for threads in (1, 2):
            t = {m: time_of(mix, m, Threads=threads) for m in ("ScratchOptimStep", "TorchFused", "TorchForeach")}
            out.append(f"| model mix | {threads} | {fmt_time(t['ScratchOptimStep'])} | {fmt_time(t['TorchFused'])} | {fmt_time(t['TorchForeach'])} | "
                       f"{fmt_ratio(ratio(t['TorchFused'], t['ScratchOptimStep']))} | {fmt_ratio(ratio(t['TorchForeach'], t['ScratchOptimStep']))} |")

    if cut:
        out.append("")
        out.append("| Adam, N (always split) | 1 thread | 2 threads | 2 threads' speed-up |")
        out.append("|---:|---:|---:|---:|")
        for n in sorted({int(row["N"]) for row in cut}):
            one, two = time_of(cut, "AdamStep", N=n, Threads=1), time_of(cut, "AdamStep", N=n, Threads=2)
            out.append(f"| {n:,} | {fmt_time(one)} | {fmt_time(two)} | {fmt_ratio(ratio(one, two))} |")

    if prefetch:
        out.append("")
        out.append("| Adam, N (steps back to back) | Threads | without prefetching | with | prefetching's speed-up |")
        out.append("|---:|---:|---:|---:|---:|")
        for n in sorted({int(row["N"]) for row in prefetch}):
            for threads in (1, 2):
                off, on = (time_of(prefetch, "AdamStep", N=n, Threads=threads, Prefetch=value) for value in ("False", "True"))
                out.append(f"| {n:,} | {threads} | {fmt_time(off)} | {fmt_time(on)} | {fmt_ratio(ratio(off, on))} |")

    print("\n".join(out))


if __name__ == "__main__":
    main()
