package io.tenantry.directory;

import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.id.TenantId;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Listens on PostgreSQL channel {@link TenantDirectory#CHANGE_CHANNEL} ({@code tenantry_directory}) over a
 * dedicated connection (pgjdbc {@link PGConnection#getNotifications(int)}) and invalidates the tenant named in each
 * notification's payload in a {@link CachedTenantDirectory} (provisioning sends {@code NOTIFY tenantry_directory,
 * '<tenant uuid>'} in the same transaction as every tenant or device change). When the connection fails the whole cache is dropped (notifications may have been
 * missed) and the connection is re-opened after a back-off, forever, until {@link #stop()}.
 */
public final class DirectoryListener {
    private static final Logger log = LoggerFactory.getLogger(DirectoryListener.class);

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final Duration pollInterval;
    private final Duration reconnectBackoff;
    private final String applicationName;
    private final CachedTenantDirectory directory;
    private volatile boolean running;
    private volatile boolean listening;
    private volatile Connection current;
    private Thread thread;

    /**
     * @param jdbcUrl          PostgreSQL JDBC URL (the app role may LISTEN)
     * @param username         PostgreSQL user
     * @param password         its password
     * @param applicationName  PostgreSQL {@code application_name} of the connection and the thread's name, e.g.
     *                         {@code ingest-directory-listener}
     * @param pollInterval     longest wait inside one {@code getNotifications} call
     * @param reconnectBackoff wait before reconnecting after a failure
     * @param directory        the cache to invalidate
     */
    public DirectoryListener(String jdbcUrl, String username, String password, String applicationName,
                             Duration pollInterval, Duration reconnectBackoff, CachedTenantDirectory directory) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.applicationName = applicationName;
        this.pollInterval = pollInterval;
        this.reconnectBackoff = reconnectBackoff;
        this.directory = directory;
    }

    /** Starts the listener thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name(applicationName).daemon(true).start(this::run);
    }

    /** Stops the thread and closes the connection. */
    public synchronized void stop() {
        running = false;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True while a LISTEN connection is open. */
    public boolean listening() {
        return listening;
    }

    private void run() {
        while (running) {
            Properties p = new Properties();
            p.setProperty("user", username);
            p.setProperty("password", password);
            p.setProperty("ApplicationName", applicationName);
            p.setProperty("tcpKeepAlive", "true");
            try (Connection c = DriverManager.getConnection(jdbcUrl, p)) {
                current = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + TenantDirectory.CHANGE_CHANNEL);
                }
                // anything may have changed while we were not listening
                directory.invalidateAll();
                listening = true;
                log.info("listening for directory changes on channel {}", TenantDirectory.CHANGE_CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] ns = pg.getNotifications((int) pollInterval.toMillis());
                    if (ns == null) {
                        continue;
                    }
                    for (PGNotification n : ns) {
                        handle(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("directory LISTEN connection failed ({}); cache dropped, reconnecting in {}",
                            e.getMessage(), reconnectBackoff);
                }
            } finally {
                listening = false;
                current = null;
            }
            if (running) {
                directory.invalidateAll();
                try {
                    Thread.sleep(reconnectBackoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void handle(String payload) {
        try {
            TenantId tenant = TenantId.parse(payload.trim());
            log.debug("directory change for tenant {}", tenant);
            directory.invalidate(tenant);
        } catch (RuntimeException e) {
            log.info("directory notification with payload '{}' is not a tenant UUID; dropping the whole cache", payload);
            directory.invalidateAll();
        }
    }
}
