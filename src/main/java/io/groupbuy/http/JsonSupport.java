package io.groupbuy.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * One JSON mapper for the public API: strict on input (unknown fields are errors), plain on output.
 */
public final class JsonSupport {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // "quantity": "2" is a type error (400), not a quantity of 2: numbers and booleans must
          // come as such
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(
              LogicalType.Integer,
              c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Boolean,
              c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
          .build();

  private JsonSupport() {}

  /**
   * Reads a JSON object of {@code type}; {@code null} or a non-object is a malformed body (400).
   *
   * <p>Parsed from the body's bytes with a reader made once per type: pekko-http's own Jackson
   * unmarshaller decodes every body to a String first and looks the reader up per request, which
   * costs the behaviour uploads (tens of KB each) a copy and a decode per request. JSON is UTF-8
   * (RFC 8259), which Jackson detects from the bytes.
   */
  public static <T> Unmarshaller<HttpEntity, T> body(Class<T> type) {
    ObjectReader reader = MAPPER.readerFor(type);
    return Unmarshaller.forMediaType(MediaTypes.APPLICATION_JSON, Unmarshaller.entityToByteString())
        .thenApply(bytes -> read(reader, bytes));
  }

  private static <T> T read(ObjectReader reader, ByteString bytes) {
    T value;
    try {
      value = reader.readValue(bytes.toArrayUnsafe());
    } catch (IOException e) {
      // not IllegalArgumentException: pekko-http would turn that into a ValidationRejection; any
      // other exception is a MalformedRequestContentRejection carrying the parser's message
      throw new MalformedBodyException(e);
    }
    if (value == null) throw new IllegalStateException("the body must be a JSON object, not null");
    return value;
  }

  /** A body that is not the JSON expected; its cause says where and why. */
  static final class MalformedBodyException extends RuntimeException {
    MalformedBodyException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  public static <T> Marshaller<T, RequestEntity> json() {
    return Jackson.marshaller(MAPPER);
  }
}
