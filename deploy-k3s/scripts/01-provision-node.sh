#!/usr/bin/env bash
# Provisions a fresh Ubuntu 24.04 node for the honeyDue K3s cluster (docs/ops/02-provisioning.md).
# Run on the node as root; safe to run again (every step checks before it changes anything).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'USAGE'
Usage: sudo 01-provision-node.sh --peers IP,IP --ssh-key 'ssh-ed25519 AAAA...' [--user deploy] [--dry-run]

Prepares a fresh Ubuntu 24.04 node:
  - a deploy user with the given SSH key and passwordless sudo;
  - SSH: key-only, no root login;
  - ufw: deny incoming by default; allow SSH; HTTP/HTTPS from Cloudflare's ranges only;
    K3s HA (6443 API, 2379-2380 etcd, 10250 kubelet) and flannel VXLAN (8472/udp) from the peers only;
    the pod and service networks (10.42.0.0/16, 10.43.0.0/16);
  - net.ipv4.ip_unprivileged_port_start=0, so Traefik binds :80/:443 without root.

Options:
  --peers IPS     comma-separated addresses of the other nodes (required)
  --ssh-key KEY   the public key allowed to log in as the deploy user (required)
  --user NAME     the deploy user (default: deploy)
  --dry-run       print what would be done, change nothing
  -h, --help      this text
USAGE
}

PEERS="" SSH_KEY="" DEPLOY_USER=deploy
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) need_value "$@"; PEERS=$2; shift 2 ;;
    --ssh-key) need_value "$@"; SSH_KEY=$2; shift 2 ;;
    --user) need_value "$@"; DEPLOY_USER=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
[ -n "$PEERS" ] || die "--peers is required"
[ -n "$SSH_KEY" ] || die "--ssh-key is required"
need_root

log "deploy user $DEPLOY_USER"
if ! id "$DEPLOY_USER" >/dev/null 2>&1; then
  run useradd --create-home --shell /bin/bash --groups sudo "$DEPLOY_USER"
fi
run install -d -m 0700 -o "$DEPLOY_USER" -g "$DEPLOY_USER" "/home/$DEPLOY_USER/.ssh"
keys="/home/$DEPLOY_USER/.ssh/authorized_keys"
if [ "$DRY_RUN" = 1 ] || ! grep -qxF "$SSH_KEY" "$keys" 2>/dev/null; then
  printf '%s\n' "$SSH_KEY" | write_file "$keys.new" 0600
  if [ -f "$keys" ]; then run sh -c "cat '$keys' >> '$keys.new'"; fi
  run mv "$keys.new" "$keys"
  run chown "$DEPLOY_USER:$DEPLOY_USER" "$keys"
fi
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$DEPLOY_USER" | write_file "/etc/sudoers.d/90-$DEPLOY_USER" 0440
run visudo -cf "/etc/sudoers.d/90-$DEPLOY_USER"

log "SSH: key-only"
write_file /etc/ssh/sshd_config.d/10-honeydue.conf 0644 <<'SSHD'
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
PubkeyAuthentication yes
SSHD
run sshd -t
run systemctl reload ssh

log "firewall (ufw)"
run apt-get install -y -qq ufw
run ufw default deny incoming
run ufw default allow outgoing
run ufw allow 22/tcp comment ssh
while read -r range; do
  run ufw allow proto tcp from "$range" to any port 80,443 comment cloudflare
done < <(cloudflare_ranges)
IFS=, read -r -a peers <<<"$PEERS"
for peer in "${peers[@]}"; do
  run ufw allow proto tcp from "$peer" to any port 6443 comment k3s-api
  run ufw allow proto tcp from "$peer" to any port 2379:2380 comment etcd
  run ufw allow proto tcp from "$peer" to any port 10250 comment kubelet
  run ufw allow proto udp from "$peer" to any port 8472 comment flannel-vxlan
done
run ufw allow from 10.42.0.0/16 comment k3s-pods
run ufw allow from 10.43.0.0/16 comment k3s-services
run ufw --force enable

log "sysctl: unprivileged ports from 0"
printf 'net.ipv4.ip_unprivileged_port_start=0\n' | write_file /etc/sysctl.d/90-honeydue.conf 0644
run sysctl --system

log "done: log in as $DEPLOY_USER, then run 02-install-k3s.sh"
