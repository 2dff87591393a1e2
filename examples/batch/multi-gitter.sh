#!/usr/bin/env bash
# Pull requests from a `rekey batch` run, opened by multi-gitter (github.com/lindell/multi-gitter).
#
# rekey batch makes, for each repository of repos.txt, a commit on a local branch and its patch,
# and leaves pushing to you; multi-gitter clones each repository again, runs a command in it, and
# opens a pull request with what the command changed. This script is both halves:
#
#   examples/batch/multi-gitter.sh [--dry-run]
#       runs `rekey batch` over repos.txt (beside this script) into ./migration, then
#       `multi-gitter run` on the repositories it changed, with this script as the command;
#   inside multi-gitter (which sets REPOSITORY to owner/name), the script applies that
#       repository's patch to the fresh clone, so the pull request holds exactly the reviewed
#       change. A patch that no longer applies (the default branch moved on) makes the command
#       fail, and multi-gitter opens no pull request for that repository: run the batch again.
#
# The sources in repos.txt must be GitHub URLs (https://github.com/OWNER/NAME.git); multi-gitter
# needs GITHUB_TOKEN, and jq must be on PATH.
set -euo pipefail

script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
out=${REKEY_BATCH_OUT:-$PWD/migration}

if [ -n "${REPOSITORY:-}" ]; then
  # One repository, in multi-gitter's clone of it (the current folder): its patch is named after
  # its name in the summary (a repository may have a name of its own in repos.txt).
  name=$(jq -r --arg url "https://github.com/$REPOSITORY" \
    '.repositories[] | select((.source | sub("\\.git$"; "")) == $url) | .name' "$out/summary.json")
  git apply --index "$out/$name.patch"
  exit 0
fi

# Exit status 1 when some repository failed: the others still get their pull requests.
rekey batch "$(dirname "$script")/repos.txt" --out "$out" --jobs 4 || [ $? -eq 1 ]

# owner/name of every changed repository, from the summary's sources.
repositories=()
while IFS= read -r repository; do
  repositories+=(--repo "$repository")
done < <(jq -r '.repositories[] | select(.status == "changed") | .source' "$out/summary.json" |
  sed -E 's#^https://github\.com/##; s#\.git$##')
[ ${#repositories[@]} -gt 0 ] || { echo "rekey batch changed no repository" >&2; exit 0; }

export REKEY_BATCH_OUT=$out
# The pull request's body points at the reports: $out/NAME.report.md lists every site left to
# migrate by hand, with its reason.
multi-gitter run "$script" "${repositories[@]}" "$@" \
  --branch rekey/explicit-keys \
  --commit-message "Migrate to explicit JAX PRNG keys (rekey)" \
  --pr-body "Made by \`rekey batch\`: every legacy PRNG key made explicit where rekey could do it safely. The sites left for hand migration are listed in the rekey report attached to the migration run." \
  --concurrent 4
