package io.groupbuy.platform;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The node's Prometheus metrics; one instance per actor system, served at {@code GET /metrics}. */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  public final Counter ordersPlaced;
  public final Counter ordersRejected;
  public final Counter ordersCancelled;
  public final Counter httpErrors;
  public final Counter httpServerErrors;
  public final Histogram reservationSeconds;
  public final Histogram placementSeconds;
  public final Histogram inventoryBatchCommands;
  public final Histogram regionBatchOrders;
  public final Histogram ledgerBatchCommands;
  public final Histogram sessionBatchUploads;
  public final Histogram recommendationSeconds;
  public final Gauge projectionLagSeconds;
  public final Counter gpsAccepted;
  public final Counter behaviourEvents;
  public final Counter behaviourRejected;
  public final Counter gpsDropped;
  public final Histogram gpsFixToVehicleSeconds;
  public final Counter driverBadFrames;
  public final Counter deadLetters;
  public final Counter dispatchHandOverFailures;
  public final AtomicLong driversConnected = new AtomicLong();
  private final Map<String, AtomicLong> shardCounts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> entityCounts = new ConcurrentHashMap<>();

  private final AtomicLong[] audit = {
    new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()
  };

  /** The figures of the last journal audit (GET /ops/audit). */
  public void setAudit(
      long oversoldUnits,
      long orphanReservations,
      long unbackedOrderLines,
      long quantityMismatches) {
    audit[0].set(oversoldUnits);
    audit[1].set(orphanReservations);
    audit[2].set(unbackedOrderLines);
    audit[3].set(quantityMismatches);
    audit[4].set(System.currentTimeMillis() / 1000);
  }

  /** Counts an error answer as a client (4xx) or server (5xx) error. */
  public void countHttpError(int status) {
    (status >= 500 ? httpServerErrors : httpErrors).labelValues(String.valueOf(status)).inc();
  }

  public Metrics() {
    ordersPlaced =
        Counter.builder()
            .name("groupbuy_orders_placed_total")
            .help("Orders confirmed (stock reserved for every line)")
            .register(registry);
    ordersRejected =
        Counter.builder()
            .name("groupbuy_orders_rejected_total")
            .help("Orders rejected by inventory (sold out or unavailable)")
            .register(registry);
    ordersCancelled =
        Counter.builder()
            .name("groupbuy_orders_cancelled_total")
            .help("Orders cancelled")
            .register(registry);
    deadLetters =
        Counter.builder()
            .name("groupbuy_dead_letters_total")
            .help("Messages not delivered: dead letters, dropped (e.g. a full buffer) or unhandled")
            .labelNames("kind")
            .register(registry);
    dispatchHandOverFailures =
        Counter.builder()
            .name("groupbuy_order_dispatch_handover_failures_total")
            .help(
                "Hand-overs of an order to its dispatch region (add or withdraw) that failed;"
                    + " each is retried with backoff unless refused")
            .labelNames("what")
            .register(registry);
    httpErrors =
        Counter.builder()
            .name("groupbuy_http_client_errors_total")
            .help("Requests answered with a 4xx error")
            .labelNames("code")
            .register(registry);
    httpServerErrors =
        Counter.builder()
            .name("groupbuy_http_server_errors_total")
            .help("Requests answered with a 5xx error (503: retry later; 500: a defect)")
            .labelNames("code")
            .register(registry);
    reservationSeconds =
        Histogram.builder()
            .name("groupbuy_inventory_reservation_seconds")
            .help("Time for one inventory reservation, ask to reply")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    inventoryBatchCommands =
        Histogram.builder()
            .name("groupbuy_inventory_batch_commands")
            .help("Commands an inventory entity decided together and persisted in one write")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            .register(registry);
    regionBatchOrders =
        Histogram.builder()
            .name("groupbuy_dispatch_region_batch_orders")
            .help("Confirmed orders a dispatch region journalled together in one write")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 500)
            .register(registry);
    ledgerBatchCommands =
        Histogram.builder()
            .name("groupbuy_order_ledger_batch_commands")
            .help(
                "Commands for many orders an order ledger decided together and persisted in one write")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            .register(registry);
    sessionBatchUploads =
        Histogram.builder()
            .name("groupbuy_session_batch_uploads")
            .help(
                "Commands for one user (uploads, confirmed orders) a session decided together and"
                    + " persisted in one write")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64)
            .register(registry);
    recommendationSeconds =
        Histogram.builder()
            .name("groupbuy_recommendation_seconds")
            .help(
                "Time in the node to make one user's recommendations: session read, candidates and"
                    + " ranking")
            .classicUpperBounds(
                0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    projectionLagSeconds =
        Gauge.builder()
            .name("groupbuy_projection_lag_seconds")
            .help(
                "Age of the newest event in a read-model projection's last run when its rows were"
                    + " written, per projection and ledger")
            .labelNames("projection", "ledger")
            .register(registry);
    placementSeconds =
        Histogram.builder()
            .name("groupbuy_order_placement_seconds")
            .help("Time to place an order over HTTP, request to outcome")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    gpsAccepted =
        Counter.builder()
            .name("groupbuy_gps_fixes_accepted_total")
            .help("GPS fixes passed on to their vehicle (WebSocket and batch upload)")
            .register(registry);
    behaviourEvents =
        Counter.builder()
            .name("groupbuy_behaviour_events_total")
            .help(
                "Behaviour events persisted in users' sessions, by cleaning rule (accepted, duplicate,"
                    + " too_old, too_far_ahead)")
            .labelNames("rule")
            .register(registry);
    behaviourRejected =
        Counter.builder()
            .name("groupbuy_behaviour_rejected_total")
            .help("Behaviour events refused before any session, by reason")
            .labelNames("reason")
            .register(registry);
    gpsDropped =
        Counter.builder()
            .name("groupbuy_gps_fixes_dropped_total")
            .help("GPS fixes dropped at the edge, by reason")
            .labelNames("reason")
            .register(registry);
    gpsFixToVehicleSeconds =
        Histogram.builder()
            .name("groupbuy_gps_fix_to_vehicle_seconds")
            .help("Time from receiving a GPS fix at the edge to the Vehicle entity handling it")
            .classicUpperBounds(
                0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    driverBadFrames =
        Counter.builder()
            .name("groupbuy_driver_bad_frames_total")
            .help("Malformed, oversized or refused frames from drivers' apps")
            .labelNames("code")
            .register(registry);
    String[][] auditGauges = {
      {
        "groupbuy_audit_oversold_units",
        "Units held or sold beyond those received, at the last journal audit"
      },
      {
        "groupbuy_audit_orphan_reservations",
        "Stock held for missing, rejected or cancelled orders, last audit"
      },
      {
        "groupbuy_audit_unbacked_order_lines",
        "Confirmed order lines without stock held for them, at the last audit"
      },
      {
        "groupbuy_audit_quantity_mismatches",
        "Reservations of another quantity than their order line, last audit"
      },
      {
        "groupbuy_audit_last_run_timestamp_seconds",
        "When the last journal audit finished (0: never on this node)"
      }
    };
    for (int i = 0; i < auditGauges.length; i++) {
      AtomicLong value = audit[i];
      GaugeWithCallback.builder()
          .name(auditGauges[i][0])
          .help(auditGauges[i][1])
          .callback(cb -> cb.call(value.get()))
          .register(registry);
    }
    GaugeWithCallback.builder()
        .name("groupbuy_drivers_connected")
        .help("Drivers' apps connected to this node")
        .callback(cb -> cb.call(driversConnected.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("groupbuy_shards")
        .help("Shards hosted by this node, per entity type")
        .labelNames("entity_type")
        .callback(cb -> shardCounts.forEach((type, n) -> cb.call(n.get(), type)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("groupbuy_entities")
        .help("Live entities on this node, per entity type")
        .labelNames("entity_type")
        .callback(cb -> entityCounts.forEach((type, n) -> cb.call(n.get(), type)))
        .register(registry);
  }

  public void setShardState(String entityType, int shards, int entities) {
    shardCounts.computeIfAbsent(entityType, t -> new AtomicLong()).set(shards);
    entityCounts.computeIfAbsent(entityType, t -> new AtomicLong()).set(entities);
  }

  public String scrape() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
