package io.groupbuy.platform;

/** Marker for commands, replies and other cluster messages serialized with Jackson CBOR. */
public interface CborSerializable {}
