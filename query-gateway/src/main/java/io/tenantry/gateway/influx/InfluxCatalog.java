package io.tenantry.gateway.influx;

import io.tenantry.gateway.influxql.Ast;
import io.tenantry.gateway.influxql.Renderer;
import io.tenantry.gateway.rewrite.Catalog;
import io.tenantry.gateway.rewrite.GatewayRefusal;
import io.tenantry.gateway.rewrite.Rewriter;
import io.tenantry.gateway.rewrite.TenantView;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Catalog} over InfluxDB: {@code SHOW MEASUREMENTS ON "<db>" WITH MEASUREMENT =~ /^<uuid>\./ WHERE
 * "locatario_id" = '<uuid>'} (in {@code platform_metrics}: only the WHERE), mapped to the tenant's names; a name
 * that is not the tenant's is ignored.
 */
public final class InfluxCatalog implements Catalog {
    private final InfluxHttp influx;
    private final ObjectMapper json;
    private final Duration timeout;

    public InfluxCatalog(InfluxHttp influx, ObjectMapper json, Duration timeout) {
        this.influx = influx;
        this.json = json;
        this.timeout = timeout;
    }

    @Override
    public List<String> measurements(TenantView view, TenantView.Namespace ns) {
        Ast.Measurement with = ns.namespaced()
                ? new Ast.Measurement("", "", null, new Ast.RegexLit("^" + view.prefix().replace(".", "\\.")))
                : null;
        Ast.Expr cond = new Ast.Binary(Ast.Op.EQ, new Ast.VarRef(Rewriter.TENANT_TAG, null), new Ast.StringLit(view.tenantTag()));
        String q = Renderer.render(new Ast.ShowMeasurements(ns.bucket().database(), with, cond, List.of(), 0, 0));
        InfluxHttp.Answer a = influx.query(q, ns.bucket().database(), null, timeout);
        if (a.status() != 200) {
            throw GatewayRefusal.request(a.status() >= 500 ? 503 : 500, "catalog", "cannot list measurements", false);
        }
        JsonNode root = json.readTree(a.bytes());
        List<String> out = new ArrayList<>();
        for (JsonNode series : root.path("results").path(0).path("series")) {
            for (JsonNode row : series.path("values")) {
                view.visible(ns, row.path(0).asString()).ifPresent(out::add);
            }
        }
        out.sort(null);
        return out;
    }
}
