package io.tenantry.ingest.metering;

import io.tenantry.core.quota.LatencyHistogram;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.pipeline.Envelope;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.telemetry.RejectReason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * This ingest process's precise per-tenant counters (issue 10, "Metering"), per UTC minute of hand-off: messages
 * and points handed off durably (InfluxDB or the fsynced spool), their field values, messages refused by reason,
 * field values refused by the quota, and a publish→stored {@link LatencyHistogram}.
 * <p>
 * <b>Idempotence.</b> A row is keyed (minute, tenant, {@link #instanceId()}); {@link #dirtyRows()} hands out the
 * row's <i>absolute</i> values, which the store upserts, so flushing the same row twice (a retry after a lost
 * answer) or from two threads never double counts; each process start has a new random instance id, so two
 * ingest instances, or one restarted, never overwrite each other.
 * <p>
 * <b>Publish time</b> of a message: its newest point's timestamp when that lies within
 * {@link #LIVE_WINDOW} before its receive time (a live device stamps its points as it publishes); otherwise
 * (replays, backfill, points without {@code ts}) its MQTT receive time. One latency sample per message.
 * <p>
 * <b>Stored, not sent.</b> Counts follow what InfluxDB keeps: a point that repeats the series and timestamp of one
 * of its device's last {@value #RECENT} points on this process (e.g. a recorded file listing one timestamp twice)
 * overwrites it in InfluxDB, so it adds no point and only the field values of keys the earlier one lacked. A repeat
 * of an older point, or of one another ingest process stored, is not detected and is counted (that cannot be known
 * without reading InfluxDB). Memory: at most {@value #RECENT} line references per device heard of in the last one
 * to two minutes (older devices are forgotten; issue 15: 64 per device
 * held ~35 MB of lines for 1,000 busy devices, a third of ingest's heap; the repeats this exists for, a file
 * listing one timestamp twice, are neighbours).
 * <p>
 * <b>last_seen_at.</b> The newest hand-off time per device (tenant, plc id), collected here and written in one
 * statement per flush interval by {@link MeteringService}.
 * <p>
 * Thread-safe (synchronized; called once per batch by the writer and once per quota refusal by the MQTT callback).
 */
public final class UsageMeter {
    /** How far before its receive time a point's own timestamp still counts as its publish time. */
    public static final Duration LIVE_WINDOW = Duration.ofMinutes(10);

    private final UUID instanceId = UUID.randomUUID();
    private final Clock clock;
    private final Map<Key, Row> rows = new LinkedHashMap<>();
    private Map<DeviceKey, Instant> lastSeen = new HashMap<>();
    /** Each device's (topic's) last {@value #RECENT} counted points: a repeat of one is not a new point. */
    private Map<String, RecentPoints> recentPoints = new HashMap<>();
    /**
     * The generation before {@link #recentPoints}: a device active in it is moved forward on its next point; one
     * not heard of for two generations is forgotten (issue 15: the map grew with every device ever seen, 48,000
     * lines for the benchmark's 3,000 devices, and with a real fleet without bound).
     */
    private Map<String, RecentPoints> previousRecentPoints = new HashMap<>();
    private long recentRotatedAtMs = Long.MIN_VALUE;
    /** How long a generation of {@link #recentPoints} lasts: a repeat within this long is always recognised. */
    static final long RECENT_GENERATION_MS = 60_000;
    /** Points per device remembered to recognise repeats. */
    static final int RECENT = 16;

    /** @param clock wall clock (UTC minutes; injectable for tests) */
    public UsageMeter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The random id of this process's rows in {@code ingest_usage}. */
    public UUID instanceId() {
        return instanceId;
    }

    /**
     * Counts a batch the writer has just handed off durably (before its acknowledgements are sent).
     *
     * @param batch       the messages
     * @param refused     points InfluxDB refused (not counted as stored; they are dead letters)
     * @param deadLetters the batch's dead letters; {@code quota_exceeded} ones are skipped (counted by
     *                    {@link #refused} when the quota refused them)
     */
    public synchronized void handedOff(List<Envelope> batch, Set<SpoolEntry> refused, List<DeadLetter> deadLetters) {
        Instant now = clock.instant();
        long minute = minuteOf(now);
        long nowMs = now.toEpochMilli();
        for (Envelope e : batch) {
            UUID tenant = null;
            long points = 0;
            long fieldValues = 0;
            long newestTsMs = Long.MIN_VALUE;
            String topic = null;
            for (SpoolEntry p : e.points()) {
                if (refused.contains(p) || p.tenantId() == null) {
                    continue;
                }
                tenant = p.tenantId();
                topic = p.topic();
                String line = p.line();
                long ts = p.timestampNanos(); // issue 15: the facts travel with the point, no re-scan of the line
                int seriesEnd = p.seriesEnd();
                RecentPoints recent = recentOf(topic, nowMs);
                long key = ts * 31 + hash(line, seriesEnd);
                RecentPoint prev = recent.get(key);
                if (prev != null && prev.seriesEnd == seriesEnd && prev.ts == ts
                        && prev.line.regionMatches(0, line, 0, seriesEnd)) {
                    // the device repeats a recent point's series and timestamp: InfluxDB overwrites (merges) it,
                    // so only field keys the earlier point did not have add stored field values
                    java.util.Set<String> keys = LineFields.fieldKeys(line);
                    keys.removeAll(prev.keys());
                    fieldValues += keys.size();
                    prev.keys().addAll(keys);
                    continue;
                }
                recent.put(key, new RecentPoint(line, seriesEnd, ts));
                points++;
                fieldValues += p.fieldValues();
                if (ts != Long.MIN_VALUE) {
                    newestTsMs = Math.max(newestTsMs, Math.floorDiv(ts, 1_000_000L));
                }
            }
            if (tenant == null) {
                continue;
            }
            Row r = row(tenant, minute);
            r.messages++;
            r.points += points;
            r.fieldValues += fieldValues;
            long received = e.receivedAt().toEpochMilli();
            long published = newestTsMs != Long.MIN_VALUE && newestTsMs <= received
                    && newestTsMs >= received - LIVE_WINDOW.toMillis() ? newestTsMs : received;
            r.latency[LatencyHistogram.bucket(nowMs - published)]++;
            r.dirty = true;
            int slash = topic.lastIndexOf('/');
            lastSeen.merge(new DeviceKey(tenant, topic.substring(slash + 1)), now, (a, b) -> a.isAfter(b) ? a : b);
        }
        for (DeadLetter d : deadLetters) {
            if (d.tenantId() == null || d.reason() == RejectReason.QUOTA_EXCEEDED) {
                continue;
            }
            Row r = row(d.tenantId(), minute);
            r.rejected.merge(d.reason().code(), 1L, Long::sum);
            r.dirty = true;
        }
    }

    /**
     * Counts one message the quota refused (not stored, not dead-lettered).
     *
     * @param tenant      the tenant
     * @param reason      e.g. {@code quota_exceeded}, {@code burst_limit}
     * @param fieldValues the field values it would have stored
     */
    public synchronized void refused(UUID tenant, String reason, long fieldValues) {
        Row r = row(tenant, minuteOf(clock.instant()));
        r.rejected.merge(reason, 1L, Long::sum);
        r.refusedFieldValues += fieldValues;
        r.dirty = true;
    }

    /**
     * The rows changed since they were last handed out, as absolute values, marked clean; minutes older than
     * the previous one that are clean are forgotten (their rows are final in PostgreSQL). If the store fails,
     * give them back with {@link #stillDirty}.
     */
    public synchronized List<UsageRow> dirtyRows() {
        List<UsageRow> out = new ArrayList<>();
        long current = minuteOf(clock.instant());
        for (Iterator<Map.Entry<Key, Row>> it = rows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Row> en = it.next();
            Row r = en.getValue();
            if (r.dirty) {
                out.add(new UsageRow(Instant.ofEpochMilli(en.getKey().minute), en.getKey().tenant, instanceId, r.messages,
                        r.points, r.fieldValues, r.refusedFieldValues, Map.copyOf(r.rejected), r.latency.clone()));
                r.dirty = false;
            } else if (en.getKey().minute < current - 60_000L) {
                it.remove();
            }
        }
        return out;
    }

    /** Marks rows whose store failed as dirty again (their newer absolute values will be written next time). */
    public synchronized void stillDirty(List<UsageRow> failed) {
        for (UsageRow u : failed) {
            Row r = rows.get(new Key(u.tenantId(), u.minute().toEpochMilli()));
            if (r != null) {
                r.dirty = true;
            }
        }
    }

    /** The devices seen since the last call, with their newest hand-off time; the map is then reset. */
    public synchronized Map<DeviceKey, Instant> takeLastSeen() {
        Map<DeviceKey, Instant> out = lastSeen;
        lastSeen = new HashMap<>();
        return out;
    }

    /** Gives devices back after a failed write (newer times win). */
    public synchronized void returnLastSeen(Map<DeviceKey, Instant> failed) {
        failed.forEach((k, v) -> lastSeen.merge(k, v, (a, b) -> a.isAfter(b) ? a : b));
    }

    private Row row(UUID tenant, long minute) {
        return rows.computeIfAbsent(new Key(tenant, minute), k -> new Row());
    }

    private static long minuteOf(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), 60_000L) * 60_000L;
    }

    /** A device by tenant and PLC id. */
    public record DeviceKey(UUID tenant, String plcId) {
    }

    private record Key(UUID tenant, long minute) {
    }

    /** The device's recent points, rotating the generations when {@link #RECENT_GENERATION_MS} has passed. */
    private RecentPoints recentOf(String topic, long nowMs) {
        if (recentRotatedAtMs == Long.MIN_VALUE) {
            recentRotatedAtMs = nowMs;
        } else if (nowMs - recentRotatedAtMs >= RECENT_GENERATION_MS) {
            previousRecentPoints = recentPoints;
            recentPoints = new HashMap<>();
            recentRotatedAtMs = nowMs;
        }
        RecentPoints recent = recentPoints.get(topic);
        if (recent == null) {
            recent = previousRecentPoints.remove(topic);
            if (recent == null) {
                recent = new RecentPoints();
            }
            recentPoints.put(topic, recent);
        }
        return recent;
    }

    /** Devices whose recent points are remembered (both generations; for tests and memory figures). */
    synchronized int devicesRemembered() {
        return recentPoints.size() + previousRecentPoints.size();
    }

    private static int hash(String s, int end) {
        int h = 0;
        for (int i = 0; i < end; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /** A device's recent points by (timestamp, series) key, oldest evicted beyond {@link #RECENT}. */
    private static final class RecentPoints extends LinkedHashMap<Long, RecentPoint> {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, RecentPoint> eldest) {
            return size() > RECENT;
        }
    }

    private static final class RecentPoint {
        final String line;
        final int seriesEnd;
        final long ts;
        java.util.Set<String> keys;

        RecentPoint(String line, int seriesEnd, long ts) {
            this.line = line;
            this.seriesEnd = seriesEnd;
            this.ts = ts;
        }

        java.util.Set<String> keys() {
            if (keys == null) {
                keys = LineFields.fieldKeys(line);
            }
            return keys;
        }
    }

    private static final class Row {
        long messages;
        long points;
        long fieldValues;
        long refusedFieldValues;
        final Map<String, Long> rejected = new HashMap<>();
        final long[] latency = new long[LatencyHistogram.BUCKETS];
        boolean dirty;
    }
}
