package io.ikeseal.hsm.audit;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.AuditContext;

/**
 * Append-only, hash-chained, fsync'd audit log: one JSON line per record (format and canonical form:
 * {@link AuditLine}), {@code seq} from 1, each line's {@code prev} = the previous line's {@code hash}.
 *
 * <h2>Durability: group commit, and barriers</h2>
 * {@link #append} only enqueues; the record's place in the chain is fixed when it returns. One writer thread takes
 * everything queued, writes it with one {@code write} (the channel is {@code O_APPEND}), calls {@code force(false)}
 * once, then completes all those futures and every {@link #barrier} they satisfy; under load one fsync covers many
 * records of many SAs. It does so when a barrier waits, or at the latest {@value #MAX_UNFORCED_MS} ms after the
 * oldest queued record (or at {@value #MAX_BATCH} records): an fsync is spent only where something is about to be
 * acted upon, once per outgoing message at most, not once per token operation. Chain order is file order is dequeue order. A future completes normally only after its line
 * was forced, so "acknowledged" means "on stable storage".
 *
 * <p>Token results are released once their record is queued, not once it is forced; what makes that safe is the
 * barrier: before anything acts on a result outside this process (a datagram leaves, a CHILD_SA carries traffic),
 * the actor waits for {@link #barrier}, which completes once every record queued before it is forced (for an IKE SA:
 * every record up to that SA's last one; at once when none is pending) and fails if the log broke first, or if a
 * record of the same IKE SA was lost in an earlier failure (remembered {@value #LOST_SA_MINUTES} minutes, for at most
 * {@value #MAX_LOST_SAS} SAs; past that, every barrier fails for that long). Barriers cost no write of their own: they ride on the batches.
 * docs/audit.md says who waits where.
 *
 * <h2>Fail closed, then recover</h2>
 * If a write or fsync fails (disk full, I/O error), that batch, everything queued and every pending barrier fail
 * with an {@link AuditException}: nobody may act on those token results, and the barriers in front of every action
 * say so (and keep saying so for the SAs whose records were lost). The log is then <em>broken</em>:
 * {@link #admit} refuses (and counts) every new token operation, so none runs without a record, and
 * appends fail at once. Retrying the same write would lie (after a failed fsync the kernel may have dropped
 * the dirty pages), so the writer thread instead retries from the last forced state, with backoff from
 * {@value #FIRST_RETRY_MS} ms doubling to {@value #MAX_RETRY_MS} ms: reopen the file, cut it back to the
 * size it had after the last successful fsync (what follows was never acknowledged), chain an
 * {@value #RECOVERED_OPERATION} record that says what failed, how many records were lost and how many
 * operations were refused, and force it. Only then does the log take records again. ERROR is logged once
 * when the log breaks, WARN once when it recovers.
 *
 * <h2>Crash recovery: a crash loses nothing that was acted upon</h2>
 * Callers act outside the process only after a barrier completed, i.e. after the fsync that covered every record
 * their action depends on. A crash can therefore lose only records nobody acted upon: the unforced bytes after the
 * last forced record: whole lines (valid, harmless: the log says the
 * operation happened; nobody acted on it), and at most one torn last line without its {@code '\n'}. On
 * {@link #open}, a torn tail is a record never acknowledged, so it is truncated, and an
 * {@value #RECOVERED_OPERATION} record (result {@code "truncated N bytes"}) is chained after the last complete
 * line, so the cut stays visible to auditors rather than silently continuing. A last line that
 * <em>has</em> its newline but is invalid is not a torn append: open refuses (operator decision).
 *
 * <h2>What open checks</h2>
 * Only the tail, so start-up time does not grow with the log: the last complete line's canonical form and
 * own hash, and the {@code .head} file ({@link AuditHead}): a log that ends before the head's seq, or whose
 * record at that seq has another hash, lost records off its end, and open refuses rather than chain over
 * the gap and overwrite the evidence. An unreadable head file is only warned about and rewritten: a crash
 * can cause it, and anyone who could forge one could as well have written a consistent one. Run
 * {@link AuditVerifier} for the whole chain.
 *
 * <h2>One writer</h2>
 * An exclusive {@link FileChannel#tryLock} on the side file {@code <log>.lock} (never deleted: deleting lock
 * files races) keeps a second process from interleaving a chain. The lock is not on the log itself because
 * POSIX drops a process's locks when it closes <em>any</em> descriptor of the file, e.g. an
 * {@code AuditVerifier} run in the same JVM. A static registry refuses a second open in the same JVM before
 * any descriptor is opened, for the same reason.
 *
 * <h2>Limits</h2>
 * The chain makes edits, deletions and reordering evident, relative to a hash you trust. Someone who can
 * write the log can recompute the whole chain (and the head file); anchor {@code (seq, hash)} off-host and
 * verify with {@link AuditVerifier#verify(Path, long, String)} to catch that.
 */
