package io.tenantry.gateway.influxql;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The syntax tree of the InfluxQL statements the gateway accepts (a subset of influxql v1.0.0's {@code ast.go}:
 * {@code SELECT} and the tenant-scopable {@code SHOW}s). Immutable records; {@link Renderer} turns them back into
 * text that InfluxDB 1.6.7 parses to the same tree (every identifier quoted, every nested binary expression in
 * parentheses).
 */
public final class Ast {
    private Ast() {
    }

    // ---------------------------------------------------------------- expressions

    /** An expression (influxql {@code Expr}). */
    public sealed interface Expr permits VarRef, Wildcard, RegexLit, StringLit, IntegerLit, UnsignedLit, NumberLit,
            DurationLit, BooleanLit, BoundParam, Call, Distinct, Binary, Paren {
    }

    /**
     * A field or tag reference, {@code "name"::type}.
     *
     * @param name the (dot-joined) name
     * @param type null, or one of {@code float integer unsigned string boolean field tag}
     */
    public record VarRef(String name, String type) implements Expr {
        public VarRef {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code *}, {@code *::field} or {@code *::tag} ({@code type} null, {@code field} or {@code tag}). */
    public record Wildcard(String type) implements Expr {
    }

    /** {@code /pattern/}; {@code pattern} is the regex as InfluxDB compiles it (RE2 syntax). */
    public record RegexLit(String pattern) implements Expr {
    }

    /** {@code 'text'} (also time strings such as {@code '2000-01-01T00:00:00Z'}). */
    public record StringLit(String value) implements Expr {
    }

    /** A signed 64-bit integer. */
    public record IntegerLit(long value) implements Expr {
    }

    /** An integer above {@link Long#MAX_VALUE} and at most 2^64-1. */
    public record UnsignedLit(BigInteger value) implements Expr {
    }

    /** A float; {@code value} is finite. */
    public record NumberLit(double value) implements Expr {
    }

    /** A duration in nanoseconds ({@code 1h}, {@code 500ms}, {@code -1s}). */
    public record DurationLit(long nanos) implements Expr {
    }

    /** {@code true} / {@code false}. */
    public record BooleanLit(boolean value) implements Expr {
    }

    /** {@code $name} (bound by the request's {@code params}; the gateway never binds them and refuses the query). */
    public record BoundParam(String name) implements Expr {
    }

    /** A function call {@code name(args…)}; {@code name} as written (InfluxDB matches case-insensitively). */
    public record Call(String name, List<Expr> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code DISTINCT field} (the keyword form, not the call). */
    public record Distinct(String name) implements Expr {
    }

    /** {@code lhs op rhs}. */
    public record Binary(Op op, Expr lhs, Expr rhs) implements Expr {
    }

    /** {@code (expr)}. */
    public record Paren(Expr expr) implements Expr {
    }

    /** Binary operators with influxql's precedence (higher binds tighter). */
    public enum Op {
        OR("OR", 1), AND("AND", 2),
        EQ("=", 4), NEQ("!=", 4), EQREGEX("=~", 4), NEQREGEX("!~", 4), LT("<", 4), LTE("<=", 4), GT(">", 4), GTE(">=", 4),
        ADD("+", 5), SUB("-", 5), BITWISE_OR("|", 5), BITWISE_XOR("^", 5),
        MUL("*", 6), DIV("/", 6), MOD("%", 6), BITWISE_AND("&", 6);

        public final String text;
        public final int precedence;

        Op(String text, int precedence) {
            this.text = text;
            this.precedence = precedence;
        }

        /** Comparison, regex match and the logical operators (what a SELECT field may not use). */
        public boolean isConditional() {
            return precedence <= 4;
        }
    }

    // ---------------------------------------------------------------- sources

    /** A {@code FROM} source. */
    public sealed interface Source permits Measurement, SubQuery {
    }

    /**
     * {@code "db"."rp"."name"} or {@code "db"."rp"./regex/}; {@code database}/{@code retentionPolicy} are empty when
     * not written; exactly one of {@code name} and {@code regex} is non-null.
     */
    public record Measurement(String database, String retentionPolicy, String name, RegexLit regex) implements Source {
        public Measurement {
            database = database == null ? "" : database;
            retentionPolicy = retentionPolicy == null ? "" : retentionPolicy;
            if ((name == null) == (regex == null)) {
                throw new IllegalArgumentException("exactly one of name and regex");
            }
        }

