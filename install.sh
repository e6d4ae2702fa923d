#!/bin/sh
# Install acct from this checkout: the binary, completions for bash, zsh and
# fish, and the man page. Run `./install.sh --help` for the options.
# Safe to run again; `--uninstall` removes exactly what it installed, as
# listed in PREFIX/share/acct/install-manifest. It never edits rc files: it
# prints the lines to add.
set -eu

usage() {
    cat <<'EOF'
Install acct: the binary, bash/zsh/fish completions and the man page.

Usage: ./install.sh [--bin-dir DIR] [--prefix DIR] [--binary PATH]
       ./install.sh --uninstall [--prefix DIR]

Options:
  --bin-dir DIR    where the acct binary goes (default: ~/.local/bin)
  --prefix DIR     completions and man page go under DIR/share
                   (default: ~/.local)
  --binary PATH    install this already-built acct instead of running
                   `cargo build --release --locked` (also: ACCT_BINARY)
  --uninstall      remove everything a previous install put under these
                   directories, as listed in PREFIX/share/acct/install-manifest
  -h, --help       print this help

Installed files:
  BIN_DIR/acct
  PREFIX/share/bash-completion/completions/acct
  PREFIX/share/zsh/site-functions/_acct
  PREFIX/share/fish/vendor_completions.d/acct.fish
  PREFIX/share/man/man1/acct.1

Example:
  ./install.sh && ~/.local/bin/acct --config examples/single.toml env testing
EOF
}

say() {
    printf '%s\n' "$*"
}

