#!/bin/bash
# The Debian 12 drill, inside the chroot (started by scripts/drill-debian12.sh): follows
# docs/operations.md step by step as root. The page's code blocks were extracted on the
# host into /root/drill/blocks/ (scripts/drill/doc_block.py) and run here as written;
# every place where the drill must differ from the page says so with "DEVIATION".
set -euo pipefail

D=/root/drill
B=$D/blocks
DOC=$D/operations.md
HTTP_PORT=${HTTP_PORT:-8660}
HTTPS_PORT=${HTTPS_PORT:-8661}
APP_PORT=${APP_PORT:-8662}
PG_PORT=${PG_PORT:-8663}
SMTP_PORT=${SMTP_PORT:-8664}
HOST=lpse.example.id
BASE=https://$HOST:$HTTPS_PORT
STAFF_PASSWORD='tanjung-priok-lumba-lumba-8827'
export DEBIAN_FRONTEND=noninteractive

section() { printf '\n===== docs/operations.md %s\n' "$*"; }
deviation() { printf '  DEVIATION: %s\n' "$*"; }
check() { printf '  CHECK: %s\n' "$*"; }
fail() { printf '  FAILED: %s\n' "$*"; exit 1; }
show() { sed 's/^/    | /' "$1"; }
# Run a block of the page as written (or as the sed expressions given after it change it).
run_block() {
    local name=$1
    shift
    local file=$B/$name
    if [ $# -gt 0 ]; then
        sed "$@" "$B/$name" >"$B/$name.run"
        file=$B/$name.run
    fi
    printf '  running the block "%s":\n' "$name"
    show "$file"
    bash -eu -o pipefail "$file"
}
# Run a command the page gives inline, after checking the page still says it.
inline() {
    grep -qF -- "$1" "$DOC" || fail "the page no longer says: $1"
    printf '  running: %s\n' "$1"
    bash -eu -o pipefail -c "$1"
}
curl_host() { curl -sS -k --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1" "$@"; }
status_of() { curl_host -o /dev/null -w '%{http_code}' "$@" || true; }
expect_status() {
    local want=$1 what=$2
    shift 2
    local got
    got=$(status_of "$@")
    [ "$got" = "$want" ] || fail "$what: HTTP $got, expected $want"
    check "$what: HTTP $got"
}
form_value() { python3 $D/form_value.py "$1"; }
captcha_answer() {
    # The drill reads the CAPTCHA's answer from the database: it stands in for the person
    # who reads the image.
    sudo -u postgres psql -d inaproc -tAc "SELECT response FROM captcha_captchastore WHERE hashkey = '$1'"
}
# A login POST through nginx with the CSRF cookie and token of the login form.
login_check() {
    local jar=/tmp/login.jar page token captcha answer location
    rm -f $jar
    page=$(curl_host -c $jar -b $jar "$BASE/kemenkeu/masuk/")
    token=$(form_value csrfmiddlewaretoken <<<"$page")
    [ -n "$token" ] || fail "the login form has no CSRF token"
    local data=(--data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=admin"
        --data-urlencode "password=$STAFF_PASSWORD")
    captcha=$(form_value captcha_0 <<<"$page")
    if [ -n "$captcha" ]; then
        answer=$(captcha_answer "$captcha")
        data+=(--data-urlencode "captcha_0=$captcha" --data-urlencode "captcha_1=$answer")
    fi
    location=$(curl_host -c $jar -b $jar -o /tmp/login.html -w '%{http_code} %{redirect_url}' \
        -H "Referer: $BASE/kemenkeu/masuk/" "${data[@]}" "$BASE/kemenkeu/masuk/")
    case $location in
    "302 $BASE/kemenkeu/"*) check "login POST with CSRF through nginx on port $HTTPS_PORT: $location" ;;
    *) fail "login POST: $location (403 = CSRF refused; 200 = the form again)" ;;
    esac
}
# A helpdesk ticket with a PDF attachment, opened anonymously through nginx.
ticket_with_attachment() {
    local pdf=$1 email=$2 jar=/tmp/ticket.jar page token key captcha answer result
    rm -f $jar
    page=$(curl_host -c $jar -b $jar "$BASE/kemenkeu/bantuan/tiket/baru/")
    token=$(form_value csrfmiddlewaretoken <<<"$page")
    key=$(form_value form_key <<<"$page")
    captcha=$(form_value captcha_0 <<<"$page")
    [ -n "$token" ] && [ -n "$captcha" ] || fail "the ticket form lacks its CSRF token or CAPTCHA"
    answer=$(captcha_answer "$captcha")
    result=$(curl_host -c $jar -b $jar -o /tmp/ticket.html -w '%{http_code} %{redirect_url}' \
        -H "Referer: $BASE/kemenkeu/bantuan/tiket/baru/" \
        -F "csrfmiddlewaretoken=$token" -F "form_key=$key" -F category=other -F "name=Drill" \
        -F "email=$email" -F "occurred_at=$(TZ=Asia/Jakarta date +%Y-%m-%dT%H:%M)" \
        -F "description=The Debian 12 drill opens a ticket with a document." \
        -F "captcha_0=$captcha" -F "captcha_1=$answer" \
        -F "attachments=@$pdf;type=application/pdf" "$BASE/kemenkeu/bantuan/tiket/baru/")
    case $result in
    "302 "*terkirim*) check "ticket with a ${pdf##*/} attachment uploaded through nginx: $result" ;;
    *) fail "ticket upload: $result" ;;
    esac
}
# The ticket's private link, from the email the worker delivered, opened through nginx
# (on the main host: the link names the portal's own domain), and its attachment
# downloaded: the bytes must be those sent. After a restore this also proves the same
# SECRET_KEY: the link's stored hash matches only with it.
document_download_check() {
    local jar=/tmp/download.jar link path attachment
    rm -f $jar
    link=$(grep -o "https://[^/]*/kemenkeu/bantuan/tiket/[A-Za-z0-9_-]\{20,\}/" /var/log/drill/smtp.log | head -1)
    [ -n "$link" ] || fail "no ticket link in the delivered emails"
    path=/${link#https://*/}
    curl_host -c $jar -b $jar -L -o /tmp/ticket-page.html "$BASE$path"
    attachment=$(grep -o '/kemenkeu/bantuan/tiket/lampiran/[^"]*' /tmp/ticket-page.html | head -1)
    [ -n "$attachment" ] || fail "the ticket page opened by its emailed link shows no attachment"
    curl_host -c $jar -b $jar -o /tmp/downloaded.pdf "$BASE$attachment"
    [ "$(sha256sum </tmp/downloaded.pdf)" = "$(sha256sum </root/drill/first.pdf)" ] ||
        fail "the downloaded attachment differs from the file sent"
    check "the emailed ticket link opens the ticket; its attachment downloads with the SHA-256 sent"
    if grep -qF "${path%/}" /var/log/nginx/inaproc.access.log; then fail "the ticket link's token is in the access log"; fi
    check "the ticket link's token is not in nginx's access log"
}
wait_healthy() {
    for _ in $(seq 60); do
        [ "$(status_of -H "Host: $HOST" "http://127.0.0.1:$HTTP_PORT/healthz")" = 200 ] && return 0
        sleep 1
    done
    fail "/healthz did not answer 200 within 60 s"
}
# web_checks new: the new release's answers too (405 for other methods of /healthz:
# the previous release answered 403, as its release note says).
web_checks() {
    wait_healthy
    expect_status 200 "/healthz over plain HTTP on port $HTTP_PORT (load balancer)" -H "Host: $HOST" "http://127.0.0.1:$HTTP_PORT/healthz"
    expect_status 200 "/readyz over plain HTTP" -H "Host: $HOST" "http://127.0.0.1:$HTTP_PORT/readyz"
    expect_status 301 "any other plain-HTTP path redirects to HTTPS" -H "Host: $HOST" "http://127.0.0.1:$HTTP_PORT/kemenkeu/"
    expect_status 200 "/healthz over HTTPS" "$BASE/healthz"
    [ "${1:-}" = new ] && expect_status 405 "POST /healthz" -X POST "$BASE/healthz"
    expect_status 404 "/metrics from the public" "$BASE/metrics"
    expect_status 200 "the portal's home page" "$BASE/kemenkeu/"
    expect_status 200 "the portal's login page" "$BASE/kemenkeu/masuk/"
    local css
    css=$(curl_host "$BASE/kemenkeu/" | grep -o '/static/[^"]*\.css' | head -1)
    [ -n "$css" ] || fail "the home page links no stylesheet"
    expect_status 200 "its stylesheet $css" "$BASE$css"
    local unknown
    unknown=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Host: scanner.example' "http://127.0.0.1:$HTTP_PORT/" 2>&1 | tr '\n' ' ' || true)
    case $unknown in *000*) check "an unknown Host gets no answer (444): $unknown" ;; *) fail "unknown Host: $unknown" ;; esac
    if grep -q 'token\|/bantuan/tiket/[A-Za-z0-9_-]\{20,\}' /var/log/nginx/inaproc.access.log; then
        fail "the access log holds a private link"
    fi
    curl_host -sI "$BASE/kemenkeu/" | grep -qi $'^server: nginx\r\\?$' || fail "the Server header names nginx's version"
    check "Server header without a version (server_tokens off)"
    login_check
}

