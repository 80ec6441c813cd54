package io.tenantry.adapters.contract;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link TimeSeriesWriter} contract, written once: a test class for an adapter implements this interface and
 * supplies a writer, a bucket that exists, one that does not, and a read-back; every adapter must pass it against
 * its real store.
 */
public interface TimeSeriesWriterContract {
    /** The adapter under test, with a user that may write {@link #bucket()}. */
    TimeSeriesWriter writer();

    /** An existing bucket, empty of the measurements these tests use (unique names per run). */
    Bucket bucket();

    /** A bucket whose database does not exist. */
    Bucket missingBucket();

    /** The same adapter pointed at an address where nothing answers. */
    TimeSeriesWriter unreachableWriter();

    /** Number of stored values of {@code field} in {@code measurement} of {@code bucket}. */
    long count(Bucket bucket, String measurement, String field);

    /** A measurement name unique to one test. */
    String uniqueMeasurement();

    @Test
    default void everyAcceptedLineIsStored() {
        String m = uniqueMeasurement();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(m + ",locatario_id=t1 v=" + i + "i " + (1_700_000_000_000_000_000L + i));
        }
        TimeSeriesWriter.Result r = writer().write(bucket(), lines);
        assertThat(r.accepted()).isEqualTo(5);
        assertThat(r.rejected()).isEmpty();
        assertThat(count(bucket(), m, "v")).isEqualTo(5);
    }

    @Test
    default void refusedLinesComeBackByIndexAndEveryOtherLineIsStored() {
        String m = uniqueMeasurement();
        long t0 = 1_700_000_000_000_000_000L;
        writer().write(bucket(), List.of(m + ",locatario_id=t1 v=1i " + t0)); // v is an integer field now
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            lines.add(i == 3 ? m + ",locatario_id=t1 v=\"text\" " + (t0 + i)     // field type conflict
                    : i == 8 ? m + ",locatario_id=t1 " + (t0 + i)              // no field: unparsable
                    : m + ",locatario_id=t1 v=" + i + "i " + (t0 + i));
        }
        TimeSeriesWriter.Result r = writer().write(bucket(), lines);
        assertThat(r.rejected()).extracting(TimeSeriesWriter.Rejected::index).containsExactly(2, 7);
        assertThat(r.rejected()).extracting(TimeSeriesWriter.Rejected::line).containsExactly(lines.get(2), lines.get(7));
        assertThat(r.rejected()).allSatisfy(x -> assertThat(x.error()).isNotBlank());
        assertThat(r.accepted()).isEqualTo(8);
        assertThat(count(bucket(), m, "v")).isEqualTo(1 + 8);
    }

    @Test
    default void anEmptyBatchWritesNothing() {
        assertThat(writer().write(bucket(), List.of())).isEqualTo(new TimeSeriesWriter.Result(0, List.of()));
    }

    @Test
    default void aMissingBucketIsRetriableNotTheDataFault() {
        String line = uniqueMeasurement() + ",locatario_id=t1 v=1i 1700000000000000000";
        assertThatThrownBy(() -> writer().write(missingBucket(), List.of(line)))
                .isInstanceOfSatisfying(TimeSeriesWriteException.class, e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    default void anUnreachableStoreIsRetriable() {
        String line = uniqueMeasurement() + ",locatario_id=t1 v=1i 1700000000000000000";
        assertThatThrownBy(() -> unreachableWriter().write(bucket(), List.of(line)))
                .isInstanceOfSatisfying(TimeSeriesWriteException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.status()).isZero();
                });
    }
}
