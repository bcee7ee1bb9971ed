package io.groupbuy.sim.market;

import io.groupbuy.forecast.PriceSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the market evaluations share: the real prices, categories and loss rates they read, how many
 * items over how many days after how much history, and the seeds; from the options {@code --prices
 * --loss-rates --items --skus --days --history --seeds}.
 */
record MarketSetup(
    Path prices,
    List<PriceSeries.Item> series,
    Map<String, Double> lossRates,
    int skus,
    int days,
    int history,
    long[] seeds) {

  static MarketSetup fromArgs(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--"))
        throw new IllegalArgumentException(
            "unexpected argument " + args[i] + " (options are --name value)");
      o.put(args[i].substring(2), args[i + 1]);
    }
    Path prices =
        Path.of(
            o.getOrDefault(
                "prices", "../shared/data/cumcm2023c_vegetables/wholesale_prices_train.csv"));
    Path dir = prices.toAbsolutePath().getParent();
    Path losses =
        Path.of(o.getOrDefault("loss-rates", dir.resolve("item_loss_rates.csv").toString()));
    Path items = Path.of(o.getOrDefault("items", dir.resolve("items.csv").toString()));
    return new MarketSetup(
        prices,
        PriceSeries.read(prices, PriceSeries.categories(items)),
        lossRates(losses),
        Integer.parseInt(o.getOrDefault("skus", "24")),
        Integer.parseInt(o.getOrDefault("days", "90")),
        Integer.parseInt(o.getOrDefault("history", "120")),
        Arrays.stream(o.getOrDefault("seeds", "1,2,3").split(","))
            .mapToLong(Long::parseLong)
            .toArray());
  }

  /** The simulated items of one seed, history included. */
  List<Market.Item> items(long seed) {
    return Market.simulate(
        series, lossRates, skus, history + days, seed, Market.Settings.defaults());
  }

  /** {@code item_code,...,loss_rate_pct} (the rate in the last column). */
  static Map<String, Double> lossRates(Path file) {
    Map<String, Double> out = new HashMap<>();
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (f.length >= 3) out.put(f[0].trim(), Double.parseDouble(f[f.length - 1].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
