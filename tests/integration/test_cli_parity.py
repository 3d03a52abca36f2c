"""Parity of `virtus` with virsh 9.0 for the pool and volume commands: positional arguments,
command-line mistakes, --quiet tables. Every expected text is virsh 9.0's output, taken from
`virsh -c test:///default "CMD"` (the test driver's running dir pool is named default-pool,
so the tests use that name); only paths, which differ by design, are substituted."""

import pytest

from cli_support import require_bin, virtus

NOT_FOUND_NOSUCH = ("error: failed to get vol 'nosuch'\n"
                    "error: Storage volume not found: no storage vol with matching path "
                    "'nosuch'\n")


@pytest.fixture
def root(tmp_path):
    require_bin()
    r = tmp_path / "root"
    r.mkdir()
    virtus(r, "pool-define-as", "default-pool", "dir", "--target", r / "dp", check=True)
    virtus(r, "pool-build", "default-pool", check=True)
    virtus(r, "pool-start", "default-pool", check=True)
    return r


@pytest.fixture
def vol_root(root):
    virtus(root, "vol-create-as", "default-pool", "a.raw", "10M", "--allocation", "512K",
           check=True)
    return root


def result(p):
    return (p.returncode, p.stdout, p.stderr)


# --- the pool as second positional argument of the volume commands ---

def test_vol_info_takes_pool_positionally(vol_root):
    # virsh 9.0: vol-info a.raw default-pool
    assert result(virtus(vol_root, "vol-info", "a.raw", "default-pool")) == (
        0,
        "Name:           a.raw\n"
        "Type:           file\n"
        "Capacity:       10.00 MiB\n"
        "Allocation:     512.00 KiB\n"
        "\n", "")


def test_vol_info_unknown_vol_in_positional_pool(vol_root):
    # virsh 9.0: vol-info nosuch default-pool (no "specifying --pool might help")
    assert result(virtus(vol_root, "vol-info", "nosuch", "default-pool")) == (
        1, "\n", NOT_FOUND_NOSUCH)


def test_vol_dumpxml_and_delete_take_pool_positionally(vol_root):
    # virsh 9.0: vol-dumpxml nosuch default-pool; vol-delete a.raw default-pool
    assert result(virtus(vol_root, "vol-dumpxml", "nosuch", "default-pool")) == (
        1, "\n", NOT_FOUND_NOSUCH)
    assert result(virtus(vol_root, "vol-delete", "a.raw", "default-pool")) == (
        0, "Vol a.raw deleted\n\n", "")
    assert not (vol_root / "dp" / "a.raw").exists()


def test_vol_path_and_key_take_pool_positionally(vol_root):
    # virsh 9.0: vol-path a.raw default-pool -> "/default-pool/a.raw\n\n" (path substituted)
    path = str(vol_root / "dp" / "a.raw")
    assert result(virtus(vol_root, "vol-path", "a.raw", "default-pool")) == (0, path + "\n\n", "")
    assert result(virtus(vol_root, "vol-key", "a.raw", "default-pool")) == (0, path + "\n\n", "")


def test_vol_resize_takes_pool_as_third_positional(vol_root):
    # virsh 9.0: vol-resize nosuch 20M default-pool
    assert result(virtus(vol_root, "vol-resize", "nosuch", "20M", "default-pool")) == (
        1, "\n", NOT_FOUND_NOSUCH)


def test_vol_wipe_takes_pool_positionally(vol_root):
    # virsh 9.0: vol-wipe a.raw default-pool --algorithm foo
    assert result(virtus(vol_root, "vol-wipe", "a.raw", "default-pool", "--algorithm", "foo")) == (
        1, "\n", "error: Unsupported algorithm 'foo'\n")


def test_vol_clone_takes_pool_as_third_positional(vol_root):
    # virsh 9.0: vol-clone a.raw b.raw default-pool
    assert result(virtus(vol_root, "vol-clone", "a.raw", "b.raw", "default-pool")) == (
        0, "Vol b.raw cloned from a.raw\n\n", "")
    assert (vol_root / "dp" / "b.raw").is_file()


def test_vol_create_as_allocation_positional(root):
    # virsh 9.0: vol-create-as default-pool d 10M 1M (4th positional is --allocation)
    assert result(virtus(root, "vol-create-as", "default-pool", "d", "10M", "1M")) == (
        0, "Vol d created\n\n", "")
    # virsh 9.0: vol-create-as default-pool b 1G 10X -> the allocation is parsed
    assert result(virtus(root, "vol-create-as", "default-pool", "b", "1G", "10X")) == (
        1, "\n", "error: Malformed size 10X\nerror: invalid argument: unknown suffix 'X'\n")


