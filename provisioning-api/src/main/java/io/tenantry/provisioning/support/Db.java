package io.tenantry.provisioning.support;

import org.jooq.exception.DataAccessException;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** Small PostgreSQL helpers every provisioning feature uses (no feature state). */
public final class Db {
    private Db() {
    }

    /** Now on {@code clock}, truncated to PostgreSQL's microsecond precision (so a stored value reads back equal). */
    public static OffsetDateTime now(Clock clock) {
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * True when the failure is a PostgreSQL unique violation (SQLSTATE 23505), whether jOOQ reports it or Spring
     * translated it.
     */
    public static boolean isUniqueViolation(RuntimeException e) {
        if (e instanceof org.springframework.dao.DuplicateKeyException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessException d && "23505".equals(d.sqlState())) {
                return true;
            }
            if (t instanceof java.sql.SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
