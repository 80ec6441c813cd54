package io.tenantry.ingest.pipeline;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.directory.CachedTenantDirectory;
import io.tenantry.directory.DirectoryStore;
import io.tenantry.directory.TenantSnapshot;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.schema.FieldKeyRegistry;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.telemetry.RejectReason;
import io.tenantry.ingest.telemetry.TelemetryParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link MessageProcessor} on its own: the real directory cache over an in-memory store, the real parser, dedup and
 * field-key registry (in-memory keys), no broker, no PostgreSQL, no InfluxDB. The ITs cover the same path end to end.
 */
class MessageProcessorTest {
    static final Instant RECEIVED = Instant.parse("2026-11-30T02:00:00.123456789Z");
    static final long RECEIVED_NANOS = RECEIVED.getEpochSecond() * 1_000_000_000L + RECEIVED.getNano();

    /** Tenants in memory; {@code failures} loads fail first like an unreachable PostgreSQL; {@code broken} rows throw. */
    static final class MemoryDirectoryStore implements DirectoryStore {
        final Map<TenantSlug, TenantSnapshot> rows = new HashMap<>();
        final AtomicInteger failures = new AtomicInteger();
        final Set<TenantSlug> broken = new HashSet<>();

        @Override
        public Optional<TenantSnapshot> load(TenantSlug slug) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new DirectoryUnavailableException("PostgreSQL is down", null);
            }
            if (broken.contains(slug)) {
                throw new IllegalStateException("device with unknown type 'plc5000'");
            }
            return Optional.ofNullable(rows.get(slug));
        }
    }

    /** Field keys in memory. */
    static final class MemoryKeys implements FieldKeyRegistry.Store {
        final Map<TenantId, Set<String>> rows = new HashMap<>();

        @Override
        public Set<String> load(TenantId tenant) {
            return new HashSet<>(rows.getOrDefault(tenant, Set.of()));
        }

        @Override
        public void add(TenantId tenant, Collection<String> keys) {
            rows.computeIfAbsent(tenant, t -> new HashSet<>()).addAll(keys);
        }
    }

    final MemoryDirectoryStore store = new MemoryDirectoryStore();
    final MemoryKeys keys = new MemoryKeys();
    final MessageProcessor processor = new MessageProcessor(
            new CachedTenantDirectory(store, Duration.ofMinutes(10), System::nanoTime),
            new FieldKeyRegistry(keys), new TelemetryParser(256 * 1024, 100, "telemetry"),
            new SeqDeduplicator(Duration.ofMinutes(10), 1024), System::nanoTime, 256 * 1024,
            io.tenantry.core.quota.QuotaCheck.ALWAYS_ALLOW);

    TenantInfo tenant(String slug, TenantStatus status, TenantInfo.SchemaLimits limits, DeviceInfo... devices) {
        TenantInfo t = new TenantInfo(TenantId.random(), TenantSlug.of(slug), status, "PRO", limits, null, null, null);
        Map<PlcId, DeviceInfo> m = new HashMap<>();
        for (DeviceInfo d : devices) {
            m.put(d.plcId(), d);
        }
        store.rows.put(t.slug(), new TenantSnapshot(t, m));
        return t;
    }

    TenantInfo tenant(String slug, DeviceInfo... devices) {
        return tenant(slug, TenantStatus.ACTIVE, null, devices);
    }

    static DeviceInfo device(String plcId, boolean active) {
        return new DeviceInfo(DeviceId.random(), PlcId.of(plcId), DeviceType.MODBUS_TCP, Map.of("line", "l1"), active);
    }

    static String topic(TenantInfo t, String plcId) {
        return MqttNames.telemetryTopic(t.slug(), PlcId.of(plcId));
    }

    Envelope process(String topic, String payload) throws InterruptedException {
        return processor.process(topic, payload.getBytes(StandardCharsets.UTF_8), 7, 1, 3L, RECEIVED);
    }

    static DeadLetter onlyDeadLetter(Envelope e) {
        assertThat(e.points()).isEmpty();
        assertThat(e.deadLetters()).hasSize(1);
        return e.deadLetters().get(0);
    }

    @Test
    void aGoodMessageBecomesPointsTaggedWithTheTopicsTenantAndDevice() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        Envelope e = process(topic(acme, "press-1"), """
                [{"fields": {"temp": 21.5}}, {"fields": {"temp": 22.0}, "tags": {"line": "L9"}}]""");
        assertThat(e.deadLetters()).isEmpty();
        assertThat(e.tenantTag()).isEqualTo("acme");
        assertThat(e.messageId()).isEqualTo(7);
        assertThat(e.generation()).isEqualTo(3L);
        assertThat(e.points()).extracting(SpoolEntry::tenantId).containsOnly(acme.id().value());
        String measurement = TenantMeasurements.stored(acme.id().value(), "telemetry");
        assertThat(e.points().get(0).line()).startsWith(measurement + ",")
                .contains("line=l1", "locatario_id=" + acme.id(), "plc_id=press-1", "type=modbus_tcp")
                .endsWith(" temp=21.5 " + RECEIVED_NANOS);
        // elements without ts get the receive time plus their index: no two collide
        assertThat(e.points().get(1).line()).contains("line=L9").endsWith(" temp=22.0 " + (RECEIVED_NANOS + 1));
        assertThat(keys.rows.get(acme.id())).containsExactly("temp");
    }

    @Test
    void topicsThatNameNoKnownTenantOrDeviceAreDeadLetters() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        DeadLetter bad = onlyDeadLetter(process("plc/acme/press-1/extra", "{\"fields\":{\"t\":1}}"));
        assertThat(bad.reason()).isEqualTo(RejectReason.UNKNOWN_TENANT);
        assertThat(bad.tenantId()).isNull();
        DeadLetter ghost = onlyDeadLetter(process("plc/ghost/press-1", "{\"fields\":{\"t\":1}}"));
        assertThat(ghost.reason()).isEqualTo(RejectReason.UNKNOWN_TENANT);
        assertThat(ghost.detail()).contains("ghost");
        Envelope unknownDevice = process(topic(acme, "press-9"), "{\"fields\":{\"t\":1}}");
        assertThat(onlyDeadLetter(unknownDevice).reason()).isEqualTo(RejectReason.UNKNOWN_DEVICE);
        assertThat(onlyDeadLetter(unknownDevice).tenantId()).isEqualTo(acme.id().value());
        assertThat(unknownDevice.tenantTag()).isEqualTo("acme");
    }

    @Test
    void suspendedAndTerminatedTenantsAndInactiveDevicesStoreNothing() throws Exception {
        TenantInfo suspended = tenant("sus", TenantStatus.SUSPENDED, null, device("p-1", true));
        TenantInfo terminated = tenant("ter", TenantStatus.TERMINATED, null, device("p-1", true));
        TenantInfo active = tenant("act", device("p-off", false));
        Function<Envelope, RejectReason> reason = e -> onlyDeadLetter(e).reason();
        assertThat(reason.apply(process(topic(suspended, "p-1"), "{\"fields\":{\"t\":1}}"))).isEqualTo(RejectReason.TENANT_SUSPENDED);
        assertThat(reason.apply(process(topic(terminated, "p-1"), "{\"fields\":{\"t\":1}}"))).isEqualTo(RejectReason.TENANT_TERMINATED);
        assertThat(reason.apply(process(topic(active, "p-off"), "{\"fields\":{\"t\":1}}"))).isEqualTo(RejectReason.DEVICE_INACTIVE);
        assertThat(keys.rows).as("nothing registered for refused messages").isEmpty();
    }

    @Test
    void thePayloadCannotClaimAnotherTenantOrDevice() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        TenantInfo victim = tenant("victim", device("press-1", true));
        Envelope e = process(topic(acme, "press-1"), """
                [{"fields": {"t": 1}, "locatario_id": "%s"},
                 {"fields": {"t": 2}, "tags": {"plc_id": "other"}},
                 {"fields": {"t": 3}}]""".formatted(victim.id()));
        assertThat(e.points()).hasSize(1);
        assertThat(e.points().get(0).line()).contains("locatario_id=" + acme.id()).doesNotContain(victim.id().toString());
        assertThat(e.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.tenantId()).isEqualTo(acme.id().value());
            assertThat(d.elementsRejected()).isEqualTo(2);
            assertThat(d.elementsTotal()).isEqualTo(3);
            assertThat(d.detail()).contains("spoofed_tenant").contains("spoofed_device");
        });
    }

    @Test
    void aRepeatedSeqIsCountedAsDuplicateNotStoredTwice() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        String payload = "{\"ts\": " + RECEIVED.toEpochMilli() + ", \"seq\": 41, \"fields\": {\"t\": 1}}";
        assertThat(process(topic(acme, "press-1"), payload).points()).hasSize(1);
        Envelope again = process(topic(acme, "press-1"), payload);
        assertThat(again.points()).isEmpty();
        assertThat(again.deadLetters()).isEmpty();
        assertThat(again.duplicates()).isEqualTo(1);
    }

    @Test
    void thePlansSchemaLimitsRejectElementsBeyondThem() throws Exception {
        TenantInfo small = tenant("small", TenantStatus.ACTIVE, new TenantInfo.SchemaLimits(2, 3), device("p-1", true));
        Envelope e = process(topic(small, "p-1"), """
                [{"fields": {"a": 1, "b": 2, "c": 3}}, {"fields": {"a": 1, "b": 2}}, {"fields": {"c": 1, "d": 2}}]""");
        assertThat(e.points()).hasSize(1);
        assertThat(e.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(RejectReason.SCHEMA_LIMIT);
            assertThat(d.elementsRejected()).isEqualTo(2);
            assertThat(d.detail()).contains("max_fields_per_point").contains("max_field_keys");
        });
        assertThat(keys.rows.get(small.id())).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void waitsWhileTheDirectoryIsUnavailableAndGivesUpOnlyWhenStopping() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        store.failures.set(2);
        Envelope e = process(topic(acme, "press-1"), "{\"fields\":{\"t\":1}}");
        assertThat(e.points()).as("retried until PostgreSQL answered").hasSize(1);
        assertThat(store.failures.get()).isZero();

        store.failures.set(Integer.MAX_VALUE);
        processor.stop();
        assertThatThrownBy(() -> process("plc/other/press-1", "{\"fields\":{\"t\":1}}"))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void aRowTheSchemaShouldHaveRefusedCostsOneMessageNotTheWholePipeline() throws Exception {
        TenantInfo acme = tenant("acme", device("press-1", true));
        store.broken.add(acme.slug());
        DeadLetter d = onlyDeadLetter(process(topic(acme, "press-1"), "{\"fields\":{\"t\":1}}"));
        assertThat(d.reason()).isEqualTo(RejectReason.INTERNAL_ERROR);
        assertThat(d.detail()).contains("plc5000");
    }
}
