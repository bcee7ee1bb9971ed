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
    double listMarkup,
    long maxPriceFen,
    String authSecret,
    String authIssuer,
    boolean printDevTokens,
    int authCachedTokens,
    String httpInterface,
    int httpPort,
    long maxBodyBytes,
    boolean benchOrdersPersistNothing) {

  public GroupbuySettings {
    if (!(listMarkup > 0 && listMarkup <= 100))
      throw new IllegalArgumentException(
          "groupbuy.pricing.list-markup must be > 0 and <= 100, got " + listMarkup);
    if (maxPriceFen < 1)
      throw new IllegalArgumentException("groupbuy.pricing.max-price-fen must be >= 1");
  }

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
        c.getDouble("pricing.list-markup"),
        c.getLong("pricing.max-price-fen"),
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
