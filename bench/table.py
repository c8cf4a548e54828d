#!/usr/bin/env python3
"""Markdown tables of a jose_bench JSON report (bench/README.md).

Usage: bench/table.py build/bench/jose_bench.json
Reads the median aggregates (run with --benchmark_repetitions=N) and prints, per operation
and algorithm, the median CPU time of stockroom, the floor and libjwt, and the ratios.
"""
import json
import sys

# Targets of the verify benchmarks: stockroom's median over the floor's.
VERIFY_TARGETS = {"HS256": 1.5, "RS256": 1.1, "ES256": 1.1, "EdDSA": 1.1}
ALGORITHMS = ["HS256", "HS512", "RS256", "PS256", "ES256", "ES384", "EdDSA"]


def medians(report):
    out = {}
    for b in report["benchmarks"]:
        if b.get("aggregate_name") == "median":
            assert b["time_unit"] == "ns", b
            out[b["run_name"]] = b["cpu_time"]
    return out


def cell(value):
    return "n/a" if value is None else f"{value:,.0f}"


def ratio(a, b):
    return "n/a" if a is None or b is None else f"{a / b:.2f}"


def table(m, op):
    print(f"| {op} | stockroom ns | floor ns | libjwt ns | stockroom/floor | stockroom/libjwt |"
          + (" target (vs floor) |" if op == "verify" else ""))
    print("|---|---:|---:|---:|---:|---:|" + ("---|" if op == "verify" else ""))
    for alg in ALGORITHMS:
        s, f, l = (m.get(f"{op}/{alg}/{impl}") for impl in ("stockroom", "floor", "libjwt"))
        if s is None:
            continue
        row = f"| {alg} | {cell(s)} | {cell(f)} | {cell(l)} | {ratio(s, f)} | {ratio(s, l)} |"
        if op == "verify":
            target = VERIFY_TARGETS.get(alg)
            if target is None:
                row += " - |"
            else:
                faster = l is None or s < l
                met = s / f <= target and faster
                row += f" <= {target}x and < libjwt: {'met' if met else 'NOT met'} |"
        print(row)
    print()


def main():
    with open(sys.argv[1]) as f:
        report = json.load(f)
    m = medians(report)
    ctx = report["context"]
    print(f"Run {ctx['date']}, {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz, "
          f"library build {ctx['library_build_type']}; median CPU time of "
          f"{report['benchmarks'][0].get('repetitions', '?')} repetitions.\n")
    table(m, "verify")
    table(m, "sign")
    print("| other | median ns |")
    print("|---|---:|")
    for name in sorted(m):
        if not any(name == f"{op}/{alg}/{impl}" for op in ("verify", "sign") for alg in ALGORITHMS
                   for impl in ("stockroom", "floor", "libjwt")):
            print(f"| {name} | {cell(m[name])} |")


if __name__ == "__main__":
    main()
