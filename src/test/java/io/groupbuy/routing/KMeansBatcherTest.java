package io.groupbuy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.routing.KMeansBatcher.Point;
import io.groupbuy.routing.KMeansBatcher.Wave;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KMeansBatcherTest {
  /** Three blobs ~5 km apart in Hangzhou, 10 points each within ~300 m; ids say which blob. */
  private static List<Point> blobs() {
    double[][] centres = {{120.15, 30.27}, {120.20, 30.27}, {120.175, 30.31}};
    Random r = new Random(7);
    List<Point> points = new ArrayList<>();
    for (int b = 0; b < centres.length; b++) {
      for (int i = 0; i < 10; i++) {
        points.add(
            new Point(
                "b" + b + "-" + i,
                centres[b][0] + (r.nextDouble() - 0.5) * 0.006,
                centres[b][1] + (r.nextDouble() - 0.5) * 0.006,
                1));
      }
    }
    return points;
  }

  private static Set<String> blobOf(Wave w) {
    return w.points().stream().map(p -> p.id().substring(0, 2)).collect(Collectors.toSet());
  }

  private static List<Point> randomCity(int n, long seed) {
    Random r = new Random(seed);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      points.add(
          new Point(
              "p" + i,
              106.4 + r.nextDouble() * 0.2,
              29.4 + r.nextDouble() * 0.2,
              1 + r.nextInt(5)));
    }
    return points;
  }

  private static void assertEachPointOnce(List<Point> input, List<Wave> waves) {
    List<String> seen =
        waves.stream().flatMap(w -> w.points().stream()).map(Point::id).sorted().toList();
    assertEquals(input.stream().map(Point::id).sorted().toList(), seen);
  }

  @Test
  void recoversWellSeparatedBlobs() {
    List<Wave> waves = KMeansBatcher.lngLat().batch(blobs(), 10, 1L);
    assertEquals(3, waves.size());
    Set<Set<String>> blobs = new HashSet<>();
    for (Wave w : waves) {
      assertEquals(1, blobOf(w).size(), "a wave mixes blobs: " + w.points());
      assertEquals(10, w.points().size());
      blobs.add(blobOf(w));
    }
    assertEquals(3, blobs.size());
  }

  @Test
  void splitsAnOverfullBlobInsteadOfMixingBlobs() {
    // capacity 7 needs ceil(30 / 7) = 5 waves; each blob must be split, never joined with another
    List<Wave> waves = KMeansBatcher.lngLat().batch(blobs(), 7, 3L);
    for (Wave w : waves) {
      assertEquals(1, blobOf(w).size(), "a wave mixes blobs: " + w.points());
      assertTrue(w.demand() <= 7);
    }
    assertEquals(6, waves.size(), "10 points at capacity 7 take 2 waves per blob");
  }

  @Test
  void noWaveExceedsCapacityAndEveryPointIsInExactlyOneWave() {
    List<Point> points = randomCity(300, 11);
    for (int capacity : new int[] {5, 12, 40, 1000}) {
      List<Wave> waves = KMeansBatcher.lngLat().batch(points, capacity, 5L);
      for (Wave w : waves) {
        assertTrue(w.demand() <= capacity, "wave of " + w.demand() + " over capacity " + capacity);
        assertEquals(w.points().stream().mapToInt(Point::demand).sum(), w.demand());
        assertFalse(w.overCapacity());
      }
      assertEachPointOnce(points, waves);
      long total = points.stream().mapToInt(Point::demand).sum();
      assertTrue(waves.size() >= (total + capacity - 1) / capacity);
    }
  }

  @Test
  void atLeastMinWavesButNeverMoreClustersThanPoints() {
    List<Point> points = randomCity(20, 2);
    assertTrue(KMeansBatcher.lngLat().batch(points, 1000, 6, 1L).size() >= 6);
    assertEquals(20, KMeansBatcher.lngLat().batch(points, 1000, 50, 1L).size());
  }

  @Test
  void sameSeedSameWaves() {
    List<Point> points = randomCity(200, 3);
    List<Wave> a = KMeansBatcher.lngLat().batch(points, 15, 42L);
    List<Wave> b = KMeansBatcher.lngLat().batch(points, 15, 42L);
    assertEquals(a, b);
  }

  @Test
  void emptyInputGivesNoWaves() {
    assertEquals(List.of(), KMeansBatcher.lngLat().batch(List.of(), 10, 1L));
  }

  @Test
  void pointHeavierThanCapacityIsItsOwnReportedWave() {
    List<Point> points = new ArrayList<>(blobs());
    points.add(new Point("heavy", 120.15, 30.27, 25));
    List<Wave> waves = KMeansBatcher.lngLat().batch(points, 10, 1L);
    assertEachPointOnce(points, waves);
    List<Wave> over = waves.stream().filter(Wave::overCapacity).toList();
    assertEquals(1, over.size());
    assertEquals(List.of("heavy"), over.get(0).points().stream().map(Point::id).toList());
    assertEquals(25, over.get(0).demand());
    assertEquals(3, waves.size() - 1, "the heavy point does not disturb the blobs");
    waves.stream().filter(w -> !w.overCapacity()).forEach(w -> assertTrue(w.demand() <= 10));
  }

  @Test
  void pointsAtOneSpotAreStillSplitByCapacity() {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 9; i++) points.add(new Point("same" + i, 120.1, 30.2, 1));
    List<Wave> waves = KMeansBatcher.lngLat().batch(points, 2, 1L);
    assertEachPointOnce(points, waves);
    waves.forEach(w -> assertTrue(w.demand() <= 2));
    assertEquals(5, waves.size());
  }

  @Test
  void longitudeIsScaledByLatitude() {
    // at 60°N one degree of longitude is ~56 km and 0.7° of latitude ~78 km: the near pairs share a
    // latitude,
    // although in raw degrees they look nearer along the latitude axis
    List<Point> points =
        List.of(
            new Point("sw", 0, 60, 1),
            new Point("se", 1, 60, 1),
            new Point("nw", 0, 60.7, 1),
            new Point("ne", 1, 60.7, 1));
    Set<Set<String>> km = pairs(KMeansBatcher.lngLat().batch(points, 2, 1L));
    assertEquals(Set.of(Set.of("sw", "se"), Set.of("nw", "ne")), km);
    Set<Set<String>> degrees = pairs(KMeansBatcher.planar().batch(points, 2, 1L));
    assertEquals(Set.of(Set.of("sw", "nw"), Set.of("se", "ne")), degrees);
  }

  private static Set<Set<String>> pairs(List<Wave> waves) {
    return waves.stream()
        .map(w -> w.points().stream().map(Point::id).collect(Collectors.toSet()))
        .collect(Collectors.toSet());
  }

  @Test
  void rejectsBadInput() {
    assertThrows(
        IllegalArgumentException.class, () -> KMeansBatcher.lngLat().batch(blobs(), 0, 1L));
    assertThrows(IllegalArgumentException.class, () -> new Point("x", 1, 1, -1));
    List<Point> dup = List.of(new Point("a", 1, 1, 1), new Point("a", 2, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> KMeansBatcher.lngLat().batch(dup, 5, 1L));
  }
}
