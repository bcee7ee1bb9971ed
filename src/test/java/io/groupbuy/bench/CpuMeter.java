package io.groupbuy.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the processes of a benchmark (the node, Cassandra, the load client itself) over its
 * measured window, so a rate can be read against what it cost: on a saturated machine the processes
 * share the same cores, and the cost per unit says which one to make cheaper.
 */
final class CpuMeter {
  private final Map<String, Long> pids = new LinkedHashMap<>();
  private Map<String, Long> startNanos;
  private Map<String, Long> stopNanos;
  private long startWall;
  private long stopWall;

  /** {@code pid} -1 stands for this process (the load client). */
  CpuMeter watch(String name, long pid) {
    pids.put(name, pid);
    return this;
  }

  void start() {
    startWall = System.nanoTime();
    startNanos = read();
  }

  void stop() {
    stopNanos = read();
    stopWall = System.nanoTime();
  }

  boolean started() {
    return startNanos != null;
  }

  boolean measured() {
    return startNanos != null && stopNanos != null;
  }

  /** One line: cores used by each process, and milliseconds of CPU per unit. */
  String line(long units, String unit) {
    if (!measured()) return "CPU not measured";
    StringBuilder b = new StringBuilder("CPU in the measured window, cores (ms per " + unit + "):");
    double wall = stopWall - startWall;
    long total = 0;
    for (String name : pids.keySet()) {
      long used = stopNanos.get(name) - startNanos.get(name);
      total += used;
      b.append(String.format(" %s %.2f (%.2f),", name, used / wall, perUnit(used, units)));
    }
    b.append(String.format(" all %.2f (%.2f)", total / wall, perUnit(total, units)));
    return b.toString();
  }

  private static double perUnit(long nanos, long units) {
    return units == 0 ? 0 : nanos / 1e6 / units;
  }

  private Map<String, Long> read() {
    Map<String, Long> now = new LinkedHashMap<>();
    pids.forEach((name, pid) -> now.put(name, cpuNanos(pid)));
    return now;
  }

  static long cpuNanos(long pid) {
    if (pid < 0) {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }
}
