package io.groupbuy.it;

import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A groupbuy node in its own JVM ({@code io.groupbuy.Main}), so tests can kill it abruptly. */
public final class NodeProcess implements AutoCloseable {
  public final String name;
  public final int httpPort;
  public final int managementPort;
  public final int remotePort;
  private final Process process;
  public final Path log;

  private final Launch launch;

  private NodeProcess(Launch launch, Process process, Path log) {
    this.name = launch.name();
    this.httpPort = launch.http();
    this.managementPort = launch.management();
    this.remotePort = launch.remote();
    this.process = process;
    this.log = log;
    this.launch = launch;
  }

  /**
   * Everything a node is started with, so that it can be started again the same way (or with other
   * seeds).
   */
  public record Launch(
      String name,
      String contactPoint,
      String keyspace,
      int http,
      int management,
      int remote,
      List<Integer> seeds,
      Map<String, String> extra,
      Map<String, String> env) {
    public Launch withSeeds(List<Integer> newSeeds) {
      return new Launch(
          name, contactPoint, keyspace, http, management, remote, newSeeds, extra, env);
    }

    public Launch withEnv(Map<String, String> newEnv) {
      return new Launch(
          name, contactPoint, keyspace, http, management, remote, seeds, extra, newEnv);
    }
  }

  public static String address(int remotePort) {
    return "pekko://groupbuy@127.0.0.1:" + remotePort;
  }

  /**
   * Starts a node joining {@code seedRemotePort} (its own port for the first node) and waits until
   * its API answers and it is ready (a cluster member that may write to the journal).
   */
  public static NodeProcess start(
      String name,
      CassandraLauncher.Node cassandra,
      String keyspace,
      Integer seedRemotePort,
      Map<String, String> extra) {
    int remote = CassandraLauncher.freePort();
    int seed = seedRemotePort == null ? remote : seedRemotePort;
    return start(
        new Launch(
            name,
            cassandra.contactPoint(),
            keyspace,
            CassandraLauncher.freePort(),
            CassandraLauncher.freePort(),
            remote,
            List.of(seed),
            extra,
            Map.of()),
        true);
  }

  /** A launch on free ports with the given remoting port and seeds. */
  public static Launch plan(
      String name,
      CassandraLauncher.Node cassandra,
      String keyspace,
      int remote,
      List<Integer> seeds,
      Map<String, String> extra) {
    return new Launch(
        name,
        cassandra.contactPoint(),
        keyspace,
        CassandraLauncher.freePort(),
        CassandraLauncher.freePort(),
        remote,
        seeds,
        extra,
        Map.of());
  }

  /**
   * Starts the node; with {@code awaitReady} waits until it serves and is ready, otherwise only
   * until it serves.
   */
  public static NodeProcess start(Launch l, boolean awaitReady) {
    return start(l, true, awaitReady);
  }

  /**
   * System property: the heap of the nodes started (default 384m, so that three nodes, Cassandra
   * and Maven fit on the CI machine); the benchmarks give theirs the deployment's 1g.
   */
  public static final String NODE_HEAP = "groupbuy.it.node-heap";

  /** Node setting: the gRPC behaviour stream's port (off in tests unless given). */
  public static final String STREAM_PORT = "groupbuy.session.stream.port";

