#!/bin/bash
# The Debian 12 drill (docs/operations.md, "Drills"): a fresh Debian 12 root made with
# debootstrap, in which docs/operations.md is followed literally, as root — packages, the
# service user and folders, the previous release from git, the settings, PostgreSQL,
# migrations, static files, gunicorn and the task worker as their units say, nginx as
# written, a portal with a document uploaded through nginx, the backup, an upgrade to the
# new release as section 12 says, and a restore into an empty database and document root
# with every document's SHA-256 checked.
#
#   sudo scripts/drill-debian12.sh TARGET_DIR [OLD_COMMIT [NEW_COMMIT]]
#
# TARGET_DIR must not exist (or be empty); it is left in place for inspection (delete it
# with rm -rf once its mounts are gone, which the exit trap does). NEW_COMMIT defaults to
# HEAD; OLD_COMMIT to the commit before the newest one on NEW's first-parent line that
# changed a migration, so that the upgrade always applies one. The code blocks are taken
# from NEW's docs/operations.md (commit a docs change before running the drill on it).
#
# Environment: DRILL_CACHE (default /var/cache/inaproc-drill/bookworm-minbase), a
# debootstrap'ed bookworm root made once and copied for each run; DEBIAN_MIRROR;
# DRILL_PORT_BASE (default 8660): nginx's 80 and 443 on BASE and BASE+1, gunicorn on +2,
# PostgreSQL on +3, the SMTP sink on +4. Nothing of the host's own services is touched.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot, mounts)" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(git -C "$HERE" rev-parse --show-toplevel)
TARGET=$(realpath -m "$1")
NEW=$(git -C "$REPO" rev-parse "${3:-HEAD}")
if [ -n "${2:-}" ]; then
    OLD=$(git -C "$REPO" rev-parse "$2")
else
    last=$(git -C "$REPO" rev-list --first-parent -n 1 "$NEW" -- 'inaproc/*/migrations/*.py')
    OLD=$(git -C "$REPO" rev-parse "$last^1")
fi
CACHE=${DRILL_CACHE:-/var/cache/inaproc-drill/bookworm-minbase}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PORT=${DRILL_PORT_BASE:-8660}
START=$(date +%s)

echo "Debian 12 drill: previous release $OLD (as 2026.11.1), new release $NEW (as 2026.12.1)"
echo "target $TARGET; ports: nginx $PORT (for 80) and $((PORT + 1)) (for 443), gunicorn $((PORT + 2)) (for 8000), PostgreSQL $((PORT + 3)) (for 5432)"

if [ ! -x "$CACHE/bin/bash" ]; then
    command -v debootstrap >/dev/null || apt-get install -y debootstrap
    echo "debootstrap: a fresh bookworm (minbase) into $CACHE (5-10 minutes, once)"
    mkdir -p "$(dirname "$CACHE")"
    debootstrap --variant=minbase bookworm "$CACHE.partial" "$MIRROR"
    mv "$CACHE.partial" "$CACHE"
fi
if [ -e "$TARGET" ] && [ -n "$(ls -A "$TARGET")" ]; then
    echo "$TARGET exists and is not empty" >&2
    exit 2
fi
mkdir -p "$TARGET"
cp -a "$CACHE/." "$TARGET/"

