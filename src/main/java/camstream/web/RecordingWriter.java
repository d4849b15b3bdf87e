package camstream.web;

import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One response that sends a recording ({@link FileSender}: its bytes; {@link AviPlayer}: its pictures,
 * paced), written as a live viewer's is ({@link ResponseWriter}) and counted in {@link Transfers}. The
 * subclass closes it when all is sent; any other end (an error, a stall, shutdown) comes the same way,
 * and the response is completed once, in {@link #onClosed}.
 */
abstract class RecordingWriter extends ResponseWriter {

    private static final Logger LOG = Logger.getLogger(RecordingWriter.class.getName());

    final String client;
    private final AsyncContext async;
    private final Transfers transfers;

    RecordingWriter(String client, AsyncContext async, Transfers transfers, long stallNanos) throws IOException {
        super(client, async.getResponse().getOutputStream(), stallNanos);
        this.client = client;
        this.async = async;
        this.transfers = transfers;
    }

    /** Starts writing; the container may call onWritePossible at once, on another thread. */
    void start() {
        async.addListener(this);
        writeWhenReady();
    }

    Transfers transfers() {
        return transfers;
    }

    /** Lets go of the file. */
    abstract void release();

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
}
