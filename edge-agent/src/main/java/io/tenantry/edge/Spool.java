package io.tenantry.edge;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.TreeMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The agent's store-and-forward queue: every message is appended here before it is sent and leaves only when the
 * broker has acknowledged (or refused) it. It decides what to send next, in order: after a connection loss
 * {@link #requeueAll()} puts every unacknowledged message back in front, oldest first.
 * <p>
 * With a directory, messages are also written to segment files {@code seg-<n>.log} (up to
 * {@value #SEGMENT_RECORDS} records each; a segment is deleted once all its messages are done). Records are
 * flushed to the OS on append (they survive a crash of the JVM) and forced to disk on segment rotation and close.
 * Opening a directory that still holds segments of an earlier run recovers their messages (a torn last record is
 * dropped) and queues them first; their acknowledgement state is not recorded, so already acknowledged messages of
 * a partly done segment are sent again (QoS 1: at least once). A {@code lock} file keeps two replays from using
 * the same directory at once.
 * <p>
 * With a resend window ({@link #inMemory(Duration, int)}), acknowledged messages are kept in memory for a while and
 * {@link #requeueAll(long)} queues copies of the recent ones again after a connection loss. A message the broker
 * refused for good ({@link #refuse(Entry)}) stays pending and on disk but is not sent again by this run.
 * <p>
 * Not thread-safe: the replayer calls it under its own lock. Every message stays in memory too, so the caller
 * bounds the queue (buffer size).
 */
final class Spool implements Closeable {
    static final int SEGMENT_RECORDS = 1000;
    private static final int MAGIC = 0x45444731; // "EDG1"
    private static final Pattern SEGMENT = Pattern.compile("seg-(\\d{12})\\.log");

    /** One queued MQTT message. */
    static final class Entry {
        final long order;
        final long firstSeq;
        final int rows;
        final byte[] payload;
        final boolean recovered;
        /** A copy of an already acknowledged message, sent again after a connection loss ({@link #requeueAll(long)}). */
        final boolean resend;
        private Segment segment;
        boolean sent;
        long generation;
        boolean done;
        /** The broker refused it (PUBACK &gt;= 0x80, not retried): it stays pending, and on disk, but is not sent again. */
        boolean refused;
        /** When its success PUBACK arrived ({@link System#nanoTime()}), for the resend window. */
        long ackedAtNanos;

        Entry(long order, long firstSeq, int rows, byte[] payload, boolean recovered) {
            this(order, firstSeq, rows, payload, recovered, false);
        }

        private Entry(long order, long firstSeq, int rows, byte[] payload, boolean recovered, boolean resend) {
            this.order = order;
            this.firstSeq = firstSeq;
            this.rows = rows;
            this.payload = payload;
            this.recovered = recovered;
            this.resend = resend;
        }
    }

    private static final class Segment {
        final Path file;
        int total;
        int doneCount;
        boolean sealed;

        Segment(Path file) {
            this.file = file;
        }
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Not done yet, by queue order (a resend copy keeps its original's place). */
    private final Map<Long, Entry> pending = new TreeMap<>();
    private ArrayDeque<Entry> unsent = new ArrayDeque<>();
    /** Acknowledged messages kept for the resend window, oldest acknowledgement first. */
    private final ArrayDeque<Entry> acked = new ArrayDeque<>();
    private final long resendWindowNanos;
    private final int resendWindowMax;
    private final List<Entry> recovered = new ArrayList<>();
    private long nextOrder;
    private long nextSegment;
    private Segment current;
    private DataOutputStream out;
    private FileChannel outChannel;

    private Spool(Path dir, FileChannel lockChannel, FileLock lock, Duration resendWindow, int resendWindowMax) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.resendWindowNanos = resendWindow.toNanos();
        this.resendWindowMax = resendWindowMax;
    }

    /** A spool in memory only, without a resend window. */
    static Spool inMemory() {
        return inMemory(Duration.ZERO, 0);
    }

    /**
     * A spool in memory only.
     *
     * @param resendWindow    how long an acknowledged message is kept to be sent again after a connection loss
     *                        ({@link #requeueAll(long)}); zero keeps none
     * @param resendWindowMax at most this many acknowledged messages are kept (the oldest go first)
     */
    static Spool inMemory(Duration resendWindow, int resendWindowMax) {
        return new Spool(null, null, null, resendWindow, resendWindowMax);
    }

    /**
     * Opens (creating it if needed) the spool directory {@code dir}, locks it and recovers what an earlier run left.
     *
     * @throws IOException when the directory cannot be used or another replay holds it
     */
    static Spool open(Path dir) throws IOException {
        return open(dir, Duration.ZERO, 0);
    }

    /**
     * Like {@link #open(Path)}, with a resend window (see {@link #inMemory(Duration, int)}). Acknowledged messages
     * kept for the window live in memory only.
     */
    static Spool open(Path dir, Duration resendWindow, int resendWindowMax) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IOException("spool directory " + dir + " is in use by another replay (same client id?)");
        }
        Spool s = new Spool(dir, ch, l, resendWindow, resendWindowMax);
        try {
            s.recover();
        } catch (IOException | RuntimeException e) {
            s.release();
            throw e;
        }
        return s;
    }

    /** The directory, or {@code null} in memory. */
    Path dir() {
        return dir;
    }

    /** Messages recovered from an earlier run (queued before anything appended now). */
    List<Entry> recovered() {
        return Collections.unmodifiableList(recovered);
    }

    /** Messages not yet done (queued, in flight, or sent and waiting for their acknowledgement). */
    int pending() {
        return pending.size();
    }

    /**
     * Queues a message (and writes it to disk when the spool has a directory).
     *
     * @throws IOException when writing fails; the message is then not queued
     */
    Entry append(long firstSeq, int rows, byte[] payload) throws IOException {
        Entry e = new Entry(nextOrder, firstSeq, rows, payload, false);
        if (dir != null) {
            write(e);
        }
        nextOrder++;
        pending.put(e.order, e);
        unsent.addLast(e);
        return e;
    }

    /** The next message to send (oldest unsent, not done, not refused), or {@code null}. Does not mark it. */
    Entry nextToSend() {
        Entry e;
        while ((e = unsent.peekFirst()) != null && (e.done || e.sent || e.refused)) {
            unsent.pollFirst();
        }
        return e;
    }

    /** Marks {@code e} (the result of {@link #nextToSend()}) as handed to the client in {@code generation}. */
    void markSent(Entry e, long generation) {
        if (unsent.peekFirst() == e) {
            unsent.pollFirst();
        }
        e.sent = true;
        e.generation = generation;
    }

    /** The client did not take {@code e}: it goes back to the front. */
    void unsend(Entry e) {
        e.sent = false;
        if (!e.done) {
            unsent.addFirst(e);
        }
    }

    /** Every message not done is to be sent again, oldest first (no acknowledged message is re-sent). */
    void requeueAll() {
        ArrayDeque<Entry> q = new ArrayDeque<>(pending.size());
        for (Entry e : pending.values()) {
            e.sent = false;
            if (!e.refused) {
                q.addLast(e);
            }
        }
        unsent = q;
    }

    /**
     * After a connection loss: the messages acknowledged at or after {@code ackedSinceNanos} (within the resend
     * window) become pending again as copies ({@link Entry#resend}, memory only), and every pending message is to
     * be sent again, oldest first. A broker that crashed may have acknowledged messages it had not yet saved
     * (Mosquitto writes its persistence file every {@code autosave_interval}); sending them again costs duplicates,
     * which ingest absorbs (docs/telemetry.md, sections 6 and 8).
     *
     * @return how many acknowledged messages were queued again
     */
    int requeueAll(long ackedSinceNanos) {
        trimAcked(System.nanoTime());
        int copies = 0;
        for (Entry a : acked) {
            if (a.ackedAtNanos - ackedSinceNanos >= 0 && !pending.containsKey(a.order)) {
                pending.put(a.order, new Entry(a.order, a.firstSeq, a.rows, a.payload, a.recovered, true));
                copies++;
            }
        }
        acked.clear();
        requeueAll();
        return copies;
    }

    /** Acknowledged messages currently kept for the resend window. */
    int ackedKept() {
        return acked.size();
    }

    private void trimAcked(long now) {
        while (!acked.isEmpty() && (acked.size() > resendWindowMax || now - acked.peekFirst().ackedAtNanos > resendWindowNanos)) {
            acked.pollFirst();
        }
    }

    /**
     * The broker refused {@code e} for good (PUBACK reason code &gt;= 0x80 that retrying cannot fix): it stays
     * pending (and in its segment file, for the next run) but is not sent again by this run.
     *
     * @return false when it was already done or refused
     */
    boolean refuse(Entry e) {
        if (e.done || e.refused) {
            return false;
        }
        e.refused = true;
        e.sent = false;
        return true;
    }

    /**
     * {@code e} is acknowledged or refused: it leaves the queue (a finished segment is deleted).
     *
     * @return false when it was already done
     */
    boolean done(Entry e) throws IOException {
        if (e.done || e.refused) {
            return false;
        }
        e.done = true;
        if (pending.get(e.order) == e) {
            pending.remove(e.order);
        }
        if (resendWindowNanos > 0 && resendWindowMax > 0) {
            long now = System.nanoTime();
            e.ackedAtNanos = now;
            acked.addLast(e);
            trimAcked(now);
        }
        Segment s = e.segment;
        if (s != null) {
            s.doneCount++;
            if (s.sealed && s.doneCount >= s.total) {
                Files.deleteIfExists(s.file);
            }
        }
        return true;
    }

    private void write(Entry e) throws IOException {
        if (current == null || current.total >= SEGMENT_RECORDS) {
            rotate();
        }
        CRC32 crc = new CRC32();
        crc.update(e.payload);
        crc.update(longBytes(e.firstSeq));
        crc.update(longBytes(e.rows));
        out.writeInt(MAGIC);
        out.writeLong(e.firstSeq);
        out.writeInt(e.rows);
        out.writeInt(e.payload.length);
        out.write(e.payload);
        out.writeInt((int) crc.getValue());
        out.flush();
        current.total++;
        e.segment = current;
    }

    private void rotate() throws IOException {
        sealCurrent();
        Path f = dir.resolve(String.format("seg-%012d.log", nextSegment++));
        outChannel = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        out = new DataOutputStream(new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(outChannel), 64 * 1024));
        current = new Segment(f);
    }

    private void sealCurrent() throws IOException {
        if (current == null) {
            return;
        }
        out.flush();
        outChannel.force(false);
        out.close();
        current.sealed = true;
        if (current.doneCount >= current.total) {
            Files.deleteIfExists(current.file);
        }
        current = null;
        out = null;
        outChannel = null;
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.log")) {
            for (Path p : ds) {
                if (SEGMENT.matcher(p.getFileName().toString()).matches()) {
                    files.add(p);
                }
            }
        }
        Collections.sort(files);
        for (Path f : files) {
            Matcher m = SEGMENT.matcher(f.getFileName().toString());
            if (m.matches()) {
                nextSegment = Math.max(nextSegment, Long.parseLong(m.group(1)) + 1);
            }
            Segment s = new Segment(f);
            s.sealed = true;
            try (InputStream in = Files.newInputStream(f); DataInputStream din = new DataInputStream(new java.io.BufferedInputStream(in))) {
                while (true) {
                    Entry e = readRecord(din);
                    if (e == null) {
                        break;
                    }
                    e.segment = s;
                    s.total++;
                    pending.put(e.order, e);
                    unsent.addLast(e);
                    recovered.add(e);
                }
            }
            if (s.total == 0) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** One record, or null at the end or at a torn/corrupt record (the rest of that file is ignored). */
    private Entry readRecord(DataInputStream in) throws IOException {
        try {
            if (in.readInt() != MAGIC) {
                return null;
            }
            long firstSeq = in.readLong();
            int rows = in.readInt();
            int len = in.readInt();
            if (len < 0 || len > 256 * 1024 * 1024 || rows < 0) {
                return null;
            }
            byte[] payload = in.readNBytes(len);
            if (payload.length != len) {
                return null;
            }
            int crcStored = in.readInt();
            CRC32 crc = new CRC32();
            crc.update(payload);
            crc.update(longBytes(firstSeq));
            crc.update(longBytes(rows));
            if ((int) crc.getValue() != crcStored) {
                return null;
            }
            return new Entry(nextOrder++, firstSeq, rows, payload, true);
        } catch (EOFException e) {
            return null;
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /**
     * Closes the spool. With nothing pending its segment files are deleted; otherwise they stay (forced to disk)
     * for the next run with the same directory.
     */
    @Override
    public void close() throws IOException {
        if (dir == null) {
            return;
        }
        try {
            sealCurrent();
            if (pending.isEmpty()) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.log")) {
                    for (Path p : ds) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } finally {
            release();
        }
    }

    private void release() throws IOException {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            if (lockChannel != null) {
                lockChannel.close();
            }
        }
    }
}
