package io.tenantry.ingest.spool;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Durable local spool of points that could not be written to InfluxDB: append-only segment files
 * {@code seg-<20 digits>.spool} in one directory, drained oldest first.
 * <p>
 * Each {@link #append} writes one record and forces it to disk ({@link FileChannel#force}) before returning, so
 * a caller may acknowledge the MQTT messages behind it. A record is
 * <pre>
 * #R2 &lt;body bytes&gt; &lt;crc32 hex&gt; &lt;entries&gt;\n
 * &lt;body&gt;
 * </pre>
 * and the body holds, per point,
 * {@code p <line bytes> <tenant uuid or -> <database> <retention policy> <retention seconds> <topic>\n<line protocol>\n}
 * (database and retention policy URL-encoded, so they hold no space). The length framing keeps points with
 * newlines inside string fields intact.
 * <p>
 * <b>Versions.</b> The record tag carries the format version, so a spool written by an older ingest still drains
 * after an upgrade: {@code #R2} (issue 9, the bucket per point) is written; {@code #R} (version 1, before issue 9:
 * {@code p <line bytes> <tenant uuid or -> <topic>}) is still read, its points going to
 * {@link SharedBuckets#RAW}, the only bucket ingest wrote to then. A record of an unknown version counts as
 * corrupt (an older ingest cannot drain a newer spool: drain it before a downgrade). On open, a record cut short by a crash
 * (or with a bad checksum) is truncated away: it was never acknowledged, so the broker redelivers its messages.
 * <p>
 * The directory is locked ({@code .lock}) so two instances cannot share it. Thread-safe: the batch writer
 * appends while the drainer reads closed segments.
 */
public final class DiskSpool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskSpool.class);
    private static final String PREFIX = "seg-";
    private static final String SUFFIX = ".spool";
    /** Record tag of format version 1 (before issue 9): no bucket, points go to {@link SharedBuckets#RAW}. */
    static final String RECORD_V1 = "#R";
    /** Record tag of format version 2 (issue 9): the bucket per point. Written by this version. */
    static final String RECORD_V2 = "#R2";

    /** A closed segment handed to the drainer. */
    public record Segment(long id, Path path, List<SpoolEntry> entries, long bytes) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final long maxBytes;
    /** id → (bytes, points) of closed segments */
    private final TreeMap<Long, long[]> closed = new TreeMap<>();
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel head;
    private long headId;
    private long headBytes;
    private long headPoints;
    private long closedBytes;
    private long closedPoints;

    /**
     * @param dir          spool directory (created when missing)
     * @param segmentBytes a segment is closed once it is at least this large
     * @param maxBytes     {@link #append} throws {@link SpoolFullException} beyond this total
     */
    public DiskSpool(Path dir, long segmentBytes, long maxBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
    }

    /**
     * Locks the directory, checks every segment (truncating a torn last record) and opens a new head segment.
     *
     * @throws IOException           when the directory is unusable
     * @throws IllegalStateException when another process holds the spool
     */
    public synchronized void open() throws IOException {
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this JVM already
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("spool " + dir + " is in use by another process");
        }
        long maxId = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(DiskSpool::isSegment).sorted().toList()) {
                long id = idOf(p);
                maxId = Math.max(maxId, id);
                List<SpoolEntry> entries = readSegment(p, true);
                long size = Files.size(p);
                if (entries.isEmpty()) {
                    Files.delete(p);
                } else {
                    closed.put(id, new long[]{size, entries.size()});
                    closedBytes += size;
                    closedPoints += entries.size();
                }
            }
        }
        if (!closed.isEmpty()) {
            log.info("spool {} holds {} point(s) in {} segment(s) from a previous run; they will be drained first",
                    dir, closedPoints, closed.size());
        }
        headId = maxId + 1;
        openHead();
    }

    private void openHead() throws IOException {
        head = FileChannel.open(segmentPath(headId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        headBytes = 0;
        headPoints = 0;
    }

    /**
     * Appends the entries as one record and fsyncs it.
     *
     * @throws SpoolFullException when the spool would exceed its maximum size (nothing was written)
     * @throws IOException        on disk errors (the record may be torn; it is ignored on the next open)
     */
    public synchronized void append(List<SpoolEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        byte[] record = encode(entries);
        if (closedBytes + headBytes + record.length > maxBytes && !isEmpty()) {
            throw new SpoolFullException("spool " + dir + " is full (" + (closedBytes + headBytes) + " of " + maxBytes + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(record);
        while (buf.hasRemaining()) {
            head.write(buf);
        }
        head.force(false);
        headBytes += record.length;
        headPoints += entries.size();
        if (headBytes >= segmentBytes) {
            rotate();
        }
    }

    private void rotate() throws IOException {
        head.close();
        if (headPoints > 0) {
            closed.put(headId, new long[]{headBytes, headPoints});
            closedBytes += headBytes;
            closedPoints += headPoints;
        } else {
            Files.deleteIfExists(segmentPath(headId));
        }
        headId++;
        openHead();
    }

    /**
     * The oldest segment with its entries, closing the head segment first when it is the only one with data.
     *
     * @return empty when the spool is empty
     */
    public Optional<Segment> oldest() throws IOException {
        long id;
        long bytes;
        synchronized (this) {
            if (closed.isEmpty() && headPoints > 0) {
                rotate();
            }
            if (closed.isEmpty()) {
                return Optional.empty();
            }
            id = closed.firstKey();
            bytes = closed.get(id)[0];
        }
        // closed segments are immutable: read outside the lock so appends go on
        Path p = segmentPath(id);
        return Optional.of(new Segment(id, p, readSegment(p, false), bytes));
    }

    /** Deletes a drained segment. */
    public synchronized void remove(Segment segment) throws IOException {
        long[] s = closed.remove(segment.id());
        if (s != null) {
            closedBytes -= s[0];
            closedPoints -= s[1];
        }
        Files.deleteIfExists(segment.path());
    }

    /** True when no point is waiting. */
    public synchronized boolean isEmpty() {
        return closedPoints == 0 && headPoints == 0;
    }

    /** Bytes on disk waiting to be drained. */
    public synchronized long bytes() {
        return closedBytes + headBytes;
    }

    /** Points waiting to be drained. */
    public synchronized long points() {
        return closedPoints + headPoints;
    }

    /** The spool directory. */
    public Path dir() {
        return dir;
    }

    /** Closes the head segment (deleted when empty) and releases the directory lock; data stays on disk. */
    @Override
    public synchronized void close() throws IOException {
        if (head != null) {
            head.close();
            if (headPoints == 0) {
                Files.deleteIfExists(segmentPath(headId));
            }
            head = null;
        }
        if (lock != null) {
            lock.release();
            lockChannel.close();
            lock = null;
        }
    }

    static byte[] encode(List<SpoolEntry> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(entries.size() * 160);
        for (SpoolEntry e : entries) {
            byte[] line = e.line().getBytes(StandardCharsets.UTF_8);
            Bucket b = e.bucket();
            String header = "p " + line.length + " " + (e.tenantId() == null ? "-" : e.tenantId().toString()) + " "
                    + enc(b.database()) + " " + enc(b.retentionPolicy()) + " " + b.retention().toSeconds() + " "
                    + e.topic() + "\n";
            body.writeBytes(header.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(line);
            body.write('\n');
        }
        byte[] b = body.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(b);
        byte[] head = (RECORD_V2 + " " + b.length + " " + Long.toHexString(crc.getValue()) + " " + entries.size() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + b.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(b, 0, out, head.length, b.length);
        return out;
    }

    /**
     * Reads all valid records of a segment file.
     *
     * @param repair truncate the file after the last valid record
     */
    static List<SpoolEntry> readSegment(Path p, boolean repair) throws IOException {
        byte[] data = Files.readAllBytes(p);
        List<SpoolEntry> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            int nl = indexOf(data, (byte) '\n', pos);
            List<SpoolEntry> rec = nl < 0 ? null : decodeRecord(data, pos, nl);
            if (rec == null) {
                log.warn("spool segment {} has a torn or corrupt record at byte {} of {}; ignoring the rest"
                        + " (never acknowledged, the broker redelivers it)", p, pos, data.length);
                if (repair) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.truncate(pos);
                        ch.force(true);
                    }
                }
                break;
            }
            out.addAll(rec);
            String[] h = new String(data, pos, nl - pos, StandardCharsets.UTF_8).split(" ");
            pos = nl + 1 + Integer.parseInt(h[1]);
        }
        return out;
    }

    private static List<SpoolEntry> decodeRecord(byte[] data, int start, int nl) {
        try {
            String[] h = new String(data, start, nl - start, StandardCharsets.UTF_8).split(" ");
            if (h.length != 4 || !(RECORD_V1.equals(h[0]) || RECORD_V2.equals(h[0]))) {
                return null;
            }
            boolean v2 = RECORD_V2.equals(h[0]);
            int len = Integer.parseInt(h[1]);
            long crcWanted = Long.parseLong(h[2], 16);
            int count = Integer.parseInt(h[3]);
            int bodyStart = nl + 1;
            if (len < 0 || bodyStart + len > data.length) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(data, bodyStart, len);
            if (crc.getValue() != crcWanted) {
                return null;
            }
            List<SpoolEntry> entries = new ArrayList<>(count);
            int pos = bodyStart;
            int end = bodyStart + len;
            while (pos < end) {
                int hl = indexOf(data, (byte) '\n', pos);
                String[] eh = new String(data, pos, hl - pos, StandardCharsets.UTF_8).split(" ", v2 ? 7 : 4);
                int lineLen = Integer.parseInt(eh[1]);
                UUID tenant = "-".equals(eh[2]) ? null : UUID.fromString(eh[2]);
                Bucket bucket = v2 ? bucket(dec(eh[3]), dec(eh[4]), Duration.ofSeconds(Long.parseLong(eh[5])))
                        : SharedBuckets.RAW;
                String topic = v2 ? eh[6] : eh[3];
                String line = new String(data, hl + 1, lineLen, StandardCharsets.UTF_8);
                entries.add(new SpoolEntry(tenant, topic, bucket, line));
                pos = hl + 1 + lineLen + 1;
            }
            return entries.size() == count ? entries : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The decoded bucket, the shared constant when it is one (so equal buckets are also the same object). */
    private static Bucket bucket(String database, String rp, Duration retention) {
        Bucket b = new Bucket(database, rp, retention);
        for (Bucket shared : SharedBuckets.ALL) {
            if (shared.equals(b)) {
                return shared;
            }
        }
        return b;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private Path segmentPath(long id) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, id, SUFFIX));
    }

    private static boolean isSegment(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
    }

    private static long idOf(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }
}
