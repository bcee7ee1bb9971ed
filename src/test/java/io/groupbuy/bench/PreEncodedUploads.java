package io.groupbuy.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /behaviour} bodies encoded once, before the load starts, so that the load client
 * spends its CPU on sending rather than on building JSON: each template has fixed-width digits for
 * the upload's number (in every event id) and for every event's time, written into a copy of the
 * template per request. Every upload still has its own event ids and current times, so the node's
 * cleaning sees what a real collector sends (no duplicates, nothing late).
 */
final class PreEncodedUploads {
  private static final int NUMBER_DIGITS = 12;
  private static final int TS_DIGITS = 13;
  private static final String[] ACTIONS = {"view", "view", "view", "click", "click", "cart"};

  private final byte[][] templates;
  private final int[][] numberAt;
  private final int[][] tsAt;

  /**
   * {@code variety} templates, each of {@code events} events for {@code usersPerUpload} users drawn
   * from {@code population} (the events of a user in a row, as a collector groups them).
   */
  PreEncodedUploads(
      int variety, int events, int usersPerUpload, int population, List<String> skus, long seed) {
    templates = new byte[variety][];
    numberAt = new int[variety][];
    tsAt = new int[variety][];
    SplittableRandom r = new SplittableRandom(seed);
    String zeroNumber = "0".repeat(NUMBER_DIGITS);
    String zeroTs = "0".repeat(TS_DIGITS);
    for (int t = 0; t < variety; t++) {
      long[] users = new long[usersPerUpload];
      for (int u = 0; u < users.length; u++) users[u] = r.nextLong(population);
      StringBuilder b = new StringBuilder(events * 96).append("{\"events\":[");
      numberAt[t] = new int[events];
      tsAt[t] = new int[events];
      int perUser = Math.max(1, events / usersPerUpload);
      for (int i = 0; i < events; i++) {
        if (i > 0) b.append(',');
        b.append("{\"eventId\":\"e");
        numberAt[t][i] = b.length();
        b.append(zeroNumber).append('-').append(i);
        b.append("\",\"userId\":\"u").append(users[Math.min(i / perUser, users.length - 1)]);
        b.append("\",\"ts\":");
        tsAt[t][i] = b.length();
        b.append(zeroTs);
        b.append(",\"action\":\"").append(ACTIONS[r.nextInt(ACTIONS.length)]);
        b.append("\",\"sku\":\"").append(skus.get(r.nextInt(skus.size()))).append("\"}");
      }
      b.append("]}");
      // ASCII only, so character offsets are byte offsets
      templates[t] = b.toString().getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Upload number {@code n} (unique per run), its events dated just before {@code nowMs}. */
  byte[] body(long n, long nowMs) {
    int t = (int) (n % templates.length);
    byte[] body = templates[t].clone();
    int events = numberAt[t].length;
    for (int i = 0; i < events; i++) {
      digits(body, numberAt[t][i], NUMBER_DIGITS, n);
      digits(body, tsAt[t][i], TS_DIGITS, nowMs - events + i);
    }
    return body;
  }

  private static void digits(byte[] into, int at, int width, long value) {
    for (int k = at + width - 1; k >= at; k--) {
      into[k] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
