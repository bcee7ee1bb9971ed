package io.groupbuy.platform;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.util.function.Function;

/**
 * Maps one persisted Java type to its protobuf message. The manifest is written beside each event
 * and never changes once data exists, even if the Java class is renamed.
 */
public record ProtoCodec<T>(
    Class<T> type, String manifest, Function<T, MessageLite> toProto, Parser<T> parser) {

  @FunctionalInterface
  public interface Parser<T> {
    T parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  public static <T> ProtoCodec<T> of(
      Class<T> type, String manifest, Function<T, MessageLite> toProto, Parser<T> parser) {
    return new ProtoCodec<>(type, manifest, toProto, parser);
  }

  byte[] write(Object value) {
    return toProto.apply(type.cast(value)).toByteArray();
  }
}
