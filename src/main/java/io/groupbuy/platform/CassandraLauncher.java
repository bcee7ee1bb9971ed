package io.groupbuy.platform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts a real single-node Apache Cassandra 5.0 as a child JVM for development and tests.
 *
 * <p>The server jars come from {@code cluster-config/embedded-cassandra/pom.xml}, which the main
 * build copies to {@code target/cassandra-lib}. The child watches its standard input through {@link
 * CassandraChildMain}: when this JVM dies, even by SIGKILL, the pipe closes and the node shuts
 * itself down, so no orphan keeps the ports. Production never calls this class; it points the
 * journal at external contact points instead.
 */
public final class CassandraLauncher {

  /** Where and how to run the node. */
  public record Options(
      Path dataDir,
      Path libDir,
      String host,
      int cqlPort,
      int storagePort,
      String heap,
      Duration startTimeout) {
    public static Options forDataDir(Path dataDir, Path libDir) {
      return new Options(
          dataDir, libDir, "127.0.0.1", freePort(), freePort(), "512m", Duration.ofMinutes(3));
    }

    public Options with(int cql, int storage, String heapSize) {
      return new Options(dataDir, libDir, host, cql, storage, heapSize, startTimeout);
    }
  }

  /** A running node; {@link #close()} stops it and waits for the process to end. */
  public static final class Node implements AutoCloseable {
    private final Process process;
    private final Options options;
    private final Thread shutdownHook;
    private final long startMillis;

    private Node(Process process, Options options, long startMillis, boolean stopOnJvmExit) {
      this.process = process;
      this.options = options;
      this.startMillis = startMillis;
      this.shutdownHook = stopOnJvmExit ? new Thread(this::stopProcess, "stop-cassandra") : null;
      if (shutdownHook != null) Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public String host() {
      return options.host();
    }

    public int cqlPort() {
      return options.cqlPort();
    }

    public String contactPoint() {
      return options.host() + ":" + options.cqlPort();
    }

    public long startMillis() {
      return startMillis;
    }

    public Options options() {
      return options;
    }

    public long pid() {
      return process.pid();
    }

    public Path logFile() {
      return options.dataDir().resolve("cassandra.log");
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      stopProcess();
      if (shutdownHook == null) return;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or has run; nothing to remove
      }
    }

    private void stopProcess() {
      if (!process.isAlive()) return;
      process.destroy(); // SIGTERM: Cassandra flushes and exits cleanly
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private CassandraLauncher() {}

  /**
   * Runs a dev node in the foreground until Ctrl-C: {@code CassandraLauncher [--data-dir DIR]
   * [--cql-port 9042] [--storage-port 7000] [--heap 512m]}.
   */
  public static void main(String[] args) throws InterruptedException {
    // Started by a script: stop (and stop Cassandra) when the script goes away, even if it was
    // killed.
    if (Boolean.getBoolean("groupbuy.exit-with-parent")) ParentWatchdog.start();
    String dir = System.getProperty("user.home") + "/.groupbuy/cassandra";
    int cql = 9042;
    int storage = 7000;
    String heap = "512m";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data-dir" -> dir = args[i + 1];
        case "--cql-port" -> cql = Integer.parseInt(args[i + 1]);
        case "--storage-port" -> storage = Integer.parseInt(args[i + 1]);
        case "--heap" -> heap = args[i + 1];
        default -> {
          System.err.println(
              "unknown option "
                  + args[i]
                  + "; usage: CassandraLauncher [--data-dir DIR] [--cql-port N] [--storage-port N] [--heap 512m]");
          System.exit(2);
        }
      }
    }
    Options options = Options.forDataDir(Path.of(dir), defaultLibDir()).with(cql, storage, heap);
    System.out.println("Starting Cassandra (data in " + dir + ") ...");
    Node node = start(options);
    System.out.printf(
        "Cassandra ready on %s after %.1f s (pid %d, log %s). Ctrl-C stops it.%n",
        node.contactPoint(), node.startMillis() / 1000.0, node.pid(), node.logFile());
    Thread.currentThread().join();
  }

  /**
   * Default location of the jars copied by the build; override with {@code
   * -Dgroupbuy.cassandra.lib}.
   */
  public static Path defaultLibDir() {
    return Path.of(System.getProperty("groupbuy.cassandra.lib", "target/cassandra-lib"))
        .toAbsolutePath();
  }

  /**
   * Starts a node that is stopped by {@link Node#close()} or, at the latest, when this JVM exits.
   */
  public static Node start(Options options) {
    return start(options, true);
  }

