#!/usr/bin/env bash
# Starts a dev Cassandra and N groupbuy nodes on this machine (distinct ports, one cluster, Split Brain Resolver on).
# Usage: cluster-config/run-local-cluster.sh [N=3]      Ctrl-C stops everything.
# Node i serves HTTP on 8080+i-1, Pekko Management on 8558+i-1, remoting on 25520+i-1; logs in target/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3}"
cql_port="${GROUPBUY_CQL_PORT:-9042}"

echo "Building ..."
./mvnw -B -q -DskipTests package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
cp="target/classes:$(cat target/classpath.txt)"
mkdir -p target/cluster
node_pids=()
cassandra_pid=""
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping the nodes, then Cassandra ..."
  # nodes first, so they leave the cluster and hand over shards while the journal is still there
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$cassandra_pid" ]; then kill "$cassandra_pid" 2>/dev/null || true; wait "$cassandra_pid" 2>/dev/null || true; fi
  echo "Stopped."
}
trap cleanup EXIT INT TERM

if ! (exec 3<>/dev/tcp/127.0.0.1/"$cql_port") 2>/dev/null; then
  java -Xmx256m -Dgroupbuy.cassandra.lib="$PWD/target/cassandra-lib" -cp "$cp" \
    io.groupbuy.platform.CassandraLauncher --cql-port "$cql_port" > target/cluster/cassandra.log 2>&1 &
  cassandra_pid=$!
  echo -n "Waiting for Cassandra on port $cql_port "
  until (exec 3<>/dev/tcp/127.0.0.1/"$cql_port") 2>/dev/null; do echo -n .; sleep 1; done
  echo " up"
else
  echo "Using the Cassandra already listening on port $cql_port"
fi

for i in $(seq 1 "$n"); do
  java -Xms256m -Xmx512m \
    -Dgroupbuy.http.port=$((8080 + i - 1)) \
    -Dpekko.management.http.port=$((8558 + i - 1)) \
    -Dpekko.remote.artery.canonical.port=$((25520 + i - 1)) \
    -Dpekko.cluster.seed-nodes.0=pekko://groupbuy@127.0.0.1:25520 \
    -Ddatastax-java-driver.basic.contact-points.0=127.0.0.1:"$cql_port" \
    -Dgroupbuy.cassandra.create-schema=true \
    -Dgroupbuy.auth.allow-dev-secret=on \
    -cp "$cp" io.groupbuy.Main > target/cluster/node$i.log 2>&1 &
  node_pids+=($!)
  echo "node $i: http://127.0.0.1:$((8080 + i - 1))  management http://127.0.0.1:$((8558 + i - 1))  log target/cluster/node$i.log"
  # let the first node create the schema before the others start
  if [ "$i" = 1 ]; then
    until curl -sf http://127.0.0.1:8080/catalog/skus >/dev/null; do sleep 1; done
  fi
done
echo "Cluster members: curl -s http://127.0.0.1:8558/cluster/members"
echo "Ctrl-C stops all nodes and the Cassandra this script started."
wait
