#!/usr/bin/python3
"""The domain benchmark: start and destroy of one small QEMU guest under virtusd and under
libvirtd, side by side in one run, with the raw QEMU start of the same command line as the
floor.

Starts a private libvirtd (session mode) and a private virtusd (--root on a temp tree), both
as the same unprivileged user when run as root, each under subreaper.py (see there), defines
the same guest on both (TCG, no disk, no network, no display, a pty serial console) and
measures, with the python binding:

- start: dom.create() until it returns, which both daemons do once QEMU's QMP monitor has
  answered and the guest runs; the guest is then checked to be running (not timed);
- destroy: dom.destroy() until it returns; QEMU is then checked to be gone (not timed);
- the floor: the QEMU command line virtusd ran (read from /proc during a warm-up), spawned
  directly with a monitor socket bound beforehand and passed in (as libvirt does), timed from
  the spawn to the QMP greeting, to `qmp_capabilities` answered and to `cont` answered; then
  SIGTERM until the process has exited and is reaped;
- the daemons' CPU time (user + system, their own threads) over the measured runs, and their
  memory (VmRSS, VmHWM) before and after.

Two warm-up cycles per side, then N measured cycles, the three sides in a rotating order.
Median and p90 (nearest rank) of each. Every libvirt call has a deadline (a watchdog kills
the daemon that overruns it) and every wait on QEMU is bounded. The daemons, the QEMU
processes and the temp directories are removed on exit, also on SIGTERM and Ctrl-C.

Run it with /usr/bin/python3: the libvirt binding is Debian's python3-libvirt.
"""

import argparse
import json
import os
import select
import signal
import socket
import statistics
import subprocess
import time

from bench_support import (Bounded, Libvirtd, Virtusd, cpu_seconds, descendants, exit_with,
                           nearest_rank, read_status, run_and_print)

DOMAIN = "vbench"  # short: libvirtd's monitor socket path holds it


def domain_xml(memory_mib):
    """The guest both daemons start: TCG, no disk, no network, no display; a pty serial port
    (and the console on it); no USB controller and no balloon, so that libvirtd's QEMU has
    no devices Virtus's lacks."""
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <controller type='usb' model='none'/>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (DOMAIN, memory_mib)


# ---------------------------------------------------------------------------------------------
# QEMU processes.

