package io.tenantry.alert.eval;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's description template: {@code {{name}}} is replaced by the value of {@code name}; numbers are written
 * with at most 4 decimals; unknown names become the empty string. Plain text otherwise (no expressions, no escapes).
 */
public final class Template {
    private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_.]*)\\s*}}");

    private Template() {
    }

    /** @return the text, at most 2000 characters */
    public static String render(String template, Map<String, ?> vars) {
        Matcher m = VAR.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Object v = vars.get(m.group(1));
            String s = v == null ? "" : v instanceof Double d ? fmt(d) : String.valueOf(v);
            m.appendReplacement(sb, Matcher.quoteReplacement(s));
        }
        m.appendTail(sb);
        return sb.length() > 2000 ? sb.substring(0, 2000) : sb.toString();
    }

    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        return new java.math.BigDecimal(d).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
