#!/usr/bin/env bash
# Sets up chainrule on a Debian/Ubuntu machine: the system programs it needs
# (Graphviz's dot for drawings; Chromium and tmux for the test suite), then a
# virtual environment in .venv with chainrule and its extras.
#
#   bash scripts/setup.sh demos   # to run the demos
#   bash scripts/setup.sh test    # to run the demos, the benchmark and the test suite (with PyTorch)
#
# Works as root (CI) and as a normal user with sudo; apt-get runs only for
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-demos}"

need=()
command -v python3 >/dev/null || need+=(python3)
python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)
command -v dot >/dev/null || need+=(graphviz)
if [ "$what" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  command -v tmux >/dev/null || need+=(tmux)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "setup: installing ${need[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch: the PyTorch bridge's tests (torch==2.13.0, a CPU build)
if [ "$what" = test ]; then extras="demos,test,bench,torch"; else extras="demos"; fi
.venv/bin/python -m pip install -q -e ".[$extras]"
echo "setup: ready (.venv with chainrule[$extras])"
