#!/usr/bin/env bash
# Throwaway single-node Ceph (Debian ceph 16.2.15) + RGW (beast) on loopback.
# Usage: rgw-up.sh [DIR]   (DIR default: mktemp -d)
# Prints KEY=VALUE lines on stdout at the end (S3_ENDPOINT, keys, DIR, PIDS).
# Env: RGW_PORT (default: free port), MON_PORT (default: free port),
#      MEMSTORE_BYTES (default 2 GiB cap; memstore only uses what is written)
#      OSD_STORE=memstore|bluestore (bluestore: sparse file of BLUESTORE_BYTES, default 4 GiB)
set -euo pipefail
DIR=${1:-$(mktemp -d /tmp/rgw-XXXXXX)}
mkdir -p "$DIR"/{mon,osd,rgw,run,log}
DIR=$(cd "$DIR" && pwd)

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
MON_PORT=${MON_PORT:-$(freeport)}
RGW_PORT=${RGW_PORT:-$(freeport)}
MEMSTORE_BYTES=${MEMSTORE_BYTES:-2147483648}
FSID=$(cat /proc/sys/kernel/random/uuid)
ACCESS_KEY=${ACCESS_KEY:-TESTACCESSKEY0000001}
SECRET_KEY=${SECRET_KEY:-testsecretkey0000000000000000000000000001}
CONF=$DIR/ceph.conf
t0=$(date +%s.%N)
ts() { printf '[%6.2fs] %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$*" >&2; }

cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
keyring = $DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
# quieter health output (no mgr is run at all; RGW does not need one)
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 2
mon data avail crit = 1
[mon]
mon data = $DIR/mon/\$cluster-\$id
mon cluster log file = $DIR/log/cluster.log
[osd]
osd data = $DIR/osd/\$cluster-\$id
$(if [ "${OSD_STORE:-memstore}" = bluestore ]; then cat <<B
osd objectstore = bluestore
bluestore block path = $DIR/osd/\$cluster-\$id/block.file
bluestore block size = ${BLUESTORE_BYTES:-4294967296}
bluestore block create = true
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mount = false
osd memory target = 939524096
bluestore cache autotune = false
bluestore cache size = 134217728
B
else cat <<M
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
M
fi)
# the OSD's own crush/class mon commands fail with 'wrong fsid' here; do it by hand
osd crush update on start = false
osd class update on start = false
osd op num threads per shard = 1
osd op num shards = 1
[client.rgw.a]
rgw data = $DIR/rgw/\$cluster-\$id
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw dns name = 127.0.0.1
rgw thread pool size = 64
EOF

# keyring (content irrelevant with auth none, but mkfs wants one)
ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v1:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
ceph-mon -c "$CONF" -i a -f >"$DIR/log/mon.a.out" 2>&1 &
echo $! > "$DIR/pids"
ts "mon started"

C="ceph -c $CONF --connect-timeout 20"
$C osd pool ls >/dev/null 2>&1 || { sleep 1; $C osd pool ls >/dev/null; }
ts "mon answers"

OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
OSD_ID=$($C osd new "$OSD_UUID")
$C osd crush add "osd.$OSD_ID" 1 root=default >/dev/null 2>&1
mkdir -p "$DIR/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$DIR/log/osd.mkfs.out" 2>&1
ceph-osd -c "$CONF" -i "$OSD_ID" -f >"$DIR/log/osd.$OSD_ID.out" 2>&1 &
echo $! >> "$DIR/pids"
ts "osd.$OSD_ID started"
# On a loaded machine (load 17 on 2 cores seen) the OSD can take a minute to boot and a single CLI call can
# fail transiently (EPERM while the monitor is busy): wait by the clock, not by a count of calls.
up=0; deadline=$(( $(date +%s) + ${OSD_UP_SECONDS:-120} ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  if $C osd dump 2>/dev/null | grep -q "^osd.$OSD_ID up"; then up=1; break; fi
  kill -0 $(tail -1 "$DIR/pids") 2>/dev/null || { echo "osd died" >&2; tail -20 "$DIR/log/osd.$OSD_ID.out" >&2; exit 1; }
  sleep 0.5
done
[ $up = 1 ] || { echo "osd not up after ${OSD_UP_SECONDS:-120} s" >&2; tail -20 "$DIR/log/osd.$OSD_ID.log" >&2; exit 1; }
ts "osd up"

radosgw -c "$CONF" -n client.rgw.a -f >"$DIR/log/rgw.a.out" 2>&1 &
echo $! >> "$DIR/pids"
ts "rgw started"
for i in $(seq 1 240); do
  curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/" && break; sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/" || { echo "rgw did not answer" >&2; exit 1; }
ts "rgw answers"

radosgw-admin -c "$CONF" -n client.rgw.a user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >"$DIR/log/user.json" 2>"$DIR/log/user.err"
ts "user created"

cat > "$DIR/env" <<EOF
RGW_DIR=$DIR
CEPH_CONF=$CONF
S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
S3_REGION=us-east-1
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
RGW_PIDS="$(tr '\n' ' ' < "$DIR/pids")"
EOF
cat "$DIR/env"