STARTED=$(date +%s)
echo "Debian drill inside $(cat /etc/debian_version), $(date -u +%FT%TZ)"

section "§1 Settings and secrets (packages, user, folders, env file, wrapper)"
deviation "apt runs with APT::Get::Assume-Yes (the operator's 'Y'), and /usr/sbin/policy-rc.d stops packages from starting services in the chroot (PostgreSQL and nginx are started below on the drill's ports)"
echo 'APT::Get::Assume-Yes "true";' >/etc/apt/apt.conf.d/90drill
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
run_block setup
deviation "systemctl is scripts/drill/systemctl.py (no systemd in a chroot): it runs the units' ExecStart as the unit says"
install -m 0755 $D/systemctl.py /usr/local/bin/systemctl
for tool in curl; do command -v $tool >/dev/null || apt-get install -qq $tool >/dev/null; done
deviation "curl installed for the drill's checks (not a step of the page)"
inline "install -o root -g inaproc -m 0640 /dev/null /etc/inaproc/inaproc.env"
DB_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
deviation "the env file's placeholders filled: DATABASE_URL on port $PG_PORT (not 5432, the host's), EMAIL_URL to the drill's SMTP sink on 127.0.0.1:$SMTP_PORT, SITE_URL with port $HTTPS_PORT"
while IFS= read -r line; do
    if [[ $line =~ \<output\ of:\ (.*)\> ]]; then
        line="${line%%<output of:*}$(sh -c "${BASH_REMATCH[1]}")"
    fi
    case $line in
    DATABASE_URL=*) line=${line/<password>/$DB_PASSWORD}; line=${line/127.0.0.1:5432/127.0.0.1:$PG_PORT} ;;
    EMAIL_URL=*) line="EMAIL_URL=smtp://127.0.0.1:$SMTP_PORT" ;;
    SITE_URL=*) line="$line:$HTTPS_PORT" ;;
    esac
    printf '%s\n' "$line"
