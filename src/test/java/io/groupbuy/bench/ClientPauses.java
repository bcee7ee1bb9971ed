package io.groupbuy.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The load client's own garbage-collection pauses while it measures: a latency is taken in the
 * client, so a pause of the client's JVM lengthens the latencies of the answers it holds up.
 * Printed beside a latency run so that its tail can be read against them.
 */
final class ClientPauses implements AutoCloseable {
  private final ConcurrentLinkedQueue<Long> pausesMillis = new ConcurrentLinkedQueue<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener =
      (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) return;
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        // concurrent cycles are reported too, but do not stop the client
        if (!info.getGcCause().contains("No GC") && !info.getGcName().contains("Concurrent")) {
          pausesMillis.add(info.getGcInfo().getDuration());
        }
      };

  ClientPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  String line() {
    List<Long> pauses = new ArrayList<>(pausesMillis);
    long longest = pauses.stream().mapToLong(Long::longValue).max().orElse(0);
    long over10 = pauses.stream().filter(p -> p > 10).count();
    return String.format(
        "the load client's own GC pauses meanwhile: %d, %d of them over 10 ms, the longest %d ms",
        pauses.size(), over10, longest);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException gone) {
        // nothing to remove
      }
    }
  }
}
