package io.tenantry.provisioning.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the provisioning API ({@code tenantry.*}; {@code tenantry.auth.*} belongs to web-support's
 * {@code AuthProperties}); application.yml fills them from the stack env file
 * ({@code bin/stack up} writes {@code .stack/stack.env}).
 *
 * @param mqtt       broker administration (dynsec) and what devices are told
 * @param influx     InfluxDB administration and the platform's service users
 * @param reconciler how often desired state is re-applied to broker and InfluxDB
 * @param secretKey  base64 AES-256 key encrypting passwords that wait in the outbox
 */
@Validated
@ConfigurationProperties("tenantry")
public record ProvisioningProperties(@Valid @NotNull Mqtt mqtt, @Valid @NotNull Influx influx,
                                     @Valid @NotNull Reconciler reconciler, @NotBlank String secretKey) {

    /**
     * @param adminUrl       internal listener the dynsec admin connects to ({@code tcp://127.0.0.1:1883})
     * @param deviceUrl      URL handed to devices ({@code ssl://host:8883})
     * @param caFile         PEM of the CA devices must trust
     * @param commandTimeout how long one dynsec command may take
     */
    public record Mqtt(@NotBlank String adminUrl, @NotBlank String adminUser, @NotBlank String adminPassword,
                       @NotBlank String deviceUrl, @NotNull Path caFile,
                       @DefaultValue("5s") Duration commandTimeout,
                       @NotBlank String ingestUser, @NotBlank String ingestPassword) {
    }

    /** InfluxDB admin endpoint and the service users provisioning creates with least privilege. */
    public record Influx(@NotBlank String url, @NotBlank String adminUser, @NotBlank String adminPassword,
                         @NotBlank String ingestUser, @NotBlank String ingestPassword,
                         @NotBlank String jobsUser, @NotBlank String jobsPassword,
                         @NotBlank String apiUser, @NotBlank String apiPassword,
                         @DefaultValue("10s") Duration timeout) {
    }

    /**
     * @param enabled  run the periodic reconciler
     * @param interval time between full reconciliations
     */
    public record Reconciler(@DefaultValue("true") boolean enabled, @DefaultValue("10m") Duration interval) {
    }
}
