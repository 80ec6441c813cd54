package io.tenantry.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code --key value} options of the tools, plus the stack env file ({@code --stack-env}, KEY=value lines written
 * by {@code bin/stack up}).
 */
public record Options(Map<String, String> values) {

    /** @throws IllegalArgumentException for an option without value */
    public static Options parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                m.put(args[i].substring(2), "true");
            } else {
                m.put(args[i].substring(2), args[++i]);
            }
        }
        return new Options(m);
    }

    public String get(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    /** @throws IllegalArgumentException when absent */
    public String require(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    /** The stack env file as a map. */
    public Map<String, String> stackEnv() {
        Path f = Path.of(get("stack-env", ".stack/stack.env"));
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the stack env file " + f + " (run bin/stack up): " + e.getMessage(), e);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }
}
