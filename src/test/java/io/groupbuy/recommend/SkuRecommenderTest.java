package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.recommend.SkuRecommender.Reason;
import io.groupbuy.recommend.SkuRecommender.Recommendation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkuRecommenderTest {
  private static final SkuRecommender.Model MODEL =
      SkuRecommender.train(
          List.of(
              List.of("apple", "pear"),
              List.of("apple", "pear"),
              List.of("apple", "milk"),
              List.of("pear"),
              List.of("plum"),
              List.of("bread", "milk")),
          10,
          0.6,
          0.9,
          "test baskets");

  private static List<String> skus(List<Recommendation> r) {
    return r.stream().map(Recommendation::sku).toList();
  }

  @Test
  void aUserWithoutHistoryGetsThePopularSkus() {
    var r = new SkuRecommender(MODEL).recommend(List.of(), List.of(), 3, sku -> true);
    assertEquals(List.of("apple", "pear", "milk"), skus(r));
    r.forEach(x -> assertEquals(Reason.POPULAR, x.reason()));
  }

  @Test
  void ownPurchasesComeFirstThenWhatIsBoughtWithThemThenPopularOnesTheCatalogSells() {
    var r =
        new SkuRecommender(MODEL)
            .recommend(List.of(List.of("pear")), List.of(), 4, sku -> !sku.equals("milk"));
    assertEquals(List.of("pear", "apple", "bread", "plum"), skus(r));
    assertEquals(
        List.of(Reason.BOUGHT_BEFORE, Reason.BOUGHT_TOGETHER, Reason.POPULAR, Reason.POPULAR),
        r.stream().map(Recommendation::reason).toList());
  }

  @Test
  void aModelReadBackRecommendsTheSame() throws Exception {
    Path file = Files.createTempDirectory("sku-model").resolve("model.json");
    SkuRecommender.write(MODEL, file);
    var again = new SkuRecommender(SkuRecommender.read(file));
    assertEquals(
        new SkuRecommender(MODEL)
            .recommend(List.of(List.of("milk")), List.of("plum"), 5, s -> true),
        again.recommend(List.of(List.of("milk")), List.of("plum"), 5, s -> true));
  }
}
