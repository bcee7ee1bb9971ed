package io.groupbuy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.scaladsl.unmarshalling.Unmarshaller.UnsupportedContentTypeException;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonSupportTest {
  record Line(String sku, int quantity) {}

  record Body(String note, List<Line> lines) {}

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    // not the node's configuration, whose coordinated shutdown ends the JVM
    system =
        ActorSystem.create(
            "json-support-test",
            com.typesafe.config.ConfigFactory.parseString(
                    "pekko.coordinated-shutdown.exit-jvm = off\npekko.actor.provider = local")
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static Body read(HttpEntity entity) throws Exception {
    return JsonSupport.body(Body.class)
        .unmarshal(entity, system)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(HttpEntity entity) {
    try {
      read(entity);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the body was accepted");
  }

  private static HttpEntity json(String text) {
    return HttpEntities.create(ContentTypes.APPLICATION_JSON, text);
  }

  @Test
  void readsUtf8BodiesWhetherStrictOrStreamed() throws Exception {
    String text = "{\"note\":\"我的订单什么时候到?\",\"lines\":[{\"sku\":\"s-1\",\"quantity\":2}]}";
    Body expected = new Body("我的订单什么时候到?", List.of(new Line("s-1", 2)));
    assertEquals(expected, read(json(text)));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // split inside a multi-byte character: the bytes are joined before they are decoded
    Source<ByteString, ?> chunks =
        Source.from(
            List.of(
                ByteString.fromArray(bytes, 0, 10),
                ByteString.fromArray(bytes, 10, bytes.length - 10)));
    assertEquals(
        expected, read(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes.length, chunks)));
  }

  @Test
  void malformedJsonFailsWithTheParsersMessage() {
    Throwable t = failure(json("{\"note\": \"x\", \"lines\": [}"));
    assertInstanceOf(JsonSupport.MalformedBodyException.class, t);
    assertInstanceOf(JsonProcessingException.class, t.getCause());
    assertTrue(t.getMessage().contains("Unexpected close marker"), t.getMessage());
  }

  @Test
  void aWrongFieldIsNamedByItsPath() {
    Throwable t = failure(json("{\"note\":\"x\",\"lines\":[{\"sku\":\"s\",\"quantity\":\"2\"}]}"));
    JsonMappingException m = assertInstanceOf(JsonMappingException.class, t.getCause());
    assertEquals("quantity", m.getPath().get(m.getPath().size() - 1).getFieldName());
    Throwable unknown = failure(json("{\"note\":\"x\",\"colour\":\"red\"}"));
    assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
  }

  @Test
  void nullAndOtherContentTypesAreRefused() {
    Throwable nul = failure(json("null"));
    assertInstanceOf(IllegalStateException.class, nul);
    Throwable text = failure(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{\"note\":\"x\"}"));
    assertInstanceOf(UnsupportedContentTypeException.class, text);
  }
}
