package io.groupbuy.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

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
   */
  public static <T> Unmarshaller<HttpEntity, T> body(Class<T> type) {
    return Jackson.unmarshaller(MAPPER, type)
        .thenApply(
            value -> {
              if (value == null) // not IllegalArgumentException: pekko-http would turn that into a
                // ValidationRejection
                throw new IllegalStateException("the body must be a JSON object, not null");
              return value;
            });
  }

  public static <T> Marshaller<T, RequestEntity> json() {
    return Jackson.marshaller(MAPPER);
  }
}
