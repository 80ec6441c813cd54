package io.tenantry.ingest.web;

import io.tenantry.ingest.IngestService;
import io.tenantry.ingest.stats.IngestStats;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator endpoint (MVP brief: "/admin/ingest: health + throughput"). The server binds to 127.0.0.1 by default
 * ({@code server.address}); there is no authentication, so never expose this port beyond the host or a private
 * network.
 */
@RestController
public class AdminController {
    private final IngestService service;

    /** @param service the running ingest service */
    public AdminController(IngestService service) {
        this.service = service;
    }

    /**
     * {@code GET /admin/ingest}: the {@link IngestStats} snapshot as JSON (status UP/DEGRADED, totals, one-minute
     * rates, queue depth, spool size, dead letters by reason, last successful write).
     */
    @GetMapping(value = "/admin/ingest", produces = "application/json")
    public IngestStats ingest() {
        return service.stats();
    }
}
