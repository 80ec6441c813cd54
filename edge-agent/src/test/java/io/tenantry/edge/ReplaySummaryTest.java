package io.tenantry.edge;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplaySummaryTest {
    @Test
    void jsonLineAndHumanLine() {
        ReplaySummary s = new ReplaySummary("dev", "plc/acme/p1", 10, 7, Map.of("no_fields", 1L, "bad_timestamp", 2L),
                4, 4, 0, 0, 1, 7, 1, Duration.ofMillis(2000), false, null, 0, 0);
        assertThat(s.complete()).isTrue();
        assertThat(s.rowsSkipped()).isEqualTo(3);
        assertThat(s.rowsPerSecond()).isEqualTo(3.5);
        String json = s.toJson();
        assertThat(json).doesNotContain("\n");
        JsonNode n = JsonMapper.builder().build().readTree(json);
        assertThat(n.get("rows_read").asLong()).isEqualTo(10);
        assertThat(n.get("rows_skipped").asLong()).isEqualTo(3);
        assertThat(n.get("skipped").get("bad_timestamp").asLong()).isEqualTo(2);
        assertThat(n.get("messages_acknowledged").asLong()).isEqualTo(4);
        assertThat(n.get("complete").asBoolean()).isTrue();
        assertThat(n.get("stop_reason").isNull()).isTrue();
        assertThat(s.toHumanLine()).startsWith("OK plc/acme/p1").contains("10 rows read", "7 published in 4 messages",
                "4 acknowledged", "3 skipped {bad_timestamp=2, no_fields=1}", "seq 1..7");
    }

    @Test
    void incompleteWhenAcknowledgementsAreMissingOrRefused() {
        ReplaySummary missing = new ReplaySummary("dev", "t", 5, 5, Map.of(), 5, 3, 0, 0, 1, 5, 2, Duration.ofSeconds(1), true, null, 0, 0);
        assertThat(missing.complete()).isFalse();
        assertThat(missing.toHumanLine()).startsWith("INCOMPLETE").contains("gave up waiting for 2 acknowledgements");
        ReplaySummary refused = new ReplaySummary("dev", "t", 5, 2, Map.of(), 2, 1, 1, 0, 1, 2, 1, Duration.ofSeconds(1), false,
                "broker refused the message with seq 2 (PUBACK reason code 0x87)", 0, 0);
        assertThat(refused.complete()).isFalse();
        assertThat(refused.toHumanLine()).contains("1 refused", "stopped early: broker refused the message with seq 2");
        assertThat(refused.toJson()).contains("\"stop_reason\":\"broker refused");
    }
}
