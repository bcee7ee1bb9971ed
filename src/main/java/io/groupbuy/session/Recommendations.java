package io.groupbuy.session;

import io.groupbuy.recommend.LiveRanker;
import io.groupbuy.recommend.SkuRecommender;
import io.groupbuy.recommend.SkuRecommender.Reason;
import io.groupbuy.recommend.SkuRecommender.Recommendation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's recommendation models, each read from its file and read again whenever the file
 * changes (new models are put in place by {@code bin/recommend-train}, no restart), and
 * recommendations for a session from them: the Wide&Deep ranker orders the candidates of a user
 * with orders by P(in the next order); item-CF serves the others (a cart but no order yet) and
 * fills in, and popular SKUs serve users never seen. A file that cannot be read leaves the model in
 * use as it was.
 */
public final class Recommendations {
  private static final Logger log = LoggerFactory.getLogger(Recommendations.class);

  private final Path file;
  private final Path rankerDir;
  private final Predicate<String> sellable;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private final AtomicReference<LoadedRanker> ranker = new AtomicReference<>();
  // replaced at the last reload; closed at the next, once no request can still be using it
  private LiveRanker retired;

  private record Loaded(SkuRecommender recommender, FileTime modified) {}

  private record LoadedRanker(LiveRanker ranker, FileTime modified) {}

  /** How a list of recommendations was made. */
  public record Made(String model, String rankedBy, List<Recommendation> items) {}

  /**
   * {@code rankerDir} null for no ranker; {@code sellable}: whether a SKU may be recommended (the
   * catalog has it).
   */
  public Recommendations(Path file, Path rankerDir, Predicate<String> sellable) {
    this.file = file;
    this.rankerDir = rankerDir;
    this.sellable = sellable;
    reloadIfChanged();
  }

  /**
   * Reads the files again if they changed since they were last read; the node's timer calls this.
   */
  public synchronized void reloadIfChanged() {
    try {
      if (Files.isRegularFile(file)) {
        FileTime modified = Files.getLastModifiedTime(file);
        Loaded now = current.get();
        if (now == null || !now.modified().equals(modified)) {
          SkuRecommender.Model model = SkuRecommender.read(file);
          current.set(new Loaded(new SkuRecommender(model), modified));
          log.info(
              "Recommendation model loaded from {}: {} SKUs, trained from {}",
              file,
              model.popular().size(),
              model.trainedFrom());
        }
      }
    } catch (RuntimeException | java.io.IOException e) {
      log.warn(
          "Recommendation model at {} not loaded ({}); keeping the one in use", file, e.toString());
    }
    reloadRankerIfChanged();
  }

  private void reloadRankerIfChanged() {
    if (rankerDir == null) return;
    Path meta = rankerDir.resolve(LiveRanker.META);
    try {
      if (!Files.isRegularFile(meta)) return;
      FileTime modified = Files.getLastModifiedTime(meta);
      LoadedRanker now = ranker.get();
      if (now != null && now.modified().equals(modified)) return;
      LiveRanker loaded = LiveRanker.load(rankerDir);
      if (retired != null) retired.close();
      retired = now == null ? null : now.ranker();
      ranker.set(new LoadedRanker(loaded, modified));
      log.info(
          "Wide&Deep ranker loaded from {}: {} SKUs, trained from {}, held-out AUC {}",
          rankerDir,
          loaded.skus(),
          loaded.trainedFrom(),
          loaded.quality() == null ? "?" : String.format("%.4f", loaded.quality().auc()));
    } catch (RuntimeException | java.io.IOException | Error e) {
      // Error too: a native library that cannot load must not take the node's timer down
      log.warn("Ranker at {} not loaded ({}); keeping the one in use", rankerDir, e.toString());
    }
  }

  /**
   * The user's probability of buying at least one of {@code skus} (a category's) next, by the
   * ranker in use; empty as for {@link #propensity}.
   */
  public Optional<Double> propensityOfAny(SessionState.View view, List<String> skus) {
    LoadedRanker r = ranker.get();
    if (r == null || view == null || view.recentBaskets().isEmpty()) return Optional.empty();
    var p = r.ranker().probabilityOfAny(view.recentBaskets(), skus);
    return p.isPresent() ? Optional.of(p.getAsDouble()) : Optional.empty();
  }

  /** What the ranker in use was trained from, or empty if none is loaded. */
  public Optional<String> rankerSource() {
    LoadedRanker r = ranker.get();
    return r == null ? Optional.empty() : Optional.of("wide-deep: " + r.ranker().trainedFrom());
  }

  /** What the item-CF model in use was trained from, or empty if none is loaded. */
  public Optional<String> modelSource() {
    Loaded l = current.get();
    return l == null ? Optional.empty() : Optional.of(l.recommender().model().trainedFrom());
  }

  /**
   * The best {@code k} SKUs for the session ({@code null}: a user with no session, who gets the
   * popular ones); empty if no model is loaded. With the ranker, the score of a ranked SKU is its
   * probability of being in the user's next order.
   */
  public Optional<Made> forSession(SessionState.View view, int k) {
    Loaded l = current.get();
    if (l == null) return Optional.empty();
    List<List<String>> baskets = view == null ? List.of() : view.recentBaskets();
    List<String> cart = view == null ? List.of() : view.inCart();
    String model = l.recommender().model().trainedFrom();
    LoadedRanker r = ranker.get();
    if (r != null && !baskets.isEmpty()) {
      List<LiveRanker.Scored> ranked = r.ranker().rank(baskets, k + cart.size() + 20);
      if (!ranked.isEmpty()) {
        return Optional.of(
            new Made(
                model,
                "wide-deep: " + r.ranker().trainedFrom(),
                ranked(ranked, baskets, cart, k, l.recommender())));
      }
    }
    return Optional.of(
        new Made(model, "item-cf", l.recommender().recommend(baskets, cart, k, sellable)));
  }

  /**
   * The user's probability of buying {@code sku} in their next order, by the ranker in use; empty
   * without a ranker, for a user with no orders it knows of, or for a SKU it does not know.
   */
  public Optional<Double> propensity(SessionState.View view, String sku) {
    return propensityOfAny(view, List.of(sku));
  }

  /** The ranked SKUs that may be sold, then item-CF's and popular ones to fill {@code k}. */
  private List<Recommendation> ranked(
      List<LiveRanker.Scored> ranked,
      List<List<String>> baskets,
      List<String> cart,
      int k,
      SkuRecommender fill) {
    Set<String> bought = new HashSet<>();
    baskets.forEach(bought::addAll);
    Set<String> inCart = Set.copyOf(cart);
    List<Recommendation> out = new ArrayList<>(k);
    Set<String> used = new HashSet<>();
    for (LiveRanker.Scored s : ranked) {
      if (out.size() >= k) break;
      if (!sellable.test(s.sku()) || !used.add(s.sku())) continue;
      Reason reason =
          inCart.contains(s.sku())
              ? Reason.IN_CART
              : bought.contains(s.sku()) ? Reason.BOUGHT_BEFORE : Reason.LIKELY_NEXT;
      out.add(new Recommendation(s.sku(), s.probability(), reason));
    }
    if (out.size() < k) {
      for (Recommendation more : fill.recommend(baskets, cart, k + used.size(), sellable)) {
        if (out.size() >= k) break;
        if (used.add(more.sku())) out.add(new Recommendation(more.sku(), 0, more.reason()));
      }
    }
    return out;
  }

  public Path file() {
    return file;
  }
}
