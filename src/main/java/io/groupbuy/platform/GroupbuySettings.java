package io.groupbuy.platform;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;

/** Typed view of the {@code groupbuy} config section. */
public record GroupbuySettings(
    Duration askTimeout,
    String defaultWarehouse,
    LocalTime cutoffTime,
    ZoneId timeZone,
    int maxLineQuantity,
    int maxOrderLines,
    int maxReceiptQuantity,
    String authSecret,
    String authIssuer,
    boolean printDevTokens,
    int authCachedTokens,
    String httpInterface,
    int httpPort,
    long maxBodyBytes,
    boolean benchOrdersPersistNothing) {

  public static GroupbuySettings from(Config root) {
    Config c = root.getConfig("groupbuy");
    return new GroupbuySettings(
        c.getDuration("ask-timeout"),
        c.getString("default-warehouse"),
        LocalTime.parse(c.getString("cutoff-time")),
        ZoneId.of(c.getString("time-zone")),
        c.getInt("max-line-quantity"),
        c.getInt("max-order-lines"),
        c.getInt("max-receipt-quantity"),
        c.getString("auth.secret"),
        c.getString("auth.issuer"),
        c.getBoolean("auth.print-dev-tokens"),
        c.getInt("auth.cached-tokens"),
        c.getString("http.interface"),
        c.getInt("http.port"),
        c.getBytes("http.max-body-bytes"),
        c.getBoolean("bench.orders-persist-nothing"));
  }
}
