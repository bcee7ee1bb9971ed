package io.groupbuy.costs;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.costs.CostQuotes.Quote;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Wholesale costs (operators):
 *
 * <ul>
 *   <li>{@code PUT /costs/{sku}/quotes} {@code {quotes: [{day, cost}]}}: a SKU's cost per day, from
 *       a supplier's or the wholesale market's price list; a day quoted again is replaced;
 *   <li>{@code GET /costs/{sku}/quotes?limit=}: the newest quotes, oldest first;
 *   <li>{@code GET /costs/{sku}/forecast?days=}: the cost of the days after the last quote ({@link
 *       CostForecasts}).
 * </ul>
 */
public final class CostRoutes extends ApiDirectives {
  /** One day's cost as uploaded: {@code day} as YYYY-MM-DD, {@code cost} in CNY per unit. */
  public record QuoteJson(String day, Double cost) {}

  public record QuotesRequest(List<QuoteJson> quotes) {}

  public record QuotesWritten(String sku, int written) {}

  public record QuoteList(String sku, List<QuoteJson> quotes) {}

  static final int MAX_QUOTES = 1_000;
  private static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final CostQuotes quotes;
  private final CostForecasts forecasts;
  private final Catalog catalog;
  private final Clock clock;
  private final ZoneId zone;

  public CostRoutes(
      CostQuotes quotes,
      CostForecasts forecasts,
      Catalog catalog,
      Clock clock,
      ZoneId zone,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.quotes = quotes;
    this.forecasts = forecasts;
    this.catalog = catalog;
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.PUT,
            "/costs/{sku}/quotes",
            path ->
                operatorOnSku(
                    path.get("sku"),
                    sku -> entity(JsonSupport.body(QuotesRequest.class), req -> store(sku, req)))),
        endpoint(
            HttpMethods.GET,
            "/costs/{sku}/quotes",
            path ->
                operatorOnSku(
                    path.get("sku"),
                    sku ->
                        parameterOptional(
                            "limit",
                            limit ->
                                withNumber(limit, "limit", 28, MAX_QUOTES, n -> list(sku, n))))),
        endpoint(
            HttpMethods.GET,
            "/costs/{sku}/forecast",
            path ->
                operatorOnSku(
                    path.get("sku"),
                    sku ->
                        parameterOptional(
                            "days",
                            days ->
                                withNumber(
                                    days,
                                    "days",
                                    7,
                                    CostForecasts.MAX_HORIZON,
                                    horizon -> forecast(sku, horizon))))));
  }

  /** For operators, on a SKU the catalog knows. */
  private Route operatorOnSku(String sku, Function<String, Route> inner) {
    return operator(p -> knownSku(sku, inner));
  }

  private Route list(String sku, int limit) {
    return onResult(
        quotes.latest(sku, limit),
        list ->
            json(
                StatusCodes.OK,
                new QuoteList(
                    sku,
                    list.stream().map(q -> new QuoteJson(q.day().toString(), q.cost())).toList())));
  }

  private Route forecast(String sku, int horizon) {
    return onResult(
        forecasts.forecast(sku, horizon),
        result ->
            result
                .map(r -> json(StatusCodes.OK, r))
                .orElseGet(
                    () ->
                        error(
                            StatusCodes.NOT_FOUND,
                            "no-quotes",
                            "no cost quotes for SKU "
                                + sku
                                + " yet: PUT /costs/"
                                + sku
                                + "/quotes first",
                            "sku")));
  }

  private Route store(String sku, QuotesRequest req) {
    if (req.quotes() == null || req.quotes().isEmpty())
      return error(
          StatusCodes.BAD_REQUEST, "missing-field", "quotes must list one or more", "quotes");
    if (req.quotes().size() > MAX_QUOTES)
      return error(
          StatusCodes.PAYLOAD_TOO_LARGE,
          "too-many-quotes",
          req.quotes().size() + " quotes in one upload; send at most " + MAX_QUOTES,
          "quotes");
    LocalDate latest = LocalDate.now(clock.withZone(zone)).plusDays(1);
    List<Quote> parsed = new ArrayList<>(req.quotes().size());
    Set<LocalDate> days = new HashSet<>();
    for (int i = 0; i < req.quotes().size(); i++) {
      QuoteJson q = req.quotes().get(i);
      String field = "quotes[" + i + "]";
      if (q == null || q.day() == null || q.cost() == null)
        return error(
            StatusCodes.BAD_REQUEST, "missing-field", field + " needs day and cost", field);
      LocalDate day;
      try {
        day = LocalDate.parse(q.day());
      } catch (DateTimeParseException e) {
        return error(
            StatusCodes.BAD_REQUEST, "invalid-date", field + ".day must be YYYY-MM-DD", field);
      }
      if (day.isBefore(FIRST_DAY) || day.isAfter(latest))
        return error(
            StatusCodes.BAD_REQUEST,
            "invalid-date",
            field + ".day must be from " + FIRST_DAY + " to " + latest + " (tomorrow)",
            field);
      if (!days.add(day))
        return error(
            StatusCodes.BAD_REQUEST,
            "duplicate-day",
            field + ".day " + day + " is quoted twice in this upload",
            field);
      if (!(q.cost() > 0) || q.cost().isInfinite() || q.cost() > 1_000_000)
        return error(
            StatusCodes.BAD_REQUEST,
            "invalid-cost",
            field + ".cost must be a number of CNY above 0 (and at most 1,000,000)",
            field);
      parsed.add(new Quote(day, q.cost()));
    }
    return onResult(quotes.put(sku, parsed), n -> json(StatusCodes.OK, new QuotesWritten(sku, n)));
  }

  private Route knownSku(String sku, Function<String, Route> inner) {
    if (!ID.matcher(sku).matches())
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid-id",
          "sku must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          "sku");
    return onResult(
        catalog.sku(sku),
        found ->
            found.isPresent()
                ? inner.apply(sku)
                : error(
                    StatusCodes.NOT_FOUND,
                    "not-found",
                    "no SKU " + sku + " in the catalog",
                    "sku"));
  }

  private Route withNumber(
      Optional<String> value, String name, int fallback, int max, Function<Integer, Route> inner) {
    int n;
    try {
      n = value.map(Integer::parseInt).orElse(fallback);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > max)
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid-" + name,
          name + " must be a whole number from 1 to " + max,
          name);
    return inner.apply(n);
  }
}