def is_qemu(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().startswith("qemu-system")
    except OSError:
        return False


def qemu_below(daemon):
    """The QEMU processes under a daemon's subreaper: its children, or (libvirtd daemonizes
    them) the subreaper's."""
    return [pid for pid in descendants(daemon.proc.pid) if is_qemu(pid)]


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return [a.decode() for a in f.read().split(b"\0")[:-1]]


def floor_argv(argv, fd):
    """virtusd's QEMU command line with its monitor on the listening socket `fd` instead of a
    path QEMU binds itself."""
    out = list(argv)
    monitor = None
    for i, arg in enumerate(out[:-1]):
        if arg == "-mon":
            opts = dict(kv.split("=", 1) for kv in out[i + 1].split(",") if "=" in kv)
            if opts.get("mode") == "control":
                monitor = opts.get("chardev")
    if monitor is None:
        raise RuntimeError("no QMP monitor (-mon ...,mode=control) in QEMU's command line: %s"
                           % " ".join(argv))
    for i, arg in enumerate(out[:-1]):
        if arg == "-chardev" and ("id=%s," % monitor) in out[i + 1] + ",":
            out[i + 1] = "socket,id=%s,fd=%d,server=on,wait=off" % (monitor, fd)
            return out
    raise RuntimeError("no -chardev for the monitor '%s' in QEMU's command line" % monitor)


class QmpLines:
    """Reads QMP's newline-separated JSON messages from a socket, each read bounded."""

    def __init__(self, sock, deadline):
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""

    def message(self):
        while b"\n" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("QEMU's monitor did not answer in time")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QEMU closed its monitor")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def reply(self):
        """The next message that is not an event."""
        while True:
            msg = self.message()
            if "event" not in msg:
                if "error" in msg:
                    raise RuntimeError("QEMU answered with an error: %s" % msg["error"])
                return msg

    def execute(self, command):
        self.sock.sendall(json.dumps({"execute": command}).encode() + b"\n")
        return self.reply()


def wait_exit(proc, timeout):
    """Waits (bounded, without polling) for `proc` to exit; True if it did. Not reaped."""
    fd = os.pidfd_open(proc.pid)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    finally:
        os.close(fd)


def floor_run(argv, daemon, timeout):
    """One raw QEMU start and stop of `argv` as the daemons' user; the times in seconds."""
    path = os.path.join(daemon.tree, "floor.qmp")
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client = None
    proc = None
    try:
        listener.bind(path)
        listener.listen(1)
        run_argv = floor_argv(argv, listener.fileno())
        spawn_argv = run_argv
        if os.getuid() == 0 and daemon.uid != 0:
            # Through setpriv, as the daemons run: Popen's own user= would fork the whole
            # interpreter instead of vfork()ing, tens of ms on a loaded machine.
            spawn_argv = ["setpriv", "--reuid=%d" % daemon.uid, "--regid=%d" % daemon.gid,
                          "--clear-groups"] + run_argv
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": daemon.tree, "LANG": "C"}
        log = open(os.path.join(daemon.tree, "floor.log"), "ab")
        try:
            t0 = time.perf_counter()
            proc = subprocess.Popen(spawn_argv, pass_fds=(listener.fileno(),),
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, cwd=daemon.tree, env=env,
                                    start_new_session=True)
            t_spawned = time.perf_counter()
        finally:
            log.close()
        listener.close()  # QEMU holds its own copy
        # The socket listens already: the connection is queued until QEMU's main loop runs
        # and greets, so no retry loop is needed.
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(timeout)
        client.connect(path)
        qmp = QmpLines(client, time.monotonic() + timeout)
        greeting = qmp.message()
        t_greeting = time.perf_counter()
        if "QMP" not in greeting:
            raise RuntimeError("QEMU's monitor did not greet: %s" % greeting)
        qmp.execute("qmp_capabilities")
        t_caps = time.perf_counter()
        t_cont = None
        if "-S" in run_argv:
            qmp.execute("cont")
            t_cont = time.perf_counter()
        status = qmp.execute("query-status")["return"]
        if not status.get("running"):
            raise RuntimeError("raw QEMU is not running after 'cont': %s" % status)
        t_kill = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        if not wait_exit(proc, timeout):
            raise RuntimeError("raw QEMU did not exit within %d s of SIGTERM" % timeout)
        t_exited = time.perf_counter()
        proc.wait()
        t_reaped = time.perf_counter()
        return {
            "spawned_s": t_spawned - t0,
            "greeting_s": t_greeting - t0,
            "capabilities_s": t_caps - t0,
            "cont_s": None if t_cont is None else t_cont - t0,
            "ready_s": (t_cont or t_caps) - t0,
            "stop_exited_s": t_exited - t_kill,
            "stop_s": t_reaped - t_kill,
        }
    finally:
        if client is not None:
            client.close()
        listener.close()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout)
        if os.path.exists(path):
            os.unlink(path)


# ---------------------------------------------------------------------------------------------
# The daemons' side.

