package io.tenantry.gateway.service;

import io.tenantry.core.id.TenantId;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second per tenant (issue 13 "Limits per plan"): a token bucket per tenant refilled at the plan's
 * rate, holding at most twice that (a Grafana dashboard opening fires its panels at once). One tenant's bucket never
 * touches another's.
 */
public final class RateLimiter {
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<TenantId, double[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** @return true when the request may run now (and takes one token) */
    public boolean tryAcquire(TenantId tenant, double perSecond) {
        double capacity = Math.max(1.0, perSecond * 2);
        long now = nanoClock.getAsLong();
        double[] b = buckets.computeIfAbsent(tenant, t -> new double[]{capacity, now});
        synchronized (b) {
            double elapsed = (now - (long) b[1]) / 1e9;
            b[0] = Math.min(capacity, b[0] + Math.max(0, elapsed) * perSecond);
            b[1] = now;
            if (b[0] >= 1.0) {
                b[0] -= 1.0;
                return true;
            }
            return false;
        }
    }
}
