#!/usr/bin/env bash
# A local groupbuy cluster: a Cassandra of its own and N nodes (distinct ports, one cluster, Split Brain Resolver on).
#
#   cluster-config/run-local-cluster.sh [N=3]     build, start Cassandra and N nodes, load the catalog, print tokens;
#                                                  Ctrl-C (or closing the terminal, or killing this script) stops all
#   cluster-config/run-local-cluster.sh restart I  (from another shell) stop node I gracefully and start it again
#   cluster-config/run-local-cluster.sh kill I     (from another shell) SIGKILL node I, as a crash would
#   cluster-config/run-local-cluster.sh add        (from another shell) start one more node, joining the cluster
#
# Node i serves HTTP on 8080+i-1, Pekko Management on 8558+i-1, remoting on 25520+i-1. At the first start every node
# gets every member as seed node (node 1 forms the cluster); a restarted or added node gets only the others, so it
# can only join the running cluster, never form one of its own. Data and logs live in GROUPBUY_CLUSTER_DIR (default
# ~/.groupbuy/cluster), apart from bin/run-dev's ~/.groupbuy/cassandra.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${GROUPBUY_CLUSTER_DIR:-$HOME/.groupbuy/cluster}"
cql_port="${GROUPBUY_CQL_PORT:-9142}"
storage_port="${GROUPBUY_STORAGE_PORT:-7100}"
data_dir="${GROUPBUY_DATA_DIR:-$(cd .. && pwd)/shared/data}"
mkdir -p "$dir/logs" "$dir/run"

say() { echo "$@" 2>/dev/null || true; }  # output may be a closed pipe (| tee, | head): never fail because of it

seeds() {  # members 1..$1 except $2 as seed nodes, in order
  local args="" k n=0
  for k in $(seq 1 "$1"); do
    [ "$k" = "${2:-0}" ] && continue
    args="$args -Dpekko.cluster.seed-nodes.$n=pekko://groupbuy@127.0.0.1:$((25520 + k - 1))"; n=$((n + 1))
  done
  echo "$args"
}

# Starts node $1 in the background with seeds 1..$2 except $3; its standard input is the lifeline (see below).
start_node() {
  local i="$1" total="$2" except="${3:-0}" cp
  cp="target/classes:$(cat target/classpath.txt)"
  # shellcheck disable=SC2046
  java -Xms256m -Xmx512m \
    -Dgroupbuy.exit-with-parent=true \
    -Dgroupbuy.http.port=$((8080 + i - 1)) \
    -Dpekko.management.http.port=$((8558 + i - 1)) \
    -Dpekko.remote.artery.canonical.port=$((25520 + i - 1)) \
    $(seeds "$total" "$except") \
    -Ddatastax-java-driver.basic.contact-points.0=127.0.0.1:"$cql_port" \
    -Dgroupbuy.cassandra.create-schema=true \
    -Dgroupbuy.auth.allow-dev-secret=on \
    -cp "$cp" io.groupbuy.Main < "$dir/run/lifeline" > "$dir/logs/node$i.log" 2>&1 9>&- &
  echo $! > "$dir/run/node$i.pid"
  say "node $i: http://127.0.0.1:$((8080 + i - 1))  management http://127.0.0.1:$((8558 + i - 1))  log $dir/logs/node$i.log"
}

await_ready() {  # node $1 ready: a member that may write to the journal
  local i="$1" pid
  pid="$(cat "$dir/run/node$i.pid")"
  until curl -sf "http://127.0.0.1:$((8558 + i - 1))/ready" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then say "node $i exited; see $dir/logs/node$i.log"; exit 1; fi
    sleep 1
  done
}

node_count() { cat "$dir/run/nodes" 2>/dev/null || echo 0; }

