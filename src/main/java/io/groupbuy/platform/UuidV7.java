package io.groupbuy.platform;

import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits, so ids sort by the
 * time they were made and a reader can tell that time from the id alone.
 */
public final class UuidV7 {
  private static final int TEXT_LENGTH = 36;
  private static final Random RANDOM = new SecureRandom();

  private UuidV7() {}

  /** A new one, made now. */
  public static String random() {
    return at(System.currentTimeMillis(), RANDOM);
  }

  /** One dated {@code millis}, its other bits from {@code random}. */
  public static String at(long millis, Random random) {
    long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFF);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }

  /** The milliseconds since the epoch of a UUIDv7 in its text form, else empty. */
  public static OptionalLong millisOf(String text) {
    if (text == null || text.length() != TEXT_LENGTH) return OptionalLong.empty();
    long millis = 0;
    for (int i = 0; i < TEXT_LENGTH; i++) {
      char c = text.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') return OptionalLong.empty();
        continue;
      }
      int digit = Character.digit(c, 16);
      if (digit < 0) return OptionalLong.empty();
      if (i < 13) millis = (millis << 4) | digit; // 48 bits: 8 digits, a dash, 4 digits
      if (i == 14 && digit != 7) return OptionalLong.empty(); // the version
      if (i == 19 && (digit & 0xC) != 0x8) return OptionalLong.empty(); // the RFC 9562 variant
    }
    return OptionalLong.of(millis);
  }
}
