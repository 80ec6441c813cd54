package io.tenantry.ingest.spool;

import java.io.IOException;

/** The spool reached {@code tenantry.ingest.spool.max-size}; the writer stops acknowledging until it drains. */
public class SpoolFullException extends IOException {
    public SpoolFullException(String message) {
        super(message);
    }
}
