package camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One response that sends a recording ({@link FileSender}: its bytes; {@link AviPlayer}: its pictures,
 * paced): a {@link LatestWinsWriter} over the response's non-blocking output stream, as a live
 * viewer's ({@link HttpViewer}), which says what to write next. Each step asks {@code isReady()} first;
 * the writer waits PENDING from the start for the {@code onWritePossible} that {@code setWriteListener}
 * brings. The sender ends itself with {@link #close} when it has sent all; any other end (an error,
 * a stall, shutdown) comes the same way, and the response is completed once, in {@link #onClosed}.
 */
abstract class RecordingWriter extends LatestWinsWriter implements WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(RecordingWriter.class.getName());

    final String client;
    private final ServletOutputStream out;
    private final AsyncContext async;
    private final Transfers transfers;
    // Touched only by the writer: the first flush sends the response head alone.
    private boolean needFlush = true;

    RecordingWriter(String client, AsyncContext async, Transfers transfers, long stallNanos) throws IOException {
        super(client, State.PENDING, stallNanos, "write", "bytes");
        this.client = client;
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        this.transfers = transfers;
    }

    /** Starts writing; the container may call onWritePossible at once, on another thread. */
    void start() {
        async.addListener(this);
        out.setWriteListener(this);
    }

    Transfers transfers() {
        return transfers;
    }

    /** The next bytes to write, or null when none wait now; {@link #close} when all is sent. Writer only. */
    abstract byte[] next() throws IOException;

    /** Lets go of the file. */
    abstract void release();

    @Override
    final Action process() throws IOException {
        if (!out.isReady()) {
            return Action.SCHEDULED;
        }
        if (closed()) {
            return Action.CONTINUE; // a close came since the writer looked: it completes the response next
        }
        if (needFlush) {
            needFlush = false;
            out.flush();
            return Action.CONTINUE;
        }
        byte[] next = next();
        if (next == null) {
            return closed() ? Action.CONTINUE : Action.IDLE;
        }
        out.write(next);
        needFlush = flushEach();
        return Action.CONTINUE;
    }

    /** Whether each piece goes out at once (a picture) rather than when the buffer fills (a file). */
    abstract boolean flushEach();

    @Override
    final void onClosed(String reason, boolean inFlight) {
        transfers.remove(this);
        try {
            release();
        } finally {
            try {
                async.complete();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Completing " + client + " failed");
            }
        }
        LOG.fine(() -> "Recording transfer to " + client + " ended: " + reason);
    }

    @Override
    public void onWritePossible() {
        succeeded();
    }

    @Override
    public void onError(Throwable t) {
        closeFromContainer("connection error: " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close("completed");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closeFromContainer("timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        closeFromContainer("connection error: " + (t == null ? "unknown" : t.getClass().getSimpleName()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
