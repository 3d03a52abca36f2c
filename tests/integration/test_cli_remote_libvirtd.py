"""One client, both daemons: the real `virtus` binary with `-c qemu+unix:///session?socket=…`
manages pools and volumes of a private, real libvirtd (session mode, run as user nobody),
including a vol-upload / vol-download round trip over libvirt's stream frames."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from cli_support import require_bin, virtus

LIBVIRTD = shutil.which("libvirtd") or "/usr/sbin/libvirtd"


@pytest.fixture(scope="module")
def libvirtd():
    require_bin()
    if os.geteuid() != 0:
        pytest.skip("starting libvirtd as user nobody needs root")
    assert os.access(LIBVIRTD, os.X_OK), "libvirtd (libvirt-daemon) must be installed"
    nobody = pwd.getpwnam("nobody")
    base = tempfile.mkdtemp(prefix="virtus-remote-")
    os.chmod(base, 0o755)
    for sub in ("run", "config", "cache", "pool"):
        os.mkdir(os.path.join(base, sub))
        os.chown(os.path.join(base, sub), nobody.pw_uid, nobody.pw_gid)
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "HOME": base,
           "XDG_RUNTIME_DIR": os.path.join(base, "run"),
           "XDG_CONFIG_HOME": os.path.join(base, "config"),
           "XDG_CACHE_HOME": os.path.join(base, "cache")}
    log = open(os.path.join(base, "libvirtd.log"), "w")
    proc = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                             "env"] + [f"{k}={v}" for k, v in env.items()] + [LIBVIRTD],
                            stdout=log, stderr=subprocess.STDOUT, cwd=base)
    sock = os.path.join(base, "run", "libvirt", "libvirt-sock")
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(sock):
            assert proc.poll() is None, "libvirtd exited: " + open(log.name).read()
            assert time.monotonic() < deadline, "libvirtd did not create its socket in 30 s"
            time.sleep(0.1)
        yield {"uri": f"qemu+unix:///session?socket={sock}", "base": base}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def run(d, *args, check=True):
    return virtus(None, "-c", d["uri"], *args, check=check, timeout=120)


def test_pool_and_volume_lifecycle_on_real_libvirtd(libvirtd):
    d = libvirtd
    pool_dir = os.path.join(d["base"], "pool")
    assert "Pool rp defined" in run(d, "pool-define-as", "rp", "dir", "--target", pool_dir).stdout
    assert "Pool rp started" in run(d, "pool-start", "rp").stdout
    listed = run(d, "pool-list", "--all").stdout
    assert "rp" in listed and "active" in listed

    assert "Vol v1.img created" in run(d, "vol-create-as", "rp", "v1.img", "1M").stdout
    vols = run(d, "vol-list", "rp").stdout
    assert "v1.img" in vols and os.path.join(pool_dir, "v1.img") in vols
    # libvirtd itself made the file: the calls reached the real daemon.
    assert os.path.getsize(os.path.join(pool_dir, "v1.img")) == 1024 * 1024

    # More than one stream frame (262120 bytes) each way.
    data = os.urandom(700_000)
    src = os.path.join(d["base"], "in.bin")
    out = os.path.join(d["base"], "out.bin")
    with open(src, "wb") as f:
        f.write(data)
    run(d, "vol-upload", "v1.img", src, "--pool", "rp")
    with open(os.path.join(pool_dir, "v1.img"), "rb") as f:
        assert f.read(len(data)) == data
    run(d, "vol-download", "v1.img", out, "--pool", "rp", "--length", str(len(data)))
    with open(out, "rb") as f:
        assert f.read() == data

    # The daemon's errors come back as libvirt words them.
    missing = run(d, "pool-info", "nosuchpool", check=False)
    assert missing.returncode == 1
    assert ("error: Storage pool not found: no storage pool with matching name 'nosuchpool'"
            in missing.stderr)

    run(d, "vol-delete", "v1.img", "--pool", "rp")
    assert "Pool rp destroyed" in run(d, "pool-destroy", "rp").stdout
    assert "Pool rp has been undefined" in run(d, "pool-undefine", "rp").stdout
    assert "rp" not in run(d, "pool-list", "--all").stdout.split()


def test_default_uri_from_the_environment(libvirtd):
    d = libvirtd
    env = dict(os.environ, VIRTUS_DEFAULT_URI=d["uri"])
    target = os.path.join(d["base"], "pool")
    p = virtus(None, "pool-define-as", "envpool", "dir", "--target", target, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    # The pool went to the daemon, not to an in-process tree.
    assert "envpool" in run(d, "pool-list", "--all").stdout.split()
    run(d, "pool-undefine", "envpool")


def test_missing_socket_fails_fast():
    require_bin()
    p = virtus(None, "-c", "qemu+unix:///session?socket=/nonexistent/virtus/sock", "pool-list",
               timeout=60)
    assert p.returncode == 1
    assert p.stderr.startswith("error: failed to connect to the hypervisor\n")
    assert "'/nonexistent/virtus/sock'" in p.stderr
