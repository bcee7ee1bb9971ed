package io.groupbuy.platform;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.dispatch.DispatchProtobuf;
import io.groupbuy.inventory.InventoryProtobuf;
import io.groupbuy.order.OrderProtobuf;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/** Writes events and snapshots ({@link ProtoPersisted}) as the protobuf messages of {@code protobuf/*.proto}. */
public final class ProtobufEventSerializer extends SerializerWithStringManifest {
  public static final int IDENTIFIER = 9701;

  private final Map<Class<?>, ProtoCodec<?>> byType = new HashMap<>();
  private final Map<String, ProtoCodec<?>> byManifest = new HashMap<>();

  public ProtobufEventSerializer(ExtendedActorSystem system) {
    for (List<ProtoCodec<?>> codecs : List.of(InventoryProtobuf.CODECS, OrderProtobuf.CODECS, DispatchProtobuf.CODECS)) {
      for (ProtoCodec<?> codec : codecs) {
        if (byManifest.put(codec.manifest(), codec) != null) {
          throw new IllegalStateException("duplicate manifest " + codec.manifest());
        }
        byType.put(codec.type(), codec);
      }
    }
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return codecFor(o).manifest();
  }

  @Override
  public byte[] toBinary(Object o) {
    return codecFor(o).write(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    ProtoCodec<?> codec = byManifest.get(manifest);
    if (codec == null) throw new NotSerializableException("unknown manifest " + manifest);
    try {
      return codec.parser().parse(bytes);
    } catch (InvalidProtocolBufferException e) {
      NotSerializableException failure = new NotSerializableException("corrupt " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private ProtoCodec<?> codecFor(Object o) {
    ProtoCodec<?> codec = byType.get(o.getClass());
    if (codec == null) throw new IllegalArgumentException("no protobuf codec for " + o.getClass().getName());
    return codec;
  }
}