  private static NodeProcess start(Launch l, boolean awaitServing, boolean awaitReady) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m",
                "-Xmx" + System.getProperty(NODE_HEAP, "384m"),
                "-XX:ActiveProcessorCount=2",
                "-Dgroupbuy.exit-with-parent=true",
                "-Dgroupbuy.http.port=" + l.http(),
                "-Dpekko.management.http.port=" + l.management(),
                "-Dpekko.remote.artery.canonical.port=" + l.remote()));
    for (int i = 0; i < l.seeds().size(); i++) {
      cmd.add("-Dpekko.cluster.seed-nodes." + i + "=" + address(l.seeds().get(i)));
    }
    cmd.addAll(
        List.of(
            "-Dpekko.cluster.split-brain-resolver.stable-after=3s",
            "-Dpekko.cluster.sharding.passivation.default-strategy.idle-entity.timeout=5m",
            "-Ddatastax-java-driver.basic.contact-points.0=" + l.contactPoint(),
            "-Dpekko.persistence.cassandra.journal.keyspace=" + l.keyspace(),
            "-Dpekko.persistence.cassandra.snapshot.keyspace=" + l.keyspace() + "_snapshot",
            "-Dgroupbuy.cassandra.create-schema=true",
            "-Dgroupbuy.auth.allow-dev-secret=on",
            "-Dpekko.loglevel=INFO"));
    // the gRPC behaviour stream listens on a fixed port by default: off unless a test asks for it
    if (!l.extra().containsKey(STREAM_PORT)) cmd.add("-D" + STREAM_PORT + "=-1");
    l.extra().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    // e.g. -Dgroupbuy.it.node-jvm-args="-XX:StartFlightRecording=filename=node.jfr" to profile a
    // node
    String jvmArgs = System.getProperty("groupbuy.it.node-jvm-args", "").trim();
    if (!jvmArgs.isEmpty()) cmd.addAll(List.of(jvmArgs.split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.groupbuy.Main"));
    try {
      Path dir = Files.createDirectories(Path.of("target", "it-nodes"));
      Path log = dir.resolve(l.keyspace() + "-" + l.name() + ".log");
      Files.writeString(
          log,
          "---- start " + Instant.now() + " seeds " + l.seeds() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(l.env());
      Process p = builder.start();
      NodeProcess node = new NodeProcess(l, p, log);
      // a node restarted on its old address first waits for its previous incarnation to leave the
      // membership: on a busy 2-core machine start and join took up to 76 s (rolling restart)
      if (awaitServing) node.awaitServing(Duration.ofSeconds(180));
      if (awaitReady) node.awaitReady(Duration.ofSeconds(60));
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Launch launch() {
    return launch;
  }

  /** Starts this node again on the same ports (a new incarnation), joining {@code seeds}. */
  public NodeProcess restart(List<Integer> seeds, boolean awaitReady) {
    if (process.isAlive()) throw new IllegalStateException(name + " is still running");
    return start(launch.withSeeds(seeds), awaitReady);
  }

  /** Starts the process without waiting for anything (nodes that only form a cluster together). */
  public static NodeProcess spawn(Launch l) {
    return start(l, false, false);
  }

  /**
   * Starts a process that is expected to refuse to start: returns its exit status and its output.
   */
  public static Map.Entry<Integer, String> runToExit(Launch l, Duration timeout) {
    NodeProcess node = start(l, false, false);
    try {
      if (!node.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        node.kill();
        throw new AssertionError(l.name() + " kept running");
      }
      return Map.entry(node.process.exitValue(), Files.readString(node.log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /**
   * SIGSTOP: the JVM freezes as in a very long GC pause or a suspended VM; the cluster sees it
   * unreachable.
   */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void unfreeze() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      int rc =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .inheritIO()
              .start()
              .waitFor();
      if (rc != 0)
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + rc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the process has ended by itself; true if it did within the timeout. */
  public boolean awaitExit(Duration timeout) {
    return waitFor((int) Math.max(1, timeout.toSeconds()));
  }

  /** Whether management's readiness check passes (a member that may write to the journal). */
  public boolean isReady() {
    try {
      return new ApiClient(managementUrl()).call("GET", "/ready", null, null).status() == 200;
    } catch (RuntimeException notAnswering) {
      return false;
    }
  }

  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive())
        throw new IllegalStateException(name + " exited while starting; see " + log);
      if (isReady()) return;
      sleep(300);
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
  }

  /**
   * Pekko Management's base URL (its host is 127.0.0.1 unless the launch sets
   * pekko.management.http.hostname).
   */
  public String managementUrl() {
    return "http://"
        + launch.extra().getOrDefault("pekko.management.http.hostname", "127.0.0.1")
        + ":"
        + managementPort;
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public ApiClient client() {
    return new ApiClient(url());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public void awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ApiClient api = client();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive())
        throw new IllegalStateException(name + " exited during startup; see " + log);
      try {
        if (api.call("GET", "/catalog/skus", null, null).status() == 200) return;
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      sleep(300);
    }
    throw new IllegalStateException(
        name + " did not serve HTTP within " + timeout + "; see " + log);
  }

  /** SIGKILL: no leaving, no flushing; the cluster must notice and recover. */
  public void kill() {
    process.destroyForcibly();
    waitFor(10);
  }

  /** SIGTERM: coordinated shutdown, leaves the cluster and hands over its shards. */
  public void stop() {
    process.destroy();
    if (!waitFor(30)) kill();
  }

  @Override
  public void close() {
    if (process.isAlive()) stop();
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
