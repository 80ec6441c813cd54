/*
 * Replacement for Eclipse Paho MQTT v5 1.2.5's class of the same name (Eclipse Public License 2.0 / Eclipse
 * Distribution License 1.0, https://github.com/eclipse/paho.mqtt.java), placed on the ingest service's class path
 * ahead of the Paho jar. Same public API and behaviour; the only change is a bulk {@link #read(byte[], int, int)}.
 *
 * Why: Paho decodes every incoming packet from a byte array through this stream, and the original overrides only
 * the single-byte read(), so InputStream's default bulk read copies each payload byte through a synchronized
 * ByteArrayInputStream.read(). JFR showed that as ~37% of ingest's CPU in the benchmark (docs/benchmarks.md).
 * Remove this file when Paho ships a bulk read (checked against 1.2.5).
 */
package org.eclipse.paho.mqttv5.common.packet.util;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that counts the bytes read through it (Paho's packet decoder uses the count).
 */
public class CountingInputStream extends InputStream {
    private final InputStream inputStream;
    private int counter;

    /** @param inputStream the stream to read from and count */
    public CountingInputStream(InputStream inputStream) {
        this.inputStream = inputStream;
        this.counter = 0;
    }

    @Override
    public int read() throws IOException {
        int i = inputStream.read();
        if (i != -1) {
            counter++;
        }
        return i;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = inputStream.read(b, off, len);
        if (n > 0) {
            counter += n;
        }
        return n;
    }

    /** @return the number of bytes read since the last reset */
    public int getCounter() {
        return counter;
    }

    /** Resets the counter to zero. */
    public void resetCounter() {
        counter = 0;
    }
}
