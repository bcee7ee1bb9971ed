package io.groupbuy.recommend;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The Wide&Deep ranker over a catalog's SKUs, for serving: P(the SKU is in the user's next order)
 * for the candidates of the user's recent orders (TIFU-KNN's neighbours, item-CF, the user's own
 * SKUs, the popular ones), which is both how recommendations are ordered and the user's purchase
 * propensity per SKU. Trained from baskets of SKU indices with a fixed seed; saved as a directory
 * holding the network's parameters and {@value #META}, the baskets its neighbour and item models
 * are rebuilt from (a new directory is put in place whole: {@value #META} is written last).
 */
public final class LiveRanker implements AutoCloseable {
  public static final String META = "ranker.json.gz";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the neighbour and item models are set; stored with the ranker. */
  public record Params(TifuKnn.Params tifu, ItemCf.Params cf, WideDeep.Settings net) {
    public static Params defaults() {
      return new Params(
          new TifuKnn.Params(7, 0.9, 0.7, 300, 0.05),
          new ItemCf.Params(0.5, 0.9, 30, 0.5),
          WideDeep.Settings.defaults());
    }
  }

  /** What a training run measured on its held-out users. */
  public record Quality(int fitUsers, int heldOutUsers, double auc, double logLoss) {}

  /** Stored form: what serving rebuilds the ranker from. */
  record Stored(
      String trainedFrom,
      List<String> skus,
      Params params,
      Quality quality,
      Map<Integer, List<int[]>> histories) {}

  /** A SKU with its probability of being in the user's next order. */
  public record Scored(String sku, double probability) {}

  private final Stored stored;
  private final Map<String, Integer> index = new HashMap<>();
  private final RankerFeatures features;
  private final WideDeep net;

  private LiveRanker(Stored stored, RankerFeatures features, WideDeep net) {
    this.stored = stored;
    this.features = features;
    this.net = net;
    for (int i = 0; i < stored.skus().size(); i++) index.put(stored.skus().get(i), i);
  }

  private static RankerFeatures features(Stored s) {
    int items = s.skus().size();
    Popularity popularity = Popularity.of(s.histories().values(), List.of(), items);
    return new RankerFeatures(
        new TifuKnn(s.histories(), s.params().tifu(), popularity),
        new ItemCf(s.histories().values(), s.params().cf(), popularity),
        popularity,
        s.histories().values(),
        40,
        30);
  }

  /**
   * Trains on the users with a next basket: a seeded fifth of them is held out to stop training and
   * to measure AUC and log-loss. {@code histories} and {@code next} hold indices into {@code skus}.
   */
  public static LiveRanker train(
      List<String> skus,
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next,
      Params params,
      String trainedFrom,
      Consumer<String> progress) {
    Stored draft = new Stored(trainedFrom, List.copyOf(skus), params, null, histories);
    RankerFeatures features = features(draft);
    List<Integer> users = new ArrayList<>();
    for (var e : next.entrySet()) {
      List<int[]> h = histories.get(e.getKey());
      if (h != null && !h.isEmpty() && e.getValue().length > 0) users.add(e.getKey());
    }
    Collections.sort(users);
    Collections.shuffle(users, new Random(params.net().seed()));
    int heldOutSize = users.size() / 5;
    List<Integer> heldOut = users.subList(0, heldOutSize);
    List<Integer> fit = users.subList(heldOutSize, users.size());
    progress.accept(
        String.format(
            Locale.ROOT,
            "%,d users with a next order: %,d to fit, %,d held out",
            users.size(),
            fit.size(),
            heldOut.size()));
    RankerFeatures.Stacked fitRows = stack(features, fit, histories, next);
    RankerFeatures.Stacked heldOutRows = stack(features, heldOut, histories, next);
    WideDeep.reproducible(params.net().seed());
    WideDeep net =
        WideDeep.train(
            fitRows,
            heldOutRows,
            skus.size(),
            true,
            params.net(),
            epoch ->
                progress.accept(
                    String.format(
                        Locale.ROOT,
                        "epoch %d/%d: log-loss %.4f, held out %.4f%s",
                        epoch.number(),
                        params.net().epochs(),
                        epoch.trainLoss(),
                        epoch.heldOutLoss(),
                        epoch.kept() ? ", best so far" : "")));
    float[] p = net.predict(heldOutRows.items(), heldOutRows.dense(), heldOutRows.cross());
    Quality quality =
        new Quality(
            fit.size(),
            heldOut.size(),
            RankerMetrics.auc(p, heldOutRows.labels()),
            RankerMetrics.logLoss(p, heldOutRows.labels()));
    Stored stored = new Stored(trainedFrom, List.copyOf(skus), params, quality, histories);
    return new LiveRanker(stored, features, net);
  }

  private static RankerFeatures.Stacked stack(
      RankerFeatures features,
      List<Integer> users,
      Map<Integer, List<int[]>> histories,
      Map<Integer, int[]> next) {
    List<RankerFeatures.Candidates> candidates = new ArrayList<>(users.size());
    List<float[]> labels = new ArrayList<>(users.size());
    for (int user : users) {
      RankerFeatures.Candidates c = features.candidates(user, histories.get(user));
      candidates.add(c);
      labels.add(RankerFeatures.labels(c, next.get(user)));
    }
    return RankerFeatures.stack(candidates, labels);
  }

  /**
   * The {@code k} most likely SKUs of the user's next order, most likely first, from their orders'
   * SKUs (oldest first); SKUs the ranker does not know are ignored. Empty for a user with no order
   * it knows of: the caller falls back on other models.
   */
  public List<Scored> rank(List<List<String>> baskets, int k) {
    List<int[]> history = new ArrayList<>();
    for (List<String> basket : baskets) {
      int[] b =
          basket.stream().filter(index::containsKey).mapToInt(index::get).distinct().toArray();
      if (b.length > 0) history.add(b);
    }
    if (history.isEmpty()) return List.of();
    // not a pool user: no neighbour is skipped as the user themself
    RankerFeatures.Candidates c = features.candidates(Integer.MIN_VALUE, history);
    float[] p = net.predict(c.items(), c.dense(), c.cross());
    List<Scored> out = new ArrayList<>(c.size());
    for (int i = 0; i < c.size(); i++) out.add(new Scored(stored.skus().get(c.items()[i]), p[i]));
    out.sort((a, b) -> Double.compare(b.probability(), a.probability()));
    return out.size() > k ? List.copyOf(out.subList(0, k)) : out;
  }

  /**
   * The user's probability of buying {@code sku} in their next order, from their orders' SKUs;
   * empty if the ranker does not know the SKU or any SKU the user bought.
   */
  public java.util.OptionalDouble probability(List<List<String>> baskets, String sku) {
    return probabilityOfAny(baskets, List.of(sku));
  }

  /**
   * The user's probability of buying at least one of {@code skus} (say, a category's) in their next
   * order, taking the SKUs as independent: 1 - the product of (1 - P(each)); empty if the ranker
   * knows none of them or nothing the user bought.
   */
  public java.util.OptionalDouble probabilityOfAny(
      List<List<String>> baskets, java.util.Collection<String> skus) {
    int[] items =
        skus.stream().filter(index::containsKey).mapToInt(index::get).distinct().toArray();
    List<int[]> history = history(baskets);
    if (items.length == 0 || history.isEmpty()) return java.util.OptionalDouble.empty();
    RankerFeatures.Candidates c = features.candidates(Integer.MIN_VALUE, history, items);
    float[] p = net.predict(c.items(), c.dense(), c.cross());
    java.util.Set<Integer> wanted = new java.util.HashSet<>();
    for (int i : items) wanted.add(i);
    double none = 1;
    for (int i = 0; i < c.size(); i++) if (wanted.contains(c.items()[i])) none *= 1 - p[i];
    return java.util.OptionalDouble.of(1 - none);
  }

  private List<int[]> history(List<List<String>> baskets) {
    List<int[]> history = new ArrayList<>();
    for (List<String> basket : baskets) {
      int[] b =
          basket.stream().filter(index::containsKey).mapToInt(index::get).distinct().toArray();
      if (b.length > 0) history.add(b);
    }
    return history;
  }

  public String trainedFrom() {
    return stored.trainedFrom();
  }

  public Quality quality() {
    return stored.quality();
  }

  public int skus() {
    return stored.skus().size();
  }

  /** The SKUs known, in the ranker's own order (timings and tests). */
  List<String> skuNames() {
    return stored.skus();
  }

  /** Writes the ranker under {@code dir}: the network first, then {@value #META} atomically. */
  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
      // DJL numbers a save after the files it finds; one network per directory, so loading finds it
      try (var old = Files.newDirectoryStream(dir, "*.params")) {
        for (Path p : old) Files.delete(p);
      }
      net.save(dir);
      Path tmp = dir.resolve(META + ".tmp");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
        JSON.writeValue(out, toJson(stored));
      }
      Files.move(tmp, dir.resolve(META), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ranker written by {@link #save}. */
  public static LiveRanker load(Path dir) {
    Stored s;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(META)))) {
      s = fromJson(JSON.readValue(in, Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WideDeep.servingThreads();
    WideDeep net = WideDeep.load(dir, s.skus().size(), true, s.params().net());
    return new LiveRanker(s, features(s), net);
  }

  private static Map<String, Object> toJson(Stored s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trainedFrom", s.trainedFrom());
    m.put("skus", s.skus());
    m.put("tifu", s.params().tifu());
    m.put("cf", s.params().cf());
    m.put("net", s.params().net());
    m.put("quality", s.quality());
    Map<String, List<int[]>> histories = new LinkedHashMap<>();
    s.histories().keySet().stream()
        .sorted()
        .forEach(u -> histories.put(String.valueOf(u), s.histories().get(u)));
    m.put("histories", histories);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Stored fromJson(Map<String, Object> m) {
    Params params =
        new Params(
            JSON.convertValue(m.get("tifu"), TifuKnn.Params.class),
            JSON.convertValue(m.get("cf"), ItemCf.Params.class),
            JSON.convertValue(m.get("net"), WideDeep.Settings.class));
    Map<Integer, List<int[]>> histories = new LinkedHashMap<>();
    ((Map<String, List<List<Integer>>>) m.get("histories"))
        .forEach(
            (u, baskets) ->
                histories.put(
                    Integer.valueOf(u),
                    baskets.stream()
                        .map(b -> b.stream().mapToInt(Integer::intValue).toArray())
                        .toList()));
    return new Stored(
        (String) m.get("trainedFrom"),
        (List<String>) m.get("skus"),
        params,
        m.get("quality") == null ? null : JSON.convertValue(m.get("quality"), Quality.class),
        histories);
  }

  @Override
  public void close() {
    net.close();
  }
}
