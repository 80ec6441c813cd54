package io.tenantry.ingest.deadletter;

import io.tenantry.ingest.stats.IngestMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A {@link DeadLetterSink} that passes letters through a {@link DeadLetterLimiter} before the real sink: what the
 * limiter suppresses is counted ({@code tenantry_ingest_deadletters_suppressed_total{tenant}}) and not stored.
 * The MQTT message is acknowledged all the same: it is accounted for, and keeping it would only make the broker
 * redeliver the same junk.
 */
public final class LimitedDeadLetterSink implements DeadLetterSink {
    private final DeadLetterSink delegate;
    private final DeadLetterLimiter limiter;
    private final IngestMetrics metrics;
    private final Function<UUID, String> tenantTag;

    /**
     * @param delegate  where admitted letters go
     * @param limiter   the limits
     * @param metrics   where suppressions are counted
     * @param tenantTag tenant UUID (or null) → metric tag (slug, or {@code unknown})
     */
    public LimitedDeadLetterSink(DeadLetterSink delegate, DeadLetterLimiter limiter, IngestMetrics metrics,
                                 Function<UUID, String> tenantTag) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.metrics = metrics;
        this.tenantTag = tenantTag;
    }

    @Override
    public void store(List<DeadLetter> letters) {
        List<DeadLetter> admitted = new ArrayList<>(letters.size());
        for (DeadLetter d : letters) {
            switch (limiter.admit(d)) {
                case DeadLetterLimiter.Store s -> admitted.add(s.letter());
                case DeadLetterLimiter.Suppress s -> metrics.deadLetterSuppressed(tenantTag.apply(d.tenantId()));
            }
        }
        delegate.store(admitted);
    }
}
