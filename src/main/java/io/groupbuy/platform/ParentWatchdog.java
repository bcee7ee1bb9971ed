package io.groupbuy.platform;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child JVM when its parent goes away: the parent holds the child's standard input open and
 * never writes, so end-of-stream means the parent is gone (even after SIGKILL). Uses only the JDK,
 * so it also runs on Cassandra's classpath.
 */
public final class ParentWatchdog {
  private ParentWatchdog() {}

  public static void start() {
    Thread watchdog =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() >= 0) {
                  // nothing is ever written; only end-of-stream matters
                }
              } catch (IOException ignored) {
                // a broken pipe means the same as end-of-stream
              }
              System.exit(0); // runs shutdown hooks: a clean stop of whatever this JVM runs
            },
            "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
