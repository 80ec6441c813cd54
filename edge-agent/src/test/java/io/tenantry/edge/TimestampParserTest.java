package io.tenantry.edge;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampParserTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void isoWithAndWithoutOffset() {
        TimestampParser p = TimestampParser.of("iso", BERLIN);
        assertThat(p.parse("2020-03-09T10:14:33Z")).isEqualTo(Instant.parse("2020-03-09T10:14:33Z"));
        assertThat(p.parse("2020-03-09T10:14:33.25+03:00")).isEqualTo(Instant.parse("2020-03-09T07:14:33.25Z"));
        assertThat(p.parse("2020-03-09 10:14:33z")).isEqualTo(Instant.parse("2020-03-09T10:14:33Z"));
        assertThat(p.parse("2020-03-09t10:14:33-01:00")).isEqualTo(Instant.parse("2020-03-09T11:14:33Z"));
        // no offset: the zone (CET in March)
        assertThat(p.parse("2020-03-09T10:14:33")).isEqualTo(Instant.parse("2020-03-09T09:14:33Z"));
        assertThat(p.parse(" 2020-07-09 10:14:33 ")).isEqualTo(Instant.parse("2020-07-09T08:14:33Z"));
        assertThat(p.parse("2020-07-09T10:14:33+02:00[Europe/Berlin]")).isEqualTo(Instant.parse("2020-07-09T08:14:33Z"));
    }

    @Test
    void epochForms() {
        assertThat(TimestampParser.of("epoch-ms", ZoneOffset.UTC).parse("1583748873000")).isEqualTo(Instant.parse("2020-03-09T10:14:33Z"));
        assertThat(TimestampParser.of("EPOCH-MS", ZoneOffset.UTC).parse("1583748873000.5")).isEqualTo(Instant.parse("2020-03-09T10:14:33.000500Z"));
        assertThat(TimestampParser.of("epoch-s", ZoneOffset.UTC).parse("1583748873")).isEqualTo(Instant.parse("2020-03-09T10:14:33Z"));
        assertThat(TimestampParser.of("epoch-s", ZoneOffset.UTC).parse("1583748873.125")).isEqualTo(Instant.parse("2020-03-09T10:14:33.125Z"));
        assertThat(TimestampParser.of("epoch-s", ZoneOffset.UTC).parse("-1.5")).isEqualTo(Instant.parse("1969-12-31T23:59:58.500Z"));
        assertThatThrownBy(() -> TimestampParser.of("epoch-ms", ZoneOffset.UTC).parse("12:00")).isInstanceOf(DateTimeException.class);
    }

    @Test
    void patterns() {
        assertThat(TimestampParser.of("yyyy-MM-dd HH:mm:ss", ZoneOffset.UTC).parse("2013-12-02 21:15:00"))
                .isEqualTo(Instant.parse("2013-12-02T21:15:00Z"));
        assertThat(TimestampParser.of("dd.MM.yyyy HH:mm", BERLIN).parse("02.12.2013 21:15"))
                .isEqualTo(Instant.parse("2013-12-02T20:15:00Z"));
        assertThat(TimestampParser.of("yyyy-MM-dd HH:mm:ssXXX", BERLIN).parse("2013-12-02 21:15:00+05:00"))
                .isEqualTo(Instant.parse("2013-12-02T16:15:00Z"));
        assertThat(TimestampParser.of("yyyy-MM-dd", BERLIN).parse("2013-12-02")).isEqualTo(Instant.parse("2013-12-01T23:00:00Z"));
        assertThatThrownBy(() -> TimestampParser.of("yyyy-MM-dd HH:mm:ss", ZoneOffset.UTC).parse("2013-12-02T21:15:00"))
                .isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> TimestampParser.of("yyyy-MM-dd HH:mm:ss", ZoneOffset.UTC).parse(""))
                .isInstanceOf(DateTimeException.class);
    }

    @Test
    void daylightSavingGapMovesForwardAndOverlapTakesTheEarlierOffset() {
        TimestampParser p = TimestampParser.of("yyyy-MM-dd HH:mm:ss", BERLIN);
        // 2021-03-28 02:30 does not exist in Berlin (02:00 -> 03:00): read as 03:30 CEST
        assertThat(p.parse("2021-03-28 02:30:00")).isEqualTo(Instant.parse("2021-03-28T01:30:00Z"));
        // 2021-10-31 02:30 happens twice: the first (CEST, +02:00)
        assertThat(p.parse("2021-10-31 02:30:00")).isEqualTo(Instant.parse("2021-10-31T00:30:00Z"));
    }

    @Test
    void invalidPatternIsRejected() {
        assertThatThrownBy(() -> TimestampParser.of("yyyy-MM-dd {oops", ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid timestamp format");
        assertThatThrownBy(() -> TimestampParser.of(" ", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
    }
}
