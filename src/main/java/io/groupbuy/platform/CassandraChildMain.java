package io.groupbuy.platform;

/**
 * Entry point of the Cassandra child JVM: runs the daemon and exits when the parent's pipe closes.
 *
 * <p>This class runs on Cassandra's classpath, so it may use only the JDK, reflection and {@link
 * ParentWatchdog}.
 */
public final class CassandraChildMain {
  private CassandraChildMain() {}

  public static void main(String[] args) throws Exception {
    ParentWatchdog.start();
    Class.forName("org.apache.cassandra.service.CassandraDaemon")
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }
}