done <$B/envfile >>/etc/inaproc/inaproc.env
if grep '<' /etc/inaproc/inaproc.env | grep -v '^DEFAULT_FROM_EMAIL=\|^ADMINS='; then fail "a placeholder is left in the env file"; fi
stat -c '  env file: %U:%G %a' /etc/inaproc/inaproc.env
run_block wrapper
[ "$(head -c 2 /usr/local/bin/inaproc-manage)" = '#!' ] && [ -x /usr/local/bin/inaproc-manage ] || fail "the wrapper has no shebang on line 1 or no run bit"
check "inaproc-manage: shebang on line 1, mode $(stat -c %a /usr/local/bin/inaproc-manage)"
deviation "no mail server: a Python SMTP sink on 127.0.0.1:$SMTP_PORT prints what the worker delivers to /var/log/drill/smtp.log"
mkdir -p /var/log/drill
setsid python3 -u -W ignore -m smtpd -n -c DebuggingServer 127.0.0.1:$SMTP_PORT >/var/log/drill/smtp.log 2>&1 </dev/null &

section "§2 Installing a release (2026.11.1, the previous release)"
deviation "git clone from file:///root/inaproc.git (the drill's copy of the repository, tagged 2026.11.1 and 2026.12.1) instead of https://github.com/<org>/inaproc.git"
run_block install -e 's|https://github.com/<org>/inaproc.git|file:///root/inaproc.git|'
inline "ln -sfn releases/2026.11.1 /srv/inaproc/current"

section "§3 PostgreSQL"
deviation "the cluster listens on $PG_PORT (not 5432: the host's own server) and is started with pg_ctlcluster (no systemd)"
sed -i "s/^port = .*/port = $PG_PORT/" /etc/postgresql/15/main/postgresql.conf
pg_ctlcluster 15 main start
deviation "createuser --pwprompt reads the password from standard input (no terminal)"
printf '%s\n%s\n' "$DB_PASSWORD" "$DB_PASSWORD" | run_block postgres

section "§4 Static files"
run_block static

