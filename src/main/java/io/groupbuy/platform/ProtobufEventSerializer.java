package io.groupbuy.platform;

import com.google.protobuf.InvalidProtocolBufferException;
import com.typesafe.config.Config;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Writes events and snapshots ({@link ProtoPersisted}) as the protobuf messages of {@code
 * protobuf/*.proto}, with the codecs each feature registers under {@code
 * groupbuy.serialization.protobuf-codecs}.
 */
public final class ProtobufEventSerializer extends SerializerWithStringManifest {
  public static final int IDENTIFIER = 9701;

  private final Map<Class<?>, ProtoCodec<?>> byType = new HashMap<>();
  private final Map<String, ProtoCodec<?>> byManifest = new HashMap<>();

  public ProtobufEventSerializer(ExtendedActorSystem system) {
    Config registry =
        system.settings().config().getConfig("groupbuy.serialization.protobuf-codecs");
    for (String feature : new TreeMap<>(registry.root().unwrapped()).keySet()) {
      for (ProtoCodec<?> codec : load(feature, registry.getString(feature)).codecs()) {
        if (byManifest.put(codec.manifest(), codec) != null) {
          throw new IllegalStateException("duplicate manifest " + codec.manifest());
        }
        byType.put(codec.type(), codec);
      }
    }
  }

  private static ProtoCodecs load(String feature, String className) {
    try {
      return Class.forName(className).asSubclass(ProtoCodecs.class).getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "groupbuy.serialization.protobuf-codecs."
              + feature
              + " = "
              + className
              + " is not a ProtoCodecs class with a public no-argument constructor",
          e);
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
      NotSerializableException failure =
          new NotSerializableException("corrupt " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private ProtoCodec<?> codecFor(Object o) {
    ProtoCodec<?> codec = byType.get(o.getClass());
    if (codec == null)
      throw new IllegalArgumentException("no protobuf codec for " + o.getClass().getName());
    return codec;
  }
}
