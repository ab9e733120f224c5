#!/usr/bin/env bash
# Usage: rgw-down.sh DIR   — stops the daemons listed in DIR/pids (by PID) and removes DIR.
set -u
DIR=${1:?usage: rgw-down.sh DIR}
if [ -f "$DIR/pids" ]; then
  # reverse order: rgw, osd, mon
  for p in $(tac "$DIR/pids"); do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 1 15); do   # 3 s grace, then SIGKILL (throwaway cluster)
    alive=0; for p in $(cat "$DIR/pids"); do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  for p in $(cat "$DIR/pids"); do kill -KILL "$p" 2>/dev/null; done
fi
case "$DIR" in /tmp/*) rm -rf "$DIR";; *) echo "not removing $DIR (not under /tmp)" >&2;; esac
