#!/usr/bin/env bash
# The GitHub Action's first step (action.yml): puts `rekey` on PATH for the steps after it.
#
# INPUT_INSTALL says where rekey comes from:
#   ""            (default) `pip install` of the action's own checkout ($GITHUB_ACTION_PATH): the
#                 in-tree build backend runs scripts/dist, so the runner needs Swift 6,
#                 libtree-sitter-dev and network access for the grammar, and the build takes minutes;
#   preinstalled  a rekey already on PATH (an earlier step installed it): nothing is installed;
#   anything else one pip requirement: a wheel's path or URL (scripts/dist's wheel installs in
#                 seconds, on glibc 2.36 or newer, e.g. ubuntu-24.04), or a `name==version` spec.
# pip installs into a virtual environment of its own under $RUNNER_TEMP, so the runner's Python
# (externally managed on recent Ubuntu images) is left alone; its bin folder goes to $GITHUB_PATH.
set -euo pipefail

say() { echo "rekey action: $*" >&2; }

spec=${INPUT_INSTALL:-}
if [ "$spec" = preinstalled ]; then
  command -v rekey >/dev/null || { say "install: preinstalled, but there is no rekey on PATH"; exit 2; }
else
  environment="$RUNNER_TEMP/rekey-venv"
  python3 -m venv "$environment"
  say "pip install ${spec:-$GITHUB_ACTION_PATH}"
  "$environment/bin/python" -m pip install --disable-pip-version-check --quiet "${spec:-$GITHUB_ACTION_PATH}" >&2
  echo "$environment/bin" >> "$GITHUB_PATH"
  PATH="$environment/bin:$PATH"
fi
say "$(command -v rekey): rekey $(rekey --version)"
