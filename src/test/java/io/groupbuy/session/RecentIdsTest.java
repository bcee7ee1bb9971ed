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
  private static List<Long> list(RecentIds ids) {
    return java.util.Arrays.stream(ids.fingerprints()).boxed().toList();
  }

  private static List<Long> fingerprints(List<String> ids) {
    return ids.stream().map(RecentIds::fingerprint).toList();
  }

  @Test
  void keepsTheLatestInOrderAndForgetsTheOldest() {
    RecentIds ids = new RecentIds();
    for (int i = 0; i < 12; i++) assertTrue(ids.add("e" + i, 10));
    assertEquals(10, ids.size());
    assertEquals(RecentIds.fingerprint("e2"), list(ids).get(0));
    assertEquals(RecentIds.fingerprint("e11"), list(ids).get(9));
    assertFalse(ids.contains("e1"));
    assertFalse(ids.add("e5", 10), "a remembered id is not added again");
    assertTrue(ids.add("e1", 10), "a forgotten one is");
    // a smaller limit trims at the next add
    assertTrue(ids.add("x", 3));
    assertEquals(fingerprints(List.of("e11", "e1", "x")), list(ids));
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
  void fingerprintsAreStableAndTellSimilarIdsApart() {
    // written into snapshots: the same id must give the same fingerprint on every node and release
    assertEquals(RecentIds.fingerprint("e0000000123-45"), RecentIds.fingerprint("e0000000123-45"));
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200_000; i++)
      assertTrue(seen.add(RecentIds.fingerprint("e" + i + "-" + i % 7)));
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
    assertEquals(fingerprints(new ArrayList<>(reference)), list(ids));
  }
}
