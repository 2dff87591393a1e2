#!/usr/bin/env bash
# The GitHub Action's main step (action.yml), in $GITHUB_WORKSPACE with rekey on PATH.
#
# INPUT_MODE=check: `rekey check --output-format sarif` into INPUT_SARIF_FILE (default
#   $RUNNER_TEMP/rekey.sarif, outside the work tree), for github/codeql-action/upload-sarif.
#   Outputs `sarif-file` and `findings` (true/false; not set on status 2). Exit 0 with or without findings (code
#   scanning shows them), 1 with findings when INPUT_FAIL_ON_FINDINGS is true, 2 when rekey
#   could not check a file or was misused (the SARIF log is still written and names the file).
# INPUT_MODE=fix: `rekey fix --report` into INPUT_REPORT_FILE (default $RUNNER_TEMP/rekey-report.md,
#   outside the work tree so a pull-request step does not commit it), the report appended to
#   $GITHUB_STEP_SUMMARY. Outputs `report-file` and `changed` (true/false; not set on status 2). Exit 0, or 2 as above
#   (files rekey could write are written, and the report says what happened).
#
# INPUT_PATHS (default ".") and INPUT_ARGS (extra options, e.g. --unsafe-fixes or --select RK001)
# are split on white space.
set -euo pipefail

say() { echo "rekey action: $*" >&2; }
output() { echo "$1=$2" >> "$GITHUB_OUTPUT"; }

cd "$GITHUB_WORKSPACE"
read -ra paths <<< "${INPUT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
read -ra options <<< "${INPUT_ARGS:-}"

# rekey's status: 0 clean, 1 findings (check) or changed files (fix), 2 usage or I/O error.
run_rekey() {
  local status=0
  rekey "$@" || status=$?
  [ "$status" -le 2 ] || { say "rekey ended with status $status"; exit "$status"; }
  return "$status"
}

case "${INPUT_MODE:-check}" in
  check)
    sarif=${INPUT_SARIF_FILE:-$RUNNER_TEMP/rekey.sarif}
    status=0
    run_rekey check --output-format sarif "${options[@]}" -- "${paths[@]}" > "$sarif" || status=$?
    output sarif-file "$sarif"
    if [ "$status" -eq 2 ]; then exit 2; fi
    output findings "$([ "$status" -eq 1 ] && echo true || echo false)"
    if [ "$status" -eq 1 ] && [ "${INPUT_FAIL_ON_FINDINGS:-false}" = true ]; then exit 1; fi
    ;;
  fix)
    report=${INPUT_REPORT_FILE:-$RUNNER_TEMP/rekey-report.md}
    status=0
    run_rekey fix --exit-non-zero-on-fix --report "$report" "${options[@]}" -- "${paths[@]}" || status=$?
    output report-file "$report"
    if [ -f "$report" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$report" >> "$GITHUB_STEP_SUMMARY"; fi
    if [ "$status" -eq 2 ]; then exit 2; fi
    output changed "$([ "$status" -eq 1 ] && echo true || echo false)"
    ;;
  *)
    say "mode must be check or fix, not '${INPUT_MODE}'"
    exit 2
    ;;
esac
