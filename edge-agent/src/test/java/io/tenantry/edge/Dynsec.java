package io.tenantry.edge;

import io.tenantry.testsupport.StackEnv;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: a throw-away device client in Mosquitto's dynamic security, made with {@code mosquitto_ctrl} over
 * the loopback listener as the stack's admin. {@link #close()} deletes the client and its role.
 */
final class Dynsec implements AutoCloseable {
    private final StackEnv env;
    final String username;
    final String password;
    private final String role;

    /**
     * Creates client {@code username} with password {@code password} and a role allowing publishClientSend on
     * each of {@code publishTopics}.
     */
    Dynsec(StackEnv env, String username, String password, String... publishTopics) {
        this.env = env;
        this.username = username;
        this.password = password;
        this.role = username + "_role";
        ctrl("createRole", role);
        for (String t : publishTopics) {
            ctrl("addRoleACL", role, "publishClientSend", t, "allow");
        }
        ctrl("createClient", username, "-p", password);
        ctrl("addClientRole", username, role);
    }

    private void ctrl(String... args) {
        URI u = URI.create(env.mqttUrl());
        List<String> cmd = new ArrayList<>(List.of("mosquitto_ctrl", "-h", u.getHost(), "-p", String.valueOf(u.getPort()),
                "-u", env.mqttAdminUser(), "-P", env.mqttAdminPassword(), "dynsec"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mosquitto_ctrl dynsec " + args[0] + " timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || out.toLowerCase().contains("error")) {
                throw new IllegalStateException("mosquitto_ctrl dynsec " + String.join(" ", args).replace(password, "***")
                        + " failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run mosquitto_ctrl (package mosquitto-clients): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (String[] a : new String[][]{{"deleteClient", username}, {"deleteRole", role}}) {
            try {
                ctrl(a);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
