package io.groupbuy.dispatch;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.dispatch.proto.GpsBatch;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.platform.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * Delivery over HTTP. Operators: {@code PUT /regions/{id}} (depot, speed, service time), {@code
 * POST /regions/{id}/vehicles} (register a vehicle and get its driver's token), {@code POST
 * /regions/{id}/cutoff}, {@code GET /regions/{id}/plan}, {@code GET /vehicles/{id}}; fleet gateways
 * (operator token): {@code POST /gps} with a JSON or protobuf ({@code application/x-protobuf},
 * {@code GpsBatch}) batch of fixes. Drivers: {@code GET /vehicles/{id}} for their own vehicle and
 * the WebSocket {@code /drivers/socket?vehicleId=…} (token in the {@code Authorization} header or
 * an {@code access_token} query parameter, since browsers cannot set headers on WebSockets).
 */
public final class DispatchRoutes extends ApiDirectives {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Duration DRIVER_TOKEN_VALIDITY = Duration.ofDays(30);

  public record RegionRequest(
      Double depotLat, Double depotLng, Double speedKmh, Integer serviceSeconds) {}

  public record VehicleRequest(String vehicleId, String driverId, Integer capacity) {}

  public record VehicleRegistration(Vehicle.Summary vehicle, String driverToken) {}

  public record CutoffRequest(String cutoffId, Long departAt, Long windowStart, Long windowEnd) {}

  public record FixRequest(String vehicleId, Double lat, Double lng, Double speedKmh, Long at) {}

  public record GpsRequest(List<FixRequest> fixes) {}

  private final ShardedDispatch dispatch;
  private final GpsGate gps;
  private final DriverSocket sockets;
  private final Duration timeout;
  private static final String PROTOBUF = "application/x-protobuf";

  /** A batch of thousands of fixes is larger than the API's usual body limit. */
  private static final long GPS_BODY_LIMIT = 1024 * 1024;

