package io.tenantry.ingest.metering;

/**
 * Reads what metering needs from one line of InfluxDB line protocol as {@code LineProtocol} writes it: the number
 * of field values and the timestamp. Names never hold a backslash other than as an escape (LineProtocol refuses
 * them), string values are double-quoted with {@code "} and {@code \} escaped, so one left-to-right scan suffices.
 */
public final class LineFields {
    private LineFields() {
    }

    /**
     * @param line one point, e.g. {@code m,locatario_id=… a=1,b="x, y" 1700000000000000000}
     * @return the number of fields in its field set (≥ 1 for a valid line, 0 when it has none)
     */
    public static int fieldCount(String line) {
        int n = line.length();
        int i = seriesEnd(line);
        if (i >= n - 1) {
            return 0;
        }
        int fields = 1;
        boolean quoted = false;
        for (i = i + 1; i < n; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields++;
            } else if (c == ' ') {
                break;
            }
        }
        return fields;
    }

    /**
     * @return the index of the space that ends the series key (measurement and tags), or the line's length when
     *         there is none
     */
    public static int seriesEnd(String line) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == ' ') {
                return i;
            }
            i++;
        }
        return n;
    }

    /** The field keys of a line, as written (escaped). */
    public static java.util.Set<String> fieldKeys(String line) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        int n = line.length();
        int start = seriesEnd(line) + 1;
        boolean quoted = false;
        boolean inKey = true;
        for (int i = start; i < n; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '=' && inKey) {
                keys.add(line.substring(start, i));
                inKey = false;
            } else if (c == ',') {
                start = i + 1;
                inKey = true;
            } else if (c == ' ') {
                break;
            }
        }
        return keys;
    }

    /**
     * @return the line's timestamp in nanoseconds since the epoch (the digits after its last space), or
     *         {@link Long#MIN_VALUE} when it has none
     */
    public static long timestampNanos(String line) {
        int sp = line.lastIndexOf(' ');
        if (sp < 0 || sp == line.length() - 1) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        boolean neg = false;
        for (int i = sp + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '-' && i == sp + 1) {
                neg = true;
            } else if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
            } else {
                return Long.MIN_VALUE;
            }
        }
        return neg ? -v : v;
    }
}
