package io.groupbuy.inventory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** The inventory batching of application.conf, for tests that run without it. */
public final class BatchSettings {
  private BatchSettings() {}

  public static Config of(int maxCommands, int maxWaiting) {
    return ConfigFactory.parseString(
        "max-commands = "
            + maxCommands
            + "\nmax-waiting = "
            + maxWaiting
            + "\nwrite-timeout = 12s");
  }

  public static Config production() {
    return of(256, 20000);
  }
}
