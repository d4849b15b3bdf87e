package camstream.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

/**
 * A response output stream played by a test: {@link #isReady()} answers as scripted, every call is
 * recorded, and every call checks the rules a real container enforces (or should), recording a
 * violation instead of throwing so that a broken rule on a writer thread is still seen by the test.
 *
 * <p>Rules checked: one thread at a time in the output (complete included), holding no lock; write and flush only
 * right after isReady() returned true (Tomcat throws otherwise); no call at all after isReady()
 * returned false until the container delivered onWritePossible; nothing after complete, and complete
 * once; nothing in progress or after once an error callback returned ({@link #errorThenRecycle}); parts
 * in the order they were published. Frames are recognised by their JPEG bytes, which the
 * tests make from a counter ({@link #jpeg}).
 */
final class ScriptedOutput extends ServletOutputStream {

    /** An interleaving the test wants at a given call; runs on the calling (writer) thread, inside the call. */
    interface Hook {
        void run() throws IOException;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final byte[] PREAMBLE = "--camstreamframe\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What the MP4 streams of the tests start with instead of an init segment ({@link #fragment}). */
    static final byte[] INIT = "INIT".getBytes(StandardCharsets.US_ASCII);

    private final Queue<Boolean> answers = new ConcurrentLinkedQueue<>();
    private final Queue<String> events = new ConcurrentLinkedQueue<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<Long> written = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger completes = new AtomicInteger();
    private final boolean record;

    private volatile WriteListener listener;
    private volatile boolean ready = true;
    /** The container owes an onWritePossible: at first, and after isReady() returned false. */
    private final AtomicBoolean owed = new AtomicBoolean(true);
    /** Chance that a write or flush fills the connection, so that the next isReady() says false. */
    private volatile double fillChance;
    /** Frames whose write fills the connection, whatever {@link #fillChance}: a deterministic script. */
    private volatile LongPredicate fillAfter = n -> false;
    private volatile boolean failWrites;
    private volatile boolean jitter;
    private volatile Hook onIsReadyFalse;
    private volatile Hook onWrite;
    private volatile Runnable onComplete;
    private volatile Thread completedBy;
    private volatile long lastWritten = -1;
    private volatile int frameWrites;
    private volatile boolean completed;
    private volatile boolean recycled;
    /** An MP4 stream ({@link #mp4}): frames are {@link #fragment}s, and one may follow a gap only if it is a keyframe. */
    private volatile boolean mp4;

    // Touched only inside a call, which the inUse check keeps to one thread at a time.
    private boolean mayWrite;

    ScriptedOutput() {
        this(true);
    }

    /**
     * @param record keep every call in {@link #events()} and check that the caller holds no lock (no
     *               monitor) when it calls into the container; the stress test and the model check
     *               keep only the cheaper checks
     */
    ScriptedOutput(boolean record) {
        this.record = record;
    }

    /** An fMP4 fragment standing for video frame number {@code counter}: the counter, then 1 for a keyframe. */
    static byte[] fragment(long counter, boolean keyframe) {
        return ByteBuffer.allocate(Long.BYTES + 1).putLong(counter).put((byte) (keyframe ? 1 : 0)).array();
    }

    /** Writes are of an MP4 stream: the init segment, then whole groups of pictures, from a keyframe on. */
    void mp4() {
        this.mp4 = true;
    }

    /** JPEG bytes standing for picture number {@code counter}. */
    static byte[] jpeg(long counter) {
        return ByteBuffer.allocate(Long.BYTES).putLong(counter).array();
    }

    // --- what the test scripts ---

    /** The next isReady() calls answer these, in order; after them the switch ({@link #setReady}) answers. */
    void answer(Boolean... next) {
        answers.addAll(List.of(next));
    }

    void setReady(boolean ready) {
        this.ready = ready;
    }

    void setFillChance(double chance) {
        this.fillChance = chance;
    }

