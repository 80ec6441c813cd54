package io.tenantry.edge;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayOptionsTest {
    private static ReplayOptions.Builder minimal() {
        return ReplayOptions.builder().brokerUrl("ssl://localhost:8883").username("t_acme_p1").password("s3cret")
                .topic("plc/acme/p1").csv(Path.of("x.csv"));
    }

    @Test
    void defaults() {
        ReplayOptions o = minimal().build();
        assertThat(o.clientId()).isEqualTo("t_acme_p1");
        assertThat(o.separator()).isEqualTo(",");
        assertThat(o.timestampColumn()).isNull();
        assertThat(o.timestampFormat()).isEqualTo("iso");
        assertThat(o.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(o.fields()).isEmpty();
        assertThat(o.exclude()).isEmpty();
        assertThat(o.speed()).isEqualTo(Speed.REAL);
        assertThat(o.batchSize()).isEqualTo(1);
        assertThat(o.maxMessageBytes()).isEqualTo(262_144);
        assertThat(o.seqStart()).isEqualTo(1);
        assertThat(o.maxInflight()).isEqualTo(100);
        assertThat(o.bufferSize()).isEqualTo(100_000);
        assertThat(o.ackTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.timestampOutput()).isEqualTo(TimestampOutput.RFC3339);
        assertThat(o.listener()).isSameAs(ReplayListener.NONE);
        assertThat(o.tls()).isTrue();
        assertThat(o.toString()).doesNotContain("s3cret").contains("password=***");
        assertThat(o.toBuilder().clientId("other").build().clientId()).isEqualTo("other");
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> minimal().brokerUrl("localhost:1883").build()).hasMessageContaining("brokerUrl");
        assertThatThrownBy(() -> minimal().brokerUrl("tcp://localhost:1883").caFile(Path.of("ca.crt")).build())
                .hasMessageContaining("CA file needs a TLS broker URL");
        assertThatThrownBy(() -> minimal().topic("plc/acme/#").build()).hasMessageContaining("wildcards");
        assertThatThrownBy(() -> minimal().topic(null).build()).hasMessageContaining("topic is required");
        assertThatThrownBy(() -> minimal().csv(null).build()).hasMessageContaining("csv is required");
        assertThatThrownBy(() -> minimal().username(null).build()).hasMessageContaining("clientId is required");
        assertThatThrownBy(() -> minimal().batchSize(-1).build()).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> minimal().maxInflight(70000).build()).hasMessageContaining("maxInflight");
        assertThatThrownBy(() -> minimal().seqStart(-1).build()).hasMessageContaining("seqStart");
        assertThatThrownBy(() -> minimal().maxMessageBytes(10).build()).hasMessageContaining("maxMessageBytes");
        assertThat(minimal().seqStart(0).build().seqStart()).isZero();
        assertThatThrownBy(() -> minimal().ackTimeout(Duration.ZERO).build()).hasMessageContaining("ackTimeout");
        assertThatThrownBy(() -> minimal().timestampFormat("yyyy-{").build()).hasMessageContaining("invalid timestamp format");
        assertThat(minimal().brokerUrl("tcp://127.0.0.1:1883").username(null).clientId("dev-1").build().tls()).isFalse();
    }
}
