#!/usr/bin/python3
"""The rbd benchmark: an RBD pool of N images (default 1,000) under virtusd and under libvirtd
9.0, side by side against the same private one-node Ceph cluster, in one run.

1. The cluster: tests/services/ceph.sh starts one monitor, one manager and one memstore OSD
   (cephx on) in a temp directory, with monitor ports other than the tests' defaults (6889
   and 3400 unless told), so that a test run can use its own cluster at the same time; or
   --ceph-env FILE names the env file of a cluster already running. A Ceph pool of the
   benchmark's own holds N images of 1 GiB made with the python rbd binding, with the
   features `rbd create` gives by default (read from an image the rbd tool made).
2. The daemons, both at once, as the same unprivileged user when run as root (as in the other
   benchmarks): libvirtd in session mode and virtusd --root on a temp tree. On each: a ceph
   secret holding the admin key, and an rbd pool over the benchmark's Ceph pool, started.
3. Measured on each, with the python binding, the two daemons alternating run by run:
   - refresh: R refreshes of the pool (virStoragePoolRefresh), median and min; after each
     (not timed) the pool must list N volumes. With the daemon's CPU time per refresh.
   - lookup of a new image by name: an image is made with the rbd binding, then
     storageVolLookupByName is called on each daemon's pool without a refresh. virtusd looks
     a name it does not know up in the cluster; libvirtd 9.0 reports no such volume, so on
     libvirtd the figure is a refresh and then the lookup. L new images (default 5), median.
     The volume found must have the image's capacity.
   - CPU: the user + system time of each daemon over its refreshes, and of the private
     cluster's daemons (monitor, manager, OSD) during them, per refresh.
   - memory: VmRSS, VmHWM, RssAnon of each daemon idle (pool started) and after the
     refreshes and lookups.

Every libvirt call has a deadline (a watchdog kills the daemon that overruns it), each side
has a time budget for all its calls, and the Ceph clients have operation timeouts. The
daemons, the cluster (ceph.sh stop) and the temp directories are removed at the end, also on
SIGTERM and Ctrl-C; with --ceph-env only the benchmark's Ceph pool is removed.

Run it with /usr/bin/python3: the libvirt, rados and rbd bindings are Debian's packages.
"""

import argparse
import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from bench_support import (Bounded, Libvirtd, Virtusd, cpu_seconds, exit_with, run_and_print,
                           stats)

HERE = os.path.dirname(os.path.abspath(__file__))
CEPH_SH = os.path.join(HERE, "..", "tests", "services", "ceph.sh")
POOL = "rbdbench"            # the libvirt pool's name on both daemons
IMAGE_SIZE = 1 << 30         # thin: no data is written
CEPH_TIMEOUT = 60            # librados operation timeouts of the benchmark's own client, s
VIR_ERR_NO_STORAGE_VOL = 50


# ---------------------------------------------------------------------------------------------
# The cluster

def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                env[key] = value
    return env


