package camstream.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * A WebSocket session's sending side, scripted: completes each send inline or holds it until the test
 * completes it, and records what breaks the rules a session enforces (a second send while one is
 * outstanding, a send after close) and a close that would wait behind a message still out.
 */
final class ScriptedSender implements SocketViewer.Sender {

    /** One message as sent: camera id and the JPEG's first eight bytes as a number (ScriptedOutput.jpeg). */
    record Sent(String camera, long picture) {
    }

    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Consumer<Throwable>> outstanding = new AtomicReference<>();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile boolean inline = true;
    private volatile LongPredicate inlineFor = picture -> false;
    private volatile boolean closedInFlight;
    private volatile Thread closedBy;
    private volatile Runnable duringSend;

    /** Inline: each send completes before send() returns, on the caller's thread; else the test completes it. */
    void inline(boolean inline) {
        this.inline = inline;
    }

    /** Sends of these pictures complete inline even when {@link #inline} is off: a deterministic script. */
    void inlineFor(LongPredicate pictures) {
        this.inlineFor = pictures;
    }

    /** Runs once inside the next send, before it completes: another thread's close arriving mid-send. */
    void duringNextSend(Runnable r) {
        this.duringSend = r;
    }

    @Override
    public void send(ByteBuffer message, Consumer<Throwable> done) {
        long picture = record(message);
        if (!outstanding.compareAndSet(null, done)) {
            violation("send while another send is outstanding");
            return;
        }
        Runnable r = duringSend;
        duringSend = null;
        if (r != null) {
            r.run();
        }
        if (inline || inlineFor.test(picture)) {
            completeIfOutstanding(null); // unless another thread completed it meanwhile
        }
    }

    private long record(ByteBuffer message) {
        if (closes.get() > 0) {
            violation("send after close");
        }
        int n = message.get(message.position()) & 0xff;
        String camera = new String(message.array(), message.position() + 1, n, StandardCharsets.US_ASCII);
        long picture = message.getLong(message.position() + 1 + n + 8);
        sent.add(new Sent(camera, picture));
        return picture;
    }

    /** Completes the outstanding send, as the container does, on the calling thread. */
    void complete(Throwable failure) {
        if (!completeIfOutstanding(failure)) {
            violation("complete() with no send outstanding");
        }
    }

    /** Completes the outstanding send if there is one; false if there is none. */
    boolean completeIfOutstanding(Throwable failure) {
        Consumer<Throwable> done = outstanding.getAndSet(null);
        if (done == null) {
            return false;
        }
        done.accept(failure);
        return true;
    }

    boolean outstanding() {
        return outstanding.get() != null;
    }

    @Override
    public void close(String why, boolean inFlight) {
        if (!inFlight && outstanding.get() != null) {
            violation("closed as if no message were out, while one was");
        }
        closes.incrementAndGet();
        closedInFlight = inFlight;
        closedBy = Thread.currentThread();
    }

    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** The last picture sent of {@code camera}; -1 if none. */
    long lastSent(String camera) {
        synchronized (sent) {
            for (int i = sent.size() - 1; i >= 0; i--) {
                if (sent.get(i).camera().equals(camera)) {
                    return sent.get(i).picture();
                }
            }
        }
        return -1;
    }

    int closes() {
        return closes.get();
    }

    boolean closedInFlight() {
        return closedInFlight;
    }

    Thread closedBy() {
        return closedBy;
    }

    void violation(String v) {
        violations.add(v);
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }
}
