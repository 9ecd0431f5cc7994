#!/bin/sh
# Install the Debian packages collm needs, only those missing, idempotently.
# Quiet and fast when everything is present (one dpkg query, no network).
# Extra package names as arguments are installed too (make bench adds
# python3-torch, the reference it compares the OFA predictor against; make fuzz
# adds clang and libclang-rt-dev, libFuzzer's runtime, which clang only recommends).
# slurm-wlm and munge are for the tests' real single-node Slurm (workers.sh);
# their daemons are started only by the tests, in a folder of their own;
# zsh is for the test of the zsh completion (install.sh).
set -eu

PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev
libopenblas-dev libuv1-dev libcmocka-dev zlib1g-dev tmux zsh dataset-fashion-mnist
slurm-wlm munge $*"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing packages:$missing" >&2
    echo "deps: this is not a Debian-like system (no apt-get); install them by hand." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: missing packages:$missing" >&2
    echo "deps: not root and sudo is not installed; as root run:" >&2
    echo "      apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
