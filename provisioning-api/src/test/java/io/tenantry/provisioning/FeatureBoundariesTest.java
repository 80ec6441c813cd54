package io.tenantry.provisioning;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provisioning API's feature boundaries (issue 9 §4), checked on the compiled classes with ArchUnit; a violation
 * fails the build. A <em>feature</em> is a package directly under {@code io.tenantry.provisioning} ({@code tenant},
 * {@code device}, {@code credential}, {@code telemetry}, {@code broker}, {@code outbox}, {@code audit},
 * {@code admin}, {@code auth}, {@code grafana}); {@code config} and {@code support} are shared infrastructure.
 * <ul>
 *   <li>no cycle between features;</li>
 *   <li>a feature uses only the features {@link #ALLOWED} lists for it (a new edge is a conscious edit here);</li>
 *   <li>no feature reaches into another's internals: its sub-packages (e.g. {@code device.web}), its use-case
 *       services ({@code *Management}, reached through the feature's API interface such as {@code Tenants}), or
 *       its static methods (no static utility bags across features; enums excepted);</li>
 *   <li>each PostgreSQL table (its jOOQ table and record classes) belongs to one feature ({@link #TABLES}); the
 *       broker feature may also read the tenant, device and credential tables, from which it derives a login's
 *       desired state, and the tenant feature counts devices for the plan limit. Other features ask the owner (its API interface, or an event it listens to).</li>
 * </ul>
 */
class FeatureBoundariesTest {
    static final String ROOT = "io.tenantry.provisioning";
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Which features each feature may use ("" is the root package with the application class). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("", Set.of("config")),
            Map.entry("config", Set.of()),
            Map.entry("support", Set.of()),
            Map.entry("auth", Set.of()),
            Map.entry("audit", Set.of()),
            Map.entry("outbox", Set.of("config")),
            Map.entry("tenant", Set.of("audit", "outbox", "support")),
            Map.entry("device", Set.of("tenant", "audit", "outbox", "support")),
            Map.entry("credential", Set.of("tenant", "device", "audit", "outbox", "support", "config")),
            // LegacyTelemetryMigrator reads the InfluxDB admin settings (ProvisioningProperties)
            Map.entry("telemetry", Set.of("device", "config")),
            Map.entry("broker", Set.of("tenant", "outbox", "config")),
            Map.entry("admin", Set.of("audit", "broker")),
            // issue 13: query-gateway credentials (t_<slug>_<suffix>) check the tenant's status and audit
            Map.entry("querycredential", Set.of("tenant", "audit", "support")),
            // issue 14: the tenant's Grafana organisation follows its lifecycle (events) through the outbox
            Map.entry("grafana", Set.of("tenant", "outbox")),
            // issue 16: a tenant's rejections (dead_letters), per device; implements device's DeviceRejections port
            Map.entry("rejection", Set.of("tenant", "device")));
    /** jOOQ table class → the features that may touch it (the owner first). */
    static final Map<String, Set<String>> TABLES = Map.ofEntries(
            // grafana reads tenants (reconciler), plans (dashboard limit, quota line, raw retention), devices and the
            // field keys ingest records (the device model the dashboards are generated from); it writes none of them
            Map.entry("Tenants", Set.of("tenant", "broker", "grafana")),
            Map.entry("Plans", Set.of("tenant", "grafana")),
            // tenant counts a tenant's devices for the plan's device limit (one check for creation and plan change)
            Map.entry("Devices", Set.of("device", "broker", "tenant", "grafana")),
            Map.entry("MqttCredentials", Set.of("credential", "broker")),
            Map.entry("Outbox", Set.of("outbox")),
            Map.entry("AuditEvents", Set.of("audit")),
            Map.entry("TenantFieldKeys", Set.of("grafana")), // owned by ingest (FieldKeyRegistry); read here
            Map.entry("GrafanaOrgs", Set.of("grafana")),
            Map.entry("GrafanaDashboards", Set.of("grafana")),
            Map.entry("QueryCredentials", Set.of("querycredential")),
            // written by ingest; the API only reads it
            Map.entry("DeadLetters", Set.of("rejection")));
    static final String JOOQ_TABLES = "io.tenantry.db.jooq.tables";
    /** Shared infrastructure: anyone may use it, it has no internals to protect from the features. */
    static final Set<String> SHARED = Set.of("config", "support");

    @Test
    void featuresAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void everyFeatureIsDeclared() {
        Set<String> found = new TreeSet<>();
        CLASSES.forEach(c -> feature(c).ifPresent(found::add));
        assertThat(ALLOWED.keySet()).as("add new features to ALLOWED").containsAll(found);
        assertThat(found).as("the import found the features").contains("tenant", "device", "credential", "outbox");
    }

    @Test
    void featuresUseOnlyTheFeaturesTheyDeclare() {
        classes().that().resideInAPackage(ROOT + "..").should(useOnlyAllowedFeatures()).check(CLASSES);
    }

    @Test
    void noFeatureReachesIntoAnothersInternals() {
        classes().that().resideInAPackage(ROOT + "..").should(notReachIntoOtherFeatures()).check(CLASSES);
    }

    @Test
    void eachTableIsTouchedOnlyByItsFeature() {
        classes().that().resideInAPackage(ROOT + "..").should(touchOnlyOwnTables()).check(CLASSES);
    }

    static ArchCondition<JavaClass> touchOnlyOwnTables() {
        return new ArchCondition<>("touch only the tables TABLES gives their feature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String from = feature(c).orElseThrow();
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass();
                    String table;
                    if (target.getPackageName().equals(JOOQ_TABLES)) {
                        table = target.getSimpleName();
                    } else if (target.getPackageName().equals(JOOQ_TABLES + ".records")
                            && target.getSimpleName().endsWith("Record")) {
                        table = target.getSimpleName().substring(0, target.getSimpleName().length() - "Record".length());
                    } else {
                        continue;
                    }
                    Set<String> allowed = TABLES.get(table);
                    if (allowed == null || !allowed.contains(from)) {
                        events.add(SimpleConditionEvent.violated(d, "feature '" + from + "' touches table " + table
                                + " (owned by " + allowed + "): " + d.getDescription()));
                    }
                }
            }
        };
    }

    /** The feature of a class: first package segment under ROOT; "" for ROOT itself; empty outside ROOT. */
    static Optional<String> feature(JavaClass c) {
        String p = c.getPackageName();
        if (p.equals(ROOT)) {
            return Optional.of("");
        }
        if (!p.startsWith(ROOT + ".")) {
            return Optional.empty();
        }
        String rest = p.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
    }

    static boolean inFeatureTopPackage(JavaClass c, String feature) {
        return c.getPackageName().equals(ROOT + "." + feature);
    }

    static ArchCondition<JavaClass> useOnlyAllowedFeatures() {
        return new ArchCondition<>("use only the features ALLOWED lists") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String from = feature(c).orElseThrow();
                Set<String> allowed = ALLOWED.getOrDefault(from, Set.of());
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    Optional<String> to = feature(d.getTargetClass());
                    if (to.isPresent() && !to.get().equals(from) && !allowed.contains(to.get())) {
                        events.add(SimpleConditionEvent.violated(d, "feature '" + from + "' uses feature '" + to.get()
                                + "' (not in ALLOWED): " + d.getDescription()));
                    }
                }
            }
        };
    }

    static ArchCondition<JavaClass> notReachIntoOtherFeatures() {
        return new ArchCondition<>("not reach into another feature's sub-packages, *Management services or static methods") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String from = feature(c).orElseThrow();
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass();
                    Optional<String> to = feature(target);
                    if (to.isEmpty() || to.get().equals(from) || SHARED.contains(to.get()) || to.get().isEmpty()) {
                        continue;
                    }
                    if (!inFeatureTopPackage(target, to.get())) {
                        events.add(SimpleConditionEvent.violated(d, "reaches into " + target.getPackageName() + ": "
                                + d.getDescription()));
                    } else if (target.getSimpleName().endsWith("Management")) {
                        events.add(SimpleConditionEvent.violated(d, "uses " + target.getSimpleName()
                                + " instead of the feature's API interface: " + d.getDescription()));
                    }
                }
                for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                    JavaClass owner = call.getTargetOwner();
                    Optional<String> to = feature(owner);
                    if (to.isEmpty() || to.get().equals(from) || SHARED.contains(to.get()) || owner.isEnum()) {
                        continue;
                    }
                    boolean isStatic = call.getTarget().resolveMember()
                            .map(m -> m.getModifiers().contains(JavaModifier.STATIC)).orElse(false);
                    if (isStatic) {
                        events.add(SimpleConditionEvent.violated(call, "calls a static method of feature '" + to.get()
                                + "': " + call.getDescription()));
                    }
                }
            }
        };
    }
}
