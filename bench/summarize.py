#!/usr/bin/env python3
"""Turns bench/run.sh's raw TSV into one markdown table per injected round-trip time."""

import csv
import statistics
import sys
from collections import OrderedDict


def spread(values):
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def main(path):
    groups = OrderedDict()
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            groups.setdefault(row["rtt_ms"], OrderedDict()).setdefault((row["tool"], row["command"]), []).append(row)
    for rtt, commands in groups.items():
        if float(rtt) == 0:
            print("No injected latency (loopback through the proxy: start-up and CPU time):\n")
        else:
            print(f"Injected round-trip time {rtt} ms:\n")
        print("| command | requests | connections | https probes | KB received | median wall ms | max wall ms | max RSS MB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for (_, command), rows in commands.items():
            wall = [int(r["wall_us"]) / 1000.0 for r in rows]
            rss = max(int(r["max_rss_kb"]) for r in rows) / 1024.0
            kb = statistics.median(int(r["bytes_down"]) for r in rows) / 1024.0
            print(
                f"| `{command}` | {spread([int(r['requests']) for r in rows])} "
                f"| {spread([int(r['connections']) for r in rows])} "
                f"| {spread([int(r['non_http']) for r in rows])} | {kb:.1f} "
                f"| {statistics.median(wall):.0f} | {max(wall):.0f} | {rss:.1f} |"
            )
        print()


if __name__ == "__main__":
    main(sys.argv[1])