def test_pool_list_type_positional(root):
    # virsh 9.0: pool-list extra (1st positional is --type)
    assert result(virtus(root, "pool-list", "extra")) == (
        1, "\n", "error: Invalid pool type 'extra'\n")


@pytest.mark.parametrize("args", [["pool-define"], ["pool-create"], ["vol-create", "default-pool"]])
def test_missing_definition_file(root, tmp_path, args):
    # virsh 9.0: pool-define /nonexist -> "error: Failed to open file '/nonexist': No such
    # file or directory" (path substituted); same for pool-create and vol-create.
    missing = str(tmp_path / "nonexist")
    assert result(virtus(root, *args, missing)) == (
        1, "\n", "error: Failed to open file '" + missing + "': No such file or directory\n")


# --- command-line mistakes ---

@pytest.mark.parametrize("args,stderr", [
    # virsh 9.0: pool-info
    (["pool-info"], "error: command 'pool-info' requires <pool> option\n"),
    # virsh 9.0: vol-info
    (["vol-info"], "error: command 'vol-info' requires <vol> option\n"),
    # virsh 9.0: vol-list
    (["vol-list"], "error: command 'vol-list' requires <pool> option\n"),
    # virsh 9.0: vol-create-as default-pool x
    (["vol-create-as", "default-pool", "x"],
     "error: command 'vol-create-as' requires <capacity> option\n"),
    # virsh 9.0: pool-define-as (every missing option is named)
    (["pool-define-as"], "error: command 'pool-define-as' requires <name> option\n"
                         "error: command 'pool-define-as' requires <type> option\n"),
    # virsh 9.0: pool-list --bogus
    (["pool-list", "--bogus"], "error: command 'pool-list' doesn't support option --bogus\n"),
    # virsh 9.0: vol-create-as default-pool x 1G --bogus
    (["vol-create-as", "default-pool", "x", "1G", "--bogus"],
     "error: command 'vol-create-as' doesn't support option --bogus\n"),
    # virsh 9.0: pool-info --bogus=3 x
    (["pool-info", "--bogus=3", "x"],
     "error: command 'pool-info' doesn't support option --bogus\n"),
    # virsh 9.0: vol-info a b c
    (["vol-info", "a", "b", "c"], "error: unexpected data 'c'\n"),
    # virsh 9.0: vol-info --pool
    (["vol-info", "--pool"], "error: expected syntax: --pool <string>\n"),
    # virsh 9.0: vol-list default-pool --details --pool default-pool
    (["vol-list", "default-pool", "--details", "--pool", "default-pool"],
     "error: option --pool already seen\n"),
    # virsh 9.0: pool-list --all --all
    (["pool-list", "--all", "--all"], "error: option --all already seen\n"),
    # virsh 9.0: vol-list default-pool --details --details
    (["vol-list", "default-pool", "--details", "--details"],
     "error: option --details already seen\n"),
    # virsh 9.0: bogus-cmd
    (["bogus-cmd"], "error: unknown command: 'bogus-cmd'\n"),
])
def test_command_line_mistakes(root, args, stderr):
    # virsh prints no blank line when the command line itself is wrong.
    assert result(virtus(root, *args)) == (1, "", stderr)


# --- --quiet tables ---

def test_quiet_pool_list(root):
    # virsh 9.0: -q pool-list
    assert result(virtus(root, "-q", "pool-list")) == (0, " default-pool   active   no\n", "")


def test_quiet_vol_list_details_ignores_header_widths(vol_root):
    # virsh 9.0: -q vol-list default-pool --details gives
    # " a.raw   /default-pool/a.raw   file   10.00 MiB   512.00 KiB\n" (path substituted):
    # columns as wide as the data, not as the dropped header ("Allocation" is wider).
    path = str(vol_root / "dp" / "a.raw")
    assert result(virtus(vol_root, "-q", "vol-list", "default-pool", "--details")) == (
        0, " a.raw   " + path + "   file   10.00 MiB   512.00 KiB\n", "")
    # virsh 9.0: -q vol-list default-pool -> " a.raw   /default-pool/a.raw\n"
    assert result(virtus(vol_root, "-q", "vol-list", "default-pool")) == (
        0, " a.raw   " + path + "\n", "")
