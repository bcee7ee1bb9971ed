package io.groupbuy.it;

import io.groupbuy.platform.CassandraLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real Cassandra node the integration tests run against: one per test JVM, started on first
 * use.
 */
public final class TestCassandra {
  private static CassandraLauncher.Node shared;

  private TestCassandra() {}

  public static synchronized CassandraLauncher.Node shared() {
    if (shared == null || !shared.isAlive()) shared = start("shared");
    return shared;
  }

  /** A fresh node in its own folder under target/it-cassandra. */
  public static CassandraLauncher.Node start(String name) {
    Path dir = Path.of("target", "it-cassandra", name).toAbsolutePath();
    deleteRecursively(dir);
    return startIn(dir);
  }

  /** A node on an existing data folder (to test restarts on the same data). */
  public static CassandraLauncher.Node startIn(Path dir) {
    var options = CassandraLauncher.Options.forDataDir(dir, CassandraLauncher.defaultLibDir());
    CassandraLauncher.Node node = CassandraLauncher.start(options);
    System.out.printf(
        "[it] Cassandra %s up on %s after %d ms%n",
        dir.getFileName(), node.contactPoint(), node.startMillis());
    return node;
  }

  /**
   * Stops a node (SIGTERM: Cassandra drains and exits) and starts it again on the same data and
   * ports.
   */
  public static CassandraLauncher.Node restart(CassandraLauncher.Node node) {
    node.close();
    CassandraLauncher.Node again = CassandraLauncher.start(node.options());
    System.out.printf(
        "[it] Cassandra restarted on %s after %d ms%n", again.contactPoint(), again.startMillis());
    return again;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
