package io.groupbuy.recommend;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The next-basket evaluation command: trains on histories plus the known next baskets of training
 * users, keeps a share of those users apart for validation, tunes each model's parameters on
 * another share of the training users, and prints Recall, NDCG and PHR at 10 and 20 of every model
 * on the validation users; with {@code --predict}, writes the best model's top 20 for other users.
 *
 * <pre>
 * bin/recommend-eval --history H.jsonl --future F.jsonl [--validation-share 0.2] [--seed 42]
 *                    [--quick] [--no-ranker] [--predict USERS --out FILE]
 * </pre>
 */
public final class NbrEvaluation {
  private static final PrintStream out = System.out;

  record Split(List<Integer> fit, List<Integer> tune, List<Integer> validation) {}

  /** A model and how it did on the validation users, at 10 and at 20. */
  record Result(String name, String params, NextBasketScores at10, NextBasketScores at20) {}

  public static void main(String[] args) {
    Map<String, String> opts = options(args);
    Path history = Path.of(require(opts, "history"));
    Path future = Path.of(require(opts, "future"));
    double share = Double.parseDouble(opts.getOrDefault("validation-share", "0.2"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
    boolean quick = opts.containsKey("quick");

    long t0 = System.nanoTime();
    Map<Integer, List<int[]>> histories = BasketData.histories(history);
    Map<Integer, int[]> next = BasketData.nextBaskets(future);
    int items = BasketData.itemCount(histories, next);
    Split split = split(histories, next, share, seed);
    out.printf(
        Locale.ROOT,
        "Read %,d users' histories and %,d next baskets (%,d items) in %.1f s.%n"
            + "Training users: %,d to fit, %,d to tune parameters, %,d for validation (seed %d).%n",
        histories.size(),
        next.size(),
        items,
        seconds(t0),
        split.fit().size(),
        split.tune().size(),
        split.validation().size(),
        seed);

    // tuning: models built from the fit users' next baskets, scored on the tune users
    Tuning tuning = new Tuning(histories, next, split, items, quick);
    TifuKnn.Params tifu = tuning.tifu();
    ItemCf.Params cf = tuning.itemCf();

    // validation: models built from every training user's next basket but the validation users'
    List<Integer> known = new ArrayList<>(split.fit());
    known.addAll(split.tune());
    Popularity popularity = Popularity.of(histories.values(), baskets(next, known), items);
    out.println("Validation users (" + split.validation().size() + "):");
    List<Result> results = new ArrayList<>();
    results.add(evaluate("G-TopFreq", "", TopFreq.global(popularity), histories, next, split));
    results.add(
        evaluate(
            "GP-TopFreq",
            "own items by frequency, popularity tie-break",
            TopFreq.personalThenGlobal(popularity),
            histories,
            next,
            split));
    results.add(
        evaluate(
            "TIFU-KNN",
            tifu.toString(),
            new TifuKnn(histories, tifu, popularity),
            histories,
            next,
            split));
    results.add(
        evaluate(
            "Item-CF",
            cf.toString(),
            new ItemCf(withNext(histories, next, known).values(), cf, popularity),
            histories,
            next,
            split));
    List<RankerEvaluation.Outcome> ranker = List.of();
    if (!opts.containsKey("no-ranker")) {
      out.println("Ranker (DJL, PyTorch CPU, seed " + seed + "):");
      WideDeep.Settings s = WideDeep.Settings.defaults();
      ranker =
          RankerEvaluation.run(
              histories, next, split, items, tifu, cf, s.with(quick ? 2 : s.epochs(), seed));
      ranker.forEach(o -> results.add(o.ranking()));
    }
    printTable(results);
    if (!ranker.isEmpty()) {
      out.println("Propensity, P(item in the next basket) over the validation users' candidates:");
      out.println("| model | AUC | log-loss |");
      out.println("|---|---:|---:|");
      for (RankerEvaluation.Outcome o : ranker) {
        out.printf(Locale.ROOT, "| %s | %.4f | %.4f |%n", o.ranking().name(), o.auc(), o.logLoss());
      }
      out.println();
    }
    Result best =
        results.stream().max((a, b) -> Double.compare(a.at10().recall(), b.at10().recall())).get();
    out.printf(
        Locale.ROOT, "Best on validation Recall@10: %s. Total %.1f s.%n", best.name(), seconds(t0));

    if (opts.containsKey("predict")) {
      Path users = Path.of(opts.get("predict"));
      Path to = Path.of(require(opts, "out"));
      NextBasketRecommender ranked =
          ranker.stream()
              .filter(o -> o.ranking() == best)
              .map(o -> (NextBasketRecommender) o.ranker())
              .findFirst()
              .orElse(null);
      predict(best, ranked, tifu, cf, histories, next, items, BasketData.userIds(users), to);
    }
    ranker.forEach(o -> o.ranker().close());
  }

  /**
   * The best model writes each listed user's top 20: a ranker as trained ({@code ranked}), any
   * other rebuilt from every known next basket.
   */
  private static void predict(
      Result best,
      NextBasketRecommender ranked,
      TifuKnn.Params tifu,
      ItemCf.Params cf,
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next,
      int items,
      List<Integer> users,
      Path to) {
    Popularity popularity = Popularity.of(histories.values(), next.values(), items);
    NextBasketRecommender model =
        ranked != null
            ? ranked
            : switch (best.name()) {
              case "TIFU-KNN" -> new TifuKnn(histories, tifu, popularity);
              case "Item-CF" ->
                  new ItemCf(withNext(histories, next, next.keySet()).values(), cf, popularity);
              case "G-TopFreq" -> TopFreq.global(popularity);
              default -> TopFreq.personalThenGlobal(popularity);
            };
    int missing = 0;
    try (PrintStream w =
        new PrintStream(Files.newOutputStream(to), false, StandardCharsets.UTF_8)) {
      for (int user : users) {
        List<int[]> h = histories.get(user);
        if (h == null) missing++;
        int[] top = model.recommend(user, h == null ? List.of() : h, 20);
        StringBuilder line =
            new StringBuilder("{\"user_id\": ").append(user).append(", \"items\": [");
        for (int r = 0; r < top.length; r++) line.append(r == 0 ? "" : ", ").append(top[r]);
        w.println(line.append("]}"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + to, e);
    }
    out.printf(
        Locale.ROOT,
        "Wrote the %s top 20 of %,d users to %s%s.%n",
        best.name(),
        users.size(),
        to,
        missing == 0 ? "" : " (" + missing + " without a history got popular items)");
  }

  static Result evaluate(
      String name,
      String params,
      NextBasketRecommender model,
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next,
      Split split) {
    long t0 = System.nanoTime();
    NextBasketScores at10 = new NextBasketScores(10);
    NextBasketScores at20 = new NextBasketScores(20);
    for (int user : split.validation()) {
      int[] top = model.recommend(user, histories.get(user), 20);
      at10.add(top, next.get(user));
      at20.add(top, next.get(user));
    }
    out.printf(Locale.ROOT, "  %-10s scored in %.1f s%n", name, seconds(t0));
    return new Result(name, params, at10, at20);
  }

  private static void printTable(List<Result> results) {
    out.println();
    out.println(
        "| model | Recall@10 | NDCG@10 | PHR@10 | Recall@20 | NDCG@20 | PHR@20 | parameters |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    for (Result r : results) {
      out.printf(
          Locale.ROOT,
          "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s |%n",
          r.name(),
          r.at10().recall(),
          r.at10().ndcg(),
          r.at10().phr(),
          r.at20().recall(),
          r.at20().ndcg(),
          r.at20().phr(),
          r.params());
    }
    out.println();
  }

  /** Parameter search on the tune users, with models built from the fit users' next baskets. */
  static final class Tuning {
    private final Map<Integer, List<int[]>> histories;
    private final Map<Integer, int[]> next;
    private final Split split;
    private final Popularity popularity;
    private final boolean quick;

    Tuning(
        Map<Integer, List<int[]>> histories,
        Map<Integer, int[]> next,
        Split split,
        int items,
        boolean quick) {
      this.histories = histories;
      this.next = next;
      this.split = split;
      this.popularity = Popularity.of(histories.values(), baskets(next, split.fit()), items);
      this.quick = quick;
    }

    TifuKnn.Params tifu() {
      int[] ks = quick ? new int[] {300} : new int[] {100, 300, 600};
      double[] alphas = {0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9};
      TifuKnn.Params best = null;
      double bestRecall = -1;
      for (int k : ks) {
        TifuKnn.Params p = new TifuKnn.Params(7, 0.9, 0.7, k, alphas[0]);
        long t0 = System.nanoTime();
        TifuKnn model = new TifuKnn(histories, p, popularity);
        NextBasketScores[] byAlpha = scoresFor(alphas.length);
        int done = 0;
        for (int user : split.tune()) {
          TifuKnn.Neighbourhood n = model.neighbourhood(user, histories.get(user));
          for (int a = 0; a < alphas.length; a++) {
            byAlpha[a].add(Ranking.topK(n.scores(alphas[a]), 10), next.get(user));
          }
          if (++done % 500 == 0) progress("TIFU-KNN k " + k, done, split.tune().size());
        }
        for (int a = 0; a < alphas.length; a++) {
          report("TIFU-KNN", p.withAlpha(alphas[a]), byAlpha[a], t0);
          if (byAlpha[a].recall() > bestRecall) {
            bestRecall = byAlpha[a].recall();
            best = p.withAlpha(alphas[a]);
          }
        }
      }
      out.println("  TIFU-KNN chosen: " + best);
      return best;
    }

    ItemCf.Params itemCf() {
      int[] neighbours = quick ? new int[] {100} : new int[] {50, 200};
      double[] exponents = quick ? new double[] {0.2} : new double[] {0, 0.2, 0.5};
      double[] decays = quick ? new double[] {0.8} : new double[] {0.7, 0.9, 1.0};
      double[] repeats = {0.2, 0.35, 0.5, 0.7, 0.85, 1.0};
      Collection<List<int[]>> baskets = withNext(histories, next, split.fit()).values();
      ItemCf.Params best = null;
      double bestRecall = -1;
      for (int nb : neighbours) {
        for (double exponent : exponents) {
          long t0 = System.nanoTime();
          ItemCf first =
              new ItemCf(
                  baskets, new ItemCf.Params(repeats[0], decays[0], nb, exponent), popularity);
          for (double decay : decays) {
            ItemCf model = first.withDecay(decay);
            NextBasketScores[] byRepeat = scoresFor(repeats.length);
            for (int user : split.tune()) {
              double[] profile = model.profile(histories.get(user));
              double[] neighbourScores = model.neighbourScores(profile);
              for (int r = 0; r < repeats.length; r++) {
                double[] s = ItemCf.combine(profile, neighbourScores, repeats[r], popularity);
                byRepeat[r].add(Ranking.topK(s, 10), next.get(user));
              }
            }
            for (int r = 0; r < repeats.length; r++) {
              ItemCf.Params p = new ItemCf.Params(repeats[r], decay, nb, exponent);
              report("Item-CF", p, byRepeat[r], t0);
              if (byRepeat[r].recall() > bestRecall) {
                bestRecall = byRepeat[r].recall();
                best = p;
              }
            }
          }
        }
      }
      out.println("  Item-CF chosen: " + best);
      return best;
    }

    private static NextBasketScores[] scoresFor(int n) {
      NextBasketScores[] s = new NextBasketScores[n];
      for (int i = 0; i < n; i++) s[i] = new NextBasketScores(10);
      return s;
    }

    private static void report(String model, Object params, NextBasketScores s, long t0) {
      out.printf(
          Locale.ROOT,
          "  tune %-8s %-70s Recall@10 %.4f  (%.0f s)%n",
          model,
          params,
          s.recall(),
          seconds(t0));
    }

    private static void progress(String what, int done, int total) {
      out.printf(Locale.ROOT, "  tune %s: %,d / %,d users%n", what, done, total);
    }
  }

  /** Training users split three ways by a seeded draw per user, stable across runs and files. */
  static Split split(
      Map<Integer, List<int[]>> histories, Map<Integer, int[]> next, double share, long seed) {
    List<Integer> fit = new ArrayList<>();
    List<Integer> tune = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int user : next.keySet()) {
      if (!histories.containsKey(user) || histories.get(user).isEmpty()) continue;
      SplittableRandom draw = new SplittableRandom(seed * 1_000_003L + user);
      double u = draw.nextDouble();
      if (u < share) validation.add(user);
      else if (u < share + (1 - share) * 0.25) tune.add(user);
      else fit.add(user);
    }
    return new Split(fit, tune, validation);
  }

  static List<int[]> baskets(Map<Integer, int[]> next, Collection<Integer> users) {
    List<int[]> out = new ArrayList<>(users.size());
    for (int u : users) out.add(next.get(u));
    return out;
  }

  /** Histories with the known next basket of the given users appended. */
  static Map<Integer, List<int[]>> withNext(
      Map<Integer, List<int[]>> histories, Map<Integer, int[]> next, Collection<Integer> users) {
    Map<Integer, List<int[]>> out = new LinkedHashMap<>(histories);
    for (int u : users) {
      List<int[]> h = new ArrayList<>(histories.getOrDefault(u, List.of()));
      h.add(next.get(u));
      out.put(u, h);
    }
    return out;
  }

  static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String require(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      System.err.println(
          "missing --"
              + name
              + "\nusage: bin/recommend-eval --history H.jsonl --future F.jsonl"
              + " [--validation-share 0.2] [--seed 42] [--quick] [--predict USERS --out FILE]");
      System.exit(2);
    }
    return v;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected " + args[i]);
      String name = args[i].substring(2);
      if (name.equals("quick")) opts.put(name, "true");
      else if (i + 1 < args.length) opts.put(name, args[++i]);
      else throw new IllegalArgumentException("--" + name + " needs a value");
    }
    return opts;
  }

  private NbrEvaluation() {}
}
