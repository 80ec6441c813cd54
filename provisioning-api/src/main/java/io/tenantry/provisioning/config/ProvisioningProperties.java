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
 * Settings of the provisioning API ({@code tenantry.*}); application.yml fills them from the stack env file
 * ({@code bin/stack up} writes {@code .stack/stack.env}).
 *
 * @param mqtt       broker administration (dynsec) and what devices are told
 * @param influx     InfluxDB administration and the platform's service users
 * @param auth       JWT resource-server settings and the optional local issuer
 * @param reconciler how often desired state is re-applied to broker and InfluxDB
 * @param secretKey  base64 AES-256 key encrypting passwords that wait in the outbox
 */
@Validated
@ConfigurationProperties("tenantry")
public record ProvisioningProperties(@Valid @NotNull Mqtt mqtt, @Valid @NotNull Influx influx, @Valid @NotNull Auth auth,
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
     * @param issuer      expected {@code iss}
     * @param audience    expected {@code aud}
     * @param jwkSetUri   JWKS URI; empty = the local issuer's keys (only when it is enabled)
     * @param localIssuer the project's own issuer for local use and tests; off unless enabled
     * @param maxTokenLifetime longest accepted access-token lifetime ({@code exp} − {@code iat}/{@code nbf}, and
     *                    {@code exp} − now); tokens without {@code exp} are always refused (see TokenPolicy)
     */
    public record Auth(@DefaultValue("tenantry-local") String issuer, @DefaultValue("tenantry-api") String audience,
                       @DefaultValue("") String jwkSetUri, @Valid @NotNull LocalIssuer localIssuer,
                       @DefaultValue("24h") Duration maxTokenLifetime) {
    }

    /**
     * @param enabled serve {@code /oauth2/jwks} and accept tokens signed with the local key
     * @param keyFile the RSA signing key (JWK JSON), generated on first start
     */
    public record LocalIssuer(@DefaultValue("false") boolean enabled, Path keyFile) {
    }

    /**
     * @param enabled  run the periodic reconciler
     * @param interval time between full reconciliations
     */
    public record Reconciler(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration interval) {
    }
}
