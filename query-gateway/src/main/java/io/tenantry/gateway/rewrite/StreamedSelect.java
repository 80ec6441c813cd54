package io.tenantry.gateway.rewrite;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant's answer to a SELECT, written while InfluxDB's answer is read (issue 15): the same rules as
 * {@link Plan.Remote#mapper()} for a SELECT (series of another tenant's measurement dropped, names without the tenant
 * prefix, tag and column {@code locatario_id} removed, the prefix removed from an error) without building InfluxDB's
 * answer as a tree. Each series' head (name, tags, columns: small) is read as a tree and decided on before its rows,
 * which are copied token by token (numbers as InfluxDB wrote them) minus the {@code locatario_id} column. A series
 * whose rows come before its name, or an answer that is not InfluxDB's JSON, fails ({@link #write} throws), never
 * passes through unchecked.
 */
public final class StreamedSelect {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TenantView view;
    private final TenantView.Namespace ns;

    /** What {@link #write} produced. */
    public record Answer(byte[] body, int series, int points, String topError) {
    }

    StreamedSelect(TenantView view, TenantView.Namespace ns) {
        this.view = view;
        this.ns = ns;
    }

    /**
     * @param influx InfluxDB's 200 answer to the rendered statement
     * @return {@code {"results":[{"statement_id":0,…}]}} of the first statement result, with the kept series and
     * rows counted; {@link Answer#topError()} is InfluxDB's request-level {@code error} (then the body is not to be
     * sent)
     * @throws tools.jackson.core.JacksonException when the answer is not readable JSON
     * @throws IllegalStateException when a series' rows come before its name or columns
     */
    public Answer write(byte[] influx, ObjectMapper json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(influx.length + 64);
        int[] counts = new int[2];
        String topError = null;
        try (JsonParser p = json.createParser(influx); JsonGenerator g = json.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("InfluxDB's answer is not a JSON object");
            }
            g.writeStartObject();
            g.writeName("results");
            g.writeStartArray();
            g.writeStartObject();
            g.writeNumberProperty("statement_id", 0);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("results") && t == JsonToken.START_ARRAY) {
                    boolean first = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        if (first) {
                            result(p, g, counts);
                            first = false;
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (name.equals("error")) {
                    topError = t == JsonToken.VALUE_STRING ? p.getString() : "InfluxDB answered an error";
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return new Answer(out.toByteArray(), counts[0], counts[1], topError);
    }

    /** The first statement result, the parser on its START_OBJECT; {@code statement_id} is written by the caller. */
    private void result(JsonParser p, JsonGenerator g, int[] counts) {
        boolean seriesOpen = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("statement_id")) {
                p.skipChildren();
            } else if (name.equals("series") && t == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    seriesOpen = series(p, g, counts, seriesOpen);
                }
                if (seriesOpen) {
                    g.writeEndArray();
                    seriesOpen = false;
                }
            } else if (name.equals("error") && t == JsonToken.VALUE_STRING) {
                g.writeStringProperty("error", p.getString().replace(view.prefix(), ""));
            } else {
                JsonNode v = p.readValueAsTree();
                g.writeName(name);
                g.writeTree(v);
            }
        }
    }

    /**
     * One series, the parser on its START_OBJECT; writes it (opening the {@code series} array on the first kept
     * one) unless it is not the tenant's.
     *
     * @return whether the {@code series} array is open
     */
    private boolean series(JsonParser p, JsonGenerator g, int[] counts, boolean seriesOpen) {
        ObjectNode head = NODES.objectNode();
        Boolean keep = null; // decided at the rows (or the end): null = not yet
        int hidden = -1;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("values") && t == JsonToken.START_ARRAY) {
                if (keep != null) {
                    throw new IllegalStateException("InfluxDB's answer has two value lists in one series");
                }
                if (!head.has("name") || !head.has("columns")) {
                    throw new IllegalStateException("InfluxDB's answer has rows before the series' name and columns");
                }
                hidden = columnIndex(head);
                keep = decide(head);
                if (!keep) {
                    p.skipChildren();
                    continue;
                }
                seriesOpen = open(g, seriesOpen);
                writeHead(g, head);
                g.writeName("values");
                g.writeStartArray();
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    row(p, g, hidden);
                    counts[1]++;
                }
                g.writeEndArray();
            } else if (keep == null) {
                head.set(name, p.readValueAsTree());
            } else if (keep) {
                g.writeName(name);
                g.writeTree(p.readValueAsTree());
            } else {
                p.skipChildren();
            }
        }
        if (keep == null) { // a series without rows
            hidden = columnIndex(head);
            keep = decide(head);
            if (keep) {
                seriesOpen = open(g, seriesOpen);
                writeHead(g, head);
            }
        }
        if (keep) {
            g.writeEndObject();
            counts[0]++;
        }
        return seriesOpen;
    }

    private static boolean open(JsonGenerator g, boolean seriesOpen) {
        if (!seriesOpen) {
            g.writeName("series");
            g.writeStartArray();
        }
        g.writeStartObject();
        return true;
    }

    /** Applies the head rules (as {@code Rewriter.renameAndHide}); false when the series is not the tenant's. */
    private boolean decide(ObjectNode head) {
        JsonNode name = head.get("name");
        if (name != null && !name.isNull()) {
            String n = name.asString();
            if (!n.equals("measurements") && !n.equals("databases")) {
                Optional<String> v = view.visible(ns, n);
                if (v.isEmpty()) {
                    return false;
                }
                head.put("name", v.get());
            }
        }
        JsonNode tags = head.get("tags");
        if (tags instanceof ObjectNode t) {
            t.remove(Rewriter.TENANT_TAG);
            if (t.isEmpty()) {
                head.remove("tags");
            }
        }
        int col = columnIndex(head);
        if (col >= 0) {
            ((ArrayNode) head.get("columns")).remove(col);
        }
        return true;
    }

    private static void writeHead(JsonGenerator g, ObjectNode head) {
        for (Map.Entry<String, JsonNode> e : head.properties()) {
            g.writeName(e.getKey());
            g.writeTree(e.getValue());
        }
    }

    /** Index of {@code locatario_id} among the columns as InfluxDB sent them, or -1. */
    private static int columnIndex(ObjectNode head) {
        JsonNode cols = head.get("columns");
        if (cols == null) {
            return -1;
        }
        for (int i = 0; i < cols.size(); i++) {
            if (Rewriter.TENANT_TAG.equals(cols.get(i).asString())) {
                return i;
            }
        }
        return -1;
    }

    /** Copies one row (parser on its START_ARRAY) without cell {@code hidden}. */
    private static void row(JsonParser p, JsonGenerator g, int hidden) {
        g.writeStartArray();
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IllegalStateException("InfluxDB's answer ends inside a row");
            }
            if (i++ == hidden) {
                p.skipChildren();
                continue;
            }
            switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getString());
                case VALUE_STRING -> g.writeString(p.getString());
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                case VALUE_NULL -> g.writeNull();
                default -> g.writeTree(p.readValueAsTree());
            }
        }
        g.writeEndArray();
    }

}
