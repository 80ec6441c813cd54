package io.tenantry.edge;

/** How the {@code ts} member of a telemetry object is written. */
public enum TimestampOutput {
    /** RFC 3339 string in UTC with {@code Z}, fraction only when non-zero: {@code "2020-03-09T10:14:33Z"}. */
    RFC3339,
    /** Epoch milliseconds as a JSON integer: {@code 1583748873000} (sub-millisecond parts are truncated). */
    EPOCH_MS
}