        public static Measurement named(String db, String rp, String name) {
            return new Measurement(db, rp, name, null);
        }
    }

    /** {@code (SELECT …)}. */
    public record SubQuery(Select statement) implements Source {
    }

    // ---------------------------------------------------------------- statements

    /** A statement the gateway accepts. */
    public sealed interface Statement permits Select, ShowMeasurements, ShowTagKeys, ShowTagValues, ShowFieldKeys,
            ShowSeries, ShowDatabases, ShowRetentionPolicies {
    }

    /** A SELECT field {@code expr [AS alias]} ({@code alias} null when absent). */
    public record Field(Expr expr, String alias) {
    }

    /** {@code ORDER BY name ASC|DESC}; {@code name} null for the bare {@code ORDER BY ASC|DESC} (means time). */
    public record SortField(String name, boolean ascending) {
    }

    /** {@code fill(...)}: option {@code null none previous linear} or {@code number} with {@code value}. */
    public record Fill(String option, Expr value) {
    }

    /**
     * {@code SELECT fields FROM sources [WHERE c] [GROUP BY d] [fill()] [ORDER BY] [LIMIT] [OFFSET] [SLIMIT] [SOFFSET]
     * [tz()]}. Integers are 0 when absent; {@code condition}, {@code fill}, {@code timezone} null when absent.
     */
    public record Select(List<Field> fields, List<Source> sources, Expr condition, List<Expr> dimensions, Fill fill,
                         List<SortField> sortFields, long limit, long offset, long slimit, long soffset,
                         String timezone) implements Statement {
        public Select {
            fields = List.copyOf(fields);
            sources = List.copyOf(sources);
            dimensions = List.copyOf(dimensions);
            sortFields = List.copyOf(sortFields);
        }

        public Select withSources(List<Source> s) {
            return new Select(fields, s, condition, dimensions, fill, sortFields, limit, offset, slimit, soffset, timezone);
        }

        public Select withCondition(Expr c) {
            return new Select(fields, sources, c, dimensions, fill, sortFields, limit, offset, slimit, soffset, timezone);
        }
    }

    /**
     * {@code SHOW MEASUREMENTS [ON db] [WITH MEASUREMENT = name | =~ /re/] [WHERE c] [ORDER BY] [LIMIT] [OFFSET]};
     * {@code source} null when there is no WITH clause.
     */
    public record ShowMeasurements(String database, Measurement source, Expr condition, List<SortField> sortFields,
                                   long limit, long offset) implements Statement {
    }

    /** {@code SHOW TAG KEYS [ON db] [FROM s] [WHERE c] [ORDER BY] [LIMIT] [OFFSET] [SLIMIT] [SOFFSET]}. */
    public record ShowTagKeys(String database, List<Source> sources, Expr condition, List<SortField> sortFields,
                              long limit, long offset, long slimit, long soffset) implements Statement {
    }

    /**
     * {@code SHOW TAG VALUES [ON db] [FROM s] WITH KEY op keys [WHERE c] [ORDER BY] [LIMIT] [OFFSET]}: {@code op} is
     * {@code =}, {@code !=}, {@code =~}, {@code !~} or {@code IN}; {@code keys} is a list of {@link VarRef} names
     * ({@code =}, {@code !=}, {@code IN}) or one {@link RegexLit}.
     */
    public record ShowTagValues(String database, List<Source> sources, String op, List<Expr> keys, Expr condition,
                                List<SortField> sortFields, long limit, long offset) implements Statement {
    }

    /** {@code SHOW FIELD KEYS [ON db] [FROM s] [ORDER BY] [LIMIT] [OFFSET]}. */
    public record ShowFieldKeys(String database, List<Source> sources, List<SortField> sortFields, long limit,
                                long offset) implements Statement {
    }

    /** {@code SHOW SERIES [ON db] [FROM s] [WHERE c] [ORDER BY] [LIMIT] [OFFSET]}. */
    public record ShowSeries(String database, List<Source> sources, Expr condition, List<SortField> sortFields,
                             long limit, long offset) implements Statement {
    }

    /** {@code SHOW DATABASES}. */
    public record ShowDatabases() implements Statement {
    }

    /** {@code SHOW RETENTION POLICIES [ON db]} ({@code database} empty when absent). */
    public record ShowRetentionPolicies(String database) implements Statement {
    }
}
