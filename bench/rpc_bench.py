#!/usr/bin/python3
"""The RPC benchmark: virtusd and libvirtd side by side, in one run, through the same client.

Starts a private libvirtd (session mode) and a private virtusd (--root on a temp tree), both
as the same unprivileged user when run as root, and measures against each, with the python
binding and virsh:

- memory: VmRSS and VmHWM of the daemon idle after its start, and after 1,000 dir pools were
  defined (defined only, not started);
- connect time: `virsh -c URI list` as a whole process, median of N runs;
- cheap-call throughput: round trips per second of one cheap call (default
  `virStoragePoolIsActive` on a defined pool: a handle lookup on both sides) from 1 and from 4
  client processes, each with its own connection, for S seconds after a warm-up; median of
  3 runs; with the per-call latency and the daemon's CPU time per call.

The two sides alternate run by run, so that changes in the machine's load fall on both.
Every wait and every call is bounded: a watchdog kills the daemon whose call overran its
deadline, which makes the blocked call fail instead of hanging.

Run it with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_support import (Bounded, Libvirtd, Virtusd, exit_with, percentile, run_and_print,
                           summary)

VIRSH = shutil.which("virsh") or "/usr/bin/virsh"
POOL_PREFIX = "rpcbench-"
CALLS = ("isActive", "getLibVersion")


# ---------------------------------------------------------------------------------------------
# The client processes of the throughput runs (spawned: a forked child would share, and on
# exit close, the parent's connections).

def client_main(uri, pool_name, call, warmup_s, ready, go, start_at, duration_s, results, index):
    try:
        import libvirt
        libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
        conn = libvirt.open(uri)
        if call == "isActive":
            fn = conn.storagePoolLookupByName(pool_name).isActive
        else:
            fn = conn.getLibVersion
        end = time.monotonic() + warmup_s
        while time.monotonic() < end:
            fn()
        ready.put(index)
        if not go.wait(60):
            raise RuntimeError("no start signal")
        while time.monotonic() < start_at.value:
            pass
        stop = start_at.value + duration_s
        clock = time.perf_counter_ns
        latencies = []
        append = latencies.append
        cpu0 = time.process_time()
        first = clock()
        while True:
            t0 = clock()
            fn()
            t1 = clock()
            append(t1 - t0)
            if time.monotonic() >= stop:
                break
        elapsed = (clock() - first) / 1e9
        cpu = time.process_time() - cpu0
        latencies.sort()
        results.put((index, None, {
            "calls": len(latencies),
            "elapsed_s": elapsed,
            "p50_us": percentile(latencies, 0.5) / 1e3,
            "p99_us": percentile(latencies, 0.99) / 1e3,
            "mean_us": sum(latencies) / len(latencies) / 1e3,
            "cpu_s": cpu,
        }))
        conn.close()
    except Exception as e:  # noqa: BLE001 - reported by the parent
        results.put((index, "%s: %s" % (type(e).__name__, e), None))
        ready.put(index)


def throughput_run(ctx, daemon, pool_name, args, clients):
    """One run of `clients` processes calling the cheap call for args.seconds; the daemon is
    killed (which fails the calls) if the run overruns its deadline."""
    ready, results = ctx.Queue(), ctx.Queue()
    go = ctx.Event()
    start_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=client_main,
                         args=(daemon.uri(), pool_name, args.call, args.warmup, ready, go,
                               start_at, args.seconds, results, i), daemon=True)
             for i in range(clients)]
    for p in procs:
        p.start()
    deadline = time.monotonic() + args.call_timeout + args.warmup + 30
    try:
        for _ in procs:
            ready.get(timeout=max(1, deadline - time.monotonic()))
        cpu0 = daemon.cpu()
        start_at.value = time.monotonic() + 0.05
        go.set()
        deadline = start_at.value + args.seconds + args.call_timeout
        outcomes = [results.get(timeout=max(1, deadline - time.monotonic())) for _ in procs]
        cpu1 = daemon.cpu()
    except Exception as e:  # noqa: BLE001 - queue.Empty: a client is stuck
        sys.stderr.write("rpc_bench: %s: %d-client run overran its deadline; killing it\n"
                         % (daemon.name, clients))
        daemon.kill()
        raise RuntimeError("%s: a %d-client run did not finish (%s)"
                           % (daemon.name, clients, type(e).__name__))
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=10)
    errors = [err for _, err, _ in outcomes if err]
    if errors:
        raise RuntimeError("%s: client failed: %s" % (daemon.name, errors[0]))
    stats = [s for _, _, s in outcomes]
    calls = sum(s["calls"] for s in stats)
    return {
        "clients": clients,
        "calls": calls,
        "calls_per_s": sum(s["calls"] / s["elapsed_s"] for s in stats),
        "latency_mean_us": statistics.mean(s["mean_us"] for s in stats),
        "latency_p50_us": statistics.median(s["p50_us"] for s in stats),
        "latency_p99_us": max(s["p99_us"] for s in stats),
        "daemon_cpu_per_call_us": (cpu1 - cpu0) / calls * 1e6 if calls else None,
        # The python clients' own CPU (binding and libvirt's client library): on a 2-core
        # machine it bounds the throughput as much as the daemon does.
        "client_cpu_per_call_us": sum(s["cpu_s"] for s in stats) / calls * 1e6 if calls else None,
    }


# ---------------------------------------------------------------------------------------------
# virsh as a whole process.

def virsh(uri, command, home, timeout):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home, "LANG": "C", "LC_ALL": "C",
           "XDG_CONFIG_HOME": os.path.join(home, "config"),
           "XDG_CACHE_HOME": os.path.join(home, "cache")}
    t0 = time.perf_counter()
    try:
        p = subprocess.run([VIRSH, "-c", uri] + command, env=env, cwd=home, timeout=timeout,
                           stdin=subprocess.DEVNULL, capture_output=True)
    except subprocess.TimeoutExpired:
        return None, "virsh did not finish within %d s" % timeout
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace").strip()
    return elapsed, None


# ---------------------------------------------------------------------------------------------
# The run.

def pool_xml(name, directory):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
            % (name, directory))


def run(args, watchdog):
    import libvirt
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    notes = []
    daemons = []
    try:
        daemons.append(Libvirtd(args.user, args.start_timeout))
        daemons.append(Virtusd(args.virtusd, args.user, args.start_timeout))
        res = {d.name: {"memory": {}, "throughput": {}} for d in daemons}

        # Idle: one connection opened and closed (libvirtd finishes initialising its drivers
        # in the background after it listens), then a moment of quiet.
        for d in daemons:
            with Bounded(watchdog, "first connection", args.call_timeout, d):
                conn = libvirt.open(d.uri())
                res[d.name]["version"] = conn.getLibVersion()
                conn.close()
        time.sleep(args.settle)
        for d in daemons:
            res[d.name]["memory"]["idle"] = d.memory()

        # Connect time, alternating the sides.
        home = tempfile.mkdtemp(prefix="virtus-rpcbench-virsh.")
        try:
            command = ["list"]
            for d in daemons:
                _, err = virsh(d.uri(), command, home, args.call_timeout)
                if err is not None:
                    notes.append("`virsh list` failed against %s (%s); connect time measured "
                                 "with `virsh pool-list --all` on both sides" % (d.name, err))
                    command = ["pool-list", "--all"]
            samples = {d.name: [] for d in daemons}
            for _ in range(args.connects):
                for d in daemons:
                    elapsed, err = virsh(d.uri(), command, home, args.call_timeout)
                    if err is not None:
                        raise RuntimeError("%s: virsh %s: %s" % (d.name, " ".join(command), err))
                    samples[d.name].append(elapsed)
            for d in daemons:
                res[d.name]["connect_s"] = summary(samples[d.name])
                res[d.name]["connect_command"] = "virsh -c URI " + " ".join(command)
        finally:
            shutil.rmtree(home, ignore_errors=True)

        # 1,000 dir pools defined (not started), then the memory again.
        for d in daemons:
            data = os.path.join(d.tree, "pools")
            with Bounded(watchdog, "connect", args.call_timeout, d):
                conn = libvirt.open(d.uri())
            t0 = time.perf_counter()
            for i in range(args.pools):
                name = "%s%04d" % (POOL_PREFIX, i)
                with Bounded(watchdog, "storagePoolDefineXML", args.call_timeout, d):
                    conn.storagePoolDefineXML(pool_xml(name, os.path.join(data, name)), 0)
            res[d.name]["define_pool_s"] = (time.perf_counter() - t0) / max(1, args.pools)
            with Bounded(watchdog, "numOfDefinedStoragePools", args.call_timeout, d):
                seen = conn.numOfDefinedStoragePools()
            if seen != args.pools:
                raise RuntimeError("%s holds %d defined pools, expected %d"
                                   % (d.name, seen, args.pools))
            with Bounded(watchdog, "close", args.call_timeout, d):
                conn.close()
        time.sleep(args.settle)
        for d in daemons:
            res[d.name]["memory"]["pools"] = d.memory()

        # Cheap-call throughput, alternating the sides run by run.
        ctx = multiprocessing.get_context("spawn")
        pool_name = "%s%04d" % (POOL_PREFIX, 0)
        for clients in args.clients:
            runs = {d.name: [] for d in daemons}
            for _ in range(args.runs):
                for d in daemons:
                    runs[d.name].append(throughput_run(ctx, d, pool_name, args, clients))
            for d in daemons:
                ordered = sorted(runs[d.name], key=lambda r: r["calls_per_s"])
                res[d.name]["throughput"][str(clients)] = {
                    "calls_per_s": ordered[len(ordered) // 2]["calls_per_s"],
                    "median_run": ordered[len(ordered) // 2],
                    "runs": runs[d.name],
                }
        time.sleep(args.settle)
        for d in daemons:
            res[d.name]["memory"]["after_load"] = d.memory()
        return {
            "bench": "rpc",
            "call": args.call,
            "seconds": args.seconds,
            "runs": args.runs,
            "clients": args.clients,
            "connects": args.connects,
            "pools": args.pools,
            "cpus": os.cpu_count(),
            "notes": notes,
            "libvirtd": res["libvirtd"],
            "virtus": res["virtus"],
        }
    finally:
        for d in daemons:
            d.stop()


def print_text(result, out):
    mib = 1024.0 * 1024.0
    out.write("RPC benchmark: call %s, %g s a run, median of %d runs, %d virsh runs, %d pools\n"
              % (result["call"], result["seconds"], result["runs"], result["connects"],
                 result["pools"]))
    for side in ("libvirtd", "virtus"):
        r = result[side]
        out.write("%s (version %s)\n" % (side, r.get("version")))
        for clients, t in sorted(r["throughput"].items(), key=lambda kv: int(kv[0])):
            m = t["median_run"]
            out.write("  %s client(s): %.0f calls/s  latency mean %.1f us, p50 %.1f us, "
                      "p99 %.1f us  CPU/call daemon %.1f us, client %.1f us  (runs: %s)\n"
                      % (clients, t["calls_per_s"], m["latency_mean_us"], m["latency_p50_us"],
                         m["latency_p99_us"], m["daemon_cpu_per_call_us"] or 0,
                         m["client_cpu_per_call_us"] or 0,
                         ", ".join("%.0f" % x["calls_per_s"] for x in t["runs"])))
        c = r["connect_s"]
        out.write("  connect (%s): median %.1f ms, min %.1f ms\n"
                  % (r["connect_command"], c["median"] * 1e3, c["min"] * 1e3))
        out.write("  define pool: %.3f ms each\n" % (r["define_pool_s"] * 1e3))
        for key, label in (("idle", "idle"), ("pools", "%d pools" % result["pools"]),
                           ("after_load", "after the load")):
            m = r["memory"].get(key)
            if m:
                out.write("  memory %-15s VmRSS %.1f MiB  VmHWM %.1f MiB  RssAnon %.1f MiB  "
                          "Pss %.1f MiB\n" % (label, m["VmRSS"] / mib, m["VmHWM"] / mib,
                                              m.get("RssAnon", 0) / mib, m.get("Pss", 0) / mib))
    for note in result["notes"]:
        out.write("note: %s\n" % note)


def parse_clients(text):
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("'%s' is not a list of client counts" % text)
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--virtusd", required=True, help="the virtusd binary")
    parser.add_argument("--seconds", type=float, default=5, help="each throughput run, s")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per side; median")
    parser.add_argument("--clients", type=parse_clients, default=[1, 4],
                        help="client process counts, comma-separated (default 1,4)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up of each client, s")
    parser.add_argument("--call", choices=CALLS, default="isActive",
                        help="the cheap call (default isActive: virStoragePoolIsActive)")
    parser.add_argument("--connects", type=int, default=20, help="virsh runs per side")
    parser.add_argument("--pools", type=int, default=1000, help="pools defined for memory")
    parser.add_argument("--settle", type=float, default=1, help="quiet before memory, s")
    parser.add_argument("--user", default="nobody",
                        help="the unprivileged user both daemons run as when run as root")
    parser.add_argument("--start-timeout", type=int, default=30, help="daemon start, s")
    parser.add_argument("--call-timeout", type=int, default=60, help="each call, s")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not os.access(args.virtusd, os.X_OK):
        parser.error("'%s' is not an executable" % args.virtusd)
    if args.pools < 1 or args.runs < 1 or args.connects < 1:
        parser.error("--pools, --runs and --connects must be at least 1")

    return run_and_print(run, args, print_text)


if __name__ == "__main__":
    exit_with("rpc_bench", main)
