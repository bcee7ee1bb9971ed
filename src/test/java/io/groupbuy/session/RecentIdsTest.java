package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
  private static List<String> list(RecentIds ids) {
    List<String> out = new ArrayList<>();
    ids.forEach(out::add);
    return out;
  }

  @Test
  void keepsTheLatestInOrderAndForgetsTheOldest() {
    RecentIds ids = new RecentIds();
    for (int i = 0; i < 12; i++) assertTrue(ids.add("e" + i, 10));
    assertEquals(10, ids.size());
    assertEquals("e2", list(ids).get(0));
    assertEquals("e11", list(ids).get(9));
    assertFalse(ids.contains("e1"));
    assertFalse(ids.add("e5", 10), "a remembered id is not added again");
    assertTrue(ids.add("e1", 10), "a forgotten one is");
    // a smaller limit trims at the next add
    assertTrue(ids.add("x", 3));
    assertEquals(List.of("e10", "e11", "e1", "x").subList(1, 4), list(ids));
  }

  @Test
  void aCopyIsApartFromItsOriginal() {
    RecentIds ids = new RecentIds();
    ids.add("a", 5);
    RecentIds copy = ids.copy();
    copy.add("b", 5);
    assertFalse(ids.contains("b"));
    assertTrue(copy.contains("a") && copy.contains("b"));
  }

  @Test
  void behavesAsAnInsertionOrderedSetWithEviction() {
    // the structure it replaced, as the reference, over random ids with many repeats
    SplittableRandom r = new SplittableRandom(3);
    RecentIds ids = new RecentIds();
    LinkedHashSet<String> reference = new LinkedHashSet<>();
    int capacity = 50;
    for (int i = 0; i < 20_000; i++) {
      String id = "id-" + r.nextInt(120);
      boolean added = reference.add(id);
      if (reference.size() > capacity) reference.remove(reference.iterator().next());
      assertEquals(added, ids.add(id, capacity), "add " + id + " at step " + i);
      if (i % 997 == 0) ids = ids.copy();
    }
    assertEquals(new ArrayList<>(reference), list(ids));
  }
}
