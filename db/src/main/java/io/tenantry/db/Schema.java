package io.tenantry.db;

import org.flywaydb.core.Flyway;

import java.util.Map;

/**
 * Applies the platform schema (Flyway migrations under {@code classpath:db/migration}) as the owner role; the
 * migrations grant the app role ({@code appRole} placeholder) only what it needs — e.g. no UPDATE or DELETE on
 * {@code audit_events}.
 */
public final class Schema {
    private Schema() {
    }

    /**
     * Migrates the database to the latest version; idempotent.
     *
     * @param jdbcUrl       e.g. {@code jdbc:postgresql://127.0.0.1:15432/tenantry}
     * @param ownerUser     role that owns the schema
     * @param ownerPassword its password
     * @param appRole       role the services run as
     * @return the number of migrations applied now
     */
    public static int migrate(String jdbcUrl, String ownerUser, String ownerPassword, String appRole) {
        return flyway(jdbcUrl, ownerUser, ownerPassword, appRole).migrate().migrationsExecuted;
    }

    /** The Flyway instance for the platform schema (for Spring's Flyway support use the same settings). */
    public static Flyway flyway(String jdbcUrl, String ownerUser, String ownerPassword, String appRole) {
        return Flyway.configure()
                .dataSource(jdbcUrl, ownerUser, ownerPassword)
                .locations("classpath:db/migration")
                .placeholders(Map.of("appRole", appRole))
                .load();
    }
}
