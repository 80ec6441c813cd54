package io.tenantry.alert;

import io.tenantry.web.EnableTenantryWeb;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The alert-engine: evaluates alert rules and records alert events (design note 000 alerts, alert_events; notifications by e-mail/webhook).
 * <p>
 * Skeleton only: the application starts and serves {@code /actuator/health}; its jobs and endpoints arrive with
 * their own issues. Its future {@code /api/**} endpoints get the platform's token rules and RFC 9457 problems from
 * web-support ({@link EnableTenantryWeb}).
 */
@SpringBootApplication
@EnableTenantryWeb
public class AlertApplication {
    public static void main(String[] args) {
        SpringApplication.run(AlertApplication.class, args);
    }
}
