#!/usr/bin/env bash
# Builds the class-data sharing archive beside the jar (JAR.jsa) that the tuplespace script, the demo's processes
# and a primary's backup child start with (-XX:SharedArchiveFile when it is there; ClassArchive): runs the service
# from JAR on loopback (the demo, on a data directory of its own, so that the write-ahead log's, the snapshots' and
# recovery's classes are used too), PUTs a few pairs so the backup has received a snapshot and live effects, asks
# STATUS, then shuts the service down. Every JVM of that run (the demo, its proxy and primary, the backup, the client
# and status commands) writes the classes it loaded (-XX:DumpLoadedClassList); their union is dumped as a static
# archive (-Xshare:dump). A static archive, not one written at exit (-XX:ArchiveClassesAtExit): only a static one can
# hold classes compiled for Java 5, and picocli's are, about 180 classes that every process loads as it parses its
# command line.
# Usage: train-class-archive.sh JAR ARCHIVE
# Never fails the build: without an archive the JVMs start as before, only slower.
set -uo pipefail
jar="$1"
archive="$2"
work="$(mktemp -d)" || { echo "train-class-archive: no class-data archive (no temporary directory)" >&2; exit 0; }
demo_pid=""
lists="-XX:DumpLoadedClassList=$work/classes-%p.lst"

stop_demo() {
  # The demo's processes outlive a signal to the demo itself: the service is shut down first, then the demo.
  if [ -n "$demo_pid" ]; then
    java -jar "$jar" shutdown "127.0.0.1:$((base + 2))" --timeout=10s >/dev/null 2>&1
    kill "$demo_pid" 2>/dev/null
    wait "$demo_pid" 2>/dev/null
    demo_pid=""
  fi
}

give_up() {
  stop_demo # first: the demo's last lines belong in the log
  echo "train-class-archive: no class-data archive ($1); JVMs start without one" | tee "$archive.training.log" >&2
  [ -f "$work/tries.log" ] && cat "$work/tries.log" >>"$archive.training.log"
  [ -f "$work/demo.log" ] && cat "$work/demo.log" >>"$archive.training.log"
  echo "train-class-archive: why, and the service's log, are in $archive.training.log" >&2
  rm -rf "$work" "$archive.tmp"
  exit 0
}

[ -f "$jar" ] || give_up "expected the jar at $jar, found nothing"
rm -f "$archive" "$archive.tmp" "$archive.training.log"

# Six consecutive ports from a random base (client, proxy primary/shutdown, primary shutdown, backup, heartbeat),
# below the kernel's ephemeral range: a port in that range may be held by any outgoing connection of the machine
# (the build's own included), and the demo refuses to start on a port that is not free (it checks all six before it
# starts anything). Up to three tries, each on ports of its own, when that is why the demo stopped; any other reason
# gives up at once.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 12000 ] 2>/dev/null || ephemeral_low=32768
live=""
for try in 1 2 3; do
  base=$(( 10000 + RANDOM % (ephemeral_low - 10000 - 6) ))
  rm -rf "$work/data" "$work"/classes-*.lst
  # TUPLESPACE_JAVA_OPTS reaches the demo's proxy and primary; the primary passes --backup-java-opts to its backup.
  TUPLESPACE_JAVA_OPTS="$lists" java "$lists" -jar "$jar" demo --base-port="$base" --data-dir="$work/data" --fresh \
    --save-file="$work/space.json" --server-option="--backup-java-opts=$lists" --server-option=--backup-restarts=0 \
    >"$work/demo.log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$demo_pid" 2>/dev/null || break
    if java -jar "$jar" status "127.0.0.1:$((base + 2))" --timeout=2s 2>/dev/null | grep -q '"state":"live"'; then
      live=yes
      break
    fi
    sleep 0.5
  done
  [ -n "$live" ] && break
  if kill -0 "$demo_pid" 2>/dev/null; then
    give_up "the backup was not live after 120 looks at STATUS"
  fi
  wait "$demo_pid" 2>/dev/null
  demo_pid=""
  grep -q 'is not free' "$work/demo.log" || give_up "the demo exited early: $(tail -3 "$work/demo.log")"
  echo "train-class-archive: try $try on ports from $base: $(tail -1 "$work/demo.log")" | tee -a "$work/tries.log" >&2
done
[ -n "$live" ] || give_up "three tries found a port taken"
java "$lists" -jar "$jar" client "127.0.0.1:$base" 'PUT train,1 a' 'PUT train,2 b' 'GET train,.* .*' \
  'POST train,2 c' 'DELETE train,1 .*' >/dev/null 2>&1 || give_up "the training requests failed"
java "$lists" -jar "$jar" status "127.0.0.1:$((base + 2))" >/dev/null 2>&1 || give_up "STATUS failed"
java "$lists" -jar "$jar" shutdown "127.0.0.1:$((base + 2))" >/dev/null 2>&1 || give_up "SHUTDOWN failed"
for _ in $(seq 1 60); do
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.5
done
kill "$demo_pid" 2>/dev/null # SIGTERM: its JVM still exits in order, its list whole
wait "$demo_pid" 2>/dev/null
demo_pid=""
# A process writes its list as it loads classes: the lists are whole once every process has exited.
sleep 1
# Each JVM numbers the classes in its list from 0 (JDK 18 on: "name id: N"), so the numbers go, and with them the
# classes of other class loaders (their lines name a source and the numbers of their supertypes): names only.
cat "$work"/classes-*.lst 2>/dev/null | grep -v ' source: ' | sed 's/ id: [0-9]*$//' | awk '!seen[$0]++' \
  >"$work/classes.lst"
grep -q '^tuplespace/node/ServerMain$' "$work/classes.lst" || give_up "no class list names the server's classes"
java -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$archive.tmp" -cp "$jar" \
  >"$work/dump.log" 2>&1 || give_up "the dump failed: $(tail -3 "$work/dump.log")"
[ -s "$archive.tmp" ] || give_up "the dump wrote no archive: $(tail -3 "$work/dump.log")"
mv -f "$archive.tmp" "$archive"
rm -rf "$work"
echo "train-class-archive: wrote $archive" >&2
