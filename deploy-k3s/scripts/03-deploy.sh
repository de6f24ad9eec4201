#!/usr/bin/env bash
# Builds, pushes and rolls out a honeyDue release to the K3s cluster (docs/ops/06-deployment.md).
#
#   03-deploy.sh                 full release: build + push every image, migrate, apply, wait, roll back on failure
#   03-deploy.sh --only api      one service: build + push it, `kubectl set image`, wait, roll back on failure
#   03-deploy.sh --dry-run       print every step, change nothing
#
# Images are tagged with the git short SHA and deployed by digest, so a node can never run a stale image
# that it cached under a reused tag.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REGISTRY_DEFAULT=gitea.treytartt.com/admin
NAMESPACE=honeydue
ROLES=(api worker admin web migrate)
DEPLOYMENTS=(api worker admin web)

usage() {
  cat <<USAGE
Usage: 03-deploy.sh [--only SERVICE] [--registry HOST/PATH] [--tag TAG] [--context CTX] [--skip-build] [--dry-run]

  --only SERVICE    deploy one service (${DEPLOYMENTS[*]}) with kubectl set image; no migration
  --registry R      image registry and path (default $REGISTRY_DEFAULT)
  --tag TAG         image tag (default: git short SHA of HEAD)
  --context CTX     kubectl context (default: the current one)
  --skip-build      use images already pushed under --tag (their digests are looked up)
  --dry-run         print what would be done, change nothing
  -h, --help        this text

Secrets are read from deploy-k3s/secrets/*.env (see the *.example.env templates there) and never committed.
USAGE
}

ONLY="" REGISTRY=$REGISTRY_DEFAULT TAG="" CONTEXT="" SKIP_BUILD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) need_value "$@"; ONLY=$2; shift 2 ;;
    --registry) need_value "$@"; REGISTRY=$2; shift 2 ;;
    --tag) need_value "$@"; TAG=$2; shift 2 ;;
    --context) need_value "$@"; CONTEXT=$2; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
if [ -n "$ONLY" ] && [[ ! " ${DEPLOYMENTS[*]} " =~ [[:space:]]${ONLY}[[:space:]] ]]; then
  die "--only must be one of: ${DEPLOYMENTS[*]}"
fi
cd "$REPO_DIR"
TAG=${TAG:-$(git rev-parse --short HEAD)}
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  log "warning: the work tree has uncommitted changes; the images are built from it, tagged $TAG"
fi
KUBECTL=(kubectl)
if [ -n "$CONTEXT" ]; then KUBECTL+=(--context "$CONTEXT"); fi
KUBECTL+=(--namespace "$NAMESPACE")

declare -A DIGEST=()

image() { printf '%s/honeydue-%s' "$REGISTRY" "$1"; }

# build_and_push ROLE: builds the Dockerfile target for amd64, pushes it, records its digest.
build_and_push() {
  local role=$1 ref metadata
  ref="$(image "$role"):$TAG"
  if [ "$DRY_RUN" = 1 ]; then
    run docker buildx build --platform linux/amd64 --target "$role" --tag "$ref" --push .
    DIGEST[$role]="sha256:<digest-of-$role>"
    return 0
  fi
  if [ "$SKIP_BUILD" = 0 ]; then
    log "building and pushing $ref"
    metadata=$(mktemp)
    docker buildx build --platform linux/amd64 --target "$role" --tag "$ref" \
      --metadata-file "$metadata" --push .
    DIGEST[$role]=$(grep -o '"containerimage.digest": *"sha256:[0-9a-f]*"' "$metadata" | grep -o 'sha256:[0-9a-f]*')
    rm -f "$metadata"
  else
    DIGEST[$role]=$(docker buildx imagetools inspect "$ref" --format '{{.Manifest.Digest}}')
  fi
  [[ ${DIGEST[$role]} =~ ^sha256:[0-9a-f]{64}$ ]] || die "no digest for $ref"
  log "$role: $ref@${DIGEST[$role]}"
}

# apply_secret NAME FILE [TYPE ARGS...]: creates or updates a Secret from a local env file.
apply_secret() {
  local name=$1 file=$2
  if [ ! -f "$file" ]; then
    [ "$DRY_RUN" = 1 ] || die "$file is missing (copy ${file%.env}.example.env and fill it in)"
  fi
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] kubectl create secret generic %s --from-env-file=%s | kubectl apply\n' "$name" "$file"
    return 0
  fi
  "${KUBECTL[@]}" create secret generic "$name" --from-env-file="$file" --dry-run=client -o yaml |
    "${KUBECTL[@]}" apply -f -
}

apply_registry_secret() {
  local file="$DEPLOY_DIR/secrets/registry.env"
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] kubectl create secret docker-registry registry (from %s) | kubectl apply\n' "$file"
    return 0
  fi
  [ -f "$file" ] || die "$file is missing (copy secrets/registry.example.env and fill it in)"
  # shellcheck source=/dev/null
  . "$file"
  "${KUBECTL[@]}" create secret docker-registry registry --docker-server="${REGISTRY_SERVER:?}" \
    --docker-username="${REGISTRY_USERNAME:?}" --docker-password="${REGISTRY_PASSWORD:?}" \
    --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f -
}

# write_release: the kustomization that pins every image of this release by digest.
write_release() {
  local dir="$DEPLOY_DIR/overlays/release" role
  run mkdir -p "$dir/app" "$dir/migrate"
  {
    printf '# Written by 03-deploy.sh for %s; not committed.\nresources:\n  - ../../production\nimages:\n' "$TAG"
    for role in api worker admin web; do
      printf '  - name: %s\n    digest: %s\n' "$(image "$role")" "${DIGEST[$role]}"
    done
  } | write_file "$dir/app/kustomization.yaml" 0644
  {
    printf '# Written by 03-deploy.sh for %s; not committed.\nresources:\n  - ../../production/migrate\nimages:\n' "$TAG"
    printf '  - name: %s\n    digest: %s\n' "$(image migrate)" "${DIGEST[migrate]}"
  } | write_file "$dir/migrate/kustomization.yaml" 0644
}

# wait_rollout DEPLOYMENT: waits for the rollout; on failure rolls it back and fails.
wait_rollout() {
  local name=$1
  if run "${KUBECTL[@]}" rollout status "deployment/$name" --timeout=300s; then return 0; fi
  log "rollout of $name failed: rolling back"
  run "${KUBECTL[@]}" rollout undo "deployment/$name"
  run "${KUBECTL[@]}" rollout status "deployment/$name" --timeout=300s || true
  die "deployment $name rolled back to its previous revision"
}

migrate() {
  log "migrating the database"
  run "${KUBECTL[@]}" delete job migrate --ignore-not-found --wait=true
  run "${KUBECTL[@]}" apply -k "$DEPLOY_DIR/overlays/release/migrate"
  if ! run "${KUBECTL[@]}" wait --for=condition=complete job/migrate --timeout=600s; then
    run "${KUBECTL[@]}" logs job/migrate --tail=100 || true
    die "the migration failed: nothing was rolled out"
  fi
}

if [ -n "$ONLY" ]; then
  log "single-service deploy: $ONLY at $TAG"
  build_and_push "$ONLY"
  run "${KUBECTL[@]}" set image "deployment/$ONLY" "$ONLY=$(image "$ONLY")@${DIGEST[$ONLY]}"
  wait_rollout "$ONLY"
  log "done: $ONLY is at $TAG"
  exit 0
fi

log "full release $TAG"
for role in "${ROLES[@]}"; do build_and_push "$role"; done
write_release
run "${KUBECTL[@]}" apply -f "$DEPLOY_DIR/base/namespace.yaml"
apply_secret honeydue-secrets "$DEPLOY_DIR/secrets/honeydue.env"
apply_secret obs-token "$DEPLOY_DIR/secrets/obs-token.env"
apply_registry_secret
migrate
log "applying the manifests"
run "${KUBECTL[@]}" apply -k "$DEPLOY_DIR/overlays/release/app"
for name in "${DEPLOYMENTS[@]}"; do wait_rollout "$name"; done
run "${KUBECTL[@]}" rollout status statefulset/redis --timeout=300s
log "done: release $TAG is live"