def cycle(libvirt, daemon, dom, watchdog, args, while_running=None):
    """One dom.create() and dom.destroy(), each timed, each checked after the clock stopped;
    `while_running(qemu_pid)`, if given, checks more between the two (not timed)."""
    with Bounded(watchdog, "dom.create()", args.call_timeout, daemon):
        t0 = time.perf_counter()
        dom.create()
        t1 = time.perf_counter()
    with Bounded(watchdog, "dom.state()", args.call_timeout, daemon):
        state = dom.state()[0]
    if state != libvirt.VIR_DOMAIN_RUNNING:
        raise RuntimeError("%s: the domain is in state %d after dom.create(), not running"
                           % (daemon.name, state))
    qemus = qemu_below(daemon)
    if len(qemus) != 1:
        raise RuntimeError("%s: %d QEMU processes after dom.create(), expected 1"
                           % (daemon.name, len(qemus)))
    argv = cmdline(qemus[0])
    if while_running is not None:
        while_running(qemus[0])
    with Bounded(watchdog, "dom.destroy()", args.call_timeout, daemon):
        t2 = time.perf_counter()
        dom.destroy()
        t3 = time.perf_counter()
    with Bounded(watchdog, "dom.state()", args.call_timeout, daemon):
        state = dom.state()[0]
    if state != libvirt.VIR_DOMAIN_SHUTOFF:
        raise RuntimeError("%s: the domain is in state %d after dom.destroy(), not shut off"
                           % (daemon.name, state))
    # Both daemons return from destroy once QEMU has exited and was reaped: a QEMU still
    # listed (even as a zombie) would mean the destroy returned early.
    left = [pid for pid in qemus if os.path.exists("/proc/%d" % pid)]
    return {"start_s": t1 - t0, "destroy_s": t3 - t2, "qemu_left": len(left)}, argv


def stats(samples):
    ordered = sorted(x for x in samples if x is not None)
    if not ordered:
        return None
    return {"count": len(ordered), "median": statistics.median(ordered),
            "p90": nearest_rank(ordered, 0.9), "min": ordered[0], "max": ordered[-1],
            "samples": samples}


def run(args, watchdog):
    import libvirt
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    xml = domain_xml(args.memory)
    load_start = os.getloadavg()
    daemons = []
    conns = []
    try:
        reap = not args.no_reaper
        daemons.append(Libvirtd(args.user, args.start_timeout, reap=reap))
        daemons.append(Virtusd(args.virtusd, args.user, args.start_timeout, reap=reap))
        res = {d.name: {"runs": []} for d in daemons}
        doms = {}
        for d in daemons:
            with Bounded(watchdog, "connect and define", args.call_timeout, d):
                conn = libvirt.open(d.uri())
                conns.append(conn)
                res[d.name]["version"] = conn.getLibVersion()
                doms[d.name] = conn.defineXML(xml)

        # Warm-ups: the first start fills caches (libvirtd probes QEMU's capabilities on its
        # first use of the binary) and pages QEMU in. The floor's command line is virtusd's.
        argv = {}
        for _ in range(args.warmups):
            for d in daemons:
                _, argv[d.name] = cycle(libvirt, d, doms[d.name], watchdog, args)
        floor_daemon = daemons[1]
        for _ in range(args.warmups if args.floor else 0):
            floor_run(argv["virtus"], floor_daemon, args.call_timeout)

        for d in daemons:
            res[d.name]["memory_before"] = read_status(d.pid)
            res[d.name]["cpu0"] = cpu_seconds(d.pid)
        floor = []
        sides = [d.name for d in daemons] + (["floor"] if args.floor else [])
        by_name = {d.name: d for d in daemons}
        for i in range(args.runs):
            # A rotating order spreads the machine's changing load and any after-effects of
            # one side's run (page cache, a daemon's background work) over all sides.
            k = i % len(sides)
            for side in sides[k:] + sides[:k]:
                if side == "floor":
                    floor.append(floor_run(argv["virtus"], floor_daemon, args.call_timeout))
                else:
                    figures, _ = cycle(libvirt, by_name[side], doms[side], watchdog, args)
                    res[side]["runs"].append(figures)
        for d in daemons:
            r = res[d.name]
            cpu = cpu_seconds(d.pid) - r.pop("cpu0")
            r["memory_after"] = read_status(d.pid)
            r["cpu_per_cycle_s"] = cpu / args.runs
            r["start_s"] = stats([x["start_s"] for x in r["runs"]])
            r["destroy_s"] = stats([x["destroy_s"] for x in r["runs"]])
            r["qemu_left_after_destroy"] = sum(x["qemu_left"] for x in r["runs"])
            r["qemu_argv"] = argv[d.name]
            del r["runs"]
        result = {
            "bench": "domain",
            "runs": args.runs,
            "warmups": args.warmups,
            "memory_mib": args.memory,
            "reaper": reap,
            "cpus": os.cpu_count(),
            "loadavg_start": load_start,
            "loadavg": os.getloadavg(),
            "domain_xml": xml,
            "libvirtd": res["libvirtd"],
            "virtus": res["virtus"],
        }
        if args.floor:
            result["floor"] = {key: stats([f[key] for f in floor]) for key in floor[0]}
            result["floor"]["qemu_argv"] = floor_argv(argv["virtus"], 3)
        return result
    finally:
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - the daemon may be gone already
                pass
        for d in daemons:
            d.stop()


