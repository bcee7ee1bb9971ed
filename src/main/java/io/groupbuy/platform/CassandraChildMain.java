package io.groupbuy.platform;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the Cassandra child JVM: runs the daemon and exits when the parent's pipe closes.
 *
 * <p>This class runs on Cassandra's classpath, so it may use only the JDK and reflection.
 */
public final class CassandraChildMain {
  private CassandraChildMain() {}

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // the parent never writes; this loop only waits for end-of-stream
        }
      } catch (IOException ignored) {
        // a broken pipe means the parent is gone, same as end-of-stream
      }
      System.exit(0); // runs Cassandra's own shutdown hooks: drain, flush, stop
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class.forName("org.apache.cassandra.service.CassandraDaemon").getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }
}
