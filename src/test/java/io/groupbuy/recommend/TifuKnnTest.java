package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TifuKnnTest {
  /** The first k of a stable sort by distance: what the neighbours were taken from before. */
  private static int[] bySorting(double[] distance, int k) {
    Integer[] order = new Integer[distance.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
    return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void theNearestAreTheFirstOfAStableSortTiesAndAll() {
    SplittableRandom r = new SplittableRandom(11);
    for (int round = 0; round < 500; round++) {
      int n = 1 + r.nextInt(400);
      double[] d = new double[n];
      // few distinct values, so that ties cross the k-th place; some the self's infinity, some -0.0
      for (int i = 0; i < n; i++) {
        int pick = r.nextInt(12);
        d[i] =
            pick == 0
                ? Double.POSITIVE_INFINITY
                : pick == 1 ? -0.0 : pick == 2 ? r.nextDouble() : (pick - 3) * 0.25 - 0.5;
      }
      int k = r.nextInt(n + 2);
      assertArrayEquals(bySorting(d, Math.min(k, n)), TifuKnn.nearest(d, k), "n " + n + ", k " + k);
    }
  }
}
