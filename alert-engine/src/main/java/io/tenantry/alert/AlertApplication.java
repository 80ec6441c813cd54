package io.tenantry.alert;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The alert-engine: evaluates alert rules and records alert events (design note 000 alerts, alert_events; notifications by e-mail/webhook).
 * <p>
 * Skeleton only: the application starts and serves {@code /actuator/health}; its jobs and endpoints arrive with
 * their own issues.
 */
@SpringBootApplication
public class AlertApplication {
    public static void main(String[] args) {
        SpringApplication.run(AlertApplication.class, args);
    }
}
