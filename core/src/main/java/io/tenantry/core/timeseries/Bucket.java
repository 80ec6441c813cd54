package io.tenantry.core.timeseries;

import java.time.Duration;
import java.util.Objects;

/**
 * A bucket in InfluxDB 2.x terms, mapped onto InfluxDB 1.x as a database plus its retention policy (the v1 HTTP
 * API's {@code db} and {@code rp} parameters; InfluxDB 2.x DBRP mappings do the same).
 *
 * @param database        1.x database name
 * @param retentionPolicy retention policy name inside the database
 * @param retention       how long data is kept; {@link Duration#ZERO} means forever
 */
public record Bucket(String database, String retentionPolicy, Duration retention) {
    public Bucket {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(retentionPolicy, "retentionPolicy");
        Objects.requireNonNull(retention, "retention");
    }

    /** The name in 2.x form, {@code database/rp}. */
    public String name() {
        return database + "/" + retentionPolicy;
    }
}
