#!/usr/bin/env bash
# Installs K3s as an HA server (embedded etcd) with deploy-k3s/k3s/config.yaml and Traefik's
# HelmChartConfig (docs/ops/02-provisioning.md). Run on each node as root: --first on the first one,
# --join FIRST_IP on the other two. Safe to run again: an installed K3s of the same version is kept and
# only the configuration is rewritten.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K3S_VERSION_DEFAULT=v1.34.6+k3s1

usage() {
  cat <<USAGE
Usage: sudo 02-install-k3s.sh (--first | --join SERVER_IP) --node-ip IP --token-file FILE [options]

  --first            initialise the cluster (cluster-init) on this node
  --join SERVER_IP   join the cluster through this existing server
  --node-ip IP       this node's public address (node-ip and node-external-ip)
  --token-file FILE  the cluster token (the same file on every server; create it once with
                     'openssl rand -hex 32 > token' and keep it out of the repository)
  --version V        K3s version (default $K3S_VERSION_DEFAULT)
  --dry-run          print what would be done, change nothing
  -h, --help         this text
USAGE
}

MODE="" SERVER="" NODE_IP="" TOKEN_FILE="" VERSION=$K3S_VERSION_DEFAULT
while [ $# -gt 0 ]; do
  case "$1" in
    --first) MODE="first"; shift ;;
    --join) need_value "$@"; MODE="join"; SERVER=$2; shift 2 ;;
    --node-ip) need_value "$@"; NODE_IP=$2; shift 2 ;;
    --token-file) need_value "$@"; TOKEN_FILE=$2; shift 2 ;;
    --version) need_value "$@"; VERSION=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
[ -n "$MODE" ] || die "--first or --join is required"
[ -n "$NODE_IP" ] || die "--node-ip is required"
[ -n "$TOKEN_FILE" ] || die "--token-file is required"
[ "$DRY_RUN" = 1 ] || [ -s "$TOKEN_FILE" ] || die "token file $TOKEN_FILE is missing or empty"
need_root

log "K3s configuration"
run install -d -m 0755 /etc/rancher/k3s /var/lib/rancher/k3s/server/manifests
run install -m 0600 "$TOKEN_FILE" /etc/rancher/k3s/token
{
  cat "$DEPLOY_DIR/k3s/config.yaml"
  printf 'token-file: /etc/rancher/k3s/token\n'
  printf 'node-ip: %s\nnode-external-ip: %s\n' "$NODE_IP" "$NODE_IP"
  printf 'tls-san:\n  - %s\n' "$NODE_IP"
  if [ "$MODE" = first ]; then
    printf 'cluster-init: true\n'
  else
    printf 'server: https://%s:6443\n' "$SERVER"
  fi
} | write_file /etc/rancher/k3s/config.yaml 0600
# K3s applies everything in this folder; the helm controller merges it into its Traefik chart.
run install -m 0600 "$DEPLOY_DIR/k3s/traefik-config.yaml" /var/lib/rancher/k3s/server/manifests/traefik-config.yaml

installed=""
if command -v k3s >/dev/null 2>&1; then installed=$(k3s --version | awk 'NR==1 {print $3}'); fi
if [ "$installed" = "$VERSION" ]; then
  log "K3s $VERSION already installed: restarting to pick up the configuration"
  run systemctl restart k3s
else
  log "installing K3s $VERSION (was: ${installed:-none})"
  installer=/tmp/k3s-install.sh
  run curl -sfL https://get.k3s.io -o "$installer"
  run env INSTALL_K3S_VERSION="$VERSION" INSTALL_K3S_EXEC=server sh "$installer"
  run rm -f "$installer"
fi

log "waiting for this node to be Ready"
run k3s kubectl wait --for=condition=Ready "node/$(hostname)" --timeout=300s
log "done; the kubeconfig is /etc/rancher/k3s/k3s.yaml (server: https://$NODE_IP:6443)"
