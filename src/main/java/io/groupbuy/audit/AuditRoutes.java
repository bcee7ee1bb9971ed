package io.groupbuy.audit;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.platform.Metrics;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /ops/audit} (operators): runs the journal audit and publishes its figures as gauges.
 */
public final class AuditRoutes extends ApiDirectives {
  private final ActorSystem<?> system;

  public AuditRoutes(ActorSystem<?> system, Auth auth, Metrics metrics) {
    super(auth, metrics);
    this.system = system;
  }

  @Override
  public Route routes() {
    return endpoint(
        HttpMethods.GET,
        "/ops/audit",
        path ->
            operator(
                p ->
                    onResult(
                        JournalAudit.run(system, n -> {}),
                        report -> {
                          metrics.setAudit(
                              report.oversoldUnits(),
                              report.count(AuditReport.Kind.ORPHAN_RESERVATION),
                              report.count(AuditReport.Kind.UNBACKED_ORDER_LINE),
                              report.count(AuditReport.Kind.QUANTITY_MISMATCH));
                          return json(StatusCodes.OK, report);
                        })));
  }
}
