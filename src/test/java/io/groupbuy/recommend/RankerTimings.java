package io.groupbuy.recommend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where a live ranked recommendation spends its time, in process, on the served model: choosing the
 * nearest pool users (the stable sort of all of them it used, and the selection it uses now, side
 * by side on the same distances), the candidates, and the network's forward pass.
 *
 * <p>{@code java -cp ... io.groupbuy.recommend.RankerTimings [MODEL_DIR]} (default {@code
 * models/recommend/ranker})
 */
public final class RankerTimings {
  private RankerTimings() {}

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "models/recommend/ranker");
    try (LiveRanker ranker = LiveRanker.load(dir)) {
      int users = 2000;
      SplittableRandom r = new SplittableRandom(1);
      List<List<List<String>>> histories = new ArrayList<>();
      List<String> skus = ranker.skuNames();
      for (int u = 0; u < users; u++) {
        List<List<String>> h = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
          List<String> basket = new ArrayList<>();
          for (int k = 0; k < 6; k++) basket.add(skus.get(r.nextInt(skus.size())));
          h.add(basket);
        }
        histories.add(h);
      }
      int pool = 13_000;
      int k = LiveRanker.Params.defaults().tifu().k();
      double[][] distances = new double[200][pool];
      for (double[] d : distances) for (int i = 0; i < pool; i++) d[i] = r.nextInt(400) / 7.0;
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        for (List<List<String>> h : histories) ranker.rank(h, 10);
        long t1 = System.nanoTime();
        long sink = 0;
        for (double[] d : distances) sink += sortAll(d, k)[0];
        long t2 = System.nanoTime();
        for (double[] d : distances) sink += TifuKnn.nearest(d, k)[0];
        long t3 = System.nanoTime();
        double sorting = (t2 - t1) / 1e6 / distances.length;
        double selecting = (t3 - t2) / 1e6 / distances.length;
        System.out.printf(
            "round %d: rank() %.3f ms per user; nearest %d of %,d: full sort %.3f ms,"
                + " selection %.3f ms (%.1fx)%s%n",
            round,
            (t1 - t0) / 1e6 / users,
            k,
            pool,
            sorting,
            selecting,
            sorting / selecting,
            sink < 0 ? "" : "");
      }
    }
  }

  /** The way neighbours were chosen before: a stable sort of every pool user by distance. */
  private static int[] sortAll(double[] distance, int k) {
    Integer[] order = new Integer[distance.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
    return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
  }
}
