package io.tenantry.gateway.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Series keys as {@code SHOW SERIES} returns them ({@code <measurement>,<tag>=<value>,…}, line-protocol escaping:
 * backslash before comma, space and equals sign) turned into the tenant's view: the measurement without the tenant
 * prefix and without the {@code locatario_id=<tenant>} pair.
 */
final class SeriesKeys {
    private SeriesKeys() {
    }

    /**
     * @param key        the stored series key
     * @param prefix     the tenant's measurement prefix, or null where names are not namespaced
     * @param tenantPair {@code locatario_id=<uuid>}
     * @return the visible key; empty when the key is not the tenant's (wrong prefix, or no or another tenant pair)
     */
    static Optional<String> visible(String key, String prefix, String tenantPair) {
        List<String> parts = splitUnescaped(key);
        String measurement = parts.get(0);
        if (prefix != null) {
            if (!measurement.startsWith(prefix) || measurement.length() == prefix.length()) {
                return Optional.empty();
            }
            measurement = measurement.substring(prefix.length());
        }
        boolean own = false;
        StringBuilder b = new StringBuilder(measurement);
        for (String p : parts.subList(1, parts.size())) {
            if (p.startsWith("locatario_id=")) {
                if (!p.equals(tenantPair)) {
                    return Optional.empty();
                }
                own = true;
                continue;
            }
            b.append(',').append(p);
        }
        return own ? Optional.of(b.toString()) : Optional.empty();
    }

    private static List<String> splitUnescaped(String key) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length()) {
                cur.append(c).append(key.charAt(++i));
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
