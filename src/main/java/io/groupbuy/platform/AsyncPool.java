package io.groupbuy.platform;

import java.util.concurrent.ForkJoinPool;

/**
 * Keeps {@link java.util.concurrent.CompletableFuture}'s default async pool a pool.
 *
 * <p>On a machine with 2 cores the JDK sizes the common pool to 1, and CompletableFuture then runs
 * every default-async callback on a <em>new thread</em>. Scala's Future-to-CompletionStage bridge,
 * which Pekko's Java API returns for every ask, turns even {@code whenComplete} and {@code
 * thenApply} into async callbacks: the order benchmark spent 5% of the node's CPU starting threads
 * (async-profiler, {@code CompletableFuture$ThreadPerTaskExecutor}).
 */
public final class AsyncPool {
  public static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private AsyncPool() {}

  /**
   * Must run before anything touches {@link ForkJoinPool} or CompletableFuture (first line of
   * main); an explicit {@code -D} setting is left alone.
   *
   * @return the common pool's parallelism in effect
   */
  public static int ensureCommonPoolIsUsed() {
    if (System.getProperty(PARALLELISM) == null) {
      System.setProperty(
          PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
