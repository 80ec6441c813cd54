package io.tenantry.alert.rule;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.web.TextRules;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes a rule's {@code spec} (JSON), field by field: every problem becomes a {@link FieldError} named
 * {@code spec.<key>}. The stored form is the normalized one {@link #toJson} writes, so a stored spec always parses.
 * <ul>
 *   <li>threshold: {@code field}, {@code aggregate} ({@link #AGGREGATES}, default mean), {@code window} (default 1m),
 *       {@code op} above|below|outside, {@code value} (above/below), {@code low}/{@code high} (outside),
 *       {@code clear} (optional hysteresis for above/below), {@code for}</li>
 *   <li>rate_of_change: {@code field}, {@code window} (default 5m), {@code limit} (units per second, &gt; 0), {@code for}</li>
 *   <li>no_data: {@code after} (default 5m), {@code for}</li>
 *   <li>anomaly: {@code fields} (1..16), {@code lambda} (0.2), {@code limitSigmas} (3), {@code baseline} (1h),
 *       {@code window} (5m), {@code minBaseline} (10), {@code for}</li>
 * </ul>
 */
public final class RuleSpecs {
    /** Aggregates InfluxQL computes for a threshold rule. */
    public static final Set<String> AGGREGATES = Set.of("mean", "min", "max", "last", "first", "sum", "count", "median", "spread", "stddev");
    /** Longest window, baseline, after or for: 7 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);
    public static final int MAX_FIELDS = 16;
    public static final int MAX_NAME = 256;

    private RuleSpecs() {
    }

    /**
     * @param kind   {@code threshold}, {@code rate_of_change}, {@code no_data} or {@code anomaly} (already checked)
     * @param spec   the JSON object, or null
     * @param errors where problems go
     * @return the spec, or null when {@code errors} got something
     */
    public static RuleSpec parse(String kind, JsonNode spec, List<FieldError> errors) {
        int before = errors.size();
        if (spec == null || !spec.isObject()) {
            errors.add(new FieldError("spec", "must be an object with the " + kind + " rule's parameters", null));
            return null;
        }
        Duration forD = duration(spec, "for", Duration.ZERO, errors);
        RuleSpec out = switch (kind) {
            case "threshold" -> {
                String field = name(spec, "field", errors);
                String agg = text(spec, "aggregate", "mean");
                if (!AGGREGATES.contains(agg)) {
                    errors.add(new FieldError("spec.aggregate", "must be one of " + new java.util.TreeSet<>(AGGREGATES), agg));
                }
                Duration window = positive(spec, "window", Duration.ofMinutes(1), errors);
                String op = text(spec, "op", null);
                Double value = number(spec, "value", errors);
                Double low = number(spec, "low", errors);
                Double high = number(spec, "high", errors);
                Double clear = number(spec, "clear", errors);
                if (op == null || !Set.of("above", "below", "outside").contains(op)) {
                    errors.add(new FieldError("spec.op", "must be above, below or outside", op));
                } else if (op.equals("outside")) {
                    if (low == null || high == null || low >= high) {
                        errors.add(new FieldError("spec.low", "outside needs numbers low < high", low));
                    }
                    if (clear != null) {
                        errors.add(new FieldError("spec.clear", "only with above or below", clear));
                    }
                } else {
                    if (value == null) {
                        errors.add(new FieldError("spec.value", "required: the threshold (a number)", null));
                    } else if (clear != null && (op.equals("above") ? clear > value : clear < value)) {
                        errors.add(new FieldError("spec.clear", op.equals("above")
                                ? "must be at most value (the alert clears when the aggregate falls to clear or below)"
                                : "must be at least value (the alert clears when the aggregate rises to clear or above)", clear));
                    }
                }
                yield new RuleSpec.Threshold(field, agg, window, op, value, low, high, clear, forD);
            }
            case "rate_of_change" -> {
                String field = name(spec, "field", errors);
                Duration window = positive(spec, "window", Duration.ofMinutes(5), errors);
                Double limit = number(spec, "limit", errors);
                if (limit == null || limit <= 0) {
                    errors.add(new FieldError("spec.limit", "required: a number > 0 (units per second)", limit));
                }
                yield new RuleSpec.RateOfChange(field, window, limit == null ? 0 : limit, forD);
            }
            case "no_data" -> new RuleSpec.NoData(positive(spec, "after", Duration.ofMinutes(5), errors), forD);
            case "anomaly" -> {
                List<String> fields = new ArrayList<>();
                JsonNode fs = spec.get("fields");
                if (fs == null || !fs.isArray() || fs.isEmpty() || fs.size() > MAX_FIELDS) {
                    errors.add(new FieldError("spec.fields", "required: 1 to " + MAX_FIELDS + " field names", null));
                } else {
                    for (JsonNode f : fs) {
                        String n = f.isString() ? f.asString() : null;
                        if (checkName("spec.fields", n, errors)) {
                            fields.add(n);
                        }
                    }
                }
                Double lambda = number(spec, "lambda", errors);
                double l = lambda == null ? 0.2 : lambda;
                if (l <= 0 || l > 1) {
                    errors.add(new FieldError("spec.lambda", "must be > 0 and <= 1", lambda));
                }
                Double sig = number(spec, "limitSigmas", errors);
                double s = sig == null ? 3 : sig;
                if (s <= 0 || s > 1000) {
                    errors.add(new FieldError("spec.limitSigmas", "must be > 0 and <= 1000", sig));
                }
                Double minB = number(spec, "minBaseline", errors);
                int mb = minB == null ? 10 : minB.intValue();
                if (mb < 2 || mb > 100_000 || (minB != null && minB != Math.floor(minB))) {
                    errors.add(new FieldError("spec.minBaseline", "must be a whole number 2 to 100000", minB));
                }
                yield new RuleSpec.Anomaly(fields, l, s, positive(spec, "baseline", Duration.ofHours(1), errors),
                        positive(spec, "window", Duration.ofMinutes(5), errors), mb, forD);
            }
            default -> throw new IllegalArgumentException(kind);
        };
        return errors.size() == before ? out : null;
    }

    /** The normalized JSON of a spec (what is stored and answered). */
    public static ObjectNode toJson(RuleSpec spec) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        switch (spec) {
            case RuleSpec.Threshold t -> {
                o.put("field", t.field());
                o.put("aggregate", t.aggregate());
                o.put("window", Durations.format(t.window()));
                o.put("op", t.op());
                if (t.value() != null) o.put("value", t.value());
                if (t.low() != null) o.put("low", t.low());
                if (t.high() != null) o.put("high", t.high());
                if (t.clear() != null) o.put("clear", t.clear());
            }
            case RuleSpec.RateOfChange r -> {
                o.put("field", r.field());
                o.put("window", Durations.format(r.window()));
                o.put("limit", r.limit());
            }
            case RuleSpec.NoData n -> o.put("after", Durations.format(n.after()));
            case RuleSpec.Anomaly a -> {
                var arr = o.putArray("fields");
                a.fields().forEach(arr::add);
                o.put("method", "ewma");
                o.put("lambda", a.lambda());
                o.put("limitSigmas", a.limitSigmas());
                o.put("baseline", Durations.format(a.baseline()));
                o.put("window", Durations.format(a.window()));
                o.put("minBaseline", a.minBaseline());
            }
        }
        o.put("for", Durations.format(spec.forDuration()));
        return o;
    }

    private static String text(JsonNode spec, String key, String dflt) {
        JsonNode n = spec.get(key);
        return n == null || n.isNull() ? dflt : n.isString() ? n.asString() : n.toString();
    }

    private static Double number(JsonNode spec, String key, List<FieldError> errors) {
        JsonNode n = spec.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            errors.add(new FieldError("spec." + key, "must be a finite number", n.toString()));
            return null;
        }
        return n.asDouble();
    }

    private static String name(JsonNode spec, String key, List<FieldError> errors) {
        String n = text(spec, key, null);
        checkName("spec." + key, n, errors);
        return n;
    }

    private static boolean checkName(String key, String n, List<FieldError> errors) {
        if (n == null || n.isEmpty() || n.length() > MAX_NAME || !TextRules.isPrintable(n)) {
            errors.add(new FieldError(key, "required: a field name of 1 to " + MAX_NAME + " characters and " + TextRules.MESSAGE, n));
            return false;
        }
        if (PlatformTags.RESERVED_NAMES.contains(n)) {
            errors.add(new FieldError(key, "'" + n + "' is not a field (" + PlatformTags.RESERVED_NAMES_TEXT + " are never selected)", n));
            return false;
        }
        return true;
    }

    private static Duration duration(JsonNode spec, String key, Duration dflt, List<FieldError> errors) {
        JsonNode n = spec.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        Duration d = n.isString() ? Durations.parse(n.asString()) : null;
        if (d == null || d.compareTo(MAX_DURATION) > 0) {
            errors.add(new FieldError("spec." + key, "must be a duration like 30s, 5m, 2h, 1d, at most 7d", n.toString()));
            return dflt;
        }
        return d;
    }

    private static Duration positive(JsonNode spec, String key, Duration dflt, List<FieldError> errors) {
        Duration d = duration(spec, key, dflt, errors);
        if (d.isZero()) {
            errors.add(new FieldError("spec." + key, "must be longer than 0s", "0s"));
        }
        return d;
    }
}
