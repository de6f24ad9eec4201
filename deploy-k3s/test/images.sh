#!/usr/bin/env bash
# `npm run test:images`: builds every Dockerfile target with podman and starts the api and worker images as
# the cluster runs them (read-only root, uid 10001, no capabilities, /tmp as tmpfs) against the PostgreSQL and
# Redis on this machine. Not part of CI: it needs the node:24-slim base image, which the CI sandbox cannot
# pull (no access to Docker Hub), and builds take minutes. Load the base first where it cannot be pulled:
#   podman load -i node-24-slim.tar
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if ! command -v podman >/dev/null 2>&1; then
  echo "installing podman (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null
fi
base=$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)
if ! podman image exists "$base" && ! podman pull "$base"; then
  echo "cannot get the base image $base (see the header of this script)" >&2
  exit 1
fi

for target in migrate worker api admin web; do
  echo "==> building $target"
  podman build --target "$target" --tag "localhost/honeydue-$target:test" .
done

db="honeydue_images_$$"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
cleanup() {
  podman rm -f honeydue-api-test honeydue-worker-test >/dev/null 2>&1 || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
}
trap cleanup EXIT
hardened=(--read-only --tmpfs /tmp:size=64m --user 10001:10001 --cap-drop ALL
  --security-opt no-new-privileges --network host)
env=(-e NODE_ENV=production -e "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db"
  -e REDIS_URL=redis://127.0.0.1:6379/0 -e AUTH_SECRET=images-test-secret-images-test-secret-images)

podman run --rm "${hardened[@]}" "${env[@]}" localhost/honeydue-migrate:test
podman run -d --name honeydue-api-test "${hardened[@]}" "${env[@]}" -e HOST=127.0.0.1 -e PORT=38080 \
  -e METRICS_PORT=0 localhost/honeydue-api:test
podman run -d --name honeydue-worker-test "${hardened[@]}" "${env[@]}" -e WORKER_HEALTH_HOST=127.0.0.1 \
  -e WORKER_HEALTH_PORT=38081 -e "QUEUE_PREFIX=images$$" -e RUN_SCHEDULES=false localhost/honeydue-worker:test
for url in http://127.0.0.1:38080/readyz http://127.0.0.1:38081/readyz; do
  for _ in $(seq 1 120); do curl -sf "$url" >/dev/null && break; sleep 0.5; done
  curl -sf "$url" >/dev/null || { podman logs honeydue-api-test; podman logs honeydue-worker-test; exit 1; }
  echo "ok: $url"
done
for name in honeydue-api-test honeydue-worker-test; do
  podman stop --time 40 "$name" >/dev/null
  code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
  [ "$code" = 0 ] || { echo "$name exited $code" >&2; exit 1; }
done
echo "1 passed, 0 failed"
