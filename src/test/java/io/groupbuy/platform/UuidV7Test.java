package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {
  @Test
  void theTimeWrittenIsTheTimeRead() {
    Random random = new Random(7);
    for (long millis : new long[] {0L, 1L, 1_700_000_000_123L, (1L << 48) - 1}) {
      String id = UuidV7.at(millis, random);
      assertEquals(OptionalLong.of(millis), UuidV7.millisOf(id), id);
      UUID parsed = UUID.fromString(id);
      assertEquals(7, parsed.version(), id);
      assertEquals(2, parsed.variant(), id);
    }
    long before = System.currentTimeMillis();
    long made = UuidV7.millisOf(UuidV7.random()).orElseThrow();
    assertTrue(made >= before && made <= System.currentTimeMillis());
  }

  @Test
  void aTimeIsReadFromTheExampleOfRfc9562AndFromUpperCase() {
    // RFC 9562, appendix A.6: 2022-02-22 19:22:22 UTC
    assertEquals(
        OptionalLong.of(0x017F22E279B0L), UuidV7.millisOf("017F22E2-79B0-7CC3-98C4-DC0C0C07398F"));
  }

  @Test
  void anythingElseCarriesNoTime() {
    for (String notV7 :
        new String[] {
          UUID.randomUUID().toString(), // version 4
          "017f22e2-79b0-7cc3-c8c4-dc0c0c07398f", // another variant
          "017f22e2-79b0-7cc3-98c4-dc0c0c07398", // too short
          "017f22e279b0-7cc3-98c4-dc0c0c07398f0", // a dash misplaced
          "017f22e2-79b0-7cc3-98c4-dc0c0c07398g", // not hex
          "order-42",
          ""
        }) {
      assertTrue(UuidV7.millisOf(notV7).isEmpty(), notV7);
    }
    assertTrue(UuidV7.millisOf(null).isEmpty());
  }
}