section "§8 Reverse proxy (nginx)"
deviation "nginx listens on $HTTP_PORT for 80 and $HTTPS_PORT for 443, gunicorn on 127.0.0.1:$APP_PORT for 8000; a self-signed certificate stands in for Let's Encrypt's"
mkdir -p /etc/letsencrypt/live/$HOST
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -keyout /etc/letsencrypt/live/$HOST/privkey.pem -out /etc/letsencrypt/live/$HOST/fullchain.pem 2>/dev/null
PORTS=(-e "s/listen 80\b/listen $HTTP_PORT/; s/listen \[::\]:80\b/listen [::]:$HTTP_PORT/"
    -e "s/listen 443\b/listen $HTTPS_PORT/; s/listen \[::\]:443\b/listen [::]:$HTTPS_PORT/"
    -e "s/127\.0\.0\.1:8000/127.0.0.1:$APP_PORT/")
sed "${PORTS[@]}" $B/nginx_site >/etc/nginx/sites-available/inaproc
cp $B/nginx_proxy /etc/nginx/inaproc-proxy.conf
inline "ln -s ../sites-available/inaproc /etc/nginx/sites-enabled/inaproc"
inline "rm /etc/nginx/sites-enabled/default"
inline "nginx -t && systemctl reload nginx"

section "§9 systemd units (run by the systemctl stand-in)"
sed "${PORTS[@]}" $B/unit_web >/etc/systemd/system/inaproc-web.service
cp $B/unit_worker /etc/systemd/system/inaproc-worker.service
cp $B/unit_cleanup_service /etc/systemd/system/inaproc-cleanup.service
cp $B/unit_cleanup_timer /etc/systemd/system/inaproc-cleanup.timer
cp $B/unit_hourly_service /etc/systemd/system/inaproc-hourly.service
cp $B/unit_hourly_timer /etc/systemd/system/inaproc-hourly.timer
# The table's three: "the service files differ from the hourly one only in Description
# and one ExecStart"; "each .timer is written like inaproc-hourly.timer with its own
# OnCalendar=".
python3 - $B/timer_table $B/unit_hourly_service $B/unit_hourly_timer <<'EOF'
import re, sys
table, service, timer = (open(p).read() for p in sys.argv[1:])
for row in table.splitlines():
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    name = cells[0].strip("`").removesuffix(".service")
    start = cells[1].strip("`")
    calendar = re.search(r"OnCalendar=([^`]+)", cells[2]).group(1)
    unit = re.sub(r"(?m)^Description=.*$", f"Description=Inaproc {name}", service)
    unit = re.sub(r"(?m)^ExecStart=.*\n", "", unit).rstrip("\n") + f"\nExecStart={start}\n"
    tim = re.sub(r"(?m)^OnCalendar=.*$", f"OnCalendar={calendar}", timer)
    if "Persistent=true" not in cells[2]:
        tim = re.sub(r"(?m)^Persistent=true\n", "", tim)
    open(f"/etc/systemd/system/{name}.service", "w").write(unit)
    open(f"/etc/systemd/system/{name}.timer", "w").write(tim)
    print(f"  written {name}.service ({start}) and {name}.timer (OnCalendar={calendar})")
EOF
run_block enable

section "§10 Portals and staff"
deviation "the portal administrator's password comes from the drill, in INAPROC_STAFF_PASSWORD as the page says for scripts"
export INAPROC_STAFF_PASSWORD=$STAFF_PASSWORD
run_block portal -e 's/sudo -u inaproc inaproc-manage create_staff/sudo -u inaproc --preserve-env=INAPROC_STAFF_PASSWORD inaproc-manage create_staff/'
unset INAPROC_STAFF_PASSWORD

section "§8/§13 checks through nginx (release 2026.11.1)"
web_checks
/srv/inaproc/current/.venv/bin/python - <<'EOF'
from reportlab.pdfgen import canvas
for name in ("first", "second"):
    pdf = canvas.Canvas(f"/root/drill/{name}.pdf")
    pdf.drawString(72, 720, f"Inaproc Debian drill: the {name} document")
    pdf.save()
EOF
ticket_with_attachment /root/drill/first.pdf vendor@example.id
want=$(sha256sum </root/drill/first.pdf | cut -d' ' -f1)
find /srv/inaproc/documents -type f -exec sha256sum {} + | grep -q "^$want " || fail "the uploaded document is not in DOCUMENT_ROOT"
check "the document is in DOCUMENT_ROOT with the SHA-256 of the file sent"
for _ in $(seq 30); do grep -q 'vendor@example.id' /var/log/drill/smtp.log && break; sleep 1; done
grep -q 'vendor@example.id' /var/log/drill/smtp.log || fail "the worker delivered no email to the ticket's address"
check "the task worker delivered the ticket's email"
document_download_check

