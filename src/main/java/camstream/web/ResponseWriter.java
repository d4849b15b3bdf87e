package camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;

/**
 * A {@link LatestWinsWriter} over a response's non-blocking output stream, whose subclass says what
 * to write next: a live stream ({@link HttpViewer}) or a recording ({@link RecordingWriter}). Each step
 * asks {@code isReady()} first (Tomcat refuses two writes without it in between); when it says false,
 * the container owes an {@code onWritePossible}, as it does once after {@code setWriteListener}: the
 * writer waits PENDING from the start.
 *
 * <p>A container callback that ends the response ({@code AsyncListener.onError}, {@code onTimeout},
 * {@code WriteListener.onError}) records the close and returns once the response is ended
 * ({@link LatestWinsWriter#closeFromContainer}); {@code AsyncListener.onError} also completes the
 * request again, as the container asks of it.
 */
abstract class ResponseWriter extends LatestWinsWriter implements WriteListener, AsyncListener {

    private final ServletOutputStream out;
    // Touched only by the writer. The first flush sends the response head alone.
    private boolean needFlush = true;

    ResponseWriter(String client, ServletOutputStream out, long stallNanos) {
        super(client, State.PENDING, stallNanos, "write", "bytes");
        this.out = out;
    }

    /** Starts writing; the container may call onWritePossible at once, on another thread. */
    final void writeWhenReady() {
        out.setWriteListener(this);
    }

    /** The next bytes to write, or null when none wait now (or after closing, when all is sent). Writer only. */
    abstract byte[] next() throws IOException;

    /** After each write of what {@link #next} gave. Writer only. */
    void written() {
    }

    /** Whether each piece is flushed at once (a picture), or goes when the buffer fills (a file). */
    boolean flushEach() {
        return true;
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
            return closed() ? Action.CONTINUE : Action.IDLE;
        }
        out.write(next);
        written();
        needFlush = flushEach();
        return Action.CONTINUE;
    }

    @Override
    public final void onWritePossible() {
        succeeded();
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
        // The response was completed already (WriteListener.onError), but Tomcat enters its error state
        // after that call: an error no AsyncListener completes counts as the application's, logged as 500.
        AsyncContext async = event.getAsyncContext();
        try {
            if (async != null) {
                async.complete();
            }
        } catch (IllegalStateException completedAlready) {
            // Jetty, or Tomcat had no error state: nothing to do.
        }
    }

    @Override
    public final void onStartAsync(AsyncEvent event) {
    }
}
