package io.groupbuy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeedProfileTest {
  private static final Path DATA =
      Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"));
  private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

  /** One hundredth of a degree of latitude, in km. */
  private static final double KM_PER_CENTIDEGREE = SpeedProfile.km(39.90, 116.40, 39.91, 116.40);

  @Test
  void readsTDriveLinesAndCountsTheOnesItCannotRead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("7.txt");
    Files.writeString(
        file,
        """
        7,2008-02-02 15:36:08,116.51172,39.92123
        7,2008-02-02 15:46:08,116.51135,39.93883

        7,2008-02-02 15:56:08,not-a-number,39.91034
        7,2008-02-31 16:06:08,116.47186,39.91248
        7,2008-02-02 16:16:08,0,0
        7,2008-02-02 16:26:08,116.47186
        """);
    SpeedProfile.Readings r = SpeedProfile.readTDrive(file);
    assertEquals(
        List.of(
            new SpeedProfile.Fix(
                "tdrive-7", LocalDateTime.of(2008, 2, 2, 15, 36, 8), 39.92123, 116.51172),
            new SpeedProfile.Fix(
                "tdrive-7", LocalDateTime.of(2008, 2, 2, 15, 46, 8), 39.93883, 116.51135)),
        r.fixes());
    assertEquals(4, r.malformed(), "bad number, impossible date, null island, missing column");
  }

  @Test
  void readsGeoLifeAndMovesItsGmtTimesToLocalTime(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("user.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(
          """
          lat,lng,datetime,uid
          39.984094,116.319236,2008-10-23 05:53:05,001
          39.984198,116.319322,2008-10-23 23:53:06,001
          oops
          """
              .getBytes(StandardCharsets.UTF_8));
    }
    SpeedProfile.Readings r = SpeedProfile.readGeoLife(file, BEIJING);
    assertEquals(2, r.fixes().size());
    assertEquals(1, r.malformed());
    assertEquals(LocalDateTime.of(2008, 10, 23, 13, 53, 5), r.fixes().get(0).at());
    assertEquals(
        LocalDateTime.of(2008, 10, 24, 7, 53, 6),
        r.fixes().get(1).at(),
        "past midnight in Beijing");
    assertEquals("geolife-001", r.fixes().get(0).traveller());
  }

  @Test
  void leavesOutStandingStillTeleportsGapsAndRepeatedFixes() {
    LocalDateTime t = LocalDateTime.of(2008, 2, 2, 9, 0);
    List<SpeedProfile.Fix> fixes = new ArrayList<>();
    fixes.add(fix("a", t, 0));
    fixes.add(fix("a", t.plusMinutes(10), 5)); // 10 min for 5 centidegrees: ~33 km/h, kept
    fixes.add(fix("a", t.plusMinutes(10), 5)); // the same fix again
    fixes.add(fix("a", t.plusMinutes(20), 5)); // parked: stationary
    fixes.add(fix("a", t.plusMinutes(21), 105)); // 111 km in a minute: a bad fix
    fixes.add(fix("a", t.plusMinutes(60), 110)); // after 39 minutes without a fix: not counted
    fixes.add(fix("a", t.plusMinutes(70), 112)); // ~13 km/h, kept
    SpeedProfile p = SpeedProfile.fromFixes(fixes, 0, SpeedProfile.Limits.DEFAULT);
    SpeedProfile.Stats s = p.stats();
    assertEquals(2, s.segments());
    assertEquals(1, s.stationary());
    assertEquals(1, s.teleports());
    assertEquals(1, s.gaps());
    assertEquals(
        (5 * KM_PER_CENTIDEGREE * 6 + 2 * KM_PER_CENTIDEGREE * 6) / 2, p.medianKmh(), 0.01);
  }

  @Test
  void denseFixesAreMergedUntilTheMinimumSpanSoJitterDoesNotReadAsSpeed() {
    LocalDateTime t = LocalDateTime.of(2008, 10, 23, 9, 0);
    List<SpeedProfile.Fix> fixes = new ArrayList<>();
    // one fix a second, 1/1000 centidegree back and forth (jitter) on top of a steady drift
    for (int s = 0; s <= 60; s++) {
      double jitter = s % 2 == 0 ? 0.001 : -0.001;
      fixes.add(fix("b", t.plusSeconds(s), s * 0.005 + jitter));
    }
    SpeedProfile p = SpeedProfile.fromFixes(fixes, 0, SpeedProfile.Limits.DEFAULT);
    assertEquals(2, p.stats().segments(), "two 30 s segments, not 60 one-second ones");
    assertEquals(0.005 * KM_PER_CENTIDEGREE * 3600, p.medianKmh(), 0.5);
  }

  @Test
  void travellersAreNotMixedAndAnHourWithTooFewSegmentsBorrowsTheDay() {
    LocalDateTime nine = LocalDateTime.of(2008, 2, 2, 9, 0);
    List<SpeedProfile.Fix> fixes = new ArrayList<>();
    for (int i = 0;
        i <= 25;
        i++) { // 25 ten-minute segments from 9:00, each 3 centidegrees (~20 km/h)
      fixes.add(fix("c", nine.plusMinutes(10L * i), 3 * i));
    }
    // another taxi 50 centidegrees away at the same times: mixed with c, it would read as teleports
    fixes.add(fix("d", nine, 50));
    fixes.add(fix("d", nine.plusMinutes(10), 53));
    SpeedProfile p =
        SpeedProfile.fromFixes(
            fixes,
            0,
            new SpeedProfile.Limits(
                2, 120, Duration.ofSeconds(30), Duration.ofMinutes(15), 1, 80, 5));
    assertEquals(26, p.stats().segments());
    assertEquals(0, p.stats().teleports());
    assertEquals(2, p.stats().travellers());
    assertTrue(p.hasOwnData(9));
    assertFalse(p.hasOwnData(3));
    assertEquals(p.medianKmh(), p.medianKmh(3), 1e-9, "3 AM has no data of its own");
    assertEquals(3 * KM_PER_CENTIDEGREE * 6, p.medianKmh(10), 0.01);
  }

  @Test
  void samplingIsReproducibleBySeedAndStaysWithinTheLimits() {
    LocalDateTime t = LocalDateTime.of(2008, 2, 2, 8, 0);
    List<SpeedProfile.Fix> fixes = new ArrayList<>();
    double lat = 0;
    for (int i = 0; i < 200; i++) { // speeds from ~2.7 km/h to ~110 km/h in 10-minute segments
      fixes.add(fix("e", t.plusMinutes(10L * i), lat));
      lat += 0.4 + (i * 7919 % 160) / 10.0;
    }
    SpeedProfile p = SpeedProfile.fromFixes(fixes, 0, SpeedProfile.Limits.DEFAULT);
    List<Double> a = draw(p.sampler(42), 2000);
    assertEquals(a, draw(p.sampler(42), 2000));
    assertNotEquals(a, draw(p.sampler(43), 2000));
    assertTrue(a.stream().allMatch(v -> v >= 5 && v <= 80), a.toString());
    assertTrue(
        a.stream().anyMatch(v -> v == 80.0) && a.stream().anyMatch(v -> v == 5.0),
        "clamped at both ends");
  }

  @Test
  void noMovementAtAllIsAnError() {
    LocalDateTime t = LocalDateTime.of(2008, 2, 2, 8, 0);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SpeedProfile.fromFixes(
                List.of(fix("f", t, 0), fix("f", t.plusMinutes(10), 0)),
                0,
                SpeedProfile.Limits.DEFAULT));
  }

  @Test
  void theTDriveSampleGivesAnUrbanSpeed() {
    Path one = DATA.resolve("tdrive_sample/1.txt");
    assumeTrue(Files.exists(one), "T-Drive sample not found under " + DATA);
    SpeedProfile p =
        SpeedProfile.load(
            List.of(one, DATA.resolve("tdrive_sample/2.txt")),
            BEIJING,
            SpeedProfile.Limits.DEFAULT);
    SpeedProfile.Stats s = p.stats();
    assertEquals(2, s.travellers());
    assertEquals(2262, s.fixes() + s.malformed(), "every line of both files");
    assertTrue(s.stationary() > 400, "taxi 1 mostly waits: " + s);
    assertTrue(s.segments() > 1000, s.toString());
    // Beijing taxis in 2008: straight-line medians around 15-25 km/h (road speed ~1.3 times that)
    assertTrue(p.medianKmh() > 12 && p.medianKmh() < 30, "median " + p.medianKmh());
    assertTrue(p.hasOwnData(9) && !p.hasOwnData(4), "taxis drive by day in this sample");
  }

  private static List<Double> draw(SpeedProfile.Sampler s, int n) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(s.nextKmh(8 + i % 24));
    return out;
  }

  private static SpeedProfile.Fix fix(String who, LocalDateTime at, double centidegreesNorth) {
    return new SpeedProfile.Fix(who, at, 39.90 + centidegreesNorth / 100, 116.40);
  }
}
