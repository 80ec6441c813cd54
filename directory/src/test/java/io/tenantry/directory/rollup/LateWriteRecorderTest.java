package io.tenantry.directory.rollup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The trailing timestamp of a line, also when a string field holds spaces. */
class LateWriteRecorderTest {
    @Test
    void readsTheTrailingTimestamp() {
        assertEquals(1700000000000000000L, LateWriteRecorder.timestamp("m,t=a f=1 1700000000000000000"));
        assertEquals(42L, LateWriteRecorder.timestamp("m s=\"a b 7\" 42"));
        assertEquals(-5L, LateWriteRecorder.timestamp("m f=1 -5"));
        assertEquals(Long.MIN_VALUE, LateWriteRecorder.timestamp("m f=1"));
        assertEquals(Long.MIN_VALUE, LateWriteRecorder.timestamp("m f=1 "));
    }
}
