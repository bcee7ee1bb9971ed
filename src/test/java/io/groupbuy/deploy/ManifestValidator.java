package io.groupbuy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.Gson;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates Kubernetes YAML offline against the API models of {@code io.kubernetes:client-java-api}
 * (generated from the Kubernetes OpenAPI spec): unknown fields, missing required fields and wrong
 * shapes are errors. Gson alone would accept {@code "3"} for a number or {@code 3} for a string,
 * which the API server rejects, so scalars are read strictly. Not checked: enum values, name
 * formats and cross-field rules (selector matching labels).
 */
final class ManifestValidator {
  private ManifestValidator() {}

  private static final Map<String, Class<?>> TYPES =
      Map.of(
          "apps/v1/Deployment", V1Deployment.class,
          "v1/Service", V1Service.class,
          "v1/Namespace", V1Namespace.class,
          "v1/ServiceAccount", V1ServiceAccount.class,
          "v1/Secret", V1Secret.class,
          "v1/ConfigMap", V1ConfigMap.class,
          "rbac.authorization.k8s.io/v1/Role", V1Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding.class,
          "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

  private interface Read<T> {
    T apply(JsonReader in) throws IOException;
  }

  private static <T> TypeAdapter<T> strict(JsonToken expected, Read<T> read) {
    return new TypeAdapter<T>() {
      @Override
      public void write(JsonWriter out, T value) {
        throw new UnsupportedOperationException("read only");
      }

      @Override
      public T read(JsonReader in) throws IOException {
        if (in.peek() != expected) {
          throw new IllegalArgumentException(
              "expected " + expected + " but found " + in.peek() + " at " + in.getPath());
        }
        return read.apply(in);
      }
    }.nullSafe();
  }

  private static final Gson GSON =
      JSON.getGson()
          .newBuilder()
          .registerTypeAdapter(String.class, strict(JsonToken.STRING, JsonReader::nextString))
          .registerTypeAdapter(Integer.class, strict(JsonToken.NUMBER, JsonReader::nextInt))
          .registerTypeAdapter(Long.class, strict(JsonToken.NUMBER, JsonReader::nextLong))
          .registerTypeAdapter(Boolean.class, strict(JsonToken.BOOLEAN, JsonReader::nextBoolean))
          .create();
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

  /** One message per invalid document; empty when every document is valid. */
  static List<String> validate(String yaml) throws IOException {
    List<String> errors = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      int i = 0;
      while (docs.hasNext()) {
        JsonNode doc;
        try {
          doc = docs.next();
        } catch (RuntimeException syntax) {
          errors.add("document " + (i + 1) + ": not YAML: " + syntax.getMessage());
          break;
        }
        i++;
        if (doc == null || doc.isNull() || doc.isEmpty()) continue;
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<?> type = TYPES.get(key);
        if (type == null) {
          errors.add("document " + i + ": unsupported apiVersion/kind " + key);
          continue;
        }
        try {
          GSON.fromJson(JsonParser.parseString(JSON_MAPPER.writeValueAsString(doc)), type);
        } catch (RuntimeException e) {
          String message = String.valueOf(e.getMessage());
          errors.add(
              "document "
                  + i
                  + " ("
                  + key
                  + "): "
                  + message.substring(0, Math.min(300, message.length())));
        }
      }
    }
    return errors;
  }
}