# die MESSAGE [FIX]
die() {
    printf 'install.sh: %s\n' "$1" >&2
    if [ $# -gt 1 ]; then
        printf '  fix: %s\n' "$2" >&2
    fi
    exit 1
}

# A value for shell code, in single quotes.
quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

absolute() {
    case $1 in
        /*) printf '%s' "$1" ;;
        *) printf '%s/%s' "$(pwd)" "$1" ;;
    esac
}

# make_dir DIR: create DIR and its missing parents, recording each one made.
make_dir() {
    if [ ! -d "$1" ]; then
        make_dir "$(dirname "$1")"
        mkdir "$1"
        printf 'dir %s\n' "$1" >>"$record"
    fi
}

# put FILE MODE COMMAND...: write COMMAND's output to FILE through a rename,
# so a running acct or an interrupted install never sees half a file.
put() {
    target=$1
    mode=$2
    shift 2
    make_dir "$(dirname "$target")"
    temp="$target.install.$$"
    if ! "$@" >"$temp"; then
        rm -f "$temp"
        die "could not make $target" "run \`$*\` to see why"
    fi
    chmod "$mode" "$temp"
    mv -f "$temp" "$target"
    printf 'file %s\n' "$target" >>"$record"
}

build() {
    src=$(cd "$(dirname "$0")" && pwd)
    command -v cargo >/dev/null 2>&1 ||
        die "cargo is not installed" "install Rust (https://rustup.rs), or pass --binary PATH to an acct you built"
    say "building acct: cargo build --release --locked" >&2
    cargo build --release --locked --manifest-path "$src/Cargo.toml" >&2
    binary="${CARGO_TARGET_DIR:-$src/target}/release/acct"
    binary=$(cd "$src" && absolute "$binary")
}

install_acct() {
    if [ -z "$binary" ]; then
        build
    fi
    [ -x "$binary" ] || die "$binary is not an executable file" "pass --binary PATH to a built acct"
    version=$("$binary" --version) ||
        die "$binary does not run" "build it again with \`cargo build --release\`"

    record=$(mktemp)
    trap 'rm -f "$record"' EXIT
    acct="$bin_dir/acct"
    share="$prefix/share"
    put "$acct" 755 cat "$binary"
    # The completion scripts call the installed binary back at each TAB.
    put "$share/bash-completion/completions/acct" 644 "$acct" completions bash
    put "$share/zsh/site-functions/_acct" 644 "$acct" completions zsh
    put "$share/fish/vendor_completions.d/acct.fish" 644 "$acct" completions fish
    put "$share/man/man1/acct.1" 644 "$acct" manpage

    # Keep what earlier runs recorded: the directories they created are ours
    # to remove, and a binary put in another --bin-dir is still installed.
    make_dir "$(dirname "$manifest")"
    if [ -f "$manifest" ]; then
        cat "$manifest" >>"$record"
    fi
    sort -u "$record" >"$manifest.new"
    mv -f "$manifest.new" "$manifest"

    say "installed $version:"
    sed -n 's/^file /  /p' "$manifest"
    advise
}

advise() {
    data_home=${XDG_DATA_HOME:-$HOME/.local/share}
    case ":${PATH:-}:" in
        *":$bin_dir:"*) ;;
        *)
            say ""
            say "warning: $bin_dir is not on your PATH. Add this line to your shell's rc file:"
            say "  bash (~/.bashrc), zsh (~/.zshrc): export PATH=$(quote "$bin_dir"):\"\$PATH\""
            say "  fish (~/.config/fish/config.fish): fish_add_path $(quote "$bin_dir")"
            ;;
    esac
    say ""
    say "Completions (install.sh edits no rc file):"
    if [ "$share" = "$data_home" ]; then
        say "  bash: loaded by bash-completion on its own; without it, add to ~/.bashrc:"
    else
        say "  bash: add to ~/.bashrc:"
    fi
    say "    source $(quote "$share/bash-completion/completions/acct")"
    say "  zsh: add to ~/.zshrc, before compinit:"
    say "    fpath=($(quote "$share/zsh/site-functions") \$fpath)"
    if [ "$share" = "$data_home" ]; then
        say "  fish: loaded on its own"
    else
        say "  fish: add to ~/.config/fish/config.fish:"
        say "    set -p fish_complete_path $(quote "$share/fish/vendor_completions.d")"
    fi
    say "Man page: man acct (when $prefix/bin is on PATH; otherwise MANPATH=$(quote "$share/man"):\"\$MANPATH\")"
    say ""
    say "Next: acct init writes a starter config; acct --help lists the commands."
}

uninstall_acct() {
    [ -f "$manifest" ] ||
        die "nothing to uninstall: $manifest does not exist" "pass the --prefix you installed with"
    # Files first, then the directories install.sh created, deepest first,
    # and only when they are empty: nothing else is ever removed.
    dirs=$(sed -n 's/^dir //p' "$manifest" | sort -r)
    sed -n 's/^file //p' "$manifest" | while IFS= read -r file; do
        if [ -f "$file" ] || [ -L "$file" ]; then
            rm -f "$file"
            say "removed $file"
        fi
    done
    rm -f "$manifest"
    printf '%s\n' "$dirs" | while IFS= read -r dir; do
        if [ -n "$dir" ] && rmdir "$dir" 2>/dev/null; then
            say "removed $dir/"
        fi
    done
}

main() {
    bin_dir=""
    prefix=""
    binary=${ACCT_BINARY:-}
    action=install_acct
    while [ $# -gt 0 ]; do
        case $1 in
            --bin-dir | --prefix | --binary)
                [ $# -ge 2 ] || die "$1 needs a value" "see ./install.sh --help"
                case $1 in
                    --bin-dir) bin_dir=$2 ;;
                    --prefix) prefix=$2 ;;
                    --binary) binary=$2 ;;
                esac
                shift 2
                ;;
            --bin-dir=*) bin_dir=${1#*=} && shift ;;
            --prefix=*) prefix=${1#*=} && shift ;;
            --binary=*) binary=${1#*=} && shift ;;
            --uninstall) action=uninstall_acct && shift ;;
            -h | --help)
                usage
                return 0
                ;;
            *) die "unknown option: $1" "see ./install.sh --help" ;;
        esac
    done
    if [ -z "$bin_dir" ] || [ -z "$prefix" ]; then
        [ -n "${HOME:-}" ] || die "HOME is not set" "pass --bin-dir DIR and --prefix DIR"
    fi
    bin_dir=$(absolute "${bin_dir:-$HOME/.local/bin}")
    prefix=$(absolute "${prefix:-$HOME/.local}")
    if [ -n "$binary" ]; then
        binary=$(absolute "$binary")
    fi
    manifest="$prefix/share/acct/install-manifest"
    case "$bin_dir$prefix" in
        *"
"*) die "a directory name with a newline cannot be recorded" "choose another --bin-dir or --prefix" ;;
    esac
    "$action"
}

main "$@"
