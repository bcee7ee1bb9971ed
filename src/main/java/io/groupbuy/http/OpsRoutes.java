package io.groupbuy.http;

import io.groupbuy.platform.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API description ({@code /openapi.yaml}), Prometheus metrics ({@code /metrics}) and the list
 * of endpoints this node serves ({@code /ops/routes}: the other route classes' and these).
 */
public final class OpsRoutes extends ApiDirectives {
  private final byte[] openApi;
  private final List<ApiDirectives> apis;

  public OpsRoutes(Auth auth, Metrics metrics, List<ApiDirectives> apis) {
    super(auth, metrics);
    this.apis = List.copyOf(apis);
    try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml missing from the classpath");
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.GET,
            "/openapi.yaml",
            path ->
                complete(
                    HttpEntities.create(
                        MediaTypes.applicationWithOpenCharset("yaml")
                            .toContentType(HttpCharsets.UTF_8),
                        openApi))),
        endpoint(
            HttpMethods.GET,
            "/metrics",
            path -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape()))),
        endpoint(
            HttpMethods.GET,
            "/ops/routes",
            path ->
                operator(
                    p ->
                        json(
                            StatusCodes.OK,
                            Map.of(
                                "endpoints",
                                served().stream()
                                    .map(
                                        e ->
                                            Map.of(
                                                "method", e.method().name(), "path", e.template()))
                                    .toList())))));
  }

  /** Every endpoint the node serves, these included. */
  public List<Endpoint> served() {
    List<Endpoint> all = new ArrayList<>();
    apis.forEach(api -> all.addAll(api.endpoints()));
    all.addAll(endpoints());
    return all;
  }
}
