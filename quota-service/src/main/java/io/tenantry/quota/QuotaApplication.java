package io.tenantry.quota;

import io.tenantry.web.EnableTenantryWeb;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The quota-service: meters and enforces per-plan quotas (design note 003 §7–§9): usage endpoint for billing, hard cap, downsampling and migration jobs on Quartz.
 * <p>
 * Skeleton only: the application starts and serves {@code /actuator/health}; its jobs and endpoints arrive with
 * their own issues. Its future {@code /api/**} endpoints get the platform's token rules and RFC 9457 problems from
 * web-support ({@link EnableTenantryWeb}).
 */
@SpringBootApplication
@EnableTenantryWeb
public class QuotaApplication {
    public static void main(String[] args) {
        SpringApplication.run(QuotaApplication.class, args);
    }
}
