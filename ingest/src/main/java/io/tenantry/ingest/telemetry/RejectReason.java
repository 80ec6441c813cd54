package io.tenantry.ingest.telemetry;

/**
 * Why a message (or one element of a batch) became a dead letter instead of points. The {@link #code()} is what
 * the {@code dead_letters.reason} column, the {@code reason} metric tag and {@code GET /admin/ingest} carry; the
 * codes are part of the telemetry contract (docs/telemetry.md, "Rejections").
 */
public enum RejectReason {
    /** Not JSON, or not the telemetry shape (top level not an object/array of objects, {@code fields} missing or empty). */
    MALFORMED_JSON("malformed_json"),
    /** Payload larger than {@code tenantry.ingest.payload.max-size} (256 KiB by default). */
    OVERSIZED("oversized"),
    /** A member has the wrong JSON type, e.g. a field that is an object, array or null, or a non-string tag. */
    WRONG_TYPE("wrong_type"),
    /**
     * Right type, unusable value: non-finite number, empty or over-long name, a name with a backslash, control
     * characters or an unpaired surrogate (InfluxDB 1.6.7's line protocol cannot carry them safely), a field key
     * that is reserved ({@code time}, {@code locatario_id}, {@code plc_id}, {@code type}) or equals a tag key,
     * negative seq.
     */
    INVALID_VALUE("invalid_value"),
    /** {@code ts} is neither an RFC 3339 string nor epoch milliseconds, or outside InfluxDB's range (1677..2262). */
    BAD_TIMESTAMP("bad_timestamp"),
    /** {@code ts} lies further ahead of the receive time than the tenant's plan allows ({@code plans.max_future_minutes}). */
    FUTURE_TIMESTAMP("future_timestamp"),
    /** {@code ts} lies further back than the tenant's plan keeps raw data ({@code plans.raw_retention_days}). */
    EXPIRED_TIMESTAMP("expired_timestamp"),
    /** A batch with more elements than {@code tenantry.ingest.payload.max-elements}. */
    TOO_MANY_ELEMENTS("too_many_elements"),
    /** The payload names a {@code locatario_id} other than the tenant the topic belongs to. */
    SPOOFED_TENANT("spoofed_tenant"),
    /** The payload names a {@code plc_id} other than the one in the topic. */
    SPOOFED_DEVICE("spoofed_device"),
    /** The topic's tenant slug is not in PostgreSQL (checked again against PostgreSQL before rejecting). */
    UNKNOWN_TENANT("unknown_tenant"),
    /** The tenant exists but has no device with the topic's plc_id (checked again against PostgreSQL before rejecting). */
    UNKNOWN_DEVICE("unknown_device"),
    /** The device exists but {@code devices.active} is false. */
    DEVICE_INACTIVE("device_inactive"),
    /** The tenant's status is SUSPENDED. */
    TENANT_SUSPENDED("tenant_suspended"),
    /** The tenant's status is TERMINATED. */
    TENANT_TERMINATED("tenant_terminated"),
    /** InfluxDB answered 4xx for this point (e.g. field type conflict, beyond retention policy). */
    INFLUX_REJECTED("influx_rejected"),
    /** A bug in ingest while handling the message; kept so nothing is dropped silently. */
    INTERNAL_ERROR("internal_error"),
    /**
     * The element exceeds the tenant's plan: more fields than {@code plans.max_fields_per_point}, or new field keys
     * beyond {@code plans.max_field_keys} (issue 7; Flyway V3).
     */
    SCHEMA_LIMIT("schema_limit"),
    /** The tenant is over its quota's hard cap: the {@code QuotaCheck} port answered REJECT (issue 9; design note 003 §8). */
    QUOTA_EXCEEDED("quota_exceeded");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable snake_case code, e.g. {@code malformed_json}. */
    public String code() {
        return code;
    }
}
