package io.groupbuy.platform;

import io.groupbuy.platform.proto.DomainErrorKind;
import io.groupbuy.platform.proto.DomainErrorReply;
import java.util.List;

/** The platform's own wire types: the domain error carried by a failed {@code StatusReply}. */
public final class PlatformProtobuf implements ProtoCodecs {

  @Override
  public List<ProtoCodec<?>> codecs() {
    return List.of(
        ProtoCodec.of(
            DomainError.Failure.class,
            "platform.DomainError",
            f -> toProto(f.error()),
            b -> fromProto(DomainErrorReply.parseFrom(b)).failure()));
  }

  static DomainErrorReply toProto(DomainError e) {
    var b =
        DomainErrorReply.newBuilder()
            .setKind(
                switch (e.kind()) {
                  case NOT_FOUND -> DomainErrorKind.NOT_FOUND;
                  case CONFLICT -> DomainErrorKind.CONFLICT;
                  case INVALID -> DomainErrorKind.INVALID;
                  case REJECTED -> DomainErrorKind.REJECTED;
                })
            .setMessage(e.message());
    if (e.field() != null) b.setField(e.field());
    return b.build();
  }

  static DomainError fromProto(DomainErrorReply p) {
    DomainError.Kind kind =
        switch (p.getKind()) {
          case NOT_FOUND -> DomainError.Kind.NOT_FOUND;
          case CONFLICT -> DomainError.Kind.CONFLICT;
          case INVALID -> DomainError.Kind.INVALID;
          // A kind added by a newer node reads as a refusal: the command did not take effect.
          case REJECTED, DOMAIN_ERROR_KIND_UNSPECIFIED, UNRECOGNIZED -> DomainError.Kind.REJECTED;
        };
    return DomainError.of(kind, p.getMessage(), p.getField().isEmpty() ? null : p.getField());
  }
}
