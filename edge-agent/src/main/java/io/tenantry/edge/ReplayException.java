package io.tenantry.edge;

/**
 * A replay could not run or could not go on. {@link #kind()} tells why, in the terms of the publisher it replays
 * through ({@link PublisherException.Kind}; {@code IO} also covers the CSV file); {@link #partialSummary()} holds the counts
 * reached so far when publishing had started (else {@code null}).
 */
public class ReplayException extends RuntimeException {
    private final PublisherException.Kind kind;
    private final transient ReplaySummary partialSummary;

    public ReplayException(PublisherException.Kind kind, String message, Throwable cause, ReplaySummary partialSummary) {
        super(message, cause);
        this.kind = kind;
        this.partialSummary = partialSummary;
    }

    /** Why the replay stopped. */
    public PublisherException.Kind kind() {
        return kind;
    }

    /** Counts up to the failure, or {@code null} when nothing had been published yet. */
    public ReplaySummary partialSummary() {
        return partialSummary;
    }
}
