package io.tenantry.ingest.deadletter;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Rate and size limits on stored dead letters, per device and per tenant (issue 8: 256 KiB of junk per message
 * grew PostgreSQL by ~12 MB/s from one device). Each device (its MQTT topic) and each tenant (its UUID; all
 * unresolvable topics share one bucket) has two token buckets, one in rows and one in bytes, refilled
 * continuously at the configured rate per minute up to one minute's worth (the burst). A letter is stored only
 * when both its device's and its tenant's buckets can pay for it; otherwise it is <em>suppressed</em>: counted,
 * not stored. The next letter stored for that device says how many were suppressed before it.
 * <p>
 * Worst-case growth of {@code dead_letters} is therefore {@code min(device limit × devices, tenant limit)} per
 * tenant per minute, for as long as the retention keeps rows. Thread-safe (synchronized: called by the writer and
 * the spool drainer, a few times per batch).
 */
public final class DeadLetterLimiter {
    /**
     * The limits, each per minute.
     *
     * @param deviceRows  rows per device per minute
     * @param deviceBytes bytes (payload + detail) per device per minute
     * @param tenantRows  rows per tenant per minute
     * @param tenantBytes bytes per tenant per minute
     */
    public record Limits(long deviceRows, long deviceBytes, long tenantRows, long tenantBytes) {
    }

    /** The outcome for one letter. */
    public sealed interface Decision permits Store, Suppress {
    }

    /** Store it (with {@code letter}'s detail possibly noting earlier suppressions). */
    public record Store(DeadLetter letter) implements Decision {
    }

    /** Do not store it; {@code byTenant} says whether the tenant's (rather than the device's) budget ran out. */
    public record Suppress(boolean byTenant) implements Decision {
    }

    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final long IDLE_EVICT_NANOS = 10 * MINUTE_NANOS;

    private final Limits limits;
    private final LongSupplier nanoClock;
    private final Map<String, Budget> devices = new HashMap<>();
    private final Map<UUID, Budget> tenants = new HashMap<>();
    private final Map<String, Long> suppressedSinceStored = new HashMap<>();
    private long lastSweep;

    /**
     * @param limits    the limits per minute
     * @param nanoClock monotonic clock ({@code System::nanoTime})
     */
    public DeadLetterLimiter(Limits limits, LongSupplier nanoClock) {
        this.limits = Objects.requireNonNull(limits);
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    /** Decides for one letter and, when it is stored, charges its device's and tenant's budgets. */
    public synchronized Decision admit(DeadLetter d) {
        long now = nanoClock.getAsLong();
        sweep(now);
        long bytes = d.payload().length + (long) d.detail().length() + d.topic().length() + 64;
        Budget dev = devices.computeIfAbsent(d.topic(), k -> new Budget(limits.deviceRows(), limits.deviceBytes(), now));
        Budget ten = tenants.computeIfAbsent(d.tenantId() == null ? UNKNOWN : d.tenantId(),
                k -> new Budget(limits.tenantRows(), limits.tenantBytes(), now));
        dev.refill(now);
        ten.refill(now);
        boolean devOk = dev.canPay(bytes);
        boolean tenOk = ten.canPay(bytes);
        if (!devOk || !tenOk) {
            suppressedSinceStored.merge(d.topic(), 1L, Long::sum);
            return new Suppress(devOk);
        }
        dev.pay(bytes);
        ten.pay(bytes);
        Long before = suppressedSinceStored.remove(d.topic());
        if (before != null) {
            d = d.withDetail("[" + before + " earlier dead letter(s) of this device were not stored: rate limit] " + d.detail());
        }
        return new Store(d);
    }

    private static final UUID UNKNOWN = new UUID(0, 0);

    private void sweep(long now) {
        if (now - lastSweep < MINUTE_NANOS) {
            return;
        }
        lastSweep = now;
        for (Iterator<Map.Entry<String, Budget>> it = devices.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (now - e.getValue().lastUsed > IDLE_EVICT_NANOS) {
                it.remove(); // an idle device's budget is full again anyway; its suppression note is dropped
                suppressedSinceStored.remove(e.getKey());
            }
        }
        tenants.values().removeIf(b -> now - b.lastUsed > IDLE_EVICT_NANOS);
    }

    /** Devices and tenants currently tracked (tests). */
    synchronized int tracked() {
        return devices.size() + tenants.size();
    }

    /** Two token buckets (rows, bytes), each refilled at its capacity per minute. */
    private static final class Budget {
        final long rowCap;
        final long byteCap;
        double rows;
        double bytes;
        long last;
        long lastUsed;

        Budget(long rowCap, long byteCap, long now) {
            this.rowCap = rowCap;
            this.byteCap = byteCap;
            this.rows = rowCap;
            this.bytes = byteCap;
            this.last = now;
            this.lastUsed = now;
        }

        void refill(long now) {
            double minutes = (now - last) / (double) MINUTE_NANOS;
            last = now;
            lastUsed = now;
            rows = Math.min(rowCap, rows + minutes * rowCap);
            bytes = Math.min(byteCap, bytes + minutes * byteCap);
        }

        boolean canPay(long b) {
            // a letter larger than the whole byte budget is stored when the budget is full (never starve forever)
            return rows >= 1 && (bytes >= b || bytes >= byteCap);
        }

        void pay(long b) {
            rows -= 1;
            bytes -= b;
        }
    }
}
