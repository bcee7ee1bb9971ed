package io.groupbuy.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drivers' apps streaming GPS over the real WebSocket: each virtual driver registers its vehicle
 * (setup, over HTTP), connects, waits for its route, then sends fixes at a steady rate and, every
 * 50 fixes, a ping whose answer Gatling times (the round trip through the same socket, behind the
 * fixes before it).
 *
 * <p>System properties: {@code base} (default http://127.0.0.1:8080), {@code drivers} (200), {@code
 * fixesPerSecond} per driver (5), {@code seconds} of streaming per driver (60), {@code secret} (the
 * node's groupbuy.auth.secret; the development default if unset), {@code region} (wh-load).
 */
public class GpsWebSocketSimulation extends Simulation {
  static final String BASE = System.getProperty("base", "http://127.0.0.1:8080");
  static final int DRIVERS = Integer.getInteger("drivers", 200);
  static final int RATE = Integer.getInteger("fixesPerSecond", 5);
  static final int SECONDS = Integer.getInteger("seconds", 60);
  static final String SECRET =
      System.getProperty("secret", "dev-only-secret-change-me-0123456789abcdef");
  static final String REGION = System.getProperty("region", "wh-load");

  static String operatorToken() {
    return JWT.create()
        .withIssuer("groupbuy")
        .withSubject("load-test")
        .withClaim("role", "operator")
        .withIssuedAt(Instant.now())
        .withExpiresAt(Instant.now().plus(Duration.ofHours(2)))
        .sign(Algorithm.HMAC256(SECRET));
  }

  static String call(HttpClient client, String method, String path, String token, String json)
      throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(BASE + path))
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300)
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    return r.body();
  }

  /**
   * Registers the vehicles once; each virtual driver takes one (vehicle id and its driver token).
   */
  static List<Map<String, Object>> registerVehicles() {
    try {
      HttpClient client = HttpClient.newHttpClient();
      String op = operatorToken();
      call(client, "PUT", "/regions/" + REGION, op, "{\"depotLat\":29.56,\"depotLng\":106.55}");
      Pattern token = Pattern.compile("\"driverToken\":\"([^\"]+)\"");
      List<Map<String, Object>> drivers = new ArrayList<>();
      for (int i = 0; i < DRIVERS; i++) {
        String body =
            call(
                client,
                "POST",
                "/regions/" + REGION + "/vehicles",
                op,
                "{\"vehicleId\":\"load-"
                    + i
                    + "\",\"driverId\":\"load-driver-"
                    + i
                    + "\",\"capacity\":100}");
        Matcher m = token.matcher(body);
        if (!m.find()) throw new IllegalStateException("no driver token in " + body);
        drivers.add(Map.of("vehicleId", "load-" + i, "token", m.group(1), "lat", 29.5 + i * 1e-4));
      }
      return drivers;
    } catch (Exception e) {
      throw new IllegalStateException(
          "setup failed: is a node running at " + BASE + "? " + e.getMessage(), e);
    }
  }

  HttpProtocolBuilder protocol = http.baseUrl(BASE).wsBaseUrl(BASE.replaceFirst("^http", "ws"));

  ScenarioBuilder drivers =
      scenario("drivers streaming GPS")
          .feed(listFeeder(registerVehicles()).queue())
          .exec(
              ws("connect")
                  .connect("/drivers/socket?vehicleId=#{vehicleId}")
                  .header("Authorization", "Bearer #{token}")
                  .await(10)
                  .on(ws.checkTextMessage("current route").check(jsonPath("$.type").is("route"))))
          .repeat(SECONDS * RATE / 50, "block")
          .on(
              exec(session -> session.set("n", 0))
                  .repeat(50)
                  .on(
                      exec(session ->
                              session
                                  .set("at", System.currentTimeMillis())
                                  .set("lat", ((Number) session.get("lat")).doubleValue() + 1e-6))
                          .exec(
                              ws("gps")
                                  .sendText(
                                      StringBody(
                                          "{\"type\":\"gps\",\"lat\":#{lat},\"lng\":106.55,\"speedKmh\":25,\"at\":#{at}}")))
                          .pause(Duration.ofMillis(1000 / RATE)))
                  .exec(
                      ws("ping after 50 fixes")
                          .sendText("{\"type\":\"ping\",\"id\":\"p\"}")
                          .await(10)
                          .on(ws.checkTextMessage("pong").check(jsonPath("$.status").is("pong")))))
          .exec(ws("close").close());

  {
    setUp(drivers.injectOpen(rampUsers(DRIVERS).during(Duration.ofSeconds(10))))
        .protocols(protocol);
  }
}
