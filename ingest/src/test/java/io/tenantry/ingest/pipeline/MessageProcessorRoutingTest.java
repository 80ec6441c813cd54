package io.tenantry.ingest.pipeline;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.directory.CachedTenantDirectory;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MessageProcessor}'s seams of issue 9: every point carries its tenant's raw bucket (the placement the tenant
 * directory carries), and the {@link QuotaCheck} port is asked once per message of an active tenant with the number
 * of field values; REJECT makes one {@code quota_exceeded} dead letter and stores nothing.
 */
class MessageProcessorRoutingTest {
    private static final Bucket DEDICATED = new Bucket("acme_raw", "autogen", Duration.ofDays(30));
    private final StoragePlacement acmePlacement = new StoragePlacement(StoragePlacement.Kind.DEDICATED, DEDICATED,
            new Bucket("acme_proc", "autogen", Duration.ofDays(365)), new Bucket("acme_1m", "autogen", Duration.ofDays(365)));
    private final TenantInfo acme = tenant("acme", TenantStatus.ACTIVE, acmePlacement);
    private final TenantInfo beta = tenant("beta", TenantStatus.ACTIVE, null);
    private final TenantInfo frozen = tenant("frozen", TenantStatus.SUSPENDED, null);
    private final List<Long> quotaAsked = new ArrayList<>();
    private final Set<String> registeredKeys = new HashSet<>();
    private QuotaCheck.Decision answer = QuotaCheck.Decision.ALLOW;

    private static TenantInfo tenant(String slug, TenantStatus status, StoragePlacement placement) {
        return new TenantInfo(TenantId.random(), TenantSlug.of(slug), status, "PRO", null, null, null, placement);
    }

    private MessageProcessor processor() {
        CachedTenantDirectory directory = new CachedTenantDirectory(slug -> Stream.of(acme, beta, frozen)
                .filter(t -> t.slug().equals(slug)).findFirst()
                .map(t -> new TenantSnapshot(t, Map.of(PlcId.of("press-1"), new DeviceInfo(DeviceId.random(),
                        PlcId.of("press-1"), DeviceType.SIEMENS_S7, Map.of(), true)))),
                Duration.ofMinutes(1), System::nanoTime);
        FieldKeyRegistry keys = new FieldKeyRegistry(new FieldKeyRegistry.Store() {
            @Override
            public Set<String> load(TenantId tenant) {
                return Set.copyOf(registeredKeys);
            }

            @Override
            public void add(TenantId tenant, Collection<String> k) {
                registeredKeys.addAll(k);
            }
        });
        return new MessageProcessor(directory, keys, new TelemetryParser(256 * 1024, 10_000, "telemetry"),
                new SeqDeduplicator(Duration.ofMinutes(5), 1000), System::nanoTime, 256 * 1024,
                (tenant, fieldValues) -> {
                    quotaAsked.add(fieldValues);
                    return answer;
                });
    }

    private Envelope process(String slug, String payload) throws InterruptedException {
        return processor().process("plc/" + slug + "/press-1", payload.getBytes(StandardCharsets.UTF_8), 1, 1, 1,
                Instant.now());
    }

    private static final String TWO_ELEMENTS = "[{\"fields\":{\"temp\":21.5,\"rpm\":1200}},{\"fields\":{\"temp\":22}}]";

    @Test
    void pointsCarryTheRawBucketOfTheirTenantsPlacement() throws Exception {
        assertThat(process("acme", TWO_ELEMENTS).points()).hasSize(2).extracting(SpoolEntry::bucket).containsOnly(DEDICATED);
        assertThat(process("beta", TWO_ELEMENTS).points()).hasSize(2).extracting(SpoolEntry::bucket)
                .containsOnly(SharedBuckets.RAW);
    }

    @Test
    void theQuotaIsAskedOncePerMessageWithItsFieldValues() throws Exception {
        Envelope e = process("acme", TWO_ELEMENTS);
        assertThat(quotaAsked).containsExactly(3L);
        assertThat(e.points()).hasSize(2);
        assertThat(e.deadLetters()).isEmpty();
    }

    @Test
    void aRejectedMessageIsOneQuotaExceededDeadLetterAndStoresNothing() throws Exception {
        answer = new QuotaCheck.Decision(QuotaCheck.Verdict.REJECT, "110% of the monthly field values");
        Envelope e = process("acme", TWO_ELEMENTS);
        assertThat(e.points()).isEmpty();
        assertThat(e.deadLetters()).hasSize(1);
        DeadLetter d = e.deadLetters().get(0);
        assertThat(d.reason()).isEqualTo(RejectReason.QUOTA_EXCEEDED);
        assertThat(d.tenantId()).isEqualTo(acme.id().value());
        assertThat(d.detail()).contains("acme").contains("110% of the monthly field values");
        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).isEqualTo(TWO_ELEMENTS);
        assertThat(registeredKeys).as("a refused message registers no field keys").isEmpty();
    }

    @Test
    void aThrottledMessageIsStillStored() throws Exception {
        answer = new QuotaCheck.Decision(QuotaCheck.Verdict.THROTTLE, "95%");
        assertThat(process("beta", TWO_ELEMENTS).points()).hasSize(2);
    }

    @Test
    void aMessageWithNothingToStoreIsNotAskedAbout() throws Exception {
        answer = new QuotaCheck.Decision(QuotaCheck.Verdict.REJECT, "over");
        Envelope e = process("acme", "{\"fields\":{}}");
        assertThat(quotaAsked).isEmpty();
        assertThat(e.deadLetters()).extracting(DeadLetter::reason).containsExactly(RejectReason.MALFORMED_JSON);
    }

    @Test
    void aSuspendedTenantIsRejectedBeforeTheQuotaIsAsked() throws Exception {
        Envelope e = process("frozen", TWO_ELEMENTS);
        assertThat(e.deadLetters()).extracting(DeadLetter::reason).containsExactly(RejectReason.TENANT_SUSPENDED);
        assertThat(quotaAsked).isEmpty();
    }
}
