#!/usr/bin/env bash
# What `npm test` needs from the machine, prepared before the tests run (package.json "pretest").
# The one list of Debian packages the tests drive as real peers lives here; .ci/run only runs npm ci + npm test.
#
# - A missing package is installed when we are root with apt-get (apt-get update once, no recommends);
#   otherwise we stop at once with the exact apt-get line to run.
# - The network-boot tests apt-get download kernels and EFI stubs, so apt's package lists must exist.
# - PostgreSQL and Redis are started the way this kind of machine starts them when they do not answer
#   on the addresses the tests use (TEST_PG_URL / TEST_REDIS_URL override those; then we only check).
# Quiet when everything is present: it prints only what it did.
set -euo pipefail

packages=(
  # a C compiler and libc's headers: `npm run build` compiles the content app's sendfile(2) binding, and the
  # tests check it is used (without one the app still runs, copying through buffers)
  gcc libc6-dev
  # the CNCF distribution registry the end-to-end tests start on a free loopback port
  docker-registry
  # OCI copy round trips against our /v2/ and the sync benchmark's peer
  skopeo
  # htpasswd: bcrypt users for registry Basic auth
  apache2-utils
  # certificates for registry token auth and the content app's TLS
  openssl
  # network boot: qemu with SeaBIOS and iPXE ROMs, OVMF for UEFI, objcopy/objdump for the UKI, curl for
  # the Foreman Smart Proxy emulation
  qemu-system-x86 ipxe-qemu ovmf binutils curl
  # strict HTTPS boot: DHCP with an https:// boot URL inside the test's network namespace (dnsmasq), a relay
  # from the namespace address to the content app's TLS port (socat), and a UEFI El Torito ISO made in the
  # test (xorriso, mtools, dosfstools)
  dnsmasq-base socat xorriso mtools dosfstools
  # signature fixtures: a throwaway GNUPGHOME whose keys `skopeo copy --sign-by` and `standalone-sign` use
  gnupg
  # validates docker-compose.yml (npm run compose:check) without a container engine
  docker-compose
  # CONTENT_OFFLOAD=x-accel end to end behind the shipped deploy/nginx/bootdepot.conf, and bench/serve's peer
  # (wrk drives bench/serve's small-request phases)
  nginx-light wrk
  # a throwaway single-node Ceph (monitor, OSD, RADOS Gateway) as the real S3 server of the S3 driver tests
  # (test/support/rgw.ts starts it from scripts/rgw-lab once per test run)
  radosgw ceph-mon ceph-osd ceph-common
)

log() { echo "test-prerequisites: $*" >&2; }

missing=()
installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${packages[@]}" 2>/dev/null || true)"
for pkg in "${packages[@]}"; do
  [[ "$installed" == *" $pkg=installed "* ]] || missing+=("$pkg")
done

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
lists_present() { compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }

if [ "${#missing[@]}" -gt 0 ]; then
  if ! can_apt; then
    log "missing Debian packages: ${missing[*]}"
    log "install them (as root): apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif ! lists_present; then
  if can_apt; then
    log "apt package lists are empty (the network-boot tests download kernels with apt-get): apt-get update"
    apt-get update -qq
  else
    log "apt package lists are empty; the network-boot tests need them: run apt-get update as root"
    exit 1
  fi
fi

# PostgreSQL and Redis: start them only when the tests would use the local defaults and nothing answers.
if [ -z "${TEST_PG_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    log "PostgreSQL does not answer on 127.0.0.1:5432: starting cluster $(ls /etc/postgresql) main"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  else
    log "PostgreSQL does not answer on 127.0.0.1:5432 (trust auth for postgres): start it or set TEST_PG_URL"
    exit 1
  fi
fi
if [ -z "${TEST_REDIS_URL:-}" ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    log "Redis does not answer on 127.0.0.1:6379: starting redis-server (no persistence)"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  else
    log "Redis does not answer on 127.0.0.1:6379: install redis-server and start it, or set TEST_REDIS_URL"
    exit 1
  fi
fi
