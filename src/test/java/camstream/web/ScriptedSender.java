package camstream.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WebSocket session's sending side, scripted: completes each send inline or holds it until the test
 * completes it, and records what breaks the rules a session enforces (a second send while one is
 * outstanding, a send after close).
 */
final class ScriptedSender implements SocketViewer.Sender {

    /** One message as sent: camera id and the JPEG's first eight bytes as a number (ScriptedOutput.jpeg). */
    record Sent(String camera, long picture) {
    }

    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean inline = true;
    private volatile Consumer<Throwable> outstanding;
    private volatile int closes;
    private volatile boolean closedInFlight;
    private volatile Thread closedBy;
    private volatile Runnable duringSend;

    /** Inline: each send completes before send() returns, on the caller's thread; else the test completes it. */
    void inline(boolean inline) {
        this.inline = inline;
    }

    /** Runs once inside the next send, before it completes: another thread's close arriving mid-send. */
    void duringNextSend(Runnable r) {
        this.duringSend = r;
    }

    @Override
    public void send(ByteBuffer message, Consumer<Throwable> done) {
        if (outstanding != null) {
            violations.add("send while another send is outstanding");
        }
        if (closes > 0) {
            violations.add("send after close");
        }
        int n = message.get(message.position()) & 0xff;
        String camera = new String(message.array(), message.position() + 1, n, StandardCharsets.US_ASCII);
        long picture = message.getLong(message.position() + 1 + n + 8);
        sent.add(new Sent(camera, picture));
        outstanding = done;
        Runnable r = duringSend;
        duringSend = null;
        if (r != null) {
            r.run();
        }
        if (inline) {
            complete(null);
        }
    }

    /** Completes the outstanding send, as the container does, on the calling thread. */
    void complete(Throwable failure) {
        Consumer<Throwable> done = outstanding;
        if (done == null) {
            violations.add("complete() with no send outstanding");
            return;
        }
        outstanding = null;
        done.accept(failure);
    }

    boolean outstanding() {
        return outstanding != null;
    }

    @Override
    public void close(String why, boolean inFlight) {
        closes++;
        closedInFlight = inFlight;
        closedBy = Thread.currentThread();
    }

    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    int closes() {
        return closes;
    }

    boolean closedInFlight() {
        return closedInFlight;
    }

    Thread closedBy() {
        return closedBy;
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }
}
