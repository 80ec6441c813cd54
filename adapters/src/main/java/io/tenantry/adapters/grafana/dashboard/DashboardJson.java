package io.tenantry.adapters.grafana.dashboard;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Jackson serialisation of the dashboard records, and the content hash that tells whether a regenerated dashboard
 * differs from the saved one (SHA-256 hex of the JSON without {@code version}).
 */
public final class DashboardJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private DashboardJson() {
    }

    /** The dashboard as a JSON tree, the shape Grafana's {@code POST /api/dashboards/db} takes under {@code dashboard}. */
    public static JsonNode tree(DashboardModel.Dashboard d) {
        return MAPPER.valueToTree(d);
    }

    /** The dashboard as JSON text. */
    public static String text(DashboardModel.Dashboard d) {
        return MAPPER.writeValueAsString(d);
    }

    /** SHA-256 (hex) of the dashboard's JSON with {@code version} left out: equal hashes = nothing to save. */
    public static String contentHash(DashboardModel.Dashboard d) {
        DashboardModel.Dashboard unversioned = new DashboardModel.Dashboard(d.uid(), d.title(), d.description(),
                d.tags(), d.timezone(), d.editable(), d.graphTooltip(), d.time(), d.refresh(), d.schemaVersion(),
                null, d.panels(), d.templating(), d.annotations());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text(unversioned).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
