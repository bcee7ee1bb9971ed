package io.groupbuy.platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness (Pekko Management {@code /ready}): the node is ready only while it may write to the
 * journal.
 */
public final class JournalFenceReadiness implements Supplier<CompletionStage<Boolean>> {
  private final JournalFence fence;

  public JournalFenceReadiness(ActorSystem system) {
    this.fence = JournalFence.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(fence.canWrite());
  }
}