    /**
     * Calls sometimes yield before they return, as a container's do when they take a lock or hit the
     * socket: the windows between a call and the writer's next step widen, so races show more often.
     */
    void setJitter(boolean jitter) {
        this.jitter = jitter;
    }

    /** Writing a frame for which {@code frames} is true fills the connection: the next isReady() says false. */
    void fillAfterWriting(LongPredicate frames) {
        this.fillAfter = frames;
    }

    /** Every write and flush from now on throws IOException, as on a connection the client closed. */
    void failWrites() {
        failWrites = true;
    }

    /** Runs once, inside the next isReady() that answers false, after the answer is decided. */
    void onNextIsReadyFalse(Hook hook) {
        onIsReadyFalse = hook;
    }

    /** Runs once, inside the next write of a frame, after it was checked and recorded. */
    void onNextWrite(Hook hook) {
        onWrite = hook;
    }

    /** Runs inside complete, as Jetty calls AsyncListener.onComplete from AsyncContext.complete. */
    void onComplete(Runnable r) {
        onComplete = r;
    }

    /**
     * The container delivers the onWritePossible it owes, once after setWriteListener and once after
     * each isReady() false; several threads may try, one delivers. Returns false if none was owed.
     */
    boolean fireWritePossible() {
        WriteListener l = listener;
        if (l == null) {
            violations.add("onWritePossible fired before setWriteListener");
            return false;
        }
        if (!owed.compareAndSet(true, false)) {
            return false;
        }
        event("onWritePossible");
        try {
            l.onWritePossible();
        } catch (IOException | RuntimeException e) {
            violations.add("onWritePossible threw " + e);
        }
        return true;
    }

    /** The connection drained: the output becomes ready and the owed onWritePossible, if any, is delivered. */
    boolean wakeUp() {
        if (listener == null || !owed.get()) {
            return false;
        }
        ready = true;
        return fireWritePossible();
    }

    /** The container's side of AsyncContext::complete. */
    void complete() {
        enter("complete");
        try {
            if (completes.incrementAndGet() > 1) {
                violations.add("complete called " + completes.get() + " times");
            }
            completedBy = Thread.currentThread();
            completed = true;
            event("complete");
        } finally {
            exit();
        }
        Runnable r = onComplete;
        if (r != null) {
            r.run();
        }
    }

    // --- what the test reads ---

    boolean owed() {
        return owed.get();
    }

    boolean hasListener() {
        return listener != null;
    }

    List<String> events() {
        return new ArrayList<>(events);
    }

    List<String> violations() {
        return new ArrayList<>(violations);
    }

    void violation(String v) {
        violations.add(v);
    }

    /** The counters of the frames written, in order. */
    List<Long> written() {
        return new ArrayList<>(written);
    }

    long lastWritten() {
        return lastWritten;
    }

    int completes() {
        return completes.get();
    }

    Thread completedBy() {
        return completedBy;
    }

    /**
     * The container reports an error through {@code callback} (onError, onTimeout) and, once it returned,
     * completes the request itself and recycles the response for the next one, as Tomcat does: a call
     * still in progress then, or any call after, would reach another request's response.
     */
    void errorThenRecycle(Runnable callback) {
        callback.run();
        recycled = true;
        if (inUse.get() != 0) {
            violations.add("a call was still in the output when the container's error callback returned:"
                    + " it would reach the next request's response");
        }
    }

    // --- the container's side ---

