package io.groupbuy.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-basket data in the JSON-lines form of the Ta-Feng set: histories ({@code {"user_id": n,
 * "baskets": [[item, ...], ...]}}, oldest basket first) and next baskets ({@code {"user_id": n,
 * "basket": [item, ...]}}). Items are non-negative ints; a basket's items are distinct.
 */
public final class BasketData {
  private BasketData() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each user's baskets, oldest first, in file order. */
  public static Map<Integer, List<int[]>> histories(Path file) {
    Map<Integer, List<int[]>> out = new LinkedHashMap<>();
    forEachLine(
        file,
        (line, node) -> {
          List<int[]> baskets = new ArrayList<>();
          for (JsonNode b : required(node, "baskets", file, line)) baskets.add(items(b));
          out.put(userId(node, file, line), baskets);
        });
    return out;
  }

  /** Each user's next basket. */
  public static Map<Integer, int[]> nextBaskets(Path file) {
    Map<Integer, int[]> out = new LinkedHashMap<>();
    forEachLine(
        file,
        (line, node) ->
            out.put(userId(node, file, line), items(required(node, "basket", file, line))));
    return out;
  }

  /** User ids, a line each: a bare number or an object with {@code user_id}. */
  public static List<Integer> userIds(Path file) {
    List<Integer> out = new ArrayList<>();
    forEachLine(
        file, (line, node) -> out.add(node.isNumber() ? node.asInt() : userId(node, file, line)));
    return out;
  }

  /** The number of items: one more than the largest item id seen. */
  public static int itemCount(Map<Integer, List<int[]>> histories, Map<Integer, int[]> next) {
    int max = -1;
    for (List<int[]> h : histories.values())
      for (int[] b : h) for (int i : b) max = Math.max(max, i);
    for (int[] b : next.values()) for (int i : b) max = Math.max(max, i);
    return max + 1;
  }

  private interface LineHandler {
    void accept(int line, JsonNode node);
  }

  private static void forEachLine(Path file, LineHandler handler) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int line = 0;
      while ((text = in.readLine()) != null) {
        line++;
        if (text.isBlank()) continue;
        JsonNode node;
        try {
          node = JSON.readTree(text);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              file + " line " + line + ": not JSON (" + e.getMessage() + ")");
        }
        handler.accept(line, node);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static int userId(JsonNode node, Path file, int line) {
    JsonNode id = node.get("user_id");
    if (id == null || !id.canConvertToInt())
      throw new IllegalArgumentException(file + " line " + line + ": no integer user_id");
    return id.asInt();
  }

  private static JsonNode required(JsonNode node, String field, Path file, int line) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray())
      throw new IllegalArgumentException(file + " line " + line + ": no array " + field);
    return value;
  }

  private static int[] items(JsonNode basket) {
    int[] items = new int[basket.size()];
    for (int i = 0; i < items.length; i++) {
      int item = basket.get(i).asInt(-1);
      if (item < 0)
        throw new IllegalArgumentException("item ids must be non-negative ints: " + basket);
      items[i] = item;
    }
    return items;
  }
}
