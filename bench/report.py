#!/usr/bin/python3
"""Puts the two sides of the storage benchmark side by side: a table on stdout and, with
--out FILE, the combined results as JSON.

Inputs are the --json outputs of storage_bench.cpp (virtus-bench) and libvirtd_bench.py, one
per round (run.sh --rounds R alternates the sides R times); with several rounds each figure is
the median over the rounds. A side with no results shows as n/a.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys


def load(path):
    if not path or not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as f:
        return json.load(f)


def load_all(paths):
    return [r for r in (load(p) for p in paths or []) if r is not None]


def pick_rounds(results, key, stat=None):
    """The median over the rounds of one figure; None when no round has it."""
    values = [v for v in (pick(r, key, stat) for r in results) if v is not None]
    return statistics.median(values) if values else None


def pick(result, key, stat=None):
    if result is None or key not in result:
        return None
    value = result[key]
    if stat is not None:
        value = value.get(stat) if isinstance(value, dict) else None
    return value


# (label, key, statistic or None, unit scale, unit, aim (libvirtd/virtus) or None, note)
ROWS = [
    ("pool first start", "pool_start_s", None, 1e3, "ms", None,
     "once, cold-ish: files' page cache dropped"),
    ("pool refresh, median", "refresh_s", "median", 1e3, "ms", 5, "warm"),
    ("pool refresh, min", "refresh_s", "min", 1e3, "ms", None, "warm"),
    ("create qcow2 volume, median", "create_qcow2_s", "median", 1e3, "ms", 50, "per volume"),
    ("create qcow2 volume, min", "create_qcow2_s", "min", 1e3, "ms", None, "per volume"),
    ("delete volume, median", "delete_s", "median", 1e3, "ms", None, "per volume"),
    ("CPU per refresh", "cpu_per_op_s", "refresh_s", 1e3, "ms", None,
     "mean CPU, warm; less load-sensitive"),
    ("CPU per qcow2 creation", "cpu_per_op_s", "create_qcow2_s", 1e3, "ms", None,
     "mean CPU, with qemu-img children"),
    ("CPU per deletion", "cpu_per_op_s", "delete_s", 1e3, "ms", None, "mean CPU"),
]


def ratio(libvirtd, virtus):
    if libvirtd is None or virtus is None or virtus <= 0:
        return None
    return libvirtd / virtus


def build(libvirtd, virtus, params):
    rows = []
    for label, key, stat, scale, unit, aim, note in ROWS:
        lv, vt = pick_rounds(libvirtd, key, stat), pick_rounds(virtus, key, stat)
        rows.append({
            "operation": label,
            "unit": unit,
            "libvirtd": None if lv is None else lv * scale,
            "virtus": None if vt is None else vt * scale,
            "ratio": ratio(lv, vt),
            "aim": aim,
            "note": note,
        })
        if key == "refresh_s" and stat == "median" and params.get("volumes"):
            per = 1e6 / params["volumes"]
            rows.append({
                "operation": "pool refresh, per volume",
                "unit": "us",
                "libvirtd": None if lv is None else lv * per,
                "virtus": None if vt is None else vt * per,
                "ratio": ratio(lv, vt),
                "aim": None,
                "note": "warm, median / volumes",
            })
    return rows


def fmt(value, unit):
    if value is None:
        return "n/a"
    return "%.3f %s" % (value, unit) if value < 100 else "%.1f %s" % (value, unit)


def fmt_ratio(value):
    if value is None:
        return "n/a"
    return "%.1fx" % value if value >= 1 else "%.2fx" % value


def print_table(rows, params, out):
    header = ("operation", "libvirtd", "virtus", "libvirtd/virtus", "aim", "")
    lines = [header]
    for r in rows:
        lines.append((
            r["operation"],
            fmt(r["libvirtd"], r["unit"]),
            fmt(r["virtus"], r["unit"]),
            fmt_ratio(r["ratio"]),
            "" if r["aim"] is None else ">= %dx" % r["aim"],
            r["note"],
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out.write("Storage benchmark: dir pool of %d volumes (half raw, half qcow2), %d qcow2 "
              "creations and deletions, %d warm refreshes%s\n"
              % (params["volumes"], params["creates"], params["repeat"],
                 "" if params["rounds"] == 1 else
                 "; medians over %d alternating rounds" % params["rounds"]))
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(widths[i]) if i in (0, 5) else cell.rjust(widths[i])
                            for i, cell in enumerate(line)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.write("warm = the same pool refreshed again with its files in the page cache; wall "
              "figures are medians (min shown) of repeated runs.\n"
              "CPU = user + system time of the daemon (libvirtd, with its qemu-img children) or "
              "of the in-process Virtus driver, divided by the operations.\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libvirtd", action="append",
                        help="libvirtd_bench.py --json output (once per round)")
    parser.add_argument("--virtus", action="append",
                        help="virtus-bench --json output (once per round)")
    parser.add_argument("--volumes", type=int, required=True)
    parser.add_argument("--creates", type=int, required=True)
    parser.add_argument("--repeat", type=int, required=True)
    parser.add_argument("--out", help="write the combined results as JSON here")
    args = parser.parse_args()

    libvirtd, virtus = load_all(args.libvirtd), load_all(args.virtus)
    params = {"volumes": args.volumes, "creates": args.creates, "repeat": args.repeat,
              "rounds": max(1, len(libvirtd), len(virtus))}
    rows = build(libvirtd, virtus, params)
    print_table(rows, params, sys.stdout)
    if args.out:
        combined = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
            "parameters": params,
            "rows": rows,
            "libvirtd_rounds": libvirtd,
            "virtus_rounds": virtus,
        }
        with open(args.out, "w") as f:
            json.dump(combined, f, indent=2)
            f.write("\n")
    return 0 if (libvirtd and virtus) else 1


if __name__ == "__main__":
    sys.exit(main())
