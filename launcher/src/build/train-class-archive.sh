#!/usr/bin/env bash
# Builds the class-data sharing archive beside the jar (JAR.jsa) that the tuplespace script, the demo's processes
# and a primary's backup child start with (-XX:SharedArchiveFile when it is there; ClassArchive): runs the service
# from JAR on loopback (the demo, memory only), PUTs a few pairs so the backup has received a snapshot and live
# effects, then stops the backup with SIGTERM: started with -XX:ArchiveClassesAtExit, it writes the classes it
# loaded as it exits (which can take seconds on a busy machine, longer than a primary's SHUTDOWN waits for its
# backup; the JVM answers no heartbeat meanwhile, hence 600 misses before the primary gives up on it and kills it).
# Then it shuts the service down.
# Usage: train-class-archive.sh JAR ARCHIVE
# Never fails the build: without an archive the backup starts as before, only slower.
set -uo pipefail
jar="$1"
archive="$2"
work="$(mktemp -d)"
demo_pid=""

give_up() {
  echo "train-class-archive: no class-data archive ($1); backups start without one" >&2
  [ -f "$work/demo.log" ] && cp "$work/demo.log" "$archive.training.log" \
    && echo "train-class-archive: the service's log is in $archive.training.log" >&2
  # The demo's processes outlive a signal to the demo itself: the service is shut down first, then whatever is left.
  if [ -n "$demo_pid" ]; then
    java -jar "$jar" shutdown "127.0.0.1:$((base + 2))" --timeout=10s >/dev/null 2>&1
    pkill -KILL -f -- "-XX:ArchiveClassesAtExit=$archive.tmp" 2>/dev/null
    kill "$demo_pid" 2>/dev/null
  fi
  rm -rf "$work" "$archive.tmp"
  exit 0
}

[ -f "$jar" ] || give_up "expected the jar at $jar, found nothing"
rm -f "$archive" "$archive.tmp" "$archive.training.log"
# Six consecutive ports from a random base: client, proxy primary/shutdown, primary shutdown, backup, heartbeat.
base=$(( 20000 + RANDOM % 30000 ))
java -jar "$jar" demo --base-port="$base" --data-dir=none --fresh --save-file="$work/space.json" \
  --server-option="--backup-java-opts=-XX:ArchiveClassesAtExit=$archive.tmp" --server-option=--backup-restarts=0 \
  --server-option=--heartbeat-misses=600 >"$work/demo.log" 2>&1 &
demo_pid=$!

live=""
for _ in $(seq 1 120); do
  kill -0 "$demo_pid" 2>/dev/null || give_up "the demo exited early: $(tail -3 "$work/demo.log")"
  if java -jar "$jar" status "127.0.0.1:$((base + 2))" --timeout=2s 2>/dev/null | grep -q '"state":"live"'; then
    live=yes
    break
  fi
  sleep 0.5
done
[ -n "$live" ] || give_up "the backup was not live within a minute"
java -jar "$jar" client "127.0.0.1:$base" 'PUT train,1 a' 'PUT train,2 b' 'GET train,.* .*' 'DELETE train,1 .*' \
  >/dev/null 2>&1 || give_up "the training requests failed"
backup_pid=$(java -jar "$jar" status "127.0.0.1:$((base + 2))" --timeout=5s 2>/dev/null \
  | grep -o '"backup":{"state":"live","pid":[0-9]*' | grep -o '[0-9]*$')
[ -n "$backup_pid" ] || give_up "STATUS named no live backup"
# Its standby (a child started with the same option) would write the same file as it exits with it: gone first,
# by SIGKILL, which writes nothing.
pkill -KILL -P "$backup_pid" 2>/dev/null
sleep 0.5
kill -TERM "$backup_pid" 2>/dev/null || give_up "the backup pid $backup_pid was gone"
for _ in $(seq 1 120); do
  kill -0 "$backup_pid" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$backup_pid" 2>/dev/null && give_up "the backup pid $backup_pid did not exit within a minute of SIGTERM"
[ -s "$archive.tmp" ] || give_up "the backup wrote no archive: $(grep -i 'cds\|archive' "$work/demo.log" | tail -2)"
mv -f "$archive.tmp" "$archive"
# The primary may have started another backup meanwhile (with the same option): it exits with the service.
java -jar "$jar" shutdown "127.0.0.1:$((base + 2))" >/dev/null 2>&1
for _ in $(seq 1 60); do
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.5
done
kill "$demo_pid" 2>/dev/null
rm -rf "$work" "$archive.tmp"
echo "train-class-archive: wrote $archive" >&2
