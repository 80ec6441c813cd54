package io.tenantry.gateway.influxql;

import io.tenantry.gateway.influxql.Ast.*;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns an {@link Ast} back into InfluxQL text that influxql v1.0.0 (InfluxDB 1.6.7) parses to the same tree: every
 * identifier double-quoted with {@code \\ \" \n} escaped, strings single-quoted likewise, regexes with {@code /}
 * escaped, every binary expression nested in another wrapped in parentheses (so precedence never depends on the
 * reader), comments dropped. What the gateway sends to InfluxDB is always this text, never the caller's.
 */
public final class Renderer {
    private Renderer() {
    }

    /** {@code "name"} with escapes; a carriage return cannot be expressed in InfluxQL and is refused. */
    public static String quoteIdent(String s) {
        return '"' + escape(s, '"') + '"';
    }

    /** {@code 'text'} with escapes. */
    public static String quoteString(String s) {
        return '\'' + escape(s, '\'') + '\'';
    }

    private static String escape(String s, char quote) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> throw new IllegalArgumentException("carriage return cannot be rendered");
                default -> {
                    if (c == quote) {
                        b.append('\\');
                    }
                    b.append(c);
                }
            }
        }
        return b.toString();
    }

    /** {@code /pattern/} with every slash escaped. */
    public static String regex(String pattern) {
        if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("regex with a line break cannot be rendered");
        }
        return "/" + pattern.replace("/", "\\/") + "/";
    }

    /** A statement as text. */
    public static String render(Statement s) {
        return switch (s) {
            case Select sel -> select(sel);
            case ShowMeasurements m -> "SHOW MEASUREMENTS" + on(m.database())
                    + (m.source() == null ? "" : m.source().regex() != null
                    ? " WITH MEASUREMENT =~ " + expr(m.source().regex())
                    : " WITH MEASUREMENT = " + source(m.source()))
                    + where(m.condition()) + order(m.sortFields()) + num(" LIMIT ", m.limit()) + num(" OFFSET ", m.offset());
            case ShowTagKeys k -> "SHOW TAG KEYS" + on(k.database()) + from(k.sources()) + where(k.condition())
                    + order(k.sortFields()) + num(" LIMIT ", k.limit()) + num(" OFFSET ", k.offset())
                    + num(" SLIMIT ", k.slimit()) + num(" SOFFSET ", k.soffset());
            case ShowTagValues v -> "SHOW TAG VALUES" + on(v.database()) + from(v.sources()) + " WITH KEY "
                    + tagKeys(v) + where(v.condition()) + order(v.sortFields()) + num(" LIMIT ", v.limit())
                    + num(" OFFSET ", v.offset());
            case ShowFieldKeys f -> "SHOW FIELD KEYS" + on(f.database()) + from(f.sources()) + order(f.sortFields())
                    + num(" LIMIT ", f.limit()) + num(" OFFSET ", f.offset());
            case ShowSeries r -> "SHOW SERIES" + on(r.database()) + from(r.sources()) + where(r.condition())
                    + order(r.sortFields()) + num(" LIMIT ", r.limit()) + num(" OFFSET ", r.offset());
            case ShowDatabases d -> "SHOW DATABASES";
            case ShowRetentionPolicies p -> "SHOW RETENTION POLICIES" + on(p.database());
        };
    }

    private static String tagKeys(ShowTagValues v) {
        if (v.op().equals("IN")) {
            return "IN (" + v.keys().stream().map(Renderer::expr).collect(Collectors.joining(", ")) + ")";
        }
        return v.op() + " " + expr(v.keys().get(0));
    }

    private static String on(String db) {
        return db == null || db.isEmpty() ? "" : " ON " + quoteIdent(db);
    }

    private static String from(List<Source> sources) {
        return sources.isEmpty() ? "" : " FROM " + sources.stream().map(Renderer::source).collect(Collectors.joining(", "));
    }

    private static String where(Expr cond) {
        return cond == null ? "" : " WHERE " + expr(cond);
    }

    private static String num(String kw, long v) {
        return v > 0 ? kw + v : "";
    }

    private static String order(List<SortField> sort) {
        if (sort.isEmpty()) {
            return "";
        }
        return " ORDER BY " + sort.stream()
                .map(f -> (f.name() == null || f.name().equals("time") ? "time" : quoteIdent(f.name())) + (f.ascending() ? " ASC" : " DESC"))
                .collect(Collectors.joining(", "));
    }

    private static String select(Select s) {
        StringBuilder b = new StringBuilder("SELECT ");
        b.append(s.fields().stream()
                .map(f -> expr(f.expr()) + (f.alias() == null ? "" : " AS " + quoteIdent(f.alias())))
                .collect(Collectors.joining(", ")));
        b.append(from(s.sources()));
        b.append(where(s.condition()));
        if (!s.dimensions().isEmpty()) {
            b.append(" GROUP BY ").append(s.dimensions().stream().map(Renderer::expr).collect(Collectors.joining(", ")));
        }
        if (s.fill() != null) {
            b.append(" fill(").append(s.fill().value() != null ? expr(s.fill().value()) : s.fill().option()).append(')');
        }
        b.append(order(s.sortFields()));
        b.append(num(" LIMIT ", s.limit())).append(num(" OFFSET ", s.offset()));
        b.append(num(" SLIMIT ", s.slimit())).append(num(" SOFFSET ", s.soffset()));
        if (s.timezone() != null) {
            b.append(" tz(").append(quoteString(s.timezone())).append(')');
        }
        return b.toString();
    }

    /** A source: {@code "db"."rp"."name"}, {@code "db"../re/}, {@code (SELECT …)}. */
    public static String source(Source src) {
        return switch (src) {
            case SubQuery q -> "(" + select(q.statement()) + ")";
            case Measurement m -> {
                StringBuilder b = new StringBuilder();
                if (!m.database().isEmpty()) {
                    b.append(quoteIdent(m.database())).append('.');
                    if (!m.retentionPolicy().isEmpty()) {
                        b.append(quoteIdent(m.retentionPolicy()));
                    }
                    b.append('.');
                } else if (!m.retentionPolicy().isEmpty()) {
                    b.append(quoteIdent(m.retentionPolicy())).append('.');
                }
                b.append(m.regex() != null ? regex(m.regex().pattern()) : quoteIdent(m.name()));
                yield b.toString();
            }
        };
    }

    /** An expression as text. */
    public static String expr(Expr e) {
        return switch (e) {
            case VarRef v -> quoteIdent(v.name()) + (v.type() == null ? "" : "::" + v.type());
            case Wildcard w -> "*" + (w.type() == null ? "" : "::" + w.type());
            case RegexLit r -> regex(r.pattern());
            case StringLit s -> quoteString(s.value());
            case IntegerLit i -> Long.toString(i.value());
            case UnsignedLit u -> u.value().toString();
            case NumberLit n -> number(n.value());
            case DurationLit d -> Durations.format(d.nanos());
            case BooleanLit b -> b.value() ? "true" : "false";
            case BoundParam p -> "$" + (p.name().matches("[A-Za-z_][A-Za-z0-9_]*") ? p.name() : quoteIdent(p.name()));
            case Call c -> callName(c.name()) + "(" + c.args().stream().map(Renderer::expr).collect(Collectors.joining(", ")) + ")";
            case Distinct d -> "DISTINCT " + quoteIdent(d.name());
            case Paren p -> "(" + expr(p.expr()) + ")";
            case Binary b -> operand(b.lhs()) + " " + b.op().text + " " + operand(b.rhs());
        };
    }

    private static String operand(Expr e) {
        return e instanceof Binary ? "(" + expr(e) + ")" : expr(e);
    }

    private static String callName(String name) {
        if (name.equals("distinct")) {
            return name;
        }
        if (name.matches("[A-Za-z_][A-Za-z0-9_]*") && !Lexer.KEYWORDS.contains(name.toUpperCase(Locale.ROOT))) {
            return name;
        }
        return quoteIdent(name);
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("not a finite number");
        }
        String s = BigDecimal.valueOf(v).toPlainString();
        if (s.indexOf('.') < 0) {
            s = s + ".0";
        }
        return s;
    }
}
