package io.tenantry.db;

import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.OffsetDateTime;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.AUDIT_EVENTS;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The private PostgreSQL is real: Flyway applies the schema as the owner, the app role round-trips a row through
 * the generated jOOQ classes, and the app role cannot rewrite the audit trail.
 */
@ExtendWith(LocalStackExtension.class)
class PostgresSmokeIT {
    private final StackEnv env;

    PostgresSmokeIT(StackEnv env) {
        this.env = env;
    }

    @Test
    void flywayAppliesAndTheAppRoleRoundTrips() throws Exception {
        Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser());
        assertThat(Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser())).isZero();
        try (Connection c = DriverManager.getConnection(env.pgUrl(), env.pgAppUser(), env.pgAppPassword())) {
            DSLContext dsl = DSL.using(c, SQLDialect.POSTGRES);
            assertThat(String.valueOf(dsl.fetchValue("SELECT version()"))).startsWith("PostgreSQL 15");
            assertThat(dsl.fetchCount(PLANS)).isEqualTo(3);
            UUID id = UUID.randomUUID();
            String slug = "smoke-" + id.toString().substring(0, 8);
            OffsetDateTime now = OffsetDateTime.now();
            dsl.insertInto(TENANTS).set(TENANTS.ID, id).set(TENANTS.SLUG, slug).set(TENANTS.NAME, "Smoke")
                    .set(TENANTS.STATUS, "ACTIVE").set(TENANTS.PLAN, "FREE").set(TENANTS.CREATED_AT, now)
                    .set(TENANTS.UPDATED_AT, now).execute();
            assertThat(dsl.selectFrom(TENANTS).where(TENANTS.ID.eq(id)).fetchOne(TENANTS.SLUG)).isEqualTo(slug);
            // the schema checks the naming rule of note 003 §6
            assertThatThrownBy(() -> dsl.insertInto(TENANTS).set(TENANTS.ID, UUID.randomUUID()).set(TENANTS.SLUG, "Bad Slug")
                    .set(TENANTS.NAME, "x").set(TENANTS.STATUS, "ACTIVE").set(TENANTS.PLAN, "FREE")
                    .set(TENANTS.CREATED_AT, now).set(TENANTS.UPDATED_AT, now).execute())
                    .isInstanceOf(DataAccessException.class).hasMessageContaining("tenants_slug_check");
            // audit_events is append-only for the app role
            assertThatThrownBy(() -> dsl.update(AUDIT_EVENTS).set(AUDIT_EVENTS.ACTION, "x").execute())
                    .isInstanceOf(DataAccessException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> dsl.deleteFrom(AUDIT_EVENTS).execute())
                    .isInstanceOf(DataAccessException.class).hasMessageContaining("permission denied");
            dsl.deleteFrom(TENANTS).where(TENANTS.ID.eq(id)).execute();
        }
    }
}
