package io.tenantry.directory;

import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.StoragePlacement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core enums and the Flyway migrations' check constraints name the same values: the Java definitions
 * ({@link TenantStatus}, {@link DeviceType}, {@link StoragePlacement.Kind}) cannot drift from what PostgreSQL
 * accepts without this failing.
 */
class SchemaContractTest {
    static String migration(String name) throws IOException {
        try (InputStream in = SchemaContractTest.class.getResourceAsStream("/db/migration/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Set<String> inList(String sql, String column) {
        Matcher m = Pattern.compile("CHECK \\(" + column + " IN \\(([^)]*)\\)\\)").matcher(sql);
        assertThat(m.find()).as("check constraint on " + column).isTrue();
        return Arrays.stream(m.group(1).split(",")).map(s -> s.trim().replace("'", "")).collect(Collectors.toSet());
    }

    @Test
    void tenantStatusesAndDeviceTypesMatchFlyway() throws IOException {
        String v1 = migration("V1__tenants_devices_audit.sql");
        assertThat(inList(v1, "status")).isEqualTo(Arrays.stream(TenantStatus.values()).map(Enum::name)
                .collect(Collectors.toSet()));
        // V12 replaced V1's device type constraint (adds 'generic')
        String v12 = migration("V12__generic_device_type_rejection_index.sql");
        assertThat(inList(v12, "type")).isEqualTo(DeviceType.VALUES);
    }

    @Test
    void placementKindsMatchFlywayV5() throws IOException {
        String v5 = migration("V5__tenant_storage_placement.sql");
        Set<String> kinds = Arrays.stream(StoragePlacement.Kind.values()).map(Enum::name).collect(Collectors.toSet());
        Matcher m = Pattern.compile("placement = '([A-Z]+)'").matcher(v5);
        Set<String> inSql = new java.util.HashSet<>();
        while (m.find()) {
            inSql.add(m.group(1));
        }
        assertThat(inSql).isEqualTo(kinds);
        assertThat(v5).contains("DEFAULT '" + StoragePlacement.SHARED.kind().name() + "'");
    }
}
