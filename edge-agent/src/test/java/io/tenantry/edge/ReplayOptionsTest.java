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
        assertThat(o.broker().clientId()).isEqualTo("t_acme_p1");
        assertThat(o.csv().separator()).isEqualTo(",");
        assertThat(o.csv().timestampColumn()).isNull();
        assertThat(o.csv().timestampFormat()).isEqualTo("iso");
        assertThat(o.csv().zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(o.csv().fields()).isEmpty();
        assertThat(o.csv().exclude()).isEmpty();
        assertThat(o.csv().speed()).isEqualTo(Speed.REAL);
        assertThat(o.csv().batchSize()).isEqualTo(1);
        assertThat(o.csv().maxMessageBytes()).isEqualTo(262_144);
        assertThat(o.csv().seqStart()).isEqualTo(1);
        assertThat(o.publish().maxInflight()).isEqualTo(100);
        assertThat(o.publish().bufferSize()).isEqualTo(100_000);
        assertThat(o.publish().ackTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.csv().timestampOutput()).isEqualTo(TimestampOutput.RFC3339);
        assertThat(o.listener()).isSameAs(ReplayListener.NONE);
        assertThat(o.broker().tls()).isTrue();
        assertThat(o.toString()).doesNotContain("s3cret").contains("password=***");
        assertThat(o.publish().resendWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.publish().spoolDir()).isNull();
        assertThat(minimal().clientId("other").build().broker().clientId()).isEqualTo("other");
        // the group builders and the flat shortcuts set the same options
        ReplayOptions.Builder b = minimal();
        b.broker().clientId("c2");
        b.publish().maxInflight(7);
        b.csvOptions().batchSize(3);
        ReplayOptions g = b.build();
        assertThat(g.broker().clientId()).isEqualTo("c2");
        assertThat(g.publish().maxInflight()).isEqualTo(7);
        assertThat(g.csv().batchSize()).isEqualTo(3);
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
        assertThat(minimal().seqStart(0).build().csv().seqStart()).isZero();
        assertThatThrownBy(() -> minimal().ackTimeout(Duration.ZERO).build()).hasMessageContaining("ackTimeout");
        assertThatThrownBy(() -> minimal().timestampFormat("yyyy-{").build()).hasMessageContaining("invalid timestamp format");
        assertThat(minimal().brokerUrl("tcp://127.0.0.1:1883").username(null).clientId("dev-1").build().broker().tls()).isFalse();
    }
}
