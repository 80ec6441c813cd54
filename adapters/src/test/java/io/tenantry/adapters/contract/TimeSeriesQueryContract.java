package io.tenantry.adapters.contract;

import io.tenantry.core.error.TenantryException;
import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.QueryRejectedException;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link TimeSeriesQuery} contract, written once: a test class for an adapter implements this interface and
 * supplies the query adapter, a bucket and a way to store lines in it; every adapter must pass it against its
 * real store.
 */
public interface TimeSeriesQueryContract {
    /** The adapter under test, with a user that may read {@link #bucket()}. */
    TimeSeriesQuery query();

    /** An existing bucket. */
    Bucket bucket();

    /** The same adapter pointed at an address where nothing answers. */
    TimeSeriesQuery unreachableQuery();

    /** Stores line protocol in the bucket (test set-up). */
    void store(Bucket bucket, List<String> lines);

    /** A measurement name unique to one test. */
    String uniqueMeasurement();

    @Test
    default void seriesAreTypedWithTimeInNanosecondsFirst() {
        String m = uniqueMeasurement();
        long t = 1_700_000_000_123_456_789L;
        store(bucket(), List.of(m + ",locatario_id=t1 i=7i,f=2.5,b=true,s=\"x y\" " + t));
        List<TimeSeriesQuery.Series> series = query().query(bucket(),
                "SELECT i, f, b, s FROM \"" + m + "\" WHERE \"locatario_id\"::tag = 't1'");
        assertThat(series).hasSize(1);
        TimeSeriesQuery.Series s = series.get(0);
        assertThat(s.measurement()).isEqualTo(m);
        assertThat(s.columns()).containsExactly("time", "i", "f", "b", "s");
        assertThat(s.rows()).containsExactly(Arrays.asList(t, 7L, 2.5, true, "x y"));
    }

    @Test
    default void groupByTagsComeBackAsTags() {
        String m = uniqueMeasurement();
        store(bucket(), List.of(m + ",plc_id=a v=1i 1700000000000000000", m + ",plc_id=b v=2i 1700000000000000000"));
        List<TimeSeriesQuery.Series> series = query().query(bucket(), "SELECT sum(v) FROM \"" + m + "\" GROUP BY plc_id");
        assertThat(series).extracting(x -> x.tags().get("plc_id")).containsExactly("a", "b");
    }

    @Test
    default void nothingMatchingIsAnEmptyList() {
        assertThat(query().query(bucket(), "SELECT * FROM \"" + uniqueMeasurement() + "\"")).isEmpty();
    }

    @Test
    default void aRefusedStatementIsInvalidInput() {
        assertThatThrownBy(() -> query().query(bucket(), "SELEKT v FROM nowhere"))
                .isInstanceOfSatisfying(QueryRejectedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TenantryException.Kind.INVALID);
                    assertThat(e.reason()).isNotBlank();
                });
        assertThatThrownBy(() -> query().query(bucket(), "SELECT v FROM \"" + uniqueMeasurement() + "\" GROUP BY time(1m)"))
                .as("an aggregate is required with GROUP BY time").isInstanceOf(QueryRejectedException.class);
    }

    @Test
    default void anUnreachableStoreIsUnavailable() {
        assertThatThrownBy(() -> unreachableQuery().query(bucket(), "SELECT * FROM x"))
                .isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TenantryException.Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo(TimeSeriesQuery.UNAVAILABLE);
                });
    }
}
