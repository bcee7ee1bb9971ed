package io.groupbuy.recommend;

import java.util.PriorityQueue;

/** Picking the best-scored items. */
final class Ranking {
  private Ranking() {}

  /**
   * The indexes of the {@code k} highest positive scores, highest first; ties: lower index first.
   */
  static int[] topK(double[] scores, int k) {
    PriorityQueue<Integer> heap =
        new PriorityQueue<>(
            (a, b) ->
                scores[a] != scores[b]
                    ? Double.compare(scores[a], scores[b])
                    : Integer.compare(b, a));
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] <= 0) continue;
      if (heap.size() < k) heap.add(i);
      else if (better(scores, i, heap.peek())) {
        heap.poll();
        heap.add(i);
      }
    }
    int[] out = new int[heap.size()];
    for (int r = out.length - 1; r >= 0; r--) out[r] = heap.poll();
    return out;
  }

  private static boolean better(double[] scores, int a, int b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  }
}