  public DispatchRoutes(
      ShardedDispatch dispatch,
      GpsGate gps,
      DriverSocket sockets,
      GroupbuySettings settings,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.dispatch = dispatch;
    this.gps = gps;
    this.sockets = sockets;
    this.timeout = settings.askTimeout();
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.PUT,
            "/regions/{regionId}",
            path ->
                validId(
                    path.get("regionId"),
                    "regionId",
                    () ->
                        operator(
                            p ->
                                entity(
                                    JsonSupport.body(RegionRequest.class),
                                    req ->
                                        onResult(
                                            configure(path.get("regionId"), req),
                                            v -> json(StatusCodes.OK, v)))))),
        endpoint(
            HttpMethods.POST,
            "/regions/{regionId}/vehicles",
            path ->
                validId(
                    path.get("regionId"),
                    "regionId",
                    () ->
                        operator(
                            p ->
                                entity(
                                    JsonSupport.body(VehicleRequest.class),
                                    req ->
                                        onResult(
                                            register(path.get("regionId"), req),
                                            v -> json(StatusCodes.CREATED, v)))))),
        endpoint(
            HttpMethods.POST,
            "/regions/{regionId}/cutoff",
            path ->
                validId(
                    path.get("regionId"),
                    "regionId",
                    () ->
                        operator(
                            p ->
                                entity(
                                    JsonSupport.body(CutoffRequest.class),
                                    req ->
                                        onResult(
                                            cutoff(path.get("regionId"), req),
                                            v -> json(StatusCodes.OK, v)))))),
        endpoint(
            HttpMethods.GET,
            "/regions/{regionId}/plan",
            path ->
                validId(
                    path.get("regionId"),
                    "regionId",
                    () ->
                        operator(
                            p ->
                                onResult(
                                    dispatch
                                        .region(path.get("regionId"))
                                        .<DispatchRegion.PlanView>askWithStatus(
                                            DispatchRegion.GetPlan::new, timeout),
                                    v -> json(StatusCodes.OK, v))))),
        endpoint(
            HttpMethods.GET,
            "/vehicles/{vehicleId}",
            path ->
                validId(
                    path.get("vehicleId"),
                    "vehicleId",
                    () ->
                        authenticated(
                            p ->
                                onResult(
                                    dispatch
                                        .vehicle(path.get("vehicleId"))
                                        .<Vehicle.Summary>askWithStatus(Vehicle.Get::new, timeout),
                                    v ->
                                        mayRead(p, v)
                                            ? json(StatusCodes.OK, v)
                                            : error(
                                                StatusCodes.NOT_FOUND,
                                                "not-found",
                                                "no vehicle " + path.get("vehicleId"),
                                                "vehicleId"))))),
        endpoint(
            HttpMethods.POST,
            "/gps",
            path ->
                operator(
                    p ->
                        withSizeLimit(
                            GPS_BODY_LIMIT,
                            () ->
                                extractRequestEntity(
                                    e ->
                                        e.getContentType().mediaType().toString().equals(PROTOBUF)
                                            ? entity(
                                                Unmarshaller.entityToByteString(),
                                                this::gpsProtobuf)
                                            : entity(
                                                JsonSupport.body(GpsRequest.class),
                                                this::gpsJson))))),
        endpoint(HttpMethods.GET, "/drivers/socket", path -> driverSocket()));
  }

  private Route validId(String id, String field, Supplier<Route> inner) {
    return ID.matcher(id).matches()
        ? inner.get()
        : error(
            StatusCodes.BAD_REQUEST,
            "invalid",
            field + " must be 1-64 characters of A-Z a-z 0-9 . _ : -",
            field);
  }

  private static boolean mayRead(Auth.Principal p, Vehicle.Summary v) {
    return p.isOperator() || (p.role() == Auth.Role.DRIVER && p.subject().equals(v.driverId()));
  }

  private CompletionStage<DispatchRegion.PlanView> configure(String regionId, RegionRequest req) {
    if (req.depotLat() == null || req.depotLng() == null) {
      throw new ApiError.Failure(
          400, "missing-field", "depotLat and depotLng are required", "depotLat");
    }
    double speed = req.speedKmh() == null ? 30 : req.speedKmh();
    int service = req.serviceSeconds() == null ? 300 : req.serviceSeconds();
    return dispatch
        .region(regionId)
        .askWithStatus(
            r -> new DispatchRegion.Configure(req.depotLat(), req.depotLng(), speed, service, r),
            timeout);
  }

  private CompletionStage<VehicleRegistration> register(String regionId, VehicleRequest req) {
    if (req.vehicleId() == null || !ID.matcher(req.vehicleId()).matches()) {
      throw new ApiError.Failure(
          400,
          "missing-field",
          "vehicleId is required: 1-64 characters of A-Z a-z 0-9 . _ : -",
          "vehicleId");
    }
    if (req.driverId() == null || !ID.matcher(req.driverId()).matches()) {
      throw new ApiError.Failure(
          400,
          "missing-field",
          "driverId is required: 1-64 characters of A-Z a-z 0-9 . _ : -",
          "driverId");
    }
    if (req.capacity() == null || req.capacity() <= 0 || req.capacity() > 100_000) {
      throw new ApiError.Failure(
          422, "invalid", "capacity must be between 1 and 100000 units", "capacity");
    }
    return dispatch
        .region(regionId)
        .<DispatchRegion.PlanView>askWithStatus(DispatchRegion.GetPlan::new, timeout)
        .thenCompose(
            plan -> {
              if (!plan.configured()) {
                throw new ApiError.Failure(
                    409,
                    "conflict",
                    "region " + regionId + " has no depot yet; PUT /regions/" + regionId + " first",
                    "regionId");
              }
              return dispatch
                  .vehicle(req.vehicleId())
                  .<Vehicle.Summary>askWithStatus(
                      r ->
                          new Vehicle.Register(
                              req.driverId(),
                              req.capacity(),
                              regionId,
                              plan.depotLat(),
                              plan.depotLng(),
                              r),
                      timeout);
            })
        .thenCompose(
            vehicle ->
                dispatch
                    .region(regionId)
                    .<DispatchRegion.PlanView>askWithStatus(
                        r -> new DispatchRegion.JoinVehicle(req.vehicleId(), req.capacity(), r),
                        timeout)
                    .thenApply(
                        plan ->
                            new VehicleRegistration(
                                vehicle,
                                auth.issue(
                                    req.driverId(), Auth.Role.DRIVER, DRIVER_TOKEN_VALIDITY))));
  }

  private CompletionStage<DispatchRegion.PlanView> cutoff(String regionId, CutoffRequest req) {
    if (req.cutoffId() == null || !ID.matcher(req.cutoffId()).matches()) {
      throw new ApiError.Failure(
          400, "missing-field", "cutoffId is required (it makes retries safe)", "cutoffId");
    }
    if (req.windowStart() == null || req.windowEnd() == null) {
      throw new ApiError.Failure(
          400, "missing-field", "windowStart and windowEnd (epoch ms) are required", "windowStart");
    }
    long depart = req.departAt() == null ? System.currentTimeMillis() : req.departAt();
    // solving takes up to the cutoff time limit: allow for it beyond the usual ask timeout
    return dispatch
        .region(regionId)
        .askWithStatus(
            r ->
                new DispatchRegion.Cutoff(
                    req.cutoffId(), depart, req.windowStart(), req.windowEnd(), r),
            timeout.plusSeconds(30));
  }

  private Route gpsJson(GpsRequest req) {
    if (req.fixes() == null)
      return error(StatusCodes.BAD_REQUEST, "missing-field", "fixes is required", "fixes");
    if (req.fixes().size() > gps.settings().maxBatch()) return tooMany(req.fixes().size());
    return ingest(
        req.fixes().stream()
            .map(
                f ->
                    f == null
                        ? null
                        : new FixRequest(f.vehicleId(), f.lat(), f.lng(), f.speedKmh(), f.at()))
            .toList());
  }

  /** Admits or refuses every fix, sends the admitted, answers once they reached their vehicles. */
  private Route ingest(List<FixRequest> fixes) {
    List<GpsGate.RawFix> raw =
        fixes.stream()
            .map(
                f ->
                    f == null
                        ? null
                        : new GpsGate.RawFix(f.vehicleId(), f.lat(), f.lng(), f.speedKmh(), f.at()))
            .toList();
    return onResult(gps.ingest(raw), r -> json(StatusCodes.OK, r));
  }

  private Route gpsProtobuf(ByteString bytes) {
    GpsBatch batch;
    try {
      batch = GpsBatch.parseFrom(bytes.toArray());
    } catch (InvalidProtocolBufferException e) {
      return error(
          StatusCodes.BAD_REQUEST,
          "malformed-protobuf",
          "the body is not a GpsBatch (protobuf/dispatch.proto): " + e.getMessage(),
          null);
    }
    if (batch.getFixesCount() > gps.settings().maxBatch()) return tooMany(batch.getFixesCount());
    return ingest(
        batch.getFixesList().stream()
            .map(
                f ->
                    new FixRequest(
                        f.getVehicleId(), f.getLat(), f.getLng(), f.getSpeedKmh(), f.getAtMs()))
            .toList());
  }

  private Route tooMany(int n) {
    return error(
        StatusCodes.PAYLOAD_TOO_LARGE,
        "batch-too-large",
        n + " fixes in one batch; send at most " + gps.settings().maxBatch(),
        "fixes");
  }

  /**
   * Authenticates before the upgrade: a refused driver gets a plain 401/403/404, never a socket.
   */
  private Route driverSocket() {
    return parameterOptional(
        "access_token",
        queryToken ->
            optionalHeaderValueByName(
                "Authorization",
                header -> {
                  var principal =
                      header.isPresent()
                          ? auth.verifyHeader(header.get())
                          : queryToken.flatMap(auth::verify);
                  if (principal.isEmpty()) {
                    return error(
                        StatusCodes.UNAUTHORIZED,
                        header.isPresent() || queryToken.isPresent()
                            ? "invalid-credentials"
                            : "missing-credentials",
                        "a driver token is required (Authorization header or access_token parameter)",
                        "Authorization");
                  }
                  if (principal.get().role() != Auth.Role.DRIVER) {
                    return error(
                        StatusCodes.FORBIDDEN,
                        "forbidden",
                        "the drivers' socket needs a driver token",
                        "Authorization");
                  }
                  return parameterOptional(
                      "vehicleId",
                      vehicleId -> {
                        if (vehicleId.isEmpty() || !ID.matcher(vehicleId.get()).matches()) {
                          return error(
                              StatusCodes.BAD_REQUEST,
                              "missing-field",
                              "vehicleId query parameter is required",
                              "vehicleId");
                        }
                        String driver = principal.get().subject();
                        return onResult(
                            dispatch
                                .vehicle(vehicleId.get())
                                .<Vehicle.Summary>askWithStatus(Vehicle.Get::new, timeout),
                            v ->
                                v.driverId().equals(driver)
                                    ? extractWebSocketUpgrade(
                                        upgrade ->
                                            complete(
                                                sockets.accept(upgrade, vehicleId.get(), driver)))
                                    : error(
                                        StatusCodes.FORBIDDEN,
                                        "forbidden",
                                        "driver "
                                            + driver
                                            + " does not drive vehicle "
                                            + vehicleId.get(),
                                        "vehicleId"));
                      });
                }));
  }
}