public final class HashChainedAuditLog implements AuditSink {
    /** Operation name of the record written after truncating a torn tail or resuming after a write failure. */
    public static final String RECOVERED_OPERATION = "audit-recovered";

    /** How long a record lost with its IKE SA's context keeps failing that SA's barriers. */
    static final long LOST_SA_MINUTES = 60;
    /** SAs with lost records remembered at most; more fail every barrier for {@value #LOST_SA_MINUTES} minutes. */
    static final int MAX_LOST_SAS = 65_536;

    /** IKE SAs whose last record's position {@link #barrier} remembers (about 120 octets of heap each). */
    static final int MAX_LAST_OF_SA = 8_192;

    /** How long a record nobody waits for may stay unforced. */
    static final long MAX_UNFORCED_MS = 100;
    /** Records that make a batch due without a barrier: bounds the memory and the size of one write. */
    static final int MAX_BATCH = 4096;

    static final long FIRST_RETRY_MS = 50;
    static final long MAX_RETRY_MS = 1_000; // bounds the extra refusal time once space is back; a retry is cheap

    /** Opens the log for appending; a test replaces it to make the disk fail and come back. */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private static final Opener APPEND_OPENER = f -> FileChannel.open(f, CREATE, WRITE, APPEND);

    private static final Logger LOG = LoggerFactory.getLogger(HashChainedAuditLog.class);
    private static final Set<Path> OPEN_IN_THIS_JVM = new HashSet<>();

    private final Path file;
    private final Path headFile;
    private final Path registryKey;
    private final FileChannel lockChannel;
    private final Opener opener;
    private final Thread writer;
    private volatile FlushObserver flushes = FlushObserver.NONE;

    private final Object mon = new Object();
    private List<Pending> queue = new ArrayList<>(); // guarded by mon
    private volatile boolean closed; // written under mon
    private volatile AuditException failure; // written under mon; read without it by admit()
    private long refused; // guarded by mon: operations refused while broken
    private long lost; // guarded by mon: records not written while broken (their results were withheld)
    private long queued; // guarded by mon: records queued since open
    private long settled; // guarded by mon: of those, forced or lost
    // guarded by mon: lowest target first
    private final PriorityQueue<Barrier> barriers = new PriorityQueue<>(Comparator.comparingLong(Barrier::target));
    /**
     * Guarded by mon: for the IKE SAs with the most recent records, the position ({@link #queued} after it) of each
     * one's last record, at most {@value #MAX_LAST_OF_SA}; an SA dropped from it gets the full barrier again.
     */
    private final LinkedHashMap<String, Long> lastOfSa = new LinkedHashMap<>();

    private long firstQueuedNanos; // guarded by mon: when the oldest record in queue was queued
    private final LinkedHashMap<String, Long> lostSas = new LinkedHashMap<>(); // guarded by mon: SPI -> nanoTime
    private long lostOverflowAt = Long.MIN_VALUE; // guarded by mon: nanoTime of a loss past MAX_LOST_SAS
    private boolean lostOverflow; // guarded by mon