case "${1:-3}" in
  restart|kill)
    i="${2:?usage: $0 $1 <node number>}"
    [ -f "$dir/run/node$i.pid" ] || { say "no node $i in $dir/run (is the cluster running?)"; exit 1; }
    pid="$(cat "$dir/run/node$i.pid")"
    if [ "$1" = kill ]; then kill -9 "$pid" 2>/dev/null || true; say "node $i (pid $pid) killed"; exit 0; fi
    say "Stopping node $i (pid $pid) gracefully ..."
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 1; done
    # Only the others as seeds: a node that is first in its own seed list joins itself when the others do not answer
    # within seed-node-timeout (5 s, easily missed on a busy machine) and forms a second cluster.
    start_node "$i" "$(node_count)" "$i"
    await_ready "$i"
    say "node $i is back, a member of the cluster: curl -s http://127.0.0.1:8558/cluster/members"
    exit 0 ;;
  add)
    n=$(( $(node_count) + 1 ))
    echo "$n" > "$dir/run/nodes"
    start_node "$n" "$n" "$n"
    await_ready "$n"
    say "node $n joined the cluster"
    exit 0 ;;
  ''|*[!0-9]*)
    say "usage: $0 [N] | restart I | kill I | add"; exit 2 ;;
esac

n="$1"
say "Building ..."
./mvnw -B -q -DskipTests package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
cp="target/classes:$(cat target/classpath.txt)"

# The lifeline: every process started here reads this FIFO, whose only writer is this script. When the script ends
# for any reason (Ctrl-C, SIGTERM, SIGKILL, a closed terminal) the FIFO reaches end-of-file and each process stops
# itself, nodes first being quicker than Cassandra's clean stop.
rm -f "$dir/run/lifeline" "$dir/run/"node*.pid
mkfifo "$dir/run/lifeline"
exec 9<>"$dir/run/lifeline"
echo "$n" > "$dir/run/nodes"
cassandra_pid=""
cleanup() {
  trap - EXIT INT TERM HUP PIPE
  # nodes first, so they leave the cluster and hand over shards while the journal is still there
  local pids=() f
  for f in "$dir/run/"node*.pid; do [ -f "$f" ] && pids+=("$(cat "$f")"); done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done; done
  if [ -n "$cassandra_pid" ]; then kill "$cassandra_pid" 2>/dev/null || true; wait "$cassandra_pid" 2>/dev/null || true; fi
  rm -f "$dir/run/"node*.pid "$dir/run/nodes"
  say "Stopped."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP PIPE

if (exec 3<>/dev/tcp/127.0.0.1/"$cql_port") 2>/dev/null; then
  say "Port $cql_port is taken: another cluster script, or another Cassandra, is running. Stop it or set GROUPBUY_CQL_PORT."
  exit 1
fi
say "Cassandra: data in $dir/cassandra, CQL on port $cql_port, log $dir/logs/cassandra.log"
java -Xmx256m -Dgroupbuy.exit-with-parent=true -Dgroupbuy.cassandra.lib="$PWD/target/cassandra-lib" -cp "$cp" \
  io.groupbuy.platform.CassandraLauncher --data-dir "$dir/cassandra" --cql-port "$cql_port" \
  --storage-port "$storage_port" < "$dir/run/lifeline" > "$dir/logs/cassandra.log" 2>&1 9>&- &
cassandra_pid=$!
until (exec 3<>/dev/tcp/127.0.0.1/"$cql_port") 2>/dev/null; do
  kill -0 "$cassandra_pid" 2>/dev/null || { say "Cassandra exited; see $dir/logs/cassandra.log"; exit 1; }
  sleep 1
done

for i in $(seq 1 "$n"); do start_node "$i" "$n"; done
for i in $(seq 1 "$n"); do await_ready "$i"; done
say "All $n nodes are members and ready."

tokens="$(java -Dgroupbuy.auth.allow-dev-secret=on -cp "$cp" io.groupbuy.http.DevTokens)"
op="$(echo "$tokens" | sed -n 's/^export OP=//p')"
if [ -d "$data_dir" ]; then
  java -cp "$cp" io.groupbuy.sim.LoadCatalog --data "$data_dir" --api http://127.0.0.1:8080 --token "$op" \
    | while read -r line; do say "$line"; done
else
  say "No data sets at $data_dir (set GROUPBUY_DATA_DIR): the catalog is empty."
fi
say ""
say "Dev tokens (valid 7 days):"
say "$tokens" | sed 's/^/  /'
say ""
say "Try:  curl -s http://127.0.0.1:8558/cluster/members"
say "      curl -s -H \"Authorization: Bearer \$OP\" http://127.0.0.1:8081/inventory/wh-chongqing/102900005115168"
say "From another shell: $0 kill 1; $0 restart 1; $0 add"
say "Ctrl-C stops all nodes and Cassandra."
while kill -0 "$cassandra_pid" 2>/dev/null; do sleep 2; done
say "Cassandra stopped; stopping the nodes."
