package io.groupbuy.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * How fast vehicles move through a city, per hour of the day, from real GPS tracks: T-Drive taxi
 * fixes ({@code taxi_id,YYYY-MM-DD HH:MM:SS,lng,lat}, Beijing time) and GeoLife traces ({@code
 * lat,lng,datetime,uid}, gzip'd, in GMT as GeoLife records them).
 *
 * <p>A segment runs between two fixes of one traveller at least {@link Limits#minSpan()} apart
 * (dense GeoLife fixes are merged so GPS jitter does not read as speed) and its speed is the
 * straight-line distance over the time, which is also the rate at which a simulated vehicle moving
 * on straight lines advances. Segments across a gap longer than {@link Limits#maxGap()} are not
 * counted (the vehicle may have parked in between), nor are stationary ones (a taxi waiting for a
 * fare is not driving) or impossibly fast ones (a bad fix). Hours with too few segments borrow the
 * whole day's. Sampling is a seeded bootstrap of the kept segments, clamped to {@link
 * Limits#minKmh()} .. {@link Limits#maxKmh()}.
 */
public final class SpeedProfile {
  /** Which segments count and which speeds a sample may take. */
  public record Limits(
      double stationaryKmh,
      double teleportKmh,
      Duration minSpan,
      Duration maxGap,
      double minKmh,
      double maxKmh,
      int minPerHour) {
    public static final Limits DEFAULT =
        new Limits(2, 120, Duration.ofSeconds(30), Duration.ofMinutes(15), 5, 80, 20);
  }

  /** One GPS fix of one traveller, at local time. */
  public record Fix(String traveller, LocalDateTime at, double lat, double lng) {}

  /** Fixes read from a file and how many lines could not be read. */
  public record Readings(List<Fix> fixes, int malformed) {}

  /** What went into the profile and what was left out, by reason. */
  public record Stats(
      int travellers,
      int fixes,
      int malformed,
      int segments,
      int stationary,
      int teleports,
      int gaps) {}

  // strict: an impossible date is a bad line, not the nearest real day
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  private final double[][] byHour;
  private final double[] day;
  private final Limits limits;
  private final Stats stats;

  private SpeedProfile(double[][] byHour, double[] day, Limits limits, Stats stats) {
    this.byHour = byHour;
    this.day = day;
    this.limits = limits;
    this.stats = stats;
  }

  /**
   * Reads T-Drive {@code .txt} and GeoLife {@code .csv.gz} files; GeoLife's GMT times are moved to
   * {@code zone}.
   */
  public static SpeedProfile load(List<Path> files, ZoneId zone, Limits limits) {
    List<Fix> fixes = new ArrayList<>();
    int malformed = 0;
    for (Path f : files) {
      Readings r =
          f.getFileName().toString().endsWith(".gz") ? readGeoLife(f, zone) : readTDrive(f);
      fixes.addAll(r.fixes());
      malformed += r.malformed();
    }
    return fromFixes(fixes, malformed, limits);
  }

  /**
   * T-Drive: {@code taxi_id,YYYY-MM-DD HH:MM:SS,longitude,latitude}, no header, Beijing local time.
   */
  public static Readings readTDrive(Path file) {
    List<Fix> fixes = new ArrayList<>();
    int malformed = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) continue;
        String[] c = line.split(",");
        Fix fix = c.length == 4 ? fix("tdrive-" + c[0].trim(), c[1], c[3], c[2], null, null) : null;
        if (fix == null) malformed++;
        else fixes.add(fix);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Readings(fixes, malformed);
  }

  /**
   * GeoLife (as shipped by scikit-mobility): gzip'd {@code lat,lng,datetime,uid} with a header,
   * times in GMT.
   */
  public static Readings readGeoLife(Path file, ZoneId zone) {
    List<Fix> fixes = new ArrayList<>();
    int malformed = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      String header = in.readLine();
      if (header == null || !header.trim().startsWith("lat,lng,datetime")) {
        throw new IllegalArgumentException(
            file + ": expected a lat,lng,datetime,uid header, found " + header);
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) continue;
        String[] c = line.split(",");
        Fix fix =
            c.length >= 4
                ? fix("geolife-" + c[3].trim(), c[2], c[0], c[1], ZoneOffset.UTC, zone)
                : null;
        if (fix == null) malformed++;
        else fixes.add(fix);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Readings(fixes, malformed);
  }

  private static Fix fix(
      String traveller, String time, String lat, String lng, ZoneId from, ZoneId to) {
    try {
      LocalDateTime at = LocalDateTime.parse(time.trim(), TIME);
      if (from != null) at = at.atZone(from).withZoneSameInstant(to).toLocalDateTime();
      double la = Double.parseDouble(lat.trim());
      double lo = Double.parseDouble(lng.trim());
      if (!(Math.abs(la) <= 90 && Math.abs(lo) <= 180) || (la == 0 && lo == 0)) return null;
      return new Fix(traveller, at, la, lo);
    } catch (DateTimeParseException | NumberFormatException e) {
      return null;
    }
  }

  public static SpeedProfile fromFixes(List<Fix> fixes, int malformed, Limits limits) {
    Map<String, List<Fix>> byTraveller = new LinkedHashMap<>();
    fixes.forEach(f -> byTraveller.computeIfAbsent(f.traveller(), k -> new ArrayList<>()).add(f));
    List<List<Double>> hours = new ArrayList<>();
    for (int h = 0; h < 24; h++) hours.add(new ArrayList<>());
    int segments = 0;
    int stationary = 0;
    int teleports = 0;
    int gaps = 0;
    long minSpan = limits.minSpan().toMillis();
    long maxGap = limits.maxGap().toMillis();
    for (List<Fix> track : byTraveller.values()) {
      track.sort(Comparator.comparing(Fix::at));
      Fix start = null;
      Fix previous = null;
      for (Fix f : track) {
        if (previous != null && !f.at().isAfter(previous.at()))
          continue; // a repeated fix adds nothing
        if (previous != null && millis(previous, f) > maxGap) {
          gaps++;
          start = null;
        }
        previous = f;
        if (start == null) {
          start = f;
          continue;
        }
        long span = millis(start, f);
        if (span < minSpan) continue;
        double kmh = km(start.lat(), start.lng(), f.lat(), f.lng()) / (span / 3_600_000.0);
        if (kmh < limits.stationaryKmh()) {
          stationary++;
        } else if (kmh > limits.teleportKmh()) {
          teleports++;
        } else {
          hours.get(start.at().getHour()).add(kmh);
          segments++;
        }
        start = f;
      }
    }
    if (segments == 0)
      throw new IllegalArgumentException("no moving segments in " + fixes.size() + " fixes");
    double[][] byHour = new double[24][];
    for (int h = 0; h < 24; h++) byHour[h] = sorted(hours.get(h));
    double[] day = sorted(hours.stream().flatMap(List::stream).toList());
    return new SpeedProfile(
        byHour,
        day,
        limits,
        new Stats(
            byTraveller.size(), fixes.size(), malformed, segments, stationary, teleports, gaps));
  }

  private static double[] sorted(List<Double> speeds) {
    double[] a = speeds.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private static long millis(Fix a, Fix b) {
    return Duration.between(a.at(), b.at()).toMillis();
  }

  /** Great-circle kilometres between two points in degrees. */
  public static double km(double lat1, double lng1, double lat2, double lng2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lng2 - lng1);
    double h =
        Math.sin(dp / 2) * Math.sin(dp / 2)
            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** The speeds an hour draws from: its own segments, or the whole day's when it has too few. */
  private double[] pool(int hour) {
    double[] own = byHour[Math.floorMod(hour, 24)];
    return own.length >= limits.minPerHour() ? own : day;
  }

  /** Median straight-line speed at this hour of the day (local time), clamped like samples. */
  public double medianKmh(int hour) {
    return clamp(median(pool(hour)));
  }

  /** Median straight-line speed over the whole day. */
  public double medianKmh() {
    return clamp(median(day));
  }

  /** Whether {@code hour} has enough segments of its own (otherwise it uses the whole day's). */
  public boolean hasOwnData(int hour) {
    return byHour[Math.floorMod(hour, 24)].length >= limits.minPerHour();
  }

  public Stats stats() {
    return stats;
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private double clamp(double kmh) {
    return Math.max(limits.minKmh(), Math.min(limits.maxKmh(), kmh));
  }

  /** A reproducible stream of speeds: the same seed and the same hours give the same speeds. */
  public Sampler sampler(long seed) {
    return new Sampler(new Random(seed));
  }

  public final class Sampler {
    private final Random random;

    private Sampler(Random random) {
      this.random = random;
    }

    /** A straight-line speed in km/h for driving at {@code hour} (0-23, local time). */
    public double nextKmh(int hour) {
      double[] pool = pool(hour);
      return clamp(pool[random.nextInt(pool.length)]);
    }
  }
}