    // Writer-thread confined after start (set before Thread.start, which publishes them).
    private long seq;
    private String prev = AuditLine.GENESIS;
    private boolean headWarned;
    private volatile FileChannel out; // replaced by recovery; volatile only for channelForTest
    private FileChannel head; // overwritten in place after each batch; null if it could not be opened
    private long durableSize; // file size after the last successful force

    private record Pending(AuditRecord record, CompletableFuture<Void> done) {}

    private record Barrier(long target, String ikeSpiI, CompletableFuture<Void> done) {}

    private HashChainedAuditLog(Path file, Path registryKey, FileChannel lockChannel, FileChannel out, Opener opener) {
        this.file = file;
        this.headFile = AuditHead.of(file);
        this.registryKey = registryKey;
        this.lockChannel = lockChannel;
        this.out = out;
        this.opener = opener;
        this.writer = Thread.ofPlatform()
                .daemon(true)
                .name("audit-writer-" + file.getFileName())
                .unstarted(this::run);
    }

    /**
     * Opens (creating if absent) and locks the log, recovers a torn tail, and continues the chain.
     *
     * @throws AuditException if the log is open elsewhere, its tail is invalid, it ends before its head
     *                        file says, or on I/O errors
     */
    public static HashChainedAuditLog open(Path file) {
        return open(file, APPEND_OPENER);
    }

    /** As {@link #open(Path)}, with the file layer a test can break and heal. */
    static HashChainedAuditLog open(Path file, Opener opener) {
        Path log = file.toAbsolutePath().normalize();
        Path lockFile = log.resolveSibling(log.getFileName() + ".lock");
        Path key;
        synchronized (OPEN_IN_THIS_JVM) {
            try {
                try {
                    Files.createFile(lockFile); // O_EXCL: no descriptor is opened if it exists
                } catch (FileAlreadyExistsException e) {
                    // normal on every open after the first
                }
                key = lockFile.toRealPath();
            } catch (IOException e) {
                throw new AuditException(
                        "cannot open audit log " + log + ": cannot create lock file: " + describe(e), e);
            }
            if (!OPEN_IN_THIS_JVM.add(key)) {
                throw new AuditException("audit log " + log
                        + " is already open in this process; a second writer would interleave its chain");
            }
        }
        FileChannel lockChannel = null;
        FileChannel out = null;
        boolean ok = false;
        try {
            lockChannel = FileChannel.open(lockFile, WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new AuditException("audit log " + log + " is already open by another process (lock on " + lockFile
                        + " is held); a second writer would interleave its chain");
            }
            out = opener.open(log);
            HashChainedAuditLog l = new HashChainedAuditLog(log, key, lockChannel, out, opener);
            l.recoverAndStart();
            ok = true;
            return l;
        } catch (IOException e) {
            throw new AuditException("cannot open audit log " + log + ": " + describe(e), e);
        } finally {
            if (!ok) {
                closeQuietly(out);
                closeQuietly(lockChannel); // releases the lock
                synchronized (OPEN_IN_THIS_JVM) {
                    OPEN_IN_THIS_JVM.remove(key);
                }
            }
        }
    }

