package io.groupbuy.recommend;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live "猜你喜欢" recommender over catalog SKUs: item-based CF over baskets blended with the user's
 * own repeat purchases and open carts, as the next-basket evaluation tuned it (repeat weight 0.5,
 * basket decay 0.9, similarity P(j | i)); popular SKUs fill the rest and serve users with no
 * history. A {@link Model} is plain data, written to and read from a JSON file, so a node can load
 * a new one while it runs.
 */
public final class SkuRecommender {

  /**
   * Why an item is recommended; {@code LIKELY_NEXT}: the ranker finds it likely in the user's next
   * order (shoppers like them buy it), though they never bought it.
   */
  public enum Reason {
    IN_CART,
    BOUGHT_BEFORE,
    BOUGHT_TOGETHER,
    LIKELY_NEXT,
    POPULAR
  }

  public record Neighbour(String sku, double similarity) {}

  /**
   * What serving needs: the SKUs by popularity (most first), each SKU's most similar ones, and how
   * scores blend. {@code trainedFrom} says what the model was built from.
   */
  public record Model(
      String trainedFrom,
      double repeatWeight,
      double decay,
      List<String> popular,
      Map<String, List<Neighbour>> similar) {
    public Model {
      popular = List.copyOf(popular);
      // in the order given (popularity), so that the same data writes the same file
      similar = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(similar));
    }
  }

  public record Recommendation(String sku, double score, Reason reason) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Model model;
  private final Map<String, Integer> popularityRank = new HashMap<>();

  public SkuRecommender(Model model) {
    this.model = model;
    for (int r = 0; r < model.popular().size(); r++) popularityRank.put(model.popular().get(r), r);
  }

  public Model model() {
    return model;
  }

  /**
   * Builds a model from baskets of SKUs (each a day's or an order's distinct SKUs); each SKU keeps
   * its {@code neighbours} most similar by P(j | i), the share of i's baskets that hold j.
   */
  public static Model train(
      Collection<List<String>> baskets,
      int neighbours,
      double repeatWeight,
      double decay,
      String trainedFrom) {
    Map<String, Integer> count = new HashMap<>();
    Map<String, Map<String, Integer>> together = new HashMap<>();
    for (List<String> basket : baskets) {
      List<String> distinct = basket.stream().distinct().toList();
      for (String a : distinct) {
        count.merge(a, 1, Integer::sum);
        Map<String, Integer> row = together.computeIfAbsent(a, x -> new HashMap<>());
        for (String b : distinct) if (!a.equals(b)) row.merge(b, 1, Integer::sum);
      }
    }
    List<String> popular =
        count.entrySet().stream()
            .sorted(
                Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey)
            .toList();
    Map<String, List<Neighbour>> similar = new LinkedHashMap<>();
    for (String a : popular) {
      double n = count.get(a);
      similar.put(
          a,
          together.getOrDefault(a, Map.of()).entrySet().stream()
              .map(e -> new Neighbour(e.getKey(), e.getValue() / n))
              .sorted(
                  Comparator.comparingDouble(Neighbour::similarity)
                      .reversed()
                      .thenComparing(Neighbour::sku))
              .limit(neighbours)
              .toList());
    }
    return new Model(trainedFrom, repeatWeight, decay, popular, similar);
  }

  /**
   * The {@code k} best SKUs for a user: {@code baskets} their orders' SKUs, oldest first; {@code
   * inCart} what they have in their cart. Only SKUs {@code sellable} accepts are returned.
   */
  public List<Recommendation> recommend(
      List<List<String>> baskets,
      Collection<String> inCart,
      int k,
      java.util.function.Predicate<String> sellable) {
    Map<String, Double> own = new HashMap<>();
    for (int b = 0; b < baskets.size(); b++) {
      double w = Math.pow(model.decay(), baskets.size() - 1 - b);
      for (String sku : baskets.get(b)) own.merge(sku, w, Double::sum);
    }
    // a SKU in the cart counts as much as one in the latest basket
    for (String sku : inCart) own.merge(sku, 1.0, Double::sum);
    Map<String, Double> together = new HashMap<>();
    own.forEach(
        (sku, w) -> {
          for (Neighbour n : model.similar().getOrDefault(sku, List.of())) {
            together.merge(n.sku(), w * n.similarity(), Double::sum);
          }
        });
    double maxOwn = own.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double maxTogether =
        together.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    Map<String, Recommendation> scored = new HashMap<>();
    Set<String> candidates = new java.util.HashSet<>(own.keySet());
    candidates.addAll(together.keySet());
    Set<String> cart = Set.copyOf(inCart);
    for (String sku : candidates) {
      double o = maxOwn > 0 ? own.getOrDefault(sku, 0.0) / maxOwn : 0;
      double t = maxTogether > 0 ? together.getOrDefault(sku, 0.0) / maxTogether : 0;
      double score =
          model.repeatWeight() * o + (1 - model.repeatWeight()) * t + popularityTieBreak(sku);
      Reason reason =
          cart.contains(sku)
              ? Reason.IN_CART
              : own.containsKey(sku) ? Reason.BOUGHT_BEFORE : Reason.BOUGHT_TOGETHER;
      scored.put(sku, new Recommendation(sku, score, reason));
    }
    List<Recommendation> out =
        new ArrayList<>(
            scored.values().stream()
                .filter(r -> sellable.test(r.sku()))
                .sorted(
                    Comparator.comparingDouble(Recommendation::score)
                        .reversed()
                        .thenComparing(Recommendation::sku))
                .limit(k)
                .toList());
    for (String sku : model.popular()) {
      if (out.size() >= k) break;
      if (!scored.containsKey(sku) && sellable.test(sku)) {
        out.add(new Recommendation(sku, popularityTieBreak(sku), Reason.POPULAR));
      }
    }
    return out;
  }

  private double popularityTieBreak(String sku) {
    Integer rank = popularityRank.get(sku);
    return rank == null ? 0 : 1e-6 / (1 + rank);
  }

  /** Writes the model as JSON, atomically: a node watching the file never reads half of it. */
  public static void write(Model model, Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      JSON.writeValue(tmp.toFile(), model);
      try {
        Files.setPosixFilePermissions(
            tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // the file keeps the platform's default permissions
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + file, e);
    }
  }

  public static Model read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Model.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a recommendation model from " + file, e);
    }
  }
}
