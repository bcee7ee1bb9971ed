package io.groupbuy.it;

import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private NodeProcess(String name, int httpPort, int managementPort, int remotePort, Process process, Path log) {
    this.name = name;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.remotePort = remotePort;
    this.process = process;
    this.log = log;
  }

  public static String address(int remotePort) {
    return "pekko://groupbuy@127.0.0.1:" + remotePort;
  }

  /**
   * Starts a node joining {@code seedRemotePort} (its own port for the first node) and waits until its API answers.
   */
  public static NodeProcess start(String name, CassandraLauncher.Node cassandra, String keyspace, Integer seedRemotePort,
                                  Map<String, String> extra) {
    int http = CassandraLauncher.freePort();
    int management = CassandraLauncher.freePort();
    int remote = CassandraLauncher.freePort();
    int seed = seedRemotePort == null ? remote : seedRemotePort;
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms128m", "-Xmx384m", "-XX:ActiveProcessorCount=2",
        "-Dgroupbuy.exit-with-parent=true",
        "-Dgroupbuy.http.port=" + http,
        "-Dpekko.management.http.port=" + management,
        "-Dpekko.remote.artery.canonical.port=" + remote,
        "-Dpekko.cluster.seed-nodes.0=" + address(seed),
        "-Dpekko.cluster.split-brain-resolver.stable-after=3s",
        "-Dpekko.cluster.sharding.passivation.default-strategy.idle-entity.timeout=5m",
        "-Ddatastax-java-driver.basic.contact-points.0=" + cassandra.contactPoint(),
        "-Dpekko.persistence.cassandra.journal.keyspace=" + keyspace,
        "-Dpekko.persistence.cassandra.snapshot.keyspace=" + keyspace + "_snapshot",
        "-Dgroupbuy.cassandra.create-schema=true",
        "-Dgroupbuy.auth.allow-dev-secret=on",
        "-Dpekko.loglevel=INFO"));
    extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    // e.g. -Dgroupbuy.it.node-jvm-args="-XX:StartFlightRecording=filename=node.jfr" to profile a node
    String jvmArgs = System.getProperty("groupbuy.it.node-jvm-args", "").trim();
    if (!jvmArgs.isEmpty()) cmd.addAll(List.of(jvmArgs.split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.groupbuy.Main"));
    try {
      Path dir = Files.createDirectories(Path.of("target", "it-nodes"));
      Path log = dir.resolve(keyspace + "-" + name + ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      NodeProcess node = new NodeProcess(name, http, management, remote, p, log);
      node.awaitReady(Duration.ofSeconds(90));
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ApiClient api = client();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException(name + " exited during startup; see " + log);
      try {
        if (api.call("GET", "/catalog/skus", null, null).status() == 200) return;
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      sleep(300);
    }
    throw new IllegalStateException(name + " did not serve HTTP within " + timeout + "; see " + log);
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