    /**
     * Queues a record; the future completes once it is fsync'd (with the next barrier's batch, or within
     * {@value #MAX_UNFORCED_MS} ms), or fails with an {@link AuditException}
     * (log failed or closed, record over 64 KiB). A null {@code time} is stamped now. Dependent stages
     * added without an executor run on the writer thread: keep them short or use the *Async variants.
     */
    @Override
    public CompletableFuture<Void> append(AuditRecord record) {
        Objects.requireNonNull(record, "record");
        if (AuditLine.maxEncodedLength(record) > AuditLine.MAX_LINE_BYTES) {
            return CompletableFuture.failedFuture(new AuditException("audit record too large for one audit line (limit "
                    + AuditLine.MAX_LINE_BYTES + " bytes); not written"));
        }
        if (record.time() == null) {
            record = new AuditRecord(
                    Instant.now(),
                    record.token(),
                    record.operation(),
                    record.mechanism(),
                    record.keyRef(),
                    record.context(),
                    record.result(),
                    record.durationMicros());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (mon) {
            if (failure != null) {
                lost++;
                return CompletableFuture.failedFuture(new AuditException(
                        "audit log " + file + " cannot be written (retrying); record not written: "
                                + failure.getMessage(),
                        failure));
            }
            if (closed) {
                return CompletableFuture.failedFuture(
                        new AuditException("audit log " + file + " is closed; record not written"));
            }
            queue.add(new Pending(record, done));
            queued++;
            String spi = record.context() == null ? null : record.context().ikeSpiI();
            if (spi != null) {
                lastOfSa.remove(spi); // re-inserted last: the eldest entry is the SA with the oldest last record
                lastOfSa.put(spi, queued);
                if (lastOfSa.size() > MAX_LAST_OF_SA)
                    lastOfSa.remove(lastOfSa.keySet().iterator().next());
            }
            if (queue.size() == 1) {
                firstQueuedNanos = System.nanoTime();
                mon.notifyAll(); // the writer starts the clock of MAX_UNFORCED_MS
            } else if (queue.size() == MAX_BATCH) {
                mon.notifyAll();
            }
        }
        return done;
    }

    /**
     * Refuses (and counts, for the recovery record) a token operation while the log is broken or closed, so
     * that none runs without a record. Cheap: one volatile read on the healthy path.
     */
    @Override
    public Optional<String> admit() {
        if (failure == null && !closed) return Optional.empty();
        synchronized (mon) {
            if (closed) return Optional.of("audit log " + file + " is closed");
            if (failure == null) return Optional.empty();
            refused++;
            return Optional.of("audit log " + file + " cannot be written ("
                    + describe(failure.getCause() == null ? failure : failure.getCause())
                    + "); retrying, and no token operation starts meanwhile");
        }
    }

    /**
     * Completes (on the writer thread, or at once) when every record queued before this call is forced, as far as IKE
     * SA {@code ikeSpiI} is concerned: that SA's last record and every record before it (the SA's action depends on
     * nothing later; without a remembered record of the SA, or without an SA, everything queued). Fails if the log is
     * closed, or if a record of that SA was lost (in the batch this barrier waited for, or in a failure within the
     * last {@value #LOST_SA_MINUTES} minutes). While the log is broken nothing is pending, so the barrier of an SA
     * that lost nothing completes: an established SA keeps answering on its host-side keys. Without an SA
     * ({@code null}) any loss in its batch, or a broken log, fails it. Dependent stages must be short or async.
     */
    @Override
    public CompletableFuture<Void> barrier(String ikeSpiI) {
        synchronized (mon) {
            if (closed) {
                return CompletableFuture.failedFuture(new AuditException("audit log " + file + " is closed"));
            }
            String lostWhy = lostRecordOf(ikeSpiI);
            if (lostWhy != null) {
                return CompletableFuture.failedFuture(new AuditException("audit log " + file + ": " + lostWhy));
            }
            if (failure != null && ikeSpiI == null) {
                return CompletableFuture.failedFuture(new AuditException(
                        "audit log " + file + " cannot be written (retrying): " + failure.getMessage(), failure));
            }
            // An SA's action depends on its own records and on what came before them (a result is recorded
            // before it is released, so whatever it was made from is recorded earlier still): the SA's last record
            // is the target. An SA with no remembered record (none yet, e.g. the first messages of an SA a rekey
            // made under its predecessor's context, or one dropped from the bound) and no SA wait for everything.
            Long last = ikeSpiI == null ? null : lastOfSa.get(ikeSpiI);
            long target = last == null ? queued : last;
            // Broken: every record queued was forced or lost, and none of this SA's was lost.
            if (failure != null || settled >= target) return CompletableFuture.completedFuture(null);
            Barrier b = new Barrier(target, ikeSpiI, new CompletableFuture<>());
            barriers.add(b);
            mon.notifyAll(); // due now
            return b.done;
        }
    }

    /** Why a barrier for {@code ikeSpiI} must fail for a lost record, or null; forgets expired losses. */
    private String lostRecordOf(String ikeSpiI) {
        long now = System.nanoTime();
        long ttl = TimeUnit.MINUTES.toNanos(LOST_SA_MINUTES);
        for (var it = lostSas.values().iterator(); it.hasNext(); ) {
            if (now - it.next() < ttl) break; // insertion order is loss order
            it.remove();
        }
        if (lostOverflow && now - lostOverflowAt < ttl) {
            return "records of more than " + MAX_LOST_SAS + " IKE SAs were lost in the last " + LOST_SA_MINUTES
                    + " minutes; no result obtained before that may be acted upon";
        }
        lostOverflow = false;
        if (ikeSpiI != null && lostSas.containsKey(ikeSpiI)) {
            return "a record of IKE SA " + ikeSpiI + " was lost in a write failure; what depends on it must not be"
                    + " acted upon";
        }
        return null;
    }

    @Override
    public boolean broken() {
        return failure != null;
    }

    /** Writes and forces everything queued, stops the writer, releases the lock. Blocks until done. */
    @Override
    public void close() {
        synchronized (mon) {
            closed = true;
            mon.notifyAll();
        }
        if (Thread.currentThread() == writer) return; // called from a completion callback: writer exits itself
        boolean interrupted = false;
        while (true) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // records queued before close must still be flushed
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Who hears of each batch written and forced from now on (one observer; metrics). */
    public void observeFlushes(FlushObserver o) {
        flushes = o == null ? FlushObserver.NONE : o;
    }

    private void tell(boolean ok, int records, long nanos) {
        try {
            if (ok) {
                flushes.flushed(records, nanos);
            } else {
                flushes.failed(records, nanos);
            }
        } catch (RuntimeException e) { // metrics must never stop the writer
            LOG.debug("audit flush observer failed: {}", e.toString());
        }
    }

    /** Test hook: closing this simulates a failing disk. */
    FileChannel channelForTest() {
        return out;
    }

    private void recoverAndStart() throws IOException {
        AuditTail t = AuditTail.read(file);
        if (t.last() != null) {
            seq = t.last().seq();
            prev = t.last().hash();
        }
        checkHead();
        durableSize = t.keep();
        if (t.torn() > 0) {
            LOG.warn(
                    "audit log {}: truncating a torn last line of {} bytes (never acknowledged) after seq {}",
                    file,
                    t.torn(),
                    seq);
            out.truncate(t.keep());
            // No force between truncate and the marker: one crash-safe point is enough, since the cut bytes
            // were never acknowledged; a crash here just makes the next open recover again.
            write(List.of(new AuditRecord(
                    Instant.now(),
                    null,
                    RECOVERED_OPERATION,
                    null,
                    null,
                    AuditContext.NONE,
                    "truncated " + t.torn() + " bytes",
                    0)));
        }
        writeHead();
        writer.start();
    }

    private void checkHead() throws IOException {
        AuditHead h;
        try {
            h = AuditHead.read(headFile);
        } catch (AuditException e) {
            LOG.warn("{}; rewriting it (a crash before it reached disk can cause this)", e.getMessage());
            return;
        }
        if (h == null) return; // first open, or deleted: nothing to compare
        if (h.seq() > seq) {
            throw new AuditException(
                    "audit log " + file + " ends at seq " + seq + " but head file says " + h.seq()
                            + ": records were removed from its end; refusing to chain over the gap (restore the log, or move log and head aside)");
        }
        if (h.seq() == seq && !h.hash().equals(prev)) {
            throw new AuditException("audit log " + file + ": record seq " + seq
                    + " does not have the hash the head file recorded: its end was rewritten; refusing to continue");
        }
        // h.seq() < seq: a crash between fsync and the head update; the head only lags.
    }

    private void run() {
        try {
            while (true) {
                List<Pending> batch;
                synchronized (mon) {
                    awaitBatch();
                    if (queue.isEmpty()) return; // closed and drained
                    batch = queue;
                    queue = new ArrayList<>();
                }
                long t0 = System.nanoTime();
                try {
                    write(batch.stream().map(Pending::record).toList());
                } catch (Throwable e) { // IOException, or anything else: records are not durable either way
                    tell(false, batch.size(), System.nanoTime() - t0);
                    fail(e, batch);
                    if (!recover(e)) return; // closed while broken
                    continue;
                }
                tell(true, batch.size(), System.nanoTime() - t0);
                List<Barrier> due = new ArrayList<>();
                synchronized (mon) {
                    settled += batch.size();
                    while (!barriers.isEmpty() && barriers.peek().target() <= settled) due.add(barriers.poll());
                }
                for (Pending p : batch) p.done.complete(null);
                for (Barrier b : due) b.done.complete(null);
                writeHead();
            }
        } catch (InterruptedException e) {
            fail(e, List.of());
        } finally {
            closeQuietly(out);
            closeQuietly(head);
            closeQuietly(lockChannel); // releases the lock, after the last write
            synchronized (OPEN_IN_THIS_JVM) {
                OPEN_IN_THIS_JVM.remove(registryKey);
            }
        }
    }

    /**
     * Under mon: waits until a batch is due. Forcing is what costs (an fdatasync each), and a force matters only to
     * whoever acts on a result, so a batch is due when a barrier waits for it, when it is large, when the log closes,
     * or {@value #MAX_UNFORCED_MS} ms after its first record (records nobody waits for: start-up, health, the last
     * records of an SA). Under load one force serves every barrier of every SA queued meanwhile.
     */
    private void awaitBatch() throws InterruptedException {
        while (!closed) {
            if (queue.isEmpty()) {
                mon.wait();
                continue;
            }
            if (!barriers.isEmpty() || queue.size() >= MAX_BATCH) return;
            long left = MAX_UNFORCED_MS - (System.nanoTime() - firstQueuedNanos) / 1_000_000;
            if (left <= 0) return;
            mon.wait(left);
        }
    }

    /**
     * Retries, with backoff, until a recovery record is forced after the last durable state; false if the log
     * was closed first (it then stays broken, and {@link #broken} says so).
     */
    private boolean recover(Throwable cause) throws InterruptedException {
        long started = System.nanoTime();
        long delay = FIRST_RETRY_MS;
        for (int attempt = 1; ; attempt++) {
            synchronized (mon) {
                long until = System.nanoTime() + delay * 1_000_000;
                for (long left = delay; !closed && left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                    mon.wait(left);
                }
                if (closed) return false;
            }
            long refusedNow, lostNow;
            synchronized (mon) {
                refusedNow = refused;
                lostNow = lost;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            String result = "resumed after write failure (" + describe(cause) + "); " + ms + " ms, " + attempt
                    + " attempt(s), " + lostNow + " record(s) not written, " + refusedNow
                    + " operation(s) refused";
            try {
                reopenAtDurableSize();
                write(List.of(new AuditRecord(
                        Instant.now(), null, RECOVERED_OPERATION, null, null, AuditContext.NONE, result, 0)));
            } catch (IOException | RuntimeException e) {
                LOG.debug("audit log {}: recovery attempt {} failed: {}", file, attempt, describe(e));
                delay = Math.min(MAX_RETRY_MS, delay * 2);
                continue;
            }
            long refusedAll, lostAll;
            synchronized (mon) {
                refusedAll = refused;
                lostAll = lost;
                refused = 0;
                lost = 0;
                failure = null;
            }
            LOG.warn(
                    "audit log {} writable again after {} ms ({} attempts); chained recovery record seq {}; {} records were not written and {} token operations refused meanwhile",
                    file,
                    ms,
                    attempt,
                    seq,
                    lostAll,
                    refusedAll);
            writeHead();
            return true;
        }
    }

    /** A fresh descriptor, cut back to what the last successful force made durable. */
    private void reopenAtDurableSize() throws IOException {
        closeQuietly(out);
        out = opener.open(file);
        if (out.size() < durableSize) {
            // Acknowledged records are gone: chaining over the gap would hide it. Keep retrying (an
            // operator may restore the file) and stay closed meanwhile.
            throw new IOException("audit log shrank below its last durable size " + durableSize);
        }
        out.truncate(durableSize); // what follows was never acknowledged
    }

    private void write(List<AuditRecord> records) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(records.size() * 512);
        long s = seq;
        String p = prev;
        for (AuditRecord r : records) {
            AuditLine l = AuditLine.next(++s, p, r);
            buf.writeBytes(l.line());
            buf.write('\n');
            p = l.hash();
        }
        ByteBuffer b = ByteBuffer.wrap(buf.toByteArray());
        int n = b.remaining();
        while (b.hasRemaining()) out.write(b);
        out.force(false); // fdatasync: data plus the size change needed to read it back; mtime is not needed
        durableSize += n;
        seq = s;
        prev = p;
    }

    private void fail(Throwable cause, List<Pending> batch) {
        List<Pending> rest;
        AuditException e = new AuditException(
                "audit log " + file + " failed writing after seq " + seq + ": " + describe(cause)
                        + "; these records are not durable; no token operation starts until the log can be written again",
                cause);
        List<Barrier> failed = new ArrayList<>();
        List<Barrier> unaffected = new ArrayList<>();
        synchronized (mon) {
            failure = e;
            rest = queue;
            queue = new ArrayList<>();
            lost += batch.size() + rest.size();
            settled = queued; // every record queued so far is forced or, now, lost
            long now = System.nanoTime();
            for (List<Pending> l : List.of(batch, rest)) {
                for (Pending p : l) rememberLost(p.record(), now);
            }
            // A barrier's SA that lost nothing had everything forced before: its action depends on nothing lost.
            for (Barrier b : barriers) {
                (b.ikeSpiI() != null && lostRecordOf(b.ikeSpiI()) == null ? unaffected : failed).add(b);
            }
            barriers.clear();
        }
        LOG.error("{}", e.getMessage());
        for (Pending p : batch) p.done.completeExceptionally(e);
        for (Pending p : rest) p.done.completeExceptionally(e);
        for (Barrier b : failed) b.done.completeExceptionally(e);
        for (Barrier b : unaffected) b.done.complete(null);
    }

    /** Under mon: the record's SA may not act on anything it got before the loss (see {@link #barrier}). */
    private void rememberLost(AuditRecord r, long now) {
        String spi = r.context() == null ? null : r.context().ikeSpiI();
        if (spi == null) return; // no SA's action depends on it through the transport; docs/audit.md
        lostSas.remove(spi); // re-inserted last: expiry runs in loss order
        if (lostSas.size() >= MAX_LOST_SAS) {
            lostOverflow = true;
            lostOverflowAt = now;
            lostSas.remove(lostSas.keySet().iterator().next());
        }
        lostSas.put(spi, now);
    }

    /** In place, once per batch, after the force (see {@link AuditHead}); never fails the log. */
    private void writeHead() {
        try {
            if (head == null) {
                new AuditHead(seq, prev).replace(headFile);
                head = AuditHead.openForOverwrite(headFile);
            } else {
                new AuditHead(seq, prev).overwrite(head);
            }
        } catch (IOException e) {
            closeQuietly(head);
            head = null; // replaced atomically next time
            // The records are durable; a stale head only weakens tail-truncation detection. Say so once.
            if (!headWarned) LOG.warn("audit log {}: cannot update head file {}: {}", file, headFile, describe(e));
            headWarned = true;
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing audit channel", e);
        }
    }
}
