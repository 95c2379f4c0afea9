#!/usr/bin/env bash
# One command for the whole comparison of tuplespace with Redis + Sentinel (issue 5):
#   bench/run.sh            full run (about 16 minutes on 2 cores, plus up to 15 for the scale part)
#   bench/run.sh --quick    short development run (under 3 minutes, plus 1.5 for the scale part)
#   bench/run.sh --only scale   one part (throughput, failover, resync, slow_readers, scale, durable, security)
# Other options go to the suite (bench/run.sh --help lists them). Installs redis-server and redis-sentinel when
# missing (apt-get; needs root), builds the modules, runs everything on 127.0.0.1 only, prints the table and
# writes bench/results/results.{json,md} (git-ignored). Every process it starts is stopped at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v redis-server >/dev/null || ! command -v redis-sentinel >/dev/null; then
  echo "bench: installing redis-server and redis-sentinel (apt-get)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-sentinel >&2
fi

echo "bench: building (store, codec, node, proxy, client, launcher and its fat jar, bench)..." >&2
./mvnw -B -q -DskipTests -pl bench -am package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2

mkdir -p bench/results
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
# 3 GiB: the scale part holds a million-pair answer as the client library decodes it (a JSON tree, about 0.5 GB)
# while the next arrives; with 1 GiB this JVM spent most of a read collecting, which no application would accept.
# The service's JVMs run from the fat jar, as deployed (with the class-data archive its package step built).
# Huge pages where the kernel gives them on request: this JVM's latency probes stop for its own collections, which
# copy into fresh heap (as the service's JVMs and the bench's reading JVMs get them).
hugepages=()
grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled && hugepages=("-XX:+UseTransparentHugePages")
exec java -Xmx3g "${hugepages[@]}" -Dtuplespace.bench.serviceJar="$root/launcher/target/tuplespace.jar" -cp "$classpath" \
  tuplespace.bench.BenchMain suite --results bench/results "$@"
