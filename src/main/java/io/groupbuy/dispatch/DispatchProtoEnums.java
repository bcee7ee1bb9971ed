package io.groupbuy.dispatch;

import io.groupbuy.dispatch.Vehicle.IncidentKind;
import io.groupbuy.dispatch.Vehicle.StopEventKind;
import io.groupbuy.dispatch.proto.IncidentType;
import io.groupbuy.dispatch.proto.StopEventType;
import io.groupbuy.dispatch.proto.VehicleStatus;

/**
 * The persisted enums of dispatch and their protobuf values, written out so that a value added on
 * either side fails to compile here. Readers fall back to the string written before the enums
 * existed.
 */
final class DispatchProtoEnums {
  private DispatchProtoEnums() {}

  static VehicleStatus status(Vehicle.Status s) {
    return switch (s) {
      case OFF_DUTY -> VehicleStatus.VEHICLE_STATUS_OFF_DUTY;
      case IDLE -> VehicleStatus.VEHICLE_STATUS_IDLE;
      case LOADING -> VehicleStatus.VEHICLE_STATUS_LOADING;
      case EN_ROUTE -> VehicleStatus.VEHICLE_STATUS_EN_ROUTE;
      case RETURNING -> VehicleStatus.VEHICLE_STATUS_RETURNING;
      case BROKEN_DOWN -> VehicleStatus.VEHICLE_STATUS_BROKEN_DOWN;
    };
  }

  static Vehicle.Status status(VehicleStatus value, String written) {
    return switch (value) {
      case VEHICLE_STATUS_OFF_DUTY -> Vehicle.Status.OFF_DUTY;
      case VEHICLE_STATUS_IDLE -> Vehicle.Status.IDLE;
      case VEHICLE_STATUS_LOADING -> Vehicle.Status.LOADING;
      case VEHICLE_STATUS_EN_ROUTE -> Vehicle.Status.EN_ROUTE;
      case VEHICLE_STATUS_RETURNING -> Vehicle.Status.RETURNING;
      case VEHICLE_STATUS_BROKEN_DOWN -> Vehicle.Status.BROKEN_DOWN;
      case VEHICLE_STATUS_UNSPECIFIED, UNRECOGNIZED -> Vehicle.Status.valueOf(written);
    };
  }

  static StopEventType stopEvent(StopEventKind k) {
    return switch (k) {
      case DEPARTED_DEPOT -> StopEventType.STOP_EVENT_TYPE_DEPARTED_DEPOT;
      case ARRIVED -> StopEventType.STOP_EVENT_TYPE_ARRIVED;
      case DEPARTED -> StopEventType.STOP_EVENT_TYPE_DEPARTED;
      case RETURNED -> StopEventType.STOP_EVENT_TYPE_RETURNED;
    };
  }

  static StopEventKind stopEvent(StopEventType value, String written) {
    return switch (value) {
      case STOP_EVENT_TYPE_DEPARTED_DEPOT -> StopEventKind.DEPARTED_DEPOT;
      case STOP_EVENT_TYPE_ARRIVED -> StopEventKind.ARRIVED;
      case STOP_EVENT_TYPE_DEPARTED -> StopEventKind.DEPARTED;
      case STOP_EVENT_TYPE_RETURNED -> StopEventKind.RETURNED;
      case STOP_EVENT_TYPE_UNSPECIFIED, UNRECOGNIZED -> StopEventKind.valueOf(written);
    };
  }

  /** No incident is {@code null}, written as unspecified and as the empty string. */
  static IncidentType incident(IncidentKind k) {
    if (k == null) return IncidentType.INCIDENT_TYPE_UNSPECIFIED;
    return switch (k) {
      case JAM -> IncidentType.INCIDENT_TYPE_JAM;
      case BREAKDOWN -> IncidentType.INCIDENT_TYPE_BREAKDOWN;
    };
  }

  static IncidentKind incident(IncidentType value, String written) {
    return switch (value) {
      case INCIDENT_TYPE_JAM -> IncidentKind.JAM;
      case INCIDENT_TYPE_BREAKDOWN -> IncidentKind.BREAKDOWN;
      case INCIDENT_TYPE_UNSPECIFIED, UNRECOGNIZED ->
          written.isEmpty() ? null : IncidentKind.valueOf(written);
    };
  }

  static String written(Enum<?> value) {
    return value == null ? "" : value.name();
  }
}
