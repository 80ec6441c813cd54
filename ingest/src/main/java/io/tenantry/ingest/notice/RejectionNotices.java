package io.tenantry.ingest.notice;

import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.deadletter.DeadLetterSink;
import io.tenantry.ingest.telemetry.RejectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Tells a device why its data was refused (issue 16): a {@link DeadLetterSink} decorator that, after the letters
 * are stored, publishes a small JSON notice to the device's own notification topic
 * {@code plc/<slug>/<plc_id>/cmd/rejections}, which the device's broker role may subscribe to
 * ({@code plc/<slug>/<plc_id>/cmd/#}, provisioning's BrokerAcls) and ingest's role may publish to
 * ({@code plc/+/+/cmd/rejections}, PlatformBootstrap). The topic is derived from the topic the rejected message came
 * on, which the broker only lets that device publish to: a notice reaches the device that sent the data (and its
 * tenant's service login), never another tenant.
 * <p>
 * Notice: {@code {"type":"rejection","reason":"wrong_type","detail":"…","elementsRejected":2,"elementsTotal":10,
 * "receivedAt":"2026-…Z","suppressed":0}}; {@code detail} is cut to {@link #MAX_DETAIL} characters, no payload.
 * Rate limit: at most one notice per device per {@code minIntervalNanos} (default 5 s,
 * {@code TENANTRY_INGEST_NOTICE_INTERVAL_MS}); letters in between are counted and the next notice says how many
 * ({@code suppressed}). Rejections without a resolved tenant or device ({@code unknown_tenant},
 * {@code unknown_device}, {@code internal_error}) get no notice. Publishing is best effort and never delays
 * ingest: a failed publish is only counted. Thread-safe.
 */
public final class RejectionNotices implements DeadLetterSink {
    /** Where a device hears about its rejections, below its command topic filter {@code .../cmd/#}. */
    public static final String SUFFIX = "/cmd/rejections";
    /** Longest {@code detail} in a notice. */
    public static final int MAX_DETAIL = 300;
    private static final Logger log = LoggerFactory.getLogger(RejectionNotices.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern DEVICE_TOPIC = Pattern.compile("plc/[a-z0-9_-]{3,32}/[a-z0-9_-]{3,32}");
    private static final Set<RejectReason> SILENT = Set.of(RejectReason.UNKNOWN_TENANT, RejectReason.UNKNOWN_DEVICE,
            RejectReason.INTERNAL_ERROR);
    private static final int MAX_TRACKED = 100_000;

    /** Publishes one notice; returns false when it could not (not connected, window full). */
    @FunctionalInterface
    public interface Publisher {
        boolean publish(String topic, byte[] payload);
    }

    private final DeadLetterSink delegate;
    private final Publisher publisher;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> devices = new HashMap<>(); // topic -> {last sent nanos, suppressed}
    private long sent;
    private long suppressed;
    private long failed;

    /**
     * @param delegate         stores the letters (first; a notice follows only stored letters)
     * @param publisher        the MQTT publish
     * @param minIntervalNanos least time between two notices to one device
     * @param nanoClock        monotonic clock
     */
    public RejectionNotices(DeadLetterSink delegate, Publisher publisher, long minIntervalNanos, LongSupplier nanoClock) {
        this.delegate = delegate;
        this.publisher = publisher;
        this.minIntervalNanos = minIntervalNanos;
        this.nanoClock = nanoClock;
    }

    /** The hook ingest uses: 5 s between notices per device unless {@code TENANTRY_INGEST_NOTICE_INTERVAL_MS} says otherwise. */
    public static DeadLetterSink decorate(DeadLetterSink delegate, Publisher publisher) {
        String ms = System.getenv("TENANTRY_INGEST_NOTICE_INTERVAL_MS");
        long interval = ms == null || ms.isBlank() ? 5_000 : Long.parseLong(ms.trim());
        return new RejectionNotices(delegate, publisher, interval * 1_000_000L, System::nanoTime);
    }

    @Override
    public void store(List<DeadLetter> letters) {
        delegate.store(letters);
        for (DeadLetter d : letters) {
            try {
                notice(d);
            } catch (RuntimeException e) {
                log.debug("rejection notice for {} not sent: {}", d.topic(), e.getMessage());
            }
        }
    }

    private void notice(DeadLetter d) {
        if (d.tenantId() == null || SILENT.contains(d.reason()) || !DEVICE_TOPIC.matcher(d.topic()).matches()) {
            return;
        }
        long held;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            long[] s = devices.get(d.topic());
            if (s != null && now - s[0] < minIntervalNanos) {
                s[1]++;
                suppressed++;
                return;
            }
            if (s == null) {
                if (devices.size() >= MAX_TRACKED) {
                    evict(now);
                }
                s = new long[2];
                devices.put(d.topic(), s);
            }
            held = s[1];
            s[0] = now;
            s[1] = 0;
        }
        byte[] body = body(d, held);
        if (publisher.publish(d.topic() + SUFFIX, body)) {
            synchronized (this) {
                sent++;
            }
        } else {
            synchronized (this) {
                failed++;
            }
        }
    }

    /** The notice's JSON bytes (see the class comment). */
    public static byte[] body(DeadLetter d, long suppressedBefore) {
        String detail = d.detail().length() <= MAX_DETAIL ? d.detail() : d.detail().substring(0, MAX_DETAIL - 1) + "…";
        ObjectNode n = JSON.createObjectNode()
                .put("type", "rejection")
                .put("reason", d.reason().code())
                .put("detail", detail)
                .put("elementsRejected", d.elementsRejected())
                .put("elementsTotal", d.elementsTotal())
                .put("receivedAt", d.receivedAt().toString())
                .put("suppressed", suppressedBefore);
        return JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    }

    private void evict(long now) {
        Iterator<long[]> it = devices.values().iterator();
        while (it.hasNext()) {
            if (now - it.next()[0] >= minIntervalNanos) {
                it.remove();
            }
        }
    }

    /** Notices published, held back by the rate limit, and failed to publish, since start. */
    public synchronized long[] counts() {
        return new long[]{sent, suppressed, failed};
    }
}
