package io.groupbuy.platform;

/**
 * Marker for what goes into the journal or snapshot store: events and snapshots, written as
 * protobuf.
 */
public interface ProtoPersisted {}
