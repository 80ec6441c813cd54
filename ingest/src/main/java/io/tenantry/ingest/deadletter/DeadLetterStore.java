package io.tenantry.ingest.deadletter;

import io.tenantry.ingest.telemetry.RejectReason;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep8;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static io.tenantry.db.jooq.Tables.DEAD_LETTERS;

/**
 * {@link DeadLetterSink} into PostgreSQL table {@code dead_letters} (INSERT as the app role). When PostgreSQL
 * is unreachable the letters are appended to a local JSON-lines file with fsync instead, and
 * {@link #retryPending()} moves them into PostgreSQL later (a crash between that insert and the file's deletion
 * can store a letter twice: dead letters are at-least-once). Thread-safe.
 */
public final class DeadLetterStore implements DeadLetterSink {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int CHUNK = 500;

    private final DSLContext dsl;
    private final Path fallback;
    private final AtomicLong pending = new AtomicLong();

    /**
     * @param dsl      jOOQ over the app role's data source
     * @param fallback the local file used while PostgreSQL is unreachable (e.g. {@code <spool dir>/dead-letters.jsonl})
     */
    public DeadLetterStore(DSLContext dsl, Path fallback) {
        this.dsl = dsl;
        this.fallback = fallback;
        if (Files.exists(fallback)) {
            pending.set(readFallback().size());
        }
    }

    /**
     * Inserts the letters into {@code dead_letters} (500 rows per statement); when that fails, appends them to the
     * local fallback file with fsync.
     *
     * @throws java.io.UncheckedIOException when the fallback file cannot be written either
     */
    @Override
    public synchronized void store(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        try {
            insert(letters);
        } catch (RuntimeException e) {
            log.warn("cannot store {} dead letter(s) in PostgreSQL ({}); keeping them in {}", letters.size(),
                    e.getMessage(), fallback);
            appendFallback(letters);
        }
    }

    /** Dead letters waiting in the local file for PostgreSQL. */
    public long pending() {
        return pending.get();
    }

    /**
     * Moves letters from the local file into PostgreSQL; no-op when there are none.
     *
     * @return true when nothing is pending any more
     */
    public synchronized boolean retryPending() {
        if (!Files.exists(fallback)) {
            return true;
        }
        List<DeadLetter> letters = readFallback();
        try {
            insert(letters);
            Files.delete(fallback);
            pending.set(0);
            log.info("moved {} dead letter(s) from {} to PostgreSQL", letters.size(), fallback);
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("dead letters still pending: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Retention: deletes rows received before {@code cutoff}, {@code batch} rows per statement (short
     * transactions; uses index {@code dead_letters_received_idx}, Flyway V4), until none is left.
     *
     * @return rows deleted
     * @throws org.jooq.exception.DataAccessException when PostgreSQL fails (the caller retries next time)
     */
    public long purgeOlderThan(Instant cutoff, int batch) {
        long total = 0;
        while (true) {
            int n = dsl.deleteFrom(DEAD_LETTERS).where(DEAD_LETTERS.ID.in(
                    dsl.select(DEAD_LETTERS.ID).from(DEAD_LETTERS)
                            .where(DEAD_LETTERS.RECEIVED_AT.lt(cutoff.atOffset(ZoneOffset.UTC))).limit(batch))).execute();
            total += n;
            if (n < batch) {
                return total;
            }
        }
    }

    private void insert(List<DeadLetter> letters) {
        for (int from = 0; from < letters.size(); from += CHUNK) {
            List<DeadLetter> chunk = letters.subList(from, Math.min(letters.size(), from + CHUNK));
            InsertValuesStep8<?, java.time.OffsetDateTime, String, UUID, String, String, byte[], Integer, Integer> insert =
                    dsl.insertInto(DEAD_LETTERS, DEAD_LETTERS.RECEIVED_AT, DEAD_LETTERS.TOPIC, DEAD_LETTERS.TENANT_ID,
                            DEAD_LETTERS.REASON, DEAD_LETTERS.DETAIL, DEAD_LETTERS.PAYLOAD, DEAD_LETTERS.ELEMENTS_REJECTED,
                            DEAD_LETTERS.ELEMENTS_TOTAL);
            for (DeadLetter d : chunk) {
                insert = insert.values(d.receivedAt().atOffset(ZoneOffset.UTC), truncate(d.topic(), 300), d.tenantId(),
                        d.reason().code(), truncate(d.detail(), 2000), d.payload(), d.elementsRejected(), d.elementsTotal());
            }
            insert.execute();
        }
    }

    private void appendFallback(List<DeadLetter> letters) {
        StringBuilder sb = new StringBuilder();
        for (DeadLetter d : letters) {
            ObjectNode n = JSON.createObjectNode()
                    .put("received_at", d.receivedAt().toString())
                    .put("topic", d.topic())
                    .put("tenant_id", d.tenantId() == null ? null : d.tenantId().toString())
                    .put("reason", d.reason().name())
                    .put("detail", d.detail())
                    .put("payload", Base64.getEncoder().encodeToString(d.payload()))
                    .put("elements_rejected", d.elementsRejected())
                    .put("elements_total", d.elementsTotal());
            sb.append(JSON.writeValueAsString(n)).append('\n');
        }
        try {
            Files.createDirectories(fallback.getParent());
            try (FileChannel ch = FileChannel.open(fallback, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            pending.addAndGet(letters.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead letters to " + fallback, e);
        }
    }

    private List<DeadLetter> readFallback() {
        List<DeadLetter> letters = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(fallback, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    String tenant = n.path("tenant_id").isNull() ? null : n.path("tenant_id").asString(null);
                    letters.add(new DeadLetter(Instant.parse(n.path("received_at").asString()), n.path("topic").asString(),
                            tenant == null ? null : UUID.fromString(tenant), RejectReason.valueOf(n.path("reason").asString()),
                            n.path("detail").asString(""), Base64.getDecoder().decode(n.path("payload").asString("")),
                            n.path("elements_rejected").asInt(1), n.path("elements_total").asInt(1)));
                } catch (RuntimeException e) {
                    // a line cut short by a crash while appending: its message was never acknowledged
                    log.warn("skipping unreadable dead-letter line in {}: {}", fallback, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fallback, e);
        }
        return letters;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
