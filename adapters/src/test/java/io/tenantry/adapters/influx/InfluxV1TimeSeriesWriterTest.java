package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The refused-batch bisection of {@link InfluxV1TimeSeriesWriter}, and the one retriability rule. */
class InfluxV1TimeSeriesWriterTest {
    /** A store that refuses any body holding a line with {@code BAD}, like InfluxDB's 400 for a partial write. */
    private final List<String> requests = new ArrayList<>();
    private final List<String> stored = new ArrayList<>();

    private String store(String body) {
        requests.add(body);
        if (body.contains("BAD")) {
            return "partial write: BAD line";
        }
        stored.addAll(List.of(body.split("\n")));
        return null;
    }

    private static List<String> lines(int n, int... bad) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int idx = i;
            l.add(IntStream.of(bad).anyMatch(b -> b == idx) ? "m BAD=" + i : "m v=" + i);
        }
        return l;
    }

    @Test
    void aGoodBatchIsOneRequest() {
        TimeSeriesWriter.Result r = InfluxV1TimeSeriesWriter.bisect(lines(16), this::store);
        assertThat(r).isEqualTo(new TimeSeriesWriter.Result(16, List.of()));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0)).isEqualTo(String.join("\n", lines(16)) + "\n");
    }

    @Test
    void oneBadLineIsIsolatedInAboutTwoLog2NRequestsAndEveryOtherLineIsStored() {
        List<String> in = lines(16, 5);
        TimeSeriesWriter.Result r = InfluxV1TimeSeriesWriter.bisect(in, this::store);
        assertThat(r.rejected()).containsExactly(new TimeSeriesWriter.Rejected(5, "m BAD=5", "partial write: BAD line"));
        assertThat(r.accepted()).isEqualTo(15);
        assertThat(stored).containsExactlyInAnyOrderElementsOf(in.stream().filter(l -> !l.contains("BAD")).toList());
        assertThat(requests).hasSize(1 + 2 * 4); // the batch, then both halves at each of log2(16) levels
    }

    @Test
    void severalBadLinesComeBackInInputOrder() {
        List<String> in = lines(7, 0, 3, 6);
        TimeSeriesWriter.Result r = InfluxV1TimeSeriesWriter.bisect(in, this::store);
        assertThat(r.rejected()).extracting(TimeSeriesWriter.Rejected::index).containsExactly(0, 3, 6);
        assertThat(r.accepted()).isEqualTo(4);
        assertThat(stored).containsExactlyInAnyOrder("m v=1", "m v=2", "m v=4", "m v=5");
    }

    @Test
    void allBadAndSingleLineBatches() {
        assertThat(InfluxV1TimeSeriesWriter.bisect(lines(3, 0, 1, 2), this::store).rejected()).hasSize(3);
        assertThat(InfluxV1TimeSeriesWriter.bisect(lines(1, 0), this::store).rejected()).hasSize(1);
        assertThat(InfluxV1TimeSeriesWriter.bisect(List.of(), this::store).accepted()).isZero();
    }

    @Test
    void aRetriableFailureDuringBisectionPropagatesAndNothingIsReportedRejected() {
        int[] calls = {0};
        assertThatThrownBy(() -> InfluxV1TimeSeriesWriter.bisect(lines(8, 6), body -> {
            if (++calls[0] == 3) {
                throw new TimeSeriesWriteException("influx down", true, 503, null);
            }
            return store(body);
        })).isInstanceOfSatisfying(TimeSeriesWriteException.class, e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void onlyContentRefusalsAreFinal() {
        for (int status : new int[]{400, 413, 422}) {
            assertThat(new InfluxV1Exception("x", status, null).retriable()).as("status %d", status).isFalse();
        }
        for (int status : new int[]{0, 401, 403, 404, 408, 429, 500, 502, 503}) {
            assertThat(new InfluxV1Exception("x", status, null).retriable()).as("status %d", status).isTrue();
        }
    }
}