cleanup() {
    local code=$?
    set +e
    # Every process whose root is the chroot (gunicorn, the worker, nginx, PostgreSQL,
    # the SMTP sink): by its id, TERM first.
    for signal in TERM KILL; do
        for proc in /proc/[0-9]*; do
            [ "$(readlink "$proc/root" 2>/dev/null)" = "$TARGET" ] && kill -s $signal "${proc#/proc/}" 2>/dev/null
        done
        sleep 2
    done
    for mount in dev/pts dev sys proc; do
        mountpoint -q "$TARGET/$mount" && { umount "$TARGET/$mount" || umount -l "$TARGET/$mount"; }
    done
    echo "Debian 12 drill: $([ $code = 0 ] && echo PASSED || echo "FAILED (exit $code)") in $(($(date +%s) - START)) s; the root stays in $TARGET"
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount -t proc proc "$TARGET/proc"
mount -t sysfs sysfs "$TARGET/sys"
mount --bind /dev "$TARGET/dev"
mount --bind /dev/pts "$TARGET/dev/pts"
cp /etc/resolv.conf "$TARGET/etc/resolv.conf"
# As on an installed machine, the host name resolves (sudo looks it up).
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$(hostname)" >"$TARGET/etc/hosts"
hostname >"$TARGET/etc/hostname"
# A host whose outgoing TLS passes a proxy with its own CA (as on CI machines): the
# chroot trusts the host's local CAs (ca-certificates adds them when apt installs it) and
# pip uses the host's /etc/pip.conf.
if [ -n "$(ls /usr/local/share/ca-certificates 2>/dev/null)" ]; then
    echo "DEVIATION: the host's local CA certificates and /etc/pip.conf are copied into the root (the host's network)"
    mkdir -p "$TARGET/usr/local/share/ca-certificates"
    cp -a /usr/local/share/ca-certificates/. "$TARGET/usr/local/share/ca-certificates/"
    [ -f /etc/pip.conf ] && cp /etc/pip.conf "$TARGET/etc/pip.conf"
fi

# The releases: a repository in the chroot with the two commits tagged as releases, so
# that section 2's `git clone --depth 1 --branch <release>` runs as written but for the URL.
git init -q --bare "$TARGET/root/inaproc.git"
git -C "$REPO" push -q "$TARGET/root/inaproc.git" "$OLD:refs/tags/2026.11.1" "$NEW:refs/tags/2026.12.1"

# The page's code blocks, as NEW has them.
D=$TARGET/root/drill
mkdir -p "$D/blocks"
git -C "$REPO" show "$NEW:docs/operations.md" >"$D/operations.md"
block() { python3 "$HERE/drill/doc_block.py" "$D/operations.md" "$2" "$3" >"$D/blocks/$1"; }
block setup --contains 'adduser --system'
block envfile --contains 'TRUSTED_PROXY_COUNT=1'
block wrapper --contains 'cat > /usr/local/bin/inaproc-manage'
block install --contains 'python3 -m venv .venv'
block postgres --contains 'createuser --pwprompt'
block static --contains 'inaproc-manage collectstatic --noinput'
block nginx_site --contains 'server_tokens off;'
block nginx_proxy --contains 'proxy_set_header   Host'
block unit_web --after '`/etc/systemd/system/inaproc-web.service`:'
block unit_worker --after '`/etc/systemd/system/inaproc-worker.service`'
block unit_cleanup_service --after '`/etc/systemd/system/inaproc-cleanup.service`'
block unit_cleanup_timer --after '`/etc/systemd/system/inaproc-cleanup.timer`'
block unit_hourly_service --after 'Hourly, `/etc/systemd/system/inaproc-hourly.service`'
block unit_hourly_timer --after '`/etc/systemd/system/inaproc-hourly.timer`'
block enable --contains 'systemctl enable --now inaproc-web inaproc-worker'
block portal --contains 'create_portal --slug kemenkeu'
block backup_setup --contains 'restic-password init'
block backup_script --contains 'restic forget --keep-daily'
block backup_service --after '`/etc/systemd/system/inaproc-backup.service`'
block backup_timer --after '`/etc/systemd/system/inaproc-backup.timer`'
block restore --contains 'pg_restore --no-owner'
block verify --contains 'inaproc-manage verify_documents'
block upgrade_check --contains 'NEW=/srv/inaproc/releases/2026.12.1'
block upgrade_switch --contains 'ln -sfn releases/2026.12.1 current.new'
grep '^| `inaproc-.*\.service` |' "$D/operations.md" >"$D/blocks/timer_table"
cp "$HERE/drill/inside.sh" "$HERE/drill/systemctl.py" "$HERE/drill/form_value.py" "$D/"

# setsid: no controlling terminal, so prompts (createuser --pwprompt) read standard input.
chroot "$TARGET" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HTTP_PORT=$PORT HTTPS_PORT=$((PORT + 1)) APP_PORT=$((PORT + 2)) PG_PORT=$((PORT + 3)) \
    SMTP_PORT=$((PORT + 4)) \
    /usr/bin/setsid -w /bin/bash /root/drill/inside.sh </dev/null
