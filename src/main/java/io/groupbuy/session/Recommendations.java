package io.groupbuy.session;

import io.groupbuy.recommend.SkuRecommender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's recommendation model, read from a file and read again whenever the file changes (a new
 * model is put in place by {@code bin/recommend-train}, no restart), and recommendations for a
 * session from it. A file that cannot be read leaves the model in use as it was.
 */
public final class Recommendations {
  private static final Logger log = LoggerFactory.getLogger(Recommendations.class);

  private final Path file;
  private final Predicate<String> sellable;
  private final AtomicReference<Loaded> current = new AtomicReference<>();

  private record Loaded(SkuRecommender recommender, FileTime modified) {}

  /** {@code sellable}: whether a SKU may be recommended (the catalog has it). */
  public Recommendations(Path file, Predicate<String> sellable) {
    this.file = file;
    this.sellable = sellable;
    reloadIfChanged();
  }

  /** Reads the file again if it changed since it was last read; the node's timer calls this. */
  public void reloadIfChanged() {
    try {
      if (!Files.isRegularFile(file)) return;
      FileTime modified = Files.getLastModifiedTime(file);
      Loaded now = current.get();
      if (now != null && now.modified().equals(modified)) return;
      SkuRecommender.Model model = SkuRecommender.read(file);
      current.set(new Loaded(new SkuRecommender(model), modified));
      log.info(
          "Recommendation model loaded from {}: {} SKUs, trained from {}",
          file,
          model.popular().size(),
          model.trainedFrom());
    } catch (RuntimeException | java.io.IOException e) {
      log.warn(
          "Recommendation model at {} not loaded ({}); keeping the one in use", file, e.toString());
    }
  }

  /** What the model in use was trained from, or empty if none is loaded. */
  public Optional<String> modelSource() {
    Loaded l = current.get();
    return l == null ? Optional.empty() : Optional.of(l.recommender().model().trainedFrom());
  }

  /**
   * The best {@code k} SKUs for the session ({@code null}: a user with no session, who gets the
   * popular ones); empty if no model is loaded.
   */
  public Optional<List<SkuRecommender.Recommendation>> forSession(SessionState.View view, int k) {
    Loaded l = current.get();
    if (l == null) return Optional.empty();
    List<List<String>> baskets = view == null ? List.of() : view.recentBaskets();
    List<String> cart = view == null ? List.of() : view.inCart();
    return Optional.of(l.recommender().recommend(baskets, cart, k, sellable));
  }

  public Path file() {
    return file;
  }
}
