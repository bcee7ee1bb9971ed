package io.groupbuy.platform;

import java.util.List;

/**
 * A feature's set of protobuf codecs. Each feature names its implementation in {@code
 * groupbuy.serialization.protobuf-codecs}, so the serializer (below every feature) knows none of
 * them.
 */
public interface ProtoCodecs {
  List<ProtoCodec<?>> codecs();
}
