# shellcheck shell=bash
# Shared by the deploy-k3s scripts: logging, dry-run and argument helpers. Sourced, never run.

DRY_RUN=0

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# run CMD [ARGS...]: runs the command, or prints it with --dry-run.
run() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] %s\n' "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# write_file PATH MODE: writes stdin to PATH (atomically), or prints it with --dry-run.
write_file() {
  local path=$1 mode=$2 content
  content=$(cat)
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] write %s (mode %s):\n%s\n' "$path" "$mode" "$content"
    return 0
  fi
  local tmp
  tmp=$(mktemp "${path}.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  mv "$tmp" "$path"
}

need_root() {
  if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then die "run as root (sudo $0 ...)"; fi
}

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)"; fi
}

# The Cloudflare ranges, one per line, without comments (deploy-k3s/cloudflare-ips.txt).
cloudflare_ranges() {
  grep -Ev '^[[:space:]]*(#|$)' "$DEPLOY_DIR/cloudflare-ips.txt"
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
REPO_DIR=$(cd "$DEPLOY_DIR/.." && pwd)
export SCRIPT_DIR DEPLOY_DIR REPO_DIR
