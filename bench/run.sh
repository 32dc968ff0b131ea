#!/bin/sh
# Builds everything, then runs every benchmark and prints one table: what, A, B, ratio or
# difference, goal, met. The full output goes to bench/target/run-<time>.log.
# Usage: bench/run.sh      (Linux, loopback only; about 10 minutes; needs no root)
set -eu
cd "$(dirname "$0")/.."
mvn -q -B package -DskipTests
CP="bench/target/timewait-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
AGENT=agent/target/timewait-agent.jar
LOG="bench/target/run-$(date -u +%Y%m%dT%H%M%SZ).log"
: >"$LOG"

step() {
  echo "== $1" | tee -a "$LOG"
  shift
  "$@" 2>&1 | tee -a "$LOG"
}

# First, on a host without TIME_WAIT of earlier steps: 100k sockets on 127.0.0.2 and up.
step "host table sample (100000 TIME_WAIT, 32 destinations, 5 rounds)" \
  java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$CP" dev.timewait.bench.CollectorBenchmark 100000 32 5
step "per-close cost (JMH, -prof gc)" java -cp "$CP" dev.timewait.bench.JmhRunner
step "memory" java -Xmx512m -cp "$CP" dev.timewait.agent.internal.MemoryBenchmark
step "start-up (11 rounds)" java -cp "$CP" dev.timewait.bench.StartupBenchmark \
  "$AGENT" bench/target/agents/opentelemetry-javaagent.jar 11
step "attach (5 runs)" java -cp "$CP" dev.timewait.bench.AttachBenchmark run analyzer/target/timewait.jar 5
step "close-path overhead (5 rounds; each child warms up 3 s, then counts 3 s)" \
  java -cp "$CP" dev.timewait.bench.ChurnBenchmark run "$AGENT" 5 3 3

echo
echo "$(uname -sr), $(nproc) CPUs, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
grep '^RESULT|' "$LOG" | awk -F'|' '
  BEGIN { printf "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", "what", "A", "B", "ratio / difference", "goal", "met" }
  { printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }'
echo "log: $LOG"
