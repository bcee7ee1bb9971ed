package io.groupbuy.session;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The latest ids seen, oldest first, up to a number given when one is added. A session copies its
 * cleaner for every upload (its state is copied on write), so this is kept cheap to copy: a ring of
 * ids and a parallel array of their hashes, two array copies, where a hashed set of 500 ids took
 * 500 insertions. A lookup scans the hashes, a few hundred ints.
 */
final class RecentIds implements Iterable<String> {
  private static final int FIRST_CAPACITY = 8;

  private String[] ids;
  private int[] hashes;
  private int oldest;
  private int size;

  RecentIds() {
    this.ids = new String[FIRST_CAPACITY];
    this.hashes = new int[FIRST_CAPACITY];
  }

  private RecentIds(String[] ids, int[] hashes, int oldest, int size) {
    this.ids = ids;
    this.hashes = hashes;
    this.oldest = oldest;
    this.size = size;
  }

  RecentIds copy() {
    return new RecentIds(ids.clone(), hashes.clone(), oldest, size);
  }

  int size() {
    return size;
  }

  boolean contains(String id) {
    return indexOf(id) >= 0;
  }

  /** Where {@code id} is among these, 0 for the oldest; -1 if it is not. */
  int indexOf(String id) {
    int h = id.hashCode();
    int[] hs = hashes;
    String[] slots = ids;
    for (int k = 0; k < hs.length; k++) {
      // empty slots hold null, which equals no id
      if (hs[k] == h && id.equals(slots[k])) return Math.floorMod(k - oldest, slots.length);
    }
    return -1;
  }

  /**
   * Adds {@code id} unless it is among these; then forgets the oldest until at most {@code
   * capacity} remain. Whether it was added.
   */
  boolean add(String id, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    if (contains(id)) return false;
    while (size >= capacity) {
      ids[oldest] = null;
      hashes[oldest] = 0;
      oldest = (oldest + 1) % ids.length;
      size--;
    }
    if (size == ids.length) grow(Math.min(capacity, 2 * ids.length));
    int slot = (oldest + size) % ids.length;
    ids[slot] = id;
    hashes[slot] = id.hashCode();
    size++;
    return true;
  }

  private void grow(int length) {
    String[] moved = new String[length];
    int[] movedHashes = new int[length];
    for (int i = 0; i < size; i++) {
      int from = (oldest + i) % ids.length;
      moved[i] = ids[from];
      movedHashes[i] = hashes[from];
    }
    ids = moved;
    hashes = movedHashes;
    oldest = 0;
  }

  /** Oldest first. */
  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public String next() {
        if (next >= size) throw new NoSuchElementException();
        return ids[(oldest + next++) % ids.length];
      }
    };
  }
}
