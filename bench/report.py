#!/usr/bin/python3
"""Puts the two sides of the benchmarks side by side: tables on stdout and, with --out FILE,
the combined results as JSON.

Storage benchmark: the --json outputs of storage_bench.cpp (virtus-bench) and
libvirtd_bench.py, one per round (run.sh --rounds R alternates the sides R times). RPC
benchmark: the --json outputs of rpc_bench.py (both daemons in each), one per round. Domain
benchmark: the --json outputs of domain_bench.py (both daemons and the raw QEMU floor in
each), one per round. Lock benchmark: the --json outputs of lock_bench.py (virtlockd and
virtus-lockd, libvirtd and virtusd with locking off and on), one per round. rbd benchmark:
the --json outputs of rbd_bench.py (both daemons on one Ceph cluster in each), one per round.
With several rounds each figure is the median over the rounds. A side with no results shows
as n/a.
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


# ---------------------------------------------------------------------------------------------
# The RPC benchmark (rpc_bench.py): one JSON per round holds both daemons.

MIB = 1024.0 * 1024.0


def rpc_path(result, side, path):
    """The value at `path` (keys, in order) of one side of one round; None when absent."""
    value = result.get(side) if result else None
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def rpc_rows_spec(rpc):
    """(label, path in a side's result, scale, unit, better, aim, note); better is 'higher' or
    'lower'; aim is the aimed Virtus / libvirtd ratio."""
    first = rpc[0]
    call = {"isActive": "pool.isActive()", "getLibVersion": "conn.getLibVersion()"}.get(
        first.get("call"), first.get("call"))
    rows = []
    for clients in first.get("clients", []):
        c = str(clients)
        plural = "client" if clients == 1 else "clients"
        rows.append(("cheap calls/s, %d %s" % (clients, plural),
                     ("throughput", c, "calls_per_s"), 1, "/s", "higher", 3,
                     "%s, median of %d runs of %g s" % (call, first["runs"], first["seconds"])))
        rows.append(("latency per call, %d %s" % (clients, plural),
                     ("throughput", c, "median_run", "latency_mean_us"), 1, "us", "lower", None,
                     "mean round trip seen by a client"))
        rows.append(("daemon CPU per call, %d %s" % (clients, plural),
                     ("throughput", c, "median_run", "daemon_cpu_per_call_us"), 1, "us", "lower",
                     None, "user + system time of the daemon / calls"))
        rows.append(("client CPU per call, %d %s" % (clients, plural),
                     ("throughput", c, "median_run", "client_cpu_per_call_us"), 1, "us", "lower",
                     None, "the python clients' CPU / calls (same client)"))
    connect = rpc_path(first, "virtus", ("connect_command",)) or "virsh -c URI list"
    rows.append(("connect time", ("connect_s", "median"), 1e3, "ms", "lower", None,
                 "`%s` as a process, median of %d" % (connect, first["connects"])))
    rows.append(("define a pool", ("define_pool_s",), 1e3, "ms", "lower", None,
                 "mean over %d storagePoolDefineXML" % first["pools"]))
    rows.append(("memory idle (VmRSS)", ("memory", "idle", "VmRSS"), 1 / MIB, "MiB", "lower",
                 0.25, "after start and one connection"))
    rows.append(("memory, %d pools (VmRSS)" % first["pools"], ("memory", "pools", "VmRSS"),
                 1 / MIB, "MiB", "lower", 0.25, "dir pools defined, not started"))
    rows.append(("memory, %d pools (VmHWM)" % first["pools"], ("memory", "pools", "VmHWM"),
                 1 / MIB, "MiB", "lower", None, "peak so far"))
    rows.append(("memory idle (RssAnon)", ("memory", "idle", "RssAnon"), 1 / MIB, "MiB",
                 "lower", None, "own pages: heap, stacks, relocated data"))
    rows.append(("memory, %d pools (RssAnon)" % first["pools"], ("memory", "pools", "RssAnon"),
                 1 / MIB, "MiB", "lower", None, "own pages"))
    rows.append(("memory idle (Pss)", ("memory", "idle", "Pss"), 1 / MIB, "MiB", "lower", None,
                 "shared library pages split among their users"))
    rows.append(("memory after the load (VmHWM)", ("memory", "after_load", "VmHWM"), 1 / MIB,
                 "MiB", "lower", None, "peak, after the throughput runs"))
    return rows


def build_rpc(rpc):
    rows = []
    for label, path, scale, unit, better, aim, note in rpc_rows_spec(rpc):
        figures = {}
        for side in ("libvirtd", "virtus"):
            values = [v for v in (rpc_path(r, side, path) for r in rpc) if v is not None]
            figures[side] = statistics.median(values) * scale if values else None
        lv, vt = figures["libvirtd"], figures["virtus"]
        rows.append({
            "operation": label,
            "unit": unit,
            "libvirtd": lv,
            "virtus": vt,
            "ratio": None if (lv is None or vt is None or lv <= 0) else vt / lv,
            "better": better,
            "aim": aim,
            "note": note,
        })
    return rows


def fmt_rpc(value, unit):
    if value is None:
        return "n/a"
    if unit == "/s":
        return "%.0f /s" % value
    return "%.1f %s" % (value, unit) if value >= 10 else "%.3f %s" % (value, unit)


def print_rpc_table(rows, rpc, out):
    first = rpc[0]
    header = ("operation", "libvirtd", "virtus", "virtus/libvirtd", "better", "aim", "")
    lines = [header]
    for r in rows:
        aim = ""
        if r["aim"] is not None:
            aim = (">= %gx" if r["better"] == "higher" else "<= %gx") % r["aim"]
        lines.append((r["operation"], fmt_rpc(r["libvirtd"], r["unit"]),
                      fmt_rpc(r["virtus"], r["unit"]), fmt_ratio(r["ratio"]),
                      r["better"], aim, r["note"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out.write("RPC benchmark: both daemons as one unprivileged user, python binding clients, "
              "%d CPUs%s\n" % (first.get("cpus") or 0,
                               "" if len(rpc) == 1 else "; medians over %d rounds" % len(rpc)))
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(widths[i]) if i in (0, 4, 6) else cell.rjust(widths[i])
                            for i, cell in enumerate(line)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.write("virtus/libvirtd: above 1x Virtus has more of the figure; 'better' says which "
              "way is better, 'aim' the issue's target ratio.\n")
    notes = sorted({n for r in rpc for n in r.get("notes", [])})
    for note in notes:
        out.write("note: %s\n" % note)


# ---------------------------------------------------------------------------------------------
# The domain benchmark (domain_bench.py): one JSON per round holds both daemons and the floor.

# (label, key of a side, statistic, key of the floor or None, aim, note); times in seconds.
DOMAIN_ROWS = [
    ("start, median", "start_s", "median", "ready_s", "floor + 10 ms",
     "create() to running, QMP ready; floor: spawn to 'cont' answered"),
    ("start, p90", "start_s", "p90", "ready_s", "", ""),
    ("destroy, median", "destroy_s", "median", "stop_s", "< 20 ms",
     "destroy() returned; floor: SIGTERM to exited and reaped"),
    ("destroy, p90", "destroy_s", "p90", "stop_s", "", ""),
]

# Rows of the floor alone: (label, floor key, note).
FLOOR_ROWS = [
    ("raw QEMU spawned, median", "spawned_s", "vfork + exec of setpriv (as root) returned"),
    ("raw QEMU QMP greeting, median", "greeting_s", "spawn to the greeting"),
    ("raw QEMU capabilities, median", "capabilities_s", "spawn to qmp_capabilities answered"),
]


def round_median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def domain_stat(result, side, key, stat):
    value = (result.get(side) or {}).get(key)
    return value.get(stat) if isinstance(value, dict) else None


def build_domain(domain):
    rows = []

    def row(label, lv, vt, floor, unit, aim, note, columns=("libvirtd", "virtus", "floor")):
        rows.append({"operation": label, "unit": unit, "libvirtd": lv, "virtus": vt,
                     "floor": floor, "ratio": None if (lv is None or vt is None or lv <= 0)
                     else vt / lv, "aim": aim, "note": note, "columns": columns})

    for label, key, stat, floor_key, aim, note in DOMAIN_ROWS:
        lv = round_median(domain_stat(r, "libvirtd", key, stat) for r in domain)
        vt = round_median(domain_stat(r, "virtus", key, stat) for r in domain)
        fl = round_median(domain_stat(r, "floor", floor_key, stat) for r in domain)
        row(label, None if lv is None else lv * 1e3, None if vt is None else vt * 1e3,
            None if fl is None else fl * 1e3, "ms", aim, note)
    start = rows[0]
    if start["virtus"] is not None and start["floor"] is not None:
        row("start above the floor, median", start["libvirtd"] - start["floor"]
            if start["libvirtd"] is not None else None, start["virtus"] - start["floor"], None,
            "ms", "<= 10 ms", "daemon's start median minus the floor's", ("libvirtd", "virtus"))
    for label, key, note in FLOOR_ROWS:
        fl = round_median(domain_stat(r, "floor", key, "median") for r in domain)
        row(label, None, None, None if fl is None else fl * 1e3, "ms", "", note, ("floor",))
    lv = round_median((r.get("libvirtd") or {}).get("cpu_per_cycle_s") for r in domain)
    vt = round_median((r.get("virtus") or {}).get("cpu_per_cycle_s") for r in domain)
    row("daemon CPU per start + destroy", None if lv is None else lv * 1e3,
        None if vt is None else vt * 1e3, None, "ms", "", "user + system of the daemon itself",
        ("libvirtd", "virtus"))
    for label, when, key, note in (
            ("daemon memory before (VmRSS)", "memory_before", "VmRSS", "after the warm-ups"),
            ("daemon memory after (VmRSS)", "memory_after", "VmRSS", "after the measured runs"),
            ("daemon peak memory (VmHWM)", "memory_after", "VmHWM", "peak of the whole run")):
        lv = round_median(domain_stat(r, "libvirtd", when, key) for r in domain)
        vt = round_median(domain_stat(r, "virtus", when, key) for r in domain)
        row(label, None if lv is None else lv / MIB, None if vt is None else vt / MIB, None,
            "MiB", "", note, ("libvirtd", "virtus"))
    return rows


def print_domain_table(rows, domain, out):
    first = domain[0]
    header = ("figure", "libvirtd", "virtus", "raw QEMU", "virtus/libvirtd", "aim", "")
    lines = [header]
    for r in rows:
        def cell(side):
            return fmt_rpc(r[side], r["unit"]) if side in r["columns"] else ""

        both = "libvirtd" in r["columns"] and "virtus" in r["columns"]
        lines.append((r["operation"], cell("libvirtd"), cell("virtus"), cell("floor"),
                      fmt_ratio(r["ratio"]) if both else "", r["aim"], r["note"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    loads = ", ".join("%.1f to %.1f" % (r["loadavg_start"][0], r["loadavg"][0])
                      for r in domain if r.get("loadavg") and r.get("loadavg_start"))
    out.write("Domain benchmark: %d MiB TCG guest, no disk, %d runs after %d warm-ups per side, "
              "%d CPUs, load average %s%s%s\n"
              % (first["memory_mib"], first["runs"], first["warmups"], first.get("cpus") or 0,
                 loads, "" if first.get("reaper") else ", orphans reaped by this machine's init",
                 "" if len(domain) == 1 else "; medians over %d rounds" % len(domain)))
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(widths[i]) if i in (0, 5, 6) else cell.rjust(widths[i])
                            for i, cell in enumerate(line)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.write("p90 = nearest rank. Lower is better everywhere; raw QEMU = the same command line "
              "virtusd ran, spawned directly with a pre-bound monitor socket.\n")
    for r in domain:
        for side in ("libvirtd", "virtus"):
            left = (r.get(side) or {}).get("qemu_left_after_destroy")
            if left:
                out.write("warning: %d %s destroys returned before QEMU was gone\n" % (left, side))


# ---------------------------------------------------------------------------------------------
# The lock benchmark (lock_bench.py): one JSON per round holds both sides.

def dig(value, path):
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def lock_rows_spec():
    """(label, path on libvirt's side, path on Virtus's side, unit scale, note)."""
    rows = []
    for mode in ("direct", "indirect"):
        where = ("the disk files" if mode == "direct" else
                 "lock files named by SHA-256 in a lockspace dir")
        for label, key, stat, note in (
                ("lock cycle, %s, median" % mode, "cycle_s", "median",
                 "connect, lock 4 disks, release, disconnect; " + where),
                ("lock cycle, %s, p90" % mode, "cycle_s", "p90", ""),
                ("  acquire part, %s, median" % mode, "acquire_s", "median",
                 "connect + register + lock the 4"),
                ("  release part, %s, median" % mode, "release_s", "median",
                 "release the 4 + disconnect")):
            rows.append((label, ("latency", "virtlockd", mode, key, stat),
                         ("latency", "virtus-lockd", mode, key, stat), 1e3, note))
        rows.append(("lock daemon CPU per cycle, %s" % mode,
                     ("latency", "virtlockd", mode, "cpu_per_cycle_s"),
                     ("latency", "virtus-lockd", mode, "cpu_per_cycle_s"), 1e3,
                     "user + system of the lock daemon, timed parts only"))
    for label, lock, key, stat, note in (
            ("guest start, locking off, median", "off", "start_s", "median",
             "dom.create(), 4 raw disks, nop lock manager"),
            ("guest start, locking on, median", "on", "start_s", "median",
             'lock_manager = "lockd", direct'),
            ("guest destroy, locking off, median", "off", "destroy_s", "median", ""),
            ("guest destroy, locking on, median", "on", "destroy_s", "median", "")):
        rows.append((label, ("start", "libvirtd", lock, key, stat),
                     ("start", "virtus", lock, key, stat), 1e3, note))
    for label, key, note in (
            ("added start time, median", "added_start_median", "on minus off, medians"),
            ("added start time, p90", "added_start_p90", "on minus off, p90s"),
            ("added destroy time, median", "added_destroy_median", "on minus off, medians")):
        rows.append((label, ("start", "libvirtd", key), ("start", "virtus", key), 1e3, note))
    return rows


def build_lock(lock):
    rows = []
    for label, lv_path, vt_path, scale, note in lock_rows_spec():
        lv = round_median(dig(r, lv_path) for r in lock)
        vt = round_median(dig(r, vt_path) for r in lock)
        lv = None if lv is None else lv * scale
        vt = None if vt is None else vt * scale
        # A ratio of differences near zero says nothing: only for positive figures.
        ratio_ok = lv is not None and vt is not None and lv > 0 and vt >= 0 \
            and not label.startswith("added")
        rows.append({"operation": label, "unit": "ms", "libvirt": lv, "virtus": vt,
                     "ratio": vt / lv if ratio_ok else None, "note": note})
    return rows


def fmt_ms_signed(value, signed):
    if value is None:
        return "n/a"
    return ("%+.2f ms" if signed else "%.2f ms") % value


def print_lock_table(rows, lock, out):
    first = lock[0]
    lat, st = first.get("latency") or {}, first.get("start") or {}
    header = ("figure", "libvirt", "virtus", "virtus/libvirt", "")
    lines = [header]
    for r in rows:
        signed = r["operation"].startswith("added")
        lines.append((r["operation"], fmt_ms_signed(r["libvirt"], signed),
                      fmt_ms_signed(r["virtus"], signed), fmt_ratio(r["ratio"]), r["note"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    loads = ", ".join("%.1f to %.1f" % (r["loadavg_start"][0], r["loadavg"][0])
                      for r in lock if r.get("loadavg") and r.get("loadavg_start"))
    out.write("Lock benchmark: guest of 4 disks; latency %s cycles per layout (virtlockd vs "
              "virtus-lockd), guest starts %s per setting (libvirtd vs virtusd); %d CPUs, load "
              "average %s%s\n"
              % (lat.get("cycles", "no"), st.get("runs", "no"), first.get("cpus") or 0, loads,
                 "" if len(lock) == 1 else "; medians over %d rounds" % len(lock)))
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(widths[i]) if i in (0, 4) else cell.rjust(widths[i])
                            for i, cell in enumerate(line)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.write("Lower is better everywhere; p90 = nearest rank. Checked while held: each file "
              "locked, a second owner refused.\n")
    for r in lock:
        c = (r.get("latency") or {}).get("checks")
        if c:
            out.write("checks: %d cycles checked, %d held files locked, %d refusals by the same "
                      "daemon, %d by the other daemon, %d files free after release\n"
                      % (c["cycles_checked"], c["held_byte0_locked"],
                         c["rival_refused_same_daemon"], c["rival_refused_other_daemon"],
                         c["released_byte0_free"]))


# ---------------------------------------------------------------------------------------------
# The rbd benchmark (rbd_bench.py): one JSON per round holds both daemons.

def rbd_rows_spec(first):
    """(label, path in a side's result, unit scale, unit, note); the same path on both sides."""
    images, runs = first["images"], first["runs"]
    rows = [
        ("pool start", ("start_s",), 1e3, "ms", "virStoragePoolCreate: its first refresh, once"),
        ("refresh, median", ("refresh_s", "median"), 1e3, "ms",
         "virStoragePoolRefresh of %d images, median of %d" % (images, runs)),
        ("refresh, min", ("refresh_s", "min"), 1e3, "ms", ""),
        ("refresh, per image", ("refresh_per_image_s",), 1e3, "ms", "median / images"),
        ("daemon CPU per refresh", ("cpu_per_refresh_s",), 1e3, "ms",
         "user + system of the daemon, librbd's threads included"),
        ("Ceph's CPU per refresh", ("ceph_cpu_per_refresh_s",), 1e3, "ms",
         "monitor + manager + OSD during that daemon's refreshes"),
        ("new image by name, median", ("lookup", "new_image_s", "median"), 1e3, "ms",
         "made outside, then storageVolLookupByName; libvirtd: refresh + lookup"),
        ("new image by name, min", ("lookup", "new_image_s", "min"), 1e3, "ms", ""),
    ]
    for label, when, key, note in (
            ("memory idle (VmRSS)", "memory_idle", "VmRSS", "pool started"),
            ("memory after refreshes (VmRSS)", "memory_after_refreshes", "VmRSS", ""),
            ("memory at the end (VmRSS)", "memory_after", "VmRSS", "after the lookups"),
            ("peak memory (VmHWM)", "memory_after", "VmHWM", "peak of the whole run"),
            ("own memory at the end (RssAnon)", "memory_after", "RssAnon",
             "heap, stacks; not shared libraries")):
        rows.append((label, (when, key), 1 / MIB, "MiB", note))
    return rows


def build_rbd(rbd):
    rows = []
    for label, path, scale, unit, note in rbd_rows_spec(rbd[0]):
        lv = round_median(dig(r.get("libvirtd"), path) for r in rbd)
        vt = round_median(dig(r.get("virtus"), path) for r in rbd)
        lv = None if lv is None else lv * scale
        vt = None if vt is None else vt * scale
        rows.append({"operation": label, "unit": unit, "libvirtd": lv, "virtus": vt,
                     "ratio": vt / lv if lv and vt is not None else None, "note": note})
    return rows


def print_rbd_table(rows, rbd, out):
    first = rbd[0]
    header = ("figure", "libvirtd", "virtus", "virtus/libvirtd", "")
    lines = [header]
    for r in rows:
        # Two significant digits for the tiny ratios (a lookup against a refresh).
        ratio = "%.2gx" % r["ratio"] if r["ratio"] is not None and r["ratio"] < 0.1 \
            else fmt_ratio(r["ratio"])
        lines.append((r["operation"], fmt_rpc(r["libvirtd"], r["unit"]),
                      fmt_rpc(r["virtus"], r["unit"]), ratio, r["note"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    loads = ", ".join("%.1f to %.1f" % (r["loadavg_start"][0], r["loadavg"][0])
                      for r in rbd if r.get("loadavg") and r.get("loadavg_start"))
    out.write("rbd benchmark: pool of %d images on a one-node Ceph (memstore OSD), %d refreshes "
              "and %d new-image lookups per daemon; %d CPUs, load average %s%s\n"
              % (first["images"], first["runs"], first["lookups"], first.get("cpus") or 0,
                 loads, "" if len(rbd) == 1 else "; medians over %d rounds" % len(rbd)))
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(widths[i]) if i in (0, 4) else cell.rjust(widths[i])
                            for i, cell in enumerate(line)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.write("Lower is better everywhere: below 1x Virtus is faster or smaller.\n")
    for r in rbd:
        for side in ("libvirtd", "virtus"):
            lookup = (r.get(side) or {}).get("lookup") or {}
            if not lookup:
                continue
            error = lookup.get("not_found_error")
            out.write("new image by name, %s: needed %s (found without a refresh: %d of %d)%s\n"
                      % (side, lookup.get("needed"), lookup.get("found_without_refresh", 0),
                         r["lookups"], "; without: " + error if error else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libvirtd", action="append",
                        help="libvirtd_bench.py --json output (once per round)")
    parser.add_argument("--virtus", action="append",
                        help="virtus-bench --json output (once per round)")
    parser.add_argument("--volumes", type=int)
    parser.add_argument("--creates", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--rpc", action="append", help="rpc_bench.py --json output (per round)")
    parser.add_argument("--domain", action="append",
                        help="domain_bench.py --json output (per round)")
    parser.add_argument("--lock", action="append",
                        help="lock_bench.py --json output (per round)")
    parser.add_argument("--rbd", action="append", help="rbd_bench.py --json output (per round)")
    parser.add_argument("--out", help="write the combined results as JSON here")
    args = parser.parse_args()

    storage = bool(args.libvirtd or args.virtus)
    if storage and None in (args.volumes, args.creates, args.repeat):
        parser.error("the storage results need --volumes, --creates and --repeat")
    if not storage and not args.rpc and not args.domain and not args.lock and not args.rbd:
        parser.error("nothing to report: give --libvirtd/--virtus, --rpc, --domain, --lock "
                     "and/or --rbd")

    ok = True
    combined = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
    }
    if storage:
        libvirtd, virtus = load_all(args.libvirtd), load_all(args.virtus)
        params = {"volumes": args.volumes, "creates": args.creates, "repeat": args.repeat,
                  "rounds": max(1, len(libvirtd), len(virtus))}
        rows = build(libvirtd, virtus, params)
        print_table(rows, params, sys.stdout)
        combined.update({"parameters": params, "rows": rows, "libvirtd_rounds": libvirtd,
                         "virtus_rounds": virtus})
        ok = ok and bool(libvirtd and virtus)
    # The other benchmarks' tables, each after a blank line when something came before.
    printed = bool(storage)
    for files, key, title, make_rows, show in (
            (args.rpc, "rpc", "RPC", build_rpc, print_rpc_table),
            (args.domain, "domain", "Domain", build_domain, print_domain_table),
            (args.lock, "locks", "Lock", build_lock, print_lock_table),
            (args.rbd, "rbd", "rbd", build_rbd, print_rbd_table)):
        if not files:
            continue
        results = load_all(files)
        if printed:
            sys.stdout.write("\n")
        printed = True
        if results:
            rows = make_rows(results)
            show(rows, results, sys.stdout)
            combined[key] = {"rows": rows, "rounds": results}
        else:
            sys.stdout.write("%s benchmark: no results\n" % title)
        ok = ok and bool(results)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(combined, f, indent=2)
            f.write("\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
