package io.groupbuy.recommend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Wide&Deep ranker and its logistic-regression baseline in the next-basket evaluation: both
 * learn P(item in the next basket) over the same candidates and features from the training users
 * outside validation, then rank the validation users' candidates. Features come from models built
 * on histories alone, so no user's next basket leaks into its own features.
 */
final class RankerEvaluation {
  private static final PrintStream out = System.out;

  /** How the ranker did: its ranking scores, and as a probability, AUC and log-loss. */
  record Outcome(NbrEvaluation.Result ranking, double auc, double logLoss, Ranker ranker) {}

  /** A trained network over its features: a recommender for any user with a history. */
  record Ranker(RankerFeatures features, WideDeep net, Popularity popularity)
      implements NextBasketRecommender, AutoCloseable {
    @Override
    public int[] recommend(int userId, List<int[]> history, int k) {
      RankerFeatures.Candidates c = features.candidates(userId, history);
      RankerFeatures.Stacked one = RankerFeatures.stack(List.of(c), null);
      float[] p = net.predict(one.items(), one.dense(), one.cross());
      return topOfUser(one, p, 0, k, popularity);
    }

    @Override
    public void close() {
      net.close();
    }
  }

  /**
   * Candidates per user: TIFU-KNN's top and the user's most frequent items (plus the global top
   * 10). With 40 and 30 the candidates held 20% of the next baskets' items and Recall@20 was above
   * that, so coverage bounded the ranker; 80 and 40 hold 24%.
   */
  static final int FROM_TIFU = 80;

  static final int FROM_OWN = 40;

  private RankerEvaluation() {}

  static List<Outcome> run(
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next,
      NbrEvaluation.Split split,
      int items,
      TifuKnn.Params tifuParams,
      ItemCf.Params cfParams,
      WideDeep.Settings settings) {
    long t0 = System.nanoTime();
    Popularity popularity = Popularity.of(histories.values(), List.of(), items);
    RankerFeatures features =
        new RankerFeatures(
            new TifuKnn(histories, tifuParams, popularity),
            new ItemCf(histories.values(), cfParams, popularity),
            popularity,
            histories.values(),
            FROM_TIFU,
            FROM_OWN);
    RankerFeatures.Stacked train = stack(features, split.fit(), histories, next, "training");
    RankerFeatures.Stacked heldOut = stack(features, split.tune(), histories, next, "held-out");
    RankerFeatures.Stacked valid =
        stack(features, split.validation(), histories, next, "validation");
    out.printf(Locale.ROOT, "  ranker features ready in %.0f s%n", NbrEvaluation.seconds(t0));

    WideDeep.reproducible(settings.seed());
    List<Outcome> outcomes = new ArrayList<>();
    for (boolean deep : new boolean[] {false, true}) {
      String name = deep ? "Wide&Deep" : "Logistic regression";
      long t1 = System.nanoTime();
      WideDeep net =
          WideDeep.train(
              train,
              heldOut,
              items,
              deep,
              deep ? settings : settings.forLinear(),
              epoch ->
                  out.printf(
                      Locale.ROOT,
                      "  train %-19s epoch %d/%d: log-loss %.4f, held out %.4f%s (%.0f s)%n",
                      name,
                      epoch.number(),
                      settings.epochs(),
                      epoch.trainLoss(),
                      epoch.heldOutLoss(),
                      epoch.kept() ? ", best so far" : "",
                      NbrEvaluation.seconds(t1)));
      {
        float[] p = net.predict(valid.items(), valid.dense(), valid.cross());
        NextBasketScores at10 = new NextBasketScores(10);
        NextBasketScores at20 = new NextBasketScores(20);
        for (int u = 0; u < split.validation().size(); u++) {
          int[] top = topOfUser(valid, p, u, 20, popularity);
          int[] truth = next.get(split.validation().get(u));
          at10.add(top, truth);
          at20.add(top, truth);
        }
        String params =
            deep
                ? "candidates TIFU "
                    + FROM_TIFU
                    + " + own "
                    + FROM_OWN
                    + " + top 10; embedding "
                    + settings.embedding()
                    + ", MLP "
                    + settings.hidden()
                    + "/"
                    + settings.hidden() / 2
                    + ", epochs by held-out log-loss"
                : "the wide part alone, same candidates, features and training";
        outcomes.add(
            new Outcome(
                new NbrEvaluation.Result(name, params, at10, at20),
                RankerMetrics.auc(p, valid.labels()),
                RankerMetrics.logLoss(p, valid.labels()),
                new Ranker(features, net, popularity)));
      }
    }
    return outcomes;
  }

  private static RankerFeatures.Stacked stack(
      RankerFeatures features,
      List<Integer> users,
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next,
      String what) {
    List<RankerFeatures.Candidates> candidates = new ArrayList<>(users.size());
    List<float[]> labels = new ArrayList<>(users.size());
    double found = 0;
    double wanted = 0;
    for (int u = 0; u < users.size(); u++) {
      int user = users.get(u);
      RankerFeatures.Candidates c = features.candidates(user, histories.get(user));
      float[] y = RankerFeatures.labels(c, next.get(user));
      candidates.add(c);
      labels.add(y);
      for (float v : y) found += v;
      wanted += next.get(user).length;
      if ((u + 1) % 2000 == 0)
        out.printf(Locale.ROOT, "  %s candidates: %,d / %,d users%n", what, u + 1, users.size());
    }
    RankerFeatures.Stacked s = RankerFeatures.stack(candidates, labels);
    out.printf(
        Locale.ROOT,
        "  %s: %,d pairs, candidates hold %.1f%% of the next baskets' items%n",
        what,
        s.items().length,
        100 * found / wanted);
    return s;
  }

  /** The user's candidates by probability, filled with popular items up to {@code k}. */
  static int[] topOfUser(RankerFeatures.Stacked s, float[] p, int user, int k, Popularity pop) {
    int from = s.userStart()[user];
    int to = s.userStart()[user + 1];
    Integer[] order = new Integer[to - from];
    for (int i = 0; i < order.length; i++) order[i] = from + i;
    Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
    int[] top = new int[k];
    int n = 0;
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (int i = 0; i < order.length && n < k; i++) {
      if (used.add(s.items()[order[i]])) top[n++] = s.items()[order[i]];
    }
    for (int item : pop.top(k + order.length)) {
      if (n >= k) break;
      if (used.add(item)) top[n++] = item;
    }
    return Arrays.copyOf(top, n);
  }
}
