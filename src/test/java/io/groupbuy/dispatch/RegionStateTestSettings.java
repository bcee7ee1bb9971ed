package io.groupbuy.dispatch;

import com.typesafe.config.ConfigFactory;

/** The region settings of dispatch.conf, as the node runs with them. */
final class RegionStateTestSettings {
  static final DispatchRegion.Settings SETTINGS =
      DispatchRegion.Settings.fromConfig(
          ConfigFactory.parseResources("dispatch.conf").getConfig("groupbuy.dispatch.region"));

  private RegionStateTestSettings() {}
}