    @Override
    public boolean isReady() {
        enter("isReady");
        try {
            Boolean scripted = answers.poll();
            boolean answer = scripted != null ? scripted : ready;
            mayWrite = answer;
            if (!answer) {
                owed.set(true);
            }
            event("isReady " + answer);
            Hook hook = answer ? null : onIsReadyFalse;
            if (hook != null) {
                onIsReadyFalse = null;
                hook.run();
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            exit();
        }
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        if (listener != null) {
            violations.add("setWriteListener called twice");
        }
        listener = writeListener;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        enter("write");
        try {
            mayWriteOnce("write");
            long counter;
            if (mp4) {
                boolean init = startsWith(b, off, len, INIT);
                if (init != (frameWrites == 0)) {
                    violations.add("a write " + (init ? "repeats" : "lacks") + " the init segment");
                }
                ByteBuffer fragment = ByteBuffer.wrap(b, off + (init ? INIT.length : 0), Long.BYTES + 1);
                counter = fragment.getLong();
                boolean keyframe = fragment.get() == 1;
                if (counter != lastWritten + 1 && !keyframe) {
                    violations.add("frame " + counter + " written after frame " + lastWritten
                            + ": after a gap only a keyframe decodes");
                }
            } else {
                counter = counterOf(b, off, len);
                boolean opening = startsWithPreamble(b, off, len);
                if (opening != (frameWrites == 0)) {
                    violations.add("write of frame " + counter + (opening ? " repeats" : " lacks")
                            + " the opening delimiter");
                }
            }
            if (counter <= lastWritten) {
                violations.add("frame " + counter + " written after frame " + lastWritten);
            }
            frameWrites++;
            lastWritten = counter;
            written.add(counter);
            event("write " + counter);
            if (failWrites) {
                throw new IOException("Broken pipe (scripted)");
            }
            if (fillAfter.test(counter)) {
                ready = false;
            }
            Hook hook = onWrite;
            if (hook != null) {
                onWrite = null;
                hook.run();
            }
            maybeFill();
        } finally {
            exit();
        }
    }

    @Override
    public void flush() throws IOException {
        enter("flush");
        try {
            mayWriteOnce("flush");
            event("flush");
            if (failWrites) {
                throw new IOException("Broken pipe (scripted)");
            }
            maybeFill();
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        violations.add("the viewer closed the output stream itself");
    }

    private void mayWriteOnce(String what) {
        if (!mayWrite) {
            violations.add(what + " without isReady() == true right before it");
        }
        mayWrite = false;
    }

    private void maybeFill() {
        double chance = fillChance;
        if (chance >= 1 || chance > 0 && ThreadLocalRandom.current().nextDouble() < chance) {
            ready = false;
        }
    }

    private void enter(String what) {
        if (record) {
            MonitorInfo[] held = THREADS.getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0]
                    .getLockedMonitors();
            if (held.length > 0) {
                violations.add(what + " while holding a lock on " + held[0].getClassName() + " (taken in "
                        + held[0].getLockedStackFrame().getMethodName() + ")");
            }
        }
        int n = inUse.incrementAndGet();
        if (n != 1) {
            violations.add(what + " while another thread was in the output (" + n + " inside)");
        }
        if (recycled) {
            violations.add(what + " after the container recycled the response");
        } else if (completed) {
            violations.add(what + " after complete");
        } else if (owed.get() && !"complete".equals(what)) {
            violations.add(what + " after isReady() returned false, before onWritePossible");
        }
    }

    private void exit() {
        if (jitter && ThreadLocalRandom.current().nextInt(4) == 0) {
            Thread.yield();
        }
        inUse.decrementAndGet();
    }

    private void event(String e) {
        if (record) {
            events.add(e);
        }
    }

    private static boolean startsWithPreamble(byte[] b, int off, int len) {
        return startsWith(b, off, len, PREAMBLE);
    }

    private static boolean startsWith(byte[] b, int off, int len, byte[] start) {
        if (len < start.length) {
            return false;
        }
        for (int i = 0; i < start.length; i++) {
            if (b[off + i] != start[i]) {
                return false;
            }
        }
        return true;
    }

    /** The counter in the JPEG of a part: the 8 bytes after the blank line that ends the part headers. */
    private long counterOf(byte[] b, int off, int len) {
        for (int i = off; i + 3 < off + len; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                if (i + 4 + Long.BYTES > off + len) {
                    break;
                }
                return ByteBuffer.wrap(b, i + 4, Long.BYTES).getLong();
            }
        }
        violations.add("a write that is not a whole part (" + len + " bytes)");
        return -1;
    }
}
