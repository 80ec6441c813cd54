package io.tenantry.core.timeseries;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineProtocolTest {
    @Test
    void escapesPerTheLineProtocolReference() {
        TreeMap<String, String> tags = new TreeMap<>(Map.of("locatario_id", "t-1", "site name", "a,b=c"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Volume Flow RateRMS", 32.5);
        fields.put("k=v,x", 3L);
        fields.put("ok", true);
        fields.put("note", "say \"hi\" \\ there");
        Point p = new Point("my meas,x", tags, fields, 1_500_000_000_000_000_000L);
        assertThat(LineProtocol.toLine(p)).isEqualTo(
                "my\\ meas\\,x,locatario_id=t-1,site\\ name=a\\,b\\=c "
                        + "Volume\\ Flow\\ RateRMS=32.5,k\\=v\\,x=3i,ok=true,note=\"say \\\"hi\\\" \\\\ there\" "
                        + "1500000000000000000");
    }

    @Test
    void floatsKeepTheirTypeAndPrecision() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("a", 2.0);
        f.put("b", 0.1 + 0.2);
        f.put("c", 1.0e-7);
        Point p = new Point("m", null, f, 1);
        assertThat(LineProtocol.toLine(p)).isEqualTo("m a=2.0,b=0.30000000000000004,c=1.0E-7 1");
    }

    @Test
    void dropsEmptyTagsAndRejectsBadPoints() {
        Point p = new Point("m", new TreeMap<>(Map.of("empty", "")), Map.of("v", 1L), 5);
        assertThat(LineProtocol.toLine(p)).isEqualTo("m v=1i 5");
        assertThatThrownBy(() -> new Point("m", null, Map.of(), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Point("", null, Map.of("v", 1L), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", null, Map.of("v", Double.NaN), 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
    @Test
    void refusesNamesInfluxCannotParseTheSameWayInEveryScanner() {
        // issue 7: key k\, with a newline-carrying string, tag value x\ \, and measurement m\ \, injected lines
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", null, Map.of("k\\,", 1.0, "s", "\nx"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backslash");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", new TreeMap<>(Map.of("t", "x\\ \\,")), Map.of("v", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag value");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m\\ \\,", null, Map.of("v", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("measurement");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", null, Map.of("a\nb", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", new TreeMap<>(Map.of("t\u0000", "v")), Map.of("v", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("#m", null, Map.of("v", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("comment");
        assertThatThrownBy(() -> LineProtocol.toLine(new Point("m", null, Map.of("v", "a\ud800b"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        // a measurement may contain '#' after the first character, and emoji (paired surrogates)
        assertThat(LineProtocol.toLine(new Point("m#\uD83D\uDE00", null, Map.of("v", 1.0), 1))).isEqualTo("m#\uD83D\uDE00 v=1.0 1");
        assertThat(LineProtocol.nameProblem("ok name,=", LineProtocol.NameKind.FIELD_KEY)).isNull();
    }

    @Test
    void stringValuesCannotBreakOut() {
        Point p = new Point("m", null, Map.of("s", "\ntelemetry,locatario_id=x v=1 1\n\"\\"), 7);
        assertThat(LineProtocol.toLine(p)).isEqualTo("m s=\"\ntelemetry,locatario_id=x v=1 1\n\\\"\\\\\" 7");
    }

    @Test
    void failedAppendLeavesTheBufferUnchanged() {
        StringBuilder sb = new StringBuilder("before\n");
        assertThatThrownBy(() -> LineProtocol.append(sb, new Point("m", null, Map.of("a\\b", 1.0), 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sb).hasToString("before\n");
    }
}
