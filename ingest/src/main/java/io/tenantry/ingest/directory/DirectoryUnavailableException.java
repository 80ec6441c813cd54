package io.tenantry.ingest.directory;

/** PostgreSQL could not be asked; the caller must retry later (the message is not acknowledged meanwhile). */
public class DirectoryUnavailableException extends RuntimeException {
    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
