package io.groupbuy.http;

import io.groupbuy.platform.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.server.Route;

/** The API description ({@code /openapi.yaml}) and Prometheus metrics ({@code /metrics}). */
public final class OpsRoutes extends ApiDirectives {
  private final byte[] openApi;

  public OpsRoutes(Auth auth, Metrics metrics) {
    super(auth, metrics);
    try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml missing from the classpath");
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Route routes() {
    return concat(
        path("openapi.yaml", () -> get(() -> complete(HttpEntities.create(
            MediaTypes.applicationWithOpenCharset("yaml").toContentType(HttpCharsets.UTF_8), openApi)))),
        path("metrics", () -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
            metrics.scrape())))));
  }
}
