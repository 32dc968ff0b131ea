#!/bin/sh
# Builds the analyzer and the bench, then measures the host collectors at 100k TIME_WAIT sockets.
# Usage: bench/run-collector.sh [sockets [destinations [rounds]]]   (defaults: 100000 32 9)
# Linux only; everything stays on loopback (127.0.0.2 and up).
set -eu
cd "$(dirname "$0")/.."
mvn -q -pl bench -am package -DskipTests
exec java -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
  -cp "bench/target/timewait-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  dev.timewait.bench.CollectorBenchmark "$@"
