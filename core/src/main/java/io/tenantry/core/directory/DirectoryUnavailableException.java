package io.tenantry.core.directory;

import io.tenantry.core.error.UnavailableException;

/**
 * PostgreSQL could not be asked for the directory; the caller must retry later (ingest leaves the message
 * unacknowledged meanwhile). Code {@code directory:unavailable}.
 */
public class DirectoryUnavailableException extends UnavailableException {
    /** The stable error code. */
    public static final String CODE = "directory:unavailable";

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