section "§11 Backups (setup, script, unit, first run)"
run_block backup_setup
cp $B/backup_script /usr/local/sbin/inaproc-backup
chmod 0700 /usr/local/sbin/inaproc-backup
cp $B/backup_service /etc/systemd/system/inaproc-backup.service
cp $B/backup_timer /etc/systemd/system/inaproc-backup.timer
inline "systemctl daemon-reload && systemctl enable --now inaproc-backup.timer"
grep -qF 'systemctl start inaproc-backup && restic --repo /backup/restic' "$DOC" || fail "the page no longer checks the first backup run"
run_block_text() { printf '%s\n' "$1" >$B/inline.run && printf '  running:\n' && show $B/inline.run && bash -eu $B/inline.run; }
run_block_text "systemctl start inaproc-backup && restic --repo /backup/restic --password-file /etc/inaproc-backup/restic-password snapshots"
DUMP=/backup/inaproc-$(date +%F).dump
[ "$(stat -c '%U %a' "$DUMP")" = "postgres 600" ] || fail "the dump is $(stat -c '%U %a' "$DUMP"), not postgres 600"
[ "$(stat -c '%U %a' /backup)" = "postgres 700" ] || fail "/backup is $(stat -c '%U %a' /backup)"
check "dump $DUMP: $(stat -c '%U:%G %a' "$DUMP"); /backup $(stat -c '%U:%G %a' /backup)"

section "§12 Upgrade to 2026.12.1"
echo "  step 1: back up"
/usr/local/sbin/inaproc-backup
echo "  step 2: the new release in its own directory (section 2)"
deviation "section 2's block with the new release's name (2026.12.1) and the drill's repository"
run_block install -e 's|https://github.com/<org>/inaproc.git|file:///root/inaproc.git|' -e 's/2026\.11\.1/2026.12.1/g'
echo "  step 3: from the new release, before switching"
run_block upgrade_check
check "the old release still serves on the migrated schema:"
expect_status 200 "old release: portal home" "$BASE/kemenkeu/"
ticket_with_attachment /root/drill/second.pdf other-vendor@example.id
[ "$(readlink /srv/inaproc/current)" = releases/2026.11.1 ] || fail "current moved before step 4"
echo "  step 4: switch and restart"
run_block upgrade_switch
[ "$(readlink -f /proc/"$(cat /run/drill-units/inaproc-web.pid)"/cwd)" = /srv/inaproc/releases/2026.12.1 ] ||
    fail "gunicorn does not run from the new release"
check "gunicorn runs from /srv/inaproc/releases/2026.12.1"
if systemctl reload inaproc-web 2>/dev/null; then fail "systemctl reload inaproc-web was accepted"; fi
check "systemctl reload inaproc-web is refused (no ExecReload)"
echo "  step 5: check"
web_checks new
[ -f /srv/inaproc/releases/2026.11.1/staticfiles/staticfiles.json ] && [ -f /srv/inaproc/releases/2026.12.1/staticfiles/staticfiles.json ] ||
    fail "each release does not keep its own static files"
check "each release keeps its own staticfiles/"
if sudo -u inaproc inaproc-manage showmigrations --plan | grep -q '\[ \]'; then fail "migrations left unapplied"; fi
check "no migration left unapplied"

section "§11 Restore (the upgraded system's backup into a fresh database and document root)"
/usr/local/sbin/inaproc-backup
(cd /srv/inaproc/documents && find . -type f -exec sha256sum {} + | sort -k2) >/root/drill/documents.sha256
echo "  $(wc -l </root/drill/documents.sha256) documents before the loss"
deviation "the restore machine is this one: its documents are moved away and DOCUMENT_ROOT made again empty as section 1 makes it; the same /etc/inaproc (SECRET_KEY, LOG_KEY_ENCRYPTION_KEY)"
mv /srv/inaproc/documents /root/drill/lost-documents
install -d -o inaproc -g inaproc -m 0750 /srv/inaproc/documents
deviation "the example dump's date (2026-11-25) replaced by today's"
run_block restore -e "s|/backup/inaproc-2026-11-25.dump|$DUMP|"
run_block verify
(cd /srv/inaproc/documents && find . -type f -exec sha256sum {} + | sort -k2) | diff /root/drill/documents.sha256 - ||
    fail "the restored documents differ from those before the loss"
check "every restored document has the SHA-256 it had before the loss"
systemctl start inaproc-web inaproc-worker
web_checks new
document_download_check

printf '\n===== the drill passed in %d s (inside the chroot)\n' $(($(date +%s) - STARTED))
