package io.groupbuy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void externalCassandraComesFromTheEnvironment() {
    var config =
        Main.withEnvironment(
            ConfigFactory.load(),
            Map.of(
                "GROUPBUY_CASSANDRA_CONTACT_POINTS", "db1.example:9042, db2.example:9042",
                "GROUPBUY_CASSANDRA_DC", "dc-east"));
    assertEquals(
        List.of("db1.example:9042", "db2.example:9042"),
        config.getStringList("datastax-java-driver.basic.contact-points"));
    assertEquals(
        "dc-east",
        config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter"));
    assertEquals(
        List.of("127.0.0.1:9042"),
        Main.withEnvironment(ConfigFactory.load(), Map.of())
            .getStringList("datastax-java-driver.basic.contact-points"));
  }
}
