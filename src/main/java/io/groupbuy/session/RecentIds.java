package io.groupbuy.session;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * The latest event ids seen, oldest first, up to a number given when one is added, each kept as a
 * 64-bit fingerprint rather than as the id: every session keeps hundreds of ids for as long as it
 * lives, and as strings they were most of a session's memory. Two different ids share a fingerprint
 * with probability about 2^-64, so among 500 remembered ids a new event is taken for a duplicate
 * about once in 3 × 10^16. A copy is one array copy; a lookup scans a few hundred longs.
 */
final class RecentIds {
  private static final int FIRST_CAPACITY = 8;

  /** FarmHash Fingerprint64: Guava promises it never changes, so snapshots stay readable. */
  private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  private long[] ring;
  private int oldest;
  private int size;

  RecentIds() {
    this.ring = new long[FIRST_CAPACITY];
  }

  private RecentIds(long[] ring, int oldest, int size) {
    this.ring = ring;
    this.oldest = oldest;
    this.size = size;
  }

  /** The fingerprint an id is remembered by. */
  static long fingerprint(String id) {
    return FINGERPRINT.hashString(id, StandardCharsets.UTF_8).asLong();
  }

  RecentIds copy() {
    return new RecentIds(ring.clone(), oldest, size);
  }

  int size() {
    return size;
  }

  boolean contains(String id) {
    return indexOf(id) >= 0;
  }

  /** Where {@code id} is among these, 0 for the oldest; -1 if it is not. */
  int indexOf(String id) {
    long f = fingerprint(id);
    for (int i = 0; i < size; i++) {
      if (ring[(oldest + i) % ring.length] == f) return i;
    }
    return -1;
  }

  /**
   * Adds {@code id} unless it is among these; then forgets the oldest until at most {@code
   * capacity} remain. Whether it was added.
   */
  boolean add(String id, int capacity) {
    return addFingerprint(fingerprint(id), capacity);
  }

  /** As {@link #add}, for an id known by its fingerprint (a restored snapshot). */
  boolean addFingerprint(long f, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    for (int i = 0; i < size; i++) {
      if (ring[(oldest + i) % ring.length] == f) return false;
    }
    while (size >= capacity) {
      oldest = (oldest + 1) % ring.length;
      size--;
    }
    if (size == ring.length) grow(Math.min(capacity, 2 * ring.length));
    ring[(oldest + size) % ring.length] = f;
    size++;
    return true;
  }

  /** The fingerprints, oldest first. */
  long[] fingerprints() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) out[i] = ring[(oldest + i) % ring.length];
    return out;
  }

  private void grow(int length) {
    ring = java.util.Arrays.copyOf(fingerprints(), length);
    oldest = 0;
  }
}
