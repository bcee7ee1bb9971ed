package io.groupbuy.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Batches pickup points into waves that each fit one vehicle: weighted K-Means (k-means++ seeding,
 * Lloyd iterations, several restarts keeping the lowest inertia) with at least {@code ceil(total
 * demand / capacity)} clusters; a cluster still heavier than the capacity is split again by K-Means
 * on its own points until every part fits. A point heavier than a vehicle on its own cannot be
 * batched; it becomes a wave of its own, marked {@link Wave#overCapacity()}, so it is reported and
 * never lost.
 *
 * <p>Clustering runs in a plane: longitude/latitude in degrees are projected to kilometres
 * (equirectangular, longitude scaled by the cosine of the input's mean latitude), which is accurate
 * to well under 1% across a city; planar inputs (such as Solomon coordinates) are used as they are.
 * All randomness comes from one {@link Random} seeded by the caller, so a seed always gives the
 * same waves.
 */
public final class KMeansBatcher {
  private static final double EARTH_RADIUS_KM = 6371.0088;
  private static final int MAX_ITERATIONS = 100;

  /** A point to batch; {@code x} = longitude and {@code y} = latitude for {@link #lngLat()}. */
  public record Point(String id, double x, double y, int demand) {
    public Point {
      if (id == null) throw new IllegalArgumentException("point id is null");
      if (demand < 0)
        throw new IllegalArgumentException("point " + id + ": negative demand " + demand);
      if (!Double.isFinite(x) || !Double.isFinite(y)) {
        throw new IllegalArgumentException("point " + id + ": coordinates not finite");
      }
    }
  }

  /**
   * One wave: its points in input order, their total demand and their demand-weighted centre (input
   * coordinates). {@code overCapacity} is true only for a single point heavier than a vehicle.
   */
  public record Wave(
      List<Point> points, int demand, double centerX, double centerY, boolean overCapacity) {
    public Wave {
      points = List.copyOf(points);
    }
  }

  private final boolean lngLat;
  private final int restarts;

  private KMeansBatcher(boolean lngLat, int restarts) {
    if (restarts < 1) throw new IllegalArgumentException("need at least one restart");
    this.lngLat = lngLat;
    this.restarts = restarts;
  }

  /** For longitude/latitude in degrees, clustered by equirectangular kilometres. */
  public static KMeansBatcher lngLat() {
    return new KMeansBatcher(true, 8);
  }

  /** For planar coordinates, clustered by plain Euclidean distance. */
  public static KMeansBatcher planar() {
    return new KMeansBatcher(false, 8);
  }

  /** The same batcher with another number of K-Means restarts per clustering. */
  public KMeansBatcher withRestarts(int restarts) {
    return new KMeansBatcher(lngLat, restarts);
  }

  /**
   * Waves that each fit {@code capacity}; as few as the demand allows, split further where clusters
   * overflow.
   */
  public List<Wave> batch(List<Point> points, int capacity, long seed) {
    return batch(points, capacity, 1, seed);
  }

  /**
   * As {@link #batch(List, int, long)}, with at least {@code minWaves} clusters (e.g. one per
   * available vehicle), never more clusters than points.
   */
  public List<Wave> batch(List<Point> points, int capacity, int minWaves, long seed) {
    if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    if (minWaves < 1) throw new IllegalArgumentException("minWaves must be >= 1, was " + minWaves);
    Set<String> ids = new HashSet<>();
    for (Point p : points) {
      if (!ids.add(p.id())) throw new IllegalArgumentException("duplicate point id " + p.id());
    }
    List<Wave> waves = new ArrayList<>();
    List<Point> batchable = new ArrayList<>();
    for (Point p : points) {
      if (p.demand() > capacity) {
        waves.add(new Wave(List.of(p), p.demand(), p.x(), p.y(), true));
      } else {
        batchable.add(p);
      }
    }
    if (batchable.isEmpty()) return waves;
    Random random = new Random(seed);
    double[][] xy = project(batchable);
    double[] weight = batchable.stream().mapToDouble(Point::demand).toArray();
    long total = batchable.stream().mapToLong(Point::demand).sum();
    int k = (int) Math.min(batchable.size(), Math.max(minWaves, ceilDiv(total, capacity)));
    List<int[]> fitting = new ArrayList<>();
    for (int[] cluster : cluster(xy, weight, allIndices(batchable.size()), k, random)) {
      splitUntilFits(xy, weight, batchable, cluster, capacity, random, fitting);
    }
    for (int[] members : fitting) waves.add(wave(batchable, members));
    return waves;
  }

  private void splitUntilFits(
      double[][] xy,
      double[] weight,
      List<Point> points,
      int[] members,
      int capacity,
      Random random,
      List<int[]> out) {
    long demand = 0;
    for (int i : members) demand += points.get(i).demand();
    if (demand <= capacity) {
      out.add(members);
      return;
    }
    int k = (int) Math.min(members.length, Math.max(2, ceilDiv(demand, capacity)));
    List<int[]> parts = cluster(xy, weight, members, k, random);
    if (parts.size() < 2)
      parts = halves(xy, members); // all at one spot: K-Means cannot separate them
    for (int[] part : parts) splitUntilFits(xy, weight, points, part, capacity, random, out);
  }

  /**
   * Halves by rank along the wider axis; for members K-Means cannot separate (all at the same
   * coordinates).
   */
  private static List<int[]> halves(double[][] xy, int[] members) {
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (int i : members) {
      minX = Math.min(minX, xy[i][0]);
      maxX = Math.max(maxX, xy[i][0]);
      minY = Math.min(minY, xy[i][1]);
      maxY = Math.max(maxY, xy[i][1]);
    }
    int axis = maxX - minX >= maxY - minY ? 0 : 1;
    Integer[] sorted = Arrays.stream(members).boxed().toArray(Integer[]::new);
    Arrays.sort(
        sorted,
        (a, b) ->
            xy[a][axis] != xy[b][axis]
                ? Double.compare(xy[a][axis], xy[b][axis])
                : Integer.compare(a, b));
    int half = sorted.length / 2;
    int[] left = new int[half];
    int[] right = new int[sorted.length - half];
    for (int i = 0; i < sorted.length; i++) {
      if (i < half) left[i] = sorted[i];
      else right[i - half] = sorted[i];
    }
    Arrays.sort(left);
    Arrays.sort(right);
    return List.of(left, right);
  }

  /**
   * Best of {@link #restarts} weighted K-Means runs over {@code members}; returns the non-empty
   * clusters.
   */
  private List<int[]> cluster(double[][] xy, double[] weight, int[] members, int k, Random random) {
    int[] best = null;
    double bestInertia = Double.MAX_VALUE;
    for (int r = 0; r < restarts; r++) {
      double[][] centers = seed(xy, weight, members, k, random);
      int[] assign = lloyd(xy, weight, members, centers);
      double inertia = inertia(xy, weight, members, centers, assign);
      if (inertia < bestInertia) {
        bestInertia = inertia;
        best = assign;
      }
    }
    List<List<Integer>> groups = new ArrayList<>();
    for (int c = 0; c < k; c++) groups.add(new ArrayList<>());
    for (int m = 0; m < members.length; m++) groups.get(best[m]).add(members[m]);
    List<int[]> out = new ArrayList<>();
    for (List<Integer> g : groups) {
      if (!g.isEmpty()) out.add(g.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  /**
   * k-means++: each next centre drawn with probability proportional to weight times squared
   * distance.
   */
  private static double[][] seed(
      double[][] xy, double[] weight, int[] members, int k, Random random) {
    double[][] centers = new double[k][];
    double[] mass = new double[members.length];
    for (int m = 0; m < members.length; m++) mass[m] = weight[members[m]];
    centers[0] = xy[members[draw(mass, random)]].clone();
    double[] d2 = new double[members.length];
    Arrays.fill(d2, Double.MAX_VALUE);
    for (int c = 1; c < k; c++) {
      double[] score = new double[members.length];
      for (int m = 0; m < members.length; m++) {
        d2[m] = Math.min(d2[m], sq(xy[members[m]], centers[c - 1]));
        score[m] = mass[m] * d2[m];
      }
      centers[c] = xy[members[draw(score, random)]].clone();
    }
    return centers;
  }

  /**
   * Index drawn with probability proportional to {@code score}; uniform when all scores are zero.
   */
  private static int draw(double[] score, Random random) {
    double sum = 0;
    for (double s : score) sum += s;
    if (!(sum > 0)) return random.nextInt(score.length);
    double r = random.nextDouble() * sum;
    for (int i = 0; i < score.length; i++) {
      r -= score[i];
      if (r < 0) return i;
    }
    for (int i = score.length - 1; i >= 0; i--) {
      if (score[i] > 0) return i; // rounding left r >= 0 at the end
    }
    return score.length - 1;
  }

  private static int[] lloyd(double[][] xy, double[] weight, int[] members, double[][] centers) {
    int k = centers.length;
    int[] assign = new int[members.length];
    Arrays.fill(assign, -1);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      boolean changed = false;
      for (int m = 0; m < members.length; m++) {
        int nearest = nearest(xy[members[m]], centers);
        if (nearest != assign[m]) {
          assign[m] = nearest;
          changed = true;
        }
      }
      if (!changed) break;
      double[][] sum = new double[k][3];
      int[] count = new int[k];
      for (int m = 0; m < members.length; m++) {
        double w = weight[members[m]];
        double[] p = xy[members[m]];
        sum[assign[m]][0] += w * p[0];
        sum[assign[m]][1] += w * p[1];
        sum[assign[m]][2] += w;
        count[assign[m]]++;
      }
      for (int c = 0; c < k; c++) {
        if (count[c] == 0) {
          // an empty cluster would waste a vehicle: restart it at the point farthest from its
          // centre
          int far = farthest(xy, members, centers, assign);
          centers[c] = xy[members[far]].clone();
          assign[far] = -1;
        } else if (sum[c][2] > 0) {
          centers[c] = new double[] {sum[c][0] / sum[c][2], sum[c][1] / sum[c][2]};
        } else {
          centers[c] = unweightedMean(xy, members, assign, c);
        }
      }
    }
    for (int m = 0; m < members.length; m++) {
      if (assign[m] < 0)
        assign[m] = nearest(xy[members[m]], centers); // reseeded in the last iteration
    }
    return assign;
  }

  private static int farthest(double[][] xy, int[] members, double[][] centers, int[] assign) {
    int far = 0;
    double farD = -1;
    for (int m = 0; m < members.length; m++) {
      if (assign[m] < 0) continue;
      double d = sq(xy[members[m]], centers[assign[m]]);
      if (d > farD) {
        farD = d;
        far = m;
      }
    }
    return far;
  }

  private static double[] unweightedMean(double[][] xy, int[] members, int[] assign, int c) {
    double x = 0;
    double y = 0;
    int n = 0;
    for (int m = 0; m < members.length; m++) {
      if (assign[m] == c) {
        x += xy[members[m]][0];
        y += xy[members[m]][1];
        n++;
      }
    }
    return new double[] {x / n, y / n};
  }

  private static double inertia(
      double[][] xy, double[] weight, int[] members, double[][] centers, int[] assign) {
    double total = 0;
    for (int m = 0; m < members.length; m++) {
      int c = assign[m] >= 0 ? assign[m] : nearest(xy[members[m]], centers);
      total += Math.max(weight[members[m]], 1e-9) * sq(xy[members[m]], centers[c]);
    }
    return total;
  }

  private static int nearest(double[] p, double[][] centers) {
    int best = 0;
    double bestD = Double.MAX_VALUE;
    for (int c = 0; c < centers.length; c++) {
      double d = sq(p, centers[c]);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }

  private double[][] project(List<Point> points) {
    double[][] xy = new double[points.size()][];
    double cosLat = 1;
    if (lngLat) {
      double meanLat = points.stream().mapToDouble(Point::y).average().orElse(0);
      cosLat = Math.cos(Math.toRadians(meanLat));
    }
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      xy[i] =
          lngLat
              ? new double[] {
                EARTH_RADIUS_KM * Math.toRadians(p.x()) * cosLat,
                EARTH_RADIUS_KM * Math.toRadians(p.y())
              }
              : new double[] {p.x(), p.y()};
    }
    return xy;
  }

  private static Wave wave(List<Point> points, int[] members) {
    int[] sorted = members.clone();
    Arrays.sort(sorted);
    List<Point> ps = new ArrayList<>();
    int demand = 0;
    double x = 0;
    double y = 0;
    for (int i : sorted) {
      Point p = points.get(i);
      ps.add(p);
      demand += p.demand();
      x += p.demand() * p.x();
      y += p.demand() * p.y();
    }
    if (demand > 0) return new Wave(ps, demand, x / demand, y / demand, false);
    return new Wave(
        ps,
        0,
        ps.stream().mapToDouble(Point::x).average().orElse(0),
        ps.stream().mapToDouble(Point::y).average().orElse(0),
        false);
  }

  private static int[] allIndices(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    return all;
  }

  private static double sq(double[] a, double[] b) {
    double dx = a[0] - b[0];
    double dy = a[1] - b[1];
    return dx * dx + dy * dy;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
