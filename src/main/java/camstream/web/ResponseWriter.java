package camstream.web;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;

/**
 * A {@link LatestWinsWriter} over a response's non-blocking output stream, for an answer that goes on
 * (a stream of pictures or of events): each step asks {@code isReady()} first (Tomcat refuses two
 * writes without it in between); when it says false, the container owes an {@code onWritePossible},
 * as it does once after {@code setWriteListener}, so the writer waits PENDING from the start. The
 * first step flushes the response head alone; after each piece comes a flush. Subclasses say what
 * to write next ({@link #next}) and how the answer ends ({@link #onClosed}).
 *
 * <p>A container callback that ends the answer ({@code AsyncListener.onError}, {@code onTimeout},
 * {@code WriteListener.onError}) records the close and returns once it is ended
 * ({@link LatestWinsWriter#closeFromContainer}): see {@link HttpViewer} for why.
 */
abstract class ResponseWriter extends LatestWinsWriter implements WriteListener, AsyncListener {

    private final ServletOutputStream out;
    // Touched only by the writer.
    private boolean needFlush = true;

    ResponseWriter(String name, ServletOutputStream out, long stallNanos) {
        super(name, State.PENDING, stallNanos, "write", "bytes");
        this.out = out;
    }

    /** Starts writing: the container may call onWritePossible at once, on another thread. */
    final void listen() {
        out.setWriteListener(this);
    }

    @Override
    public final void onWritePossible() {
        succeeded();
    }

    /** One write or flush, each right after isReady() said true. */
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
            return Action.IDLE;
        }
        out.write(next);
        written();
        needFlush = true;
        return Action.CONTINUE;
    }

    /** The next bytes to write; null when nothing waits. Writer only. */
    abstract byte[] next() throws IOException;

    /** What {@link #next} gave was handed to the container. Writer only. */
    void written() {
    }

    @Override
    public final void onError(Throwable t) {
        closeFromContainer("connection error: " + t.getClass().getSimpleName());
    }

    @Override
    public final void onComplete(AsyncEvent event) {
        close("completed");
    }

    @Override
    public final void onTimeout(AsyncEvent event) {
        closeFromContainer("timed out");
    }

    @Override
    public final void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        closeFromContainer("connection error: " + (t == null ? "unknown" : t.getClass().getSimpleName()));
    }

    @Override
    public final void onStartAsync(AsyncEvent event) {
    }
}
