package io.groupbuy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * Actor system config for unit tests: in-memory journal, and the production serializers checked on
 * every message.
 */
public final class UnitTestConfig {
  private UnitTestConfig() {}

  public static Config config() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = local
            pekko.actor.serialize-messages = on
            pekko.loglevel = WARNING
            """)
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(EventSourcedBehaviorTestKit.config())
        .resolve();
  }
}
