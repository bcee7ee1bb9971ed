package io.groupbuy.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * Prints an operator and a customer token signed with the configured secret, as shell {@code
 * export} lines, for local clusters started by scripts ({@code
 * cluster-config/run-local-cluster.sh}). Refuses the built-in development secret unless {@code
 * groupbuy.auth.allow-dev-secret} is on, as the nodes do.
 */
public final class DevTokens {
  private DevTokens() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    if (!config.getBoolean("groupbuy.auth.allow-dev-secret")
        && config.getString("groupbuy.auth.secret").startsWith("dev-only-secret")) {
      System.err.println(
          "refusing to sign tokens with the development secret; set GROUPBUY_AUTH_SECRET "
              + "(or -Dgroupbuy.auth.allow-dev-secret=on on a laptop)");
      System.exit(2);
    }
    Auth auth =
        new Auth(
            config.getString("groupbuy.auth.secret"), config.getString("groupbuy.auth.issuer"));
    Duration week = Duration.ofDays(7);
    System.out.println("export OP=" + auth.issue("dev-operator", Auth.Role.OPERATOR, week));
    System.out.println(
        "export CUST=" + auth.issue("customer-1", Auth.Role.CUSTOMER, week) + "   # customer-1");
  }
}
