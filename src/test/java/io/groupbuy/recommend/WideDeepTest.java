package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The metrics by hand, and the network trained on a small synthetic slice: it learns a signal a
 * linear model cannot fully see, the same seed gives the same network, and a saved network loads
 * and scores the same.
 */
class WideDeepTest {
  @Test
  void aucAndLogLossByHand() {
    float[] p = {0.1f, 0.4f, 0.35f, 0.8f};
    float[] y = {0, 0, 1, 1};
    // pairs (pos, neg): (0.35, 0.1) ok, (0.35, 0.4) wrong, (0.8, *) ok: 3 of 4
    assertEquals(0.75, RankerMetrics.auc(p, y), 1e-12);
    double expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    assertEquals(expected, RankerMetrics.logLoss(p, y), 1e-6);
  }

  /** Item i is bought when feature 0 is high, except items 0-4 which are always bought. */
  private static RankerFeatures.Stacked slice(long seed, int rows) {
    Random r = new Random(seed);
    List<RankerFeatures.Candidates> users = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    for (int u = 0; u < rows / 10; u++) {
      int[] items = new int[10];
      float[] dense = new float[10 * RankerFeatures.DENSE];
      int[] cross = new int[10];
      float[] y = new float[10];
      for (int k = 0; k < 10; k++) {
        items[k] = r.nextInt(50);
        float signal = r.nextFloat();
        dense[k * RankerFeatures.DENSE] = signal;
        for (int f = 1; f < RankerFeatures.DENSE; f++)
          dense[k * RankerFeatures.DENSE + f] = r.nextFloat();
        cross[k] = r.nextInt(RankerFeatures.CROSS_CELLS);
        y[k] = items[k] < 5 || signal > 0.7f ? 1 : 0;
      }
      users.add(new RankerFeatures.Candidates(items, dense, cross));
      labels.add(y);
    }
    return RankerFeatures.stack(users, labels);
  }

  @Test
  void learnsTheSignalReproduciblyAndServesAfterLoading() throws Exception {
    WideDeep.reproducible(7);
    RankerFeatures.Stacked train = slice(1, 4000);
    RankerFeatures.Stacked heldOut = slice(2, 1000);
    WideDeep.Settings s = new WideDeep.Settings(6, 128, 0.01f, 4, 16, 7);
    float[] first;
    Path dir = Files.createTempDirectory("wide-deep-test");
    try (WideDeep net = WideDeep.train(train, heldOut, 50, true, s, e -> {})) {
      first = net.predict(heldOut.items(), heldOut.dense(), heldOut.cross());
      assertTrue(
          RankerMetrics.auc(first, heldOut.labels()) > 0.95,
          "AUC " + RankerMetrics.auc(first, heldOut.labels()));
      net.save(dir);
    }
    WideDeep.reproducible(7);
    try (WideDeep again = WideDeep.train(train, heldOut, 50, true, s, e -> {})) {
      assertArrayEquals(first, again.predict(heldOut.items(), heldOut.dense(), heldOut.cross()));
    }
    try (WideDeep loaded = WideDeep.load(dir, 50, true, s)) {
      assertArrayEquals(first, loaded.predict(heldOut.items(), heldOut.dense(), heldOut.cross()));
    }
  }
}