  /**
   * Starts a node; with {@code stopOnJvmExit} false the caller stops it on exit itself (to stop its
   * own users first). Either way the node also stops if this JVM dies without running hooks.
   */
  public static Node start(Options options, boolean stopOnJvmExit) {
    long t0 = System.nanoTime();
    try {
      Path data = options.dataDir().toAbsolutePath();
      Files.createDirectories(data);
      for (int port : new int[] {options.cqlPort(), options.storagePort()}) {
        if (inUse(options.host(), port)) {
          throw new IllegalStateException(
              "port "
                  + port
                  + " on "
                  + options.host()
                  + " is already in use (another "
                  + "Cassandra?); stop it or choose other ports (groupbuy.dev-cassandra.cql-port / storage-port)");
        }
      }
      Path yaml = writeConfig(options, data);
      List<String> command = command(options, data, yaml);
      Path log = data.resolve("cassandra.log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      try {
        waitForCql(process, options, log);
      } catch (RuntimeException | Error e) {
        process.destroyForcibly();
        throw e;
      }
      return new Node(
          process, options, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), stopOnJvmExit);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Cassandra in " + options.dataDir(), e);
    }
  }

  static List<String> command(Options o, Path data, Path yaml) throws IOException {
    Path lib = o.libDir();
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException(
          "Cassandra jars not found in "
              + lib
              + ": build the project first (./mvnw -DskipTests package copies them there)");
    }
    String classpath;
    try (Stream<Path> jars = Files.list(lib)) {
      classpath =
          jars.filter(p -> p.toString().endsWith(".jar"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.joining(File.pathSeparator));
    }
    String ownCode = Path.of(codeLocation()).toString();
    classpath = classpath + File.pathSeparator + ownCode;

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xms" + o.heap(),
            "-Xmx" + o.heap(),
            "-XX:+UseG1GC",
            "-XX:+ParallelRefProcEnabled",
            "-XX:MaxTenuringThreshold=1",
            "-XX:G1HeapRegionSize=16m",
            "-XX:MaxGCPauseMillis=300",
            "-Djdk.attach.allowAttachSelf=true",
            "-Xss256k",
            "-XX:+UseThreadPriorities",
            "-XX:+PerfDisableSharedMem",
            "-Djava.net.preferIPv4Stack=true",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Dio.netty.allocator.useCacheForAllThreads=true",
            "-Dio.netty.allocator.maxOrder=11",
            "-XX:ActiveProcessorCount=2"));
    for (String export :
        List.of(
            "java.base/jdk.internal.misc",
            "java.management.rmi/com.sun.jmx.remote.internal.rmi",
            "java.rmi/sun.rmi.registry",
            "java.rmi/sun.rmi.server",
            "java.sql/java.sql",
            "java.base/java.lang.ref",
            "jdk.unsupported/sun.misc",
            "jdk.compiler/com.sun.tools.javac.file",
            "jdk.attach/sun.tools.attach")) {
      cmd.add("--add-exports=" + export + "=ALL-UNNAMED");
    }
    for (String open :
        List.of(
            "java.base/java.lang.module",
            "java.base/jdk.internal.loader",
            "java.base/jdk.internal.ref",
            "java.base/jdk.internal.reflect",
            "java.base/jdk.internal.math",
            "java.base/jdk.internal.module",
            "java.base/jdk.internal.util.jar",
            "jdk.management/com.sun.management.internal",
            "java.base/sun.nio.ch",
            "java.base/java.io",
            "java.base/java.lang.reflect",
            "jdk.compiler/com.sun.tools.javac",
            "java.base/java.lang",
            "java.base/java.util")) {
      cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
    }
    // e.g. -Dgroupbuy.cassandra.jvm-args=-agentpath:/path/libasyncProfiler.so=start,... to profile
    // it
    String extra = System.getProperty("groupbuy.cassandra.jvm-args", "").trim();
    if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
    cmd.addAll(
        List.of(
            "-Dcassandra.config=" + yaml.toUri(),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.storagedir=" + data,
            "-Dcassandra.logdir=" + data.resolve("logs"),
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.jmx.local.port=" + freePort(),
            "-Dcassandra.ring_delay_ms=0",
            "-cp",
            classpath,
            CassandraChildMain.class.getName()));
    return cmd;
  }

  private static String codeLocation() {
    try {
      return Path.of(
              CassandraChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path writeConfig(Options o, Path data) throws IOException {
    String yaml =
        String.join(
            "\n",
            "cluster_name: groupbuy-dev",
            "num_tokens: 1",
            "initial_token: 0",
            "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
            "data_file_directories: [" + data.resolve("data") + "]",
            "commitlog_directory: " + data.resolve("commitlog"),
            "saved_caches_directory: " + data.resolve("saved_caches"),
            "hints_directory: " + data.resolve("hints"),
            "cdc_raw_directory: " + data.resolve("cdc_raw"),
            "commitlog_sync: periodic",
            "commitlog_sync_period: 10000ms",
            "commitlog_segment_size: 8MiB",
            "seed_provider:",
            "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
            "    parameters:",
            "      - seeds: \"" + o.host() + ":" + o.storagePort() + "\"",
            "listen_address: " + o.host(),
            "rpc_address: " + o.host(),
            "storage_port: " + o.storagePort(),
            "native_transport_port: " + o.cqlPort(),
            "start_native_transport: true",
            "endpoint_snitch: SimpleSnitch",
            "memtable_heap_space: 64MiB",
            "memtable_offheap_space: 64MiB",
            "concurrent_compactors: 1",
            "concurrent_reads: 16",
            "concurrent_writes: 32",
            "batch_size_warn_threshold: 64KiB",
            "batch_size_fail_threshold: 640KiB",
            "authenticator: AllowAllAuthenticator",
            "authorizer: AllowAllAuthorizer",
            "");
    Path file = data.resolve("cassandra.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static void waitForCql(Process process, Options o, Path log) {
    long deadline = System.nanoTime() + o.startTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Cassandra exited with code " + process.exitValue() + " during startup; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(o.host(), o.cqlPort()), 500);
        return;
      } catch (IOException notYet) {
        sleep(250);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "Cassandra did not accept CQL connections on "
            + o.host()
            + ":"
            + o.cqlPort()
            + " within "
            + o.startTimeout()
            + "; see "
            + log);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Cassandra", e);
    }
  }

  private static boolean inUse(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (IOException free) {
      return false;
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
