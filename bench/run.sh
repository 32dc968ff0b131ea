#!/bin/sh
# Builds everything, then runs every benchmark and prints one table: what, A, B, ratio or
# difference, goal, met. The full output goes to bench/target/run-<time>.log.
# Usage: bench/run.sh    (Linux, loopback only; about 25 minutes)
# As root, everything that makes many connections runs in a network namespace of its own (unshare
# -n, only lo), so the host's TIME_WAIT table is untouched; the rows that need a table of 100,000
# TIME_WAIT sockets run only there, and are skipped, with a line saying so, without root.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B package -DskipTests
CP="bench/target/timewait-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
AGENT=agent/target/timewait-agent.jar
LOG="bench/target/run-$(date -u +%Y%m%dT%H%M%SZ).log"
: >"$LOG"
START="$(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

step() {
  echo "== $1" | tee -a "$LOG"
  shift
  "$@" 2>&1 | tee -a "$LOG"
}

# own_netns TW_BUCKETS CMD...: CMD in a new network namespace with lo up and its own TIME_WAIT cap.
own_netns() {
  buckets=$1
  shift
  unshare --net sh -c 'ip link set lo up && sysctl -q -w net.ipv4.tcp_max_tw_buckets="$0" && exec "$@"' \
    "$buckets" "$@"
}
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 && unshare --net true 2>/dev/null; then
  NETNS=yes
  ISOLATED="own_netns 131072"
else
  NETNS=no
  ISOLATED=""
  echo "not root (or no unshare/ip): the churn and collector rows run in this host's namespace," \
    "and the rows with 100,000 TIME_WAIT sockets are skipped" | tee -a "$LOG"
fi

step "host table sample (100000 TIME_WAIT, 32 destinations, 5 rounds)" \
  $ISOLATED java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$CP" dev.timewait.bench.CollectorBenchmark 100000 32 5
step "per connection end (JMH, -prof gc)" java -cp "$CP" dev.timewait.bench.JmhRunner
step "memory of the tables after 1M closes" java -Xmx512m -cp "$CP" dev.timewait.bench.MemoryBenchmark
step "start-up, main opens one connection (11 rounds)" java -cp "$CP" dev.timewait.bench.StartupBenchmark \
  "$AGENT" bench/target/agents/opentelemetry-javaagent.jar 11
step "idle JVM memory (5 rounds)" java -cp "$CP" dev.timewait.bench.IdleMemoryBenchmark run "$AGENT" 5
step "attach (5 runs)" java -cp "$CP" dev.timewait.bench.AttachBenchmark run analyzer/target/timewait.jar 5
step "churn, 1 and 4 client threads (5 rounds; each child warms up 3 s, then counts 4 s)" \
  $ISOLATED java -cp "$CP" dev.timewait.bench.ChurnBenchmark run "$AGENT" 5 3 4 1,4
if [ "$NETNS" = yes ]; then
  step "100,000 TIME_WAIT on the host: churn at small heaps (3 rounds), host sampler CPU" \
    own_netns 100000 java -Xmx512m -cp "$CP" dev.timewait.bench.HostTableBenchmark "$AGENT" 3 3 4 4 16,32,64
else
  echo "== 100,000 TIME_WAIT on the host: skipped (needs root for a network namespace of its own)" |
    tee -a "$LOG"
fi

echo
echo "$(uname -sr), $(nproc) CPUs, $(java -version 2>&1 | head -1); started $START; ended $(date -u +%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
grep '^RESULT|' "$LOG" | awk -F'|' '
  BEGIN { printf "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", "what", "A", "B", "ratio / difference", "goal", "met" }
  { printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }'
echo "log: $LOG"