def print_text(result, out):
    def ms(s, key):
        return "n/a" if not s or s.get(key) is None else "%.1f ms" % (s[key] * 1e3)

    out.write("Domain benchmark: %d runs after %d warm-ups, %d MiB TCG guest, load average "
              "%.1f at the start, %.1f at the end\n"
              % (result["runs"], result["warmups"], result["memory_mib"],
                 result["loadavg_start"][0], result["loadavg"][0]))
    for side in ("libvirtd", "virtus"):
        r = result[side]
        out.write("%s (version %s): start median %s p90 %s; destroy median %s p90 %s; "
                  "CPU %.1f ms a cycle; VmHWM %.1f MiB\n"
                  % (side, r.get("version"), ms(r["start_s"], "median"), ms(r["start_s"], "p90"),
                     ms(r["destroy_s"], "median"), ms(r["destroy_s"], "p90"),
                     r["cpu_per_cycle_s"] * 1e3, r["memory_after"]["VmHWM"] / 1048576.0))
        if r["qemu_left_after_destroy"]:
            out.write("  %d destroys returned before QEMU was gone\n"
                      % r["qemu_left_after_destroy"])
    f = result.get("floor")
    if f:
        out.write("raw QEMU: spawned %s, greeting %s, capabilities %s, cont %s (medians); "
                  "SIGTERM to reaped %s\n"
                  % (ms(f["spawned_s"], "median"), ms(f["greeting_s"], "median"),
                     ms(f["capabilities_s"], "median"), ms(f["cont_s"], "median"),
                     ms(f["stop_s"], "median")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--virtusd", required=True, help="the virtusd binary")
    parser.add_argument("--runs", type=int, default=20, help="measured cycles per side")
    parser.add_argument("--warmups", type=int, default=2, help="unmeasured cycles per side")
    parser.add_argument("--memory", type=int, default=128, help="the guest's memory, MiB")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="do not measure the raw QEMU start")
    parser.add_argument("--no-reaper", action="store_true",
                        help="run the daemons without subreaper.py (orphans are then reaped "
                        "by this machine's init)")
    parser.add_argument("--user", default="nobody",
                        help="the unprivileged user both daemons run as when run as root")
    parser.add_argument("--start-timeout", type=int, default=30, help="daemon start, s")
    parser.add_argument("--call-timeout", type=int, default=60,
                        help="each call and each wait on QEMU, s")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not os.access(args.virtusd, os.X_OK):
        parser.error("'%s' is not an executable" % args.virtusd)
    if args.runs < 1 or args.warmups < 1:
        parser.error("--runs and --warmups must be at least 1")
    if not 64 <= args.memory <= 4096:
        parser.error("--memory must be between 64 and 4096 MiB")

    return run_and_print(run, args, print_text)


if __name__ == "__main__":
    exit_with("domain_bench", main)