class Cluster:
    """A private one-node cluster (ceph.sh start/stop in a temp dir), or one already running
    (its env file), plus a Ceph pool of the benchmark's own and a librados client."""

    def __init__(self):
        self.dir = None
        self.env = None
        self.cluster = None
        self.ioctx = None
        self.pool = "%s-%d" % (POOL, os.getpid())
        self.pool_made = False
        self.start_s = None
        self.features = None

    def start(self, args):
        if args.ceph_env:
            self.env = read_env(args.ceph_env)
            return
        for port in (args.mon_port, args.mon_port_v2):
            if not port_free(port):
                raise RuntimeError("port %d is in use: choose others with --mon-port and "
                                   "--mon-port-v2" % port)
        # Set before the start, so that close() stops what a failed or interrupted start left.
        self.dir = tempfile.mkdtemp(prefix="vb-ceph.")
        env = dict(os.environ, CEPH_MON_PORT=str(args.mon_port),
                   CEPH_MON_PORT_V2=str(args.mon_port_v2))
        sys.stderr.write("rbd_bench: starting a one-node Ceph (mon ports %d, %d)\n"
                         % (args.mon_port, args.mon_port_v2))
        t0 = time.monotonic()
        # Its output into an unnamed file, not a pipe: the Ceph daemons it leaves running
        # could hold a pipe open.
        with tempfile.TemporaryFile() as log:
            try:
                p = subprocess.run(["bash", CEPH_SH, "start", self.dir], env=env,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   timeout=args.ceph_start_timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError("ceph.sh start did not finish within %d s"
                                   % args.ceph_start_timeout)
            if p.returncode != 0:
                log.seek(0)
                raise RuntimeError("ceph.sh start failed (status %d):\n%s"
                                   % (p.returncode, log.read()[-3000:].decode(errors="replace")))
        self.start_s = time.monotonic() - t0
        self.env = read_env(os.path.join(self.dir, "env"))

    def cli(self, tool, *argv, timeout=120):
        p = subprocess.run([tool, "-c", self.env["CEPH_CONF"]] + list(argv),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("%s %s failed: %s%s" % (tool, " ".join(argv), p.stdout, p.stderr))
        return p.stdout

    def connect(self):
        import rados
        self.cluster = rados.Rados(conffile=self.env["CEPH_CONF"], name="client.admin")
        for key, value in (("client_mount_timeout", CEPH_TIMEOUT),
                           ("rados_mon_op_timeout", CEPH_TIMEOUT),
                           ("rados_osd_op_timeout", CEPH_TIMEOUT),
                           ("admin_socket", "")):
            self.cluster.conf_set(key, str(value))
        self.cluster.connect(timeout=CEPH_TIMEOUT)

    def make_pool(self):
        import rbd
        self.cli("ceph", "osd", "pool", "create", self.pool, "8", "8")
        self.pool_made = True
        self.cli("rbd", "pool", "init", self.pool)
        self.ioctx = self.cluster.open_ioctx(self.pool)
        # The features `rbd create` gives an image by default, read from one it made.
        self.cli("rbd", "create", "--size", "1M", "%s/features-probe" % self.pool)
        with rbd.Image(self.ioctx, "features-probe", read_only=True) as image:
            self.features = image.features()
        rbd.RBD().remove(self.ioctx, "features-probe")

    def create_image(self, name, size=IMAGE_SIZE):
        import rbd
        rbd.RBD().create(self.ioctx, name, size, old_format=False, features=self.features)

    def cpu(self):
        """User + system CPU time of the private cluster's daemons (monitor, manager, OSD);
        None for a cluster of someone else's."""
        if self.dir is None:
            return None
        total = 0.0
        for daemon in ("mon.a", "mgr.x", "osd.0"):
            with open(os.path.join(self.dir, "run", "ceph-%s.pid" % daemon)) as f:
                total += cpu_seconds(int(f.read().split()[0]))
        return total

    def version(self):
        try:
            return self.cli("ceph", "version", timeout=30).strip()
        except (RuntimeError, subprocess.TimeoutExpired):
            return None

    def close(self):
        if self.ioctx is not None:
            self.ioctx.close()
            self.ioctx = None
        if self.pool_made and self.dir is None:
            # A cluster of someone else's: remove what the benchmark made. A private one goes
            # as a whole below.
            try:
                self.cli("ceph", "osd", "pool", "rm", self.pool, self.pool,
                         "--yes-i-really-really-mean-it", timeout=60)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                sys.stderr.write("rbd_bench: could not remove the Ceph pool '%s': %s\n"
                                 % (self.pool, e))
        if self.cluster is not None:
            self.cluster.shutdown()
            self.cluster = None
        if self.dir is not None:
            try:
                subprocess.run(["bash", CEPH_SH, "stop", self.dir], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=120)
            except subprocess.TimeoutExpired:
                sys.stderr.write("rbd_bench: ceph.sh stop did not finish within 120 s\n")
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ---------------------------------------------------------------------------------------------
# The daemons' side

def secret_xml(usage):
    return ("<secret ephemeral='no' private='no'><usage type='ceph'><name>%s</name></usage>"
            "</secret>" % usage)


def pool_xml(env, ceph_pool, usage):
    return """<pool type='rbd'>
  <name>%s</name>
  <source>
    <name>%s</name>
    <host name='%s' port='%s'/>
    <auth username='admin' type='ceph'>
      <secret usage='%s'/>
    </auth>
  </source>
</pool>
""" % (POOL, ceph_pool, env["CEPH_MON_HOST"], env["CEPH_MON_PORT"], usage)


class Side:
    """One daemon, its connection and pool, and a time budget for all its calls together."""

    def __init__(self, daemon, watchdog, args):
        self.daemon = daemon
        self.name = daemon.name
        self.watchdog = watchdog
        self.args = args
        self.spent = 0.0  # in this daemon's calls, s
        self.conn = None
        self.pool = None
        self.result = {}

    @contextlib.contextmanager
    def bounded(self, what, seconds):
        """A call's deadline: `seconds`, or what is left of the side's budget if less."""
        left = self.args.side_timeout - self.spent
        if left <= 0:
            raise RuntimeError("%s: the time limit of its calls (%d s) is spent before '%s'"
                               % (self.name, self.args.side_timeout, what))
        t0 = time.monotonic()
        try:
            with Bounded(self.watchdog, what, min(seconds, left), self.daemon):
                yield
        finally:
            self.spent += time.monotonic() - t0

    def setup(self, libvirt, env, ceph_pool, key):
        usage = "%s admin" % POOL
        with self.bounded("connect, define the secret and the pool", self.args.call_timeout):
            self.conn = libvirt.open(self.daemon.uri())
            self.result["version"] = self.conn.getLibVersion()
            secret = self.conn.secretDefineXML(secret_xml(usage), 0)
            secret.setValue(key, 0)
            self.pool = self.conn.storagePoolDefineXML(pool_xml(env, ceph_pool, usage), 0)
        # The start refreshes the pool: timed once, as the first refresh.
        with self.bounded("start the pool", self.args.refresh_timeout):
            t0 = time.perf_counter()
            self.pool.create(0)
            self.result["start_s"] = time.perf_counter() - t0

    def count(self):
        with self.bounded("count the volumes", self.args.call_timeout):
            return self.pool.numOfVolumes()

    def refresh(self):
        with self.bounded("refresh the pool", self.args.refresh_timeout):
            t0 = time.perf_counter()
            self.pool.refresh(0)
            return time.perf_counter() - t0

    def lookup(self, libvirt, name):
        """(seconds, the volume or None, the error when not found)."""
        with self.bounded("look up volume '%s'" % name, self.args.call_timeout):
            t0 = time.perf_counter()
            try:
                vol = self.pool.storageVolLookupByName(name)
            except libvirt.libvirtError as e:
                elapsed = time.perf_counter() - t0
                if e.get_error_code() != VIR_ERR_NO_STORAGE_VOL:
                    raise
                return elapsed, None, "%s (error %d)" % (e.get_error_message(),
                                                         e.get_error_code())
            return time.perf_counter() - t0, vol, None

    def capacity(self, vol):
        with self.bounded("volume info", self.args.call_timeout):
            return vol.info()[1]

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - the daemon may be gone already
                pass
            self.conn = None


def memory(side):
    m = side.daemon.memory()
    return {k: m.get(k) for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}


def measure(libvirt, sides, cluster, args):
    n = args.images
    # Idle: pools started, one refresh done (the start).
    for s in sides:
        s.result["memory_idle"] = memory(s)
        s.result["volumes_after_start"] = s.count()
        if s.result["volumes_after_start"] != n:
            raise RuntimeError("%s lists %d volumes after the pool's start, not %d"
                               % (s.name, s.result["volumes_after_start"], n))

    # 1. Refresh, alternating which daemon goes first.
    times = {s.name: [] for s in sides}
    cpu = {s.name: 0.0 for s in sides}
    ceph_cpu = {s.name: 0.0 for s in sides}
    private = cluster.cpu() is not None
    for i in range(args.runs):
        order = sides if i % 2 == 0 else sides[::-1]
        for s in order:
            c0, k0 = s.daemon.cpu(), cluster.cpu()
            times[s.name].append(s.refresh())
            cpu[s.name] += s.daemon.cpu() - c0
            if private:
                ceph_cpu[s.name] += cluster.cpu() - k0
            listed = s.count()
            if listed != n:
                raise RuntimeError("%s lists %d volumes after refresh %d, not %d"
                                   % (s.name, listed, i + 1, n))
    for s in sides:
        s.result["refresh_s"] = stats(times[s.name])
        s.result["refresh_per_image_s"] = s.result["refresh_s"]["median"] / n
        s.result["cpu_per_refresh_s"] = cpu[s.name] / args.runs
        s.result["ceph_cpu_per_refresh_s"] = ceph_cpu[s.name] / args.runs if private else None
        s.result["memory_after_refreshes"] = memory(s)

    # 2. Lookup of a new image by name. Both daemons look up the same new image, the first
    # one alternating; each tries without a refresh first, and refreshes only if it must.
    lookups = {s.name: {"new_image_s": [], "lookup_only_s": [], "found_without_refresh": 0,
                        "not_found_errors": [], "refresh_then_lookup": 0} for s in sides}
    for i in range(args.lookups):
        name = "new-%d-%d" % (os.getpid(), i)
        size = (64 + i) << 20
        cluster.create_image(name, size)
        order = sides if i % 2 == 0 else sides[::-1]
        for s in order:
            r = lookups[s.name]
            elapsed, vol, error = s.lookup(libvirt, name)
            r["lookup_only_s"].append(elapsed)
            if vol is not None:
                r["found_without_refresh"] += 1
                total = elapsed
            else:
                r["not_found_errors"].append(error)
                refreshed = s.refresh()
                elapsed, vol, error = s.lookup(libvirt, name)
                if vol is None:
                    raise RuntimeError("%s does not find the new image '%s' even after a "
                                       "refresh: %s" % (s.name, name, error))
                r["refresh_then_lookup"] += 1
                total = refreshed + elapsed
            r["new_image_s"].append(total)
            got = s.capacity(vol)
            if got != size:
                raise RuntimeError("%s reports a capacity of %d bytes for '%s', not %d"
                                   % (s.name, got, name, size))
    for s in sides:
        r = lookups[s.name]
        found = r["found_without_refresh"]
        s.result["lookup"] = {
            "new_image_s": stats(r["new_image_s"]),
            "lookup_only_s": stats(r["lookup_only_s"]),
            "found_without_refresh": found,
            "needed": ("lookup" if found == args.lookups else
                       "refresh + lookup" if found == 0 else "mixed"),
            "not_found_error": r["not_found_errors"][0] if r["not_found_errors"] else None,
        }
        s.result["memory_after"] = memory(s)
        listed = s.count()
        s.result["volumes_at_end"] = listed
        if listed != n + args.lookups:
            raise RuntimeError("%s lists %d volumes at the end, not %d"
                               % (s.name, listed, n + args.lookups))


def run(args, watchdog):
    import libvirt
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    result = {"bench": "rbd", "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(),
              "images": args.images, "runs": args.runs, "lookups": args.lookups,
              "image_size": IMAGE_SIZE}
    cluster, daemons, sides = None, [], []
    try:
        cluster = Cluster()
        cluster.start(args)
        result["ceph"] = {"private": cluster.dir is not None, "start_s": cluster.start_s,
                          "mon_port": int(cluster.env["CEPH_MON_PORT"])}
        cluster.connect()
        cluster.make_pool()
        result["ceph"]["version"] = cluster.version()
        result["features"] = cluster.features
        sys.stderr.write("rbd_bench: creating %d images in the Ceph pool '%s'\n"
                         % (args.images, cluster.pool))
        t0 = time.perf_counter()
        for i in range(args.images):
            cluster.create_image("img-%05d" % i)
        result["create_images_s"] = time.perf_counter() - t0

        daemons.append(Libvirtd(args.user, args.start_timeout))
        daemons.append(Virtusd(args.virtusd, args.user, args.start_timeout))
        key = base64.b64decode(cluster.env["CEPH_ADMIN_KEY"])
        for d in daemons:
            side = Side(d, watchdog, args)
            sides.append(side)
            sys.stderr.write("rbd_bench: %s: starting the rbd pool\n" % d.name)
            side.setup(libvirt, cluster.env, cluster.pool, key)
        sys.stderr.write("rbd_bench: %d refreshes and %d lookups on each daemon\n"
                         % (args.runs, args.lookups))
        measure(libvirt, sides, cluster, args)
        for s in sides:
            result[s.name] = s.result
        result["loadavg"] = os.getloadavg()
        return result
    finally:
        for s in sides:
            s.close()
        for d in daemons:
            d.stop()
        if cluster is not None:
            cluster.close()


def print_text(result, out):
    def ms(value):
        return "n/a" if value is None else "%.1f ms" % (value * 1e3)

    out.write("rbd benchmark: %d images of 1 GiB (features 0x%x), %d refreshes and %d new-image "
              "lookups per daemon; load average %.1f at the start, %.1f at the end\n"
              % (result["images"], result["features"], result["runs"], result["lookups"],
                 result["loadavg_start"][0], result["loadavg"][0]))
    out.write("  images created in %.1f s (%.1f ms each)\n"
              % (result["create_images_s"], result["create_images_s"] / result["images"] * 1e3))
    for name in ("libvirtd", "virtus"):
        r = result[name]
        lk = r["lookup"]
        out.write("  %-8s start %s; refresh median %s, min %s (%.2f ms an image), CPU %s a "
                  "refresh (Ceph's daemons: %s); new image by name: %s median (%s; found "
                  "without a refresh %d of %d); VmRSS %.1f MiB after\n"
                  % (name, ms(r["start_s"]), ms(r["refresh_s"]["median"]),
                     ms(r["refresh_s"]["min"]), r["refresh_per_image_s"] * 1e3,
                     ms(r["cpu_per_refresh_s"]), ms(r["ceph_cpu_per_refresh_s"]),
                     ms(lk["new_image_s"]["median"]), lk["needed"],
                     lk["found_without_refresh"], result["lookups"],
                     r["memory_after"]["VmRSS"] / 1048576.0))
        if lk["not_found_error"]:
            out.write("  %-8s without a refresh: %s\n" % (name, lk["not_found_error"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--virtusd", required=True, help="the virtusd binary")
    parser.add_argument("--images", type=int, default=1000, help="images in the pool")
    parser.add_argument("--runs", type=int, default=5, help="measured refreshes per daemon")
    parser.add_argument("--lookups", type=int, default=5,
                        help="new images looked up by name on each daemon")
    parser.add_argument("--user", default="nobody",
                        help="the unprivileged user the daemons run as when run as root")
    parser.add_argument("--ceph-env", help="the env file of a running cluster (ceph.sh's); "
                        "default: start a private one")
    parser.add_argument("--mon-port", type=int, default=6889,
                        help="the private cluster's monitor port, msgr v1")
    parser.add_argument("--mon-port-v2", type=int, default=3400,
                        help="the private cluster's monitor port, msgr v2")
    parser.add_argument("--ceph-start-timeout", type=int, default=180, help="ceph.sh start, s")
    parser.add_argument("--start-timeout", type=int, default=30, help="daemon start, s")
    parser.add_argument("--call-timeout", type=int, default=60, help="each cheap call, s")
    parser.add_argument("--refresh-timeout", type=int, default=600,
                        help="each pool start or refresh, s")
    parser.add_argument("--side-timeout", type=int, default=900,
                        help="all of one daemon's calls together, s")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not os.access(args.virtusd, os.X_OK):
        parser.error("'%s' is not an executable" % args.virtusd)
    if args.images < 1 or args.runs < 1 or args.lookups < 1:
        parser.error("--images, --runs and --lookups must be >= 1")
    if args.ceph_env is None and not os.path.exists(CEPH_SH):
        parser.error("'%s' is missing" % CEPH_SH)
    return run_and_print(run, args, print_text)


if __name__ == "__main__":
    exit_with("rbd_bench", main)
