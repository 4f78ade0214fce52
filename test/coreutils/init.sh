# A stand-in for GNU coreutils' tests/init.sh, with only what the scripts of tests/ln use, so
# that those scripts (fetched at test time, never kept here) run against any `ln`. Sourced by a
# script run with srcdir=<this directory's parent's parent>; LN_TEST_BIN names the directory
# whose `ln` (and `ginstall`) is tested, and the script runs in a fresh directory of its own.

fail=0

# The tested programs come first in PATH, whatever directory the script names.
path_prepend_() { PATH="$LN_TEST_BIN:$PATH"; export PATH; }

# The version is printed to the log; a program that cannot tell it is a setup failure.
print_ver_() { "$@" --version 2>/dev/null | head -n 1 || true; }

framework_failure_() {
  echo "framework failure: $*" >&2
  exit 99
}

# returns_ N COMMAND...: true when COMMAND exits with status N.
returns_() {
  expected=$1
  shift
  "$@"
  test $? -eq "$expected"
}

compare() { diff -u "$1" "$2"; }

Exit() {
  set +e
  exit "$1"
}

test_dir_=$(mktemp -d "${TMPDIR:-/tmp}/ln-coreutils.XXXXXX") || framework_failure_ mktemp
cd "$test_dir_" || framework_failure_ cd
trap 'status=$?; cd /; rm -rf "$test_dir_"; exit $status' EXIT
