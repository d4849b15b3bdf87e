package camstream.web;

import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sends bytes {@code [position, end)} of a file in chunks of {@link #CHUNK}, each when the client has
 * taken the last: a file of any size holds no thread while the client is slow. The end is fixed when
 * the request came, so a file still being written is sent up to the length it had then.
 */
final class FileSender extends RecordingWriter {

    static final int CHUNK = 64 * 1024;

    private final FileChannel file;
    private final long end;
    // Touched only by the writer.
    private long position;
    private byte[] chunk;

    FileSender(String client, AsyncContext async, Transfers transfers, long stallNanos, FileChannel file,
               long position, long end) throws IOException {
        super(client, async, transfers, stallNanos);
        this.file = file;
        this.position = position;
        this.end = end;
    }

    @Override
    byte[] next() throws IOException {
        if (position >= end) {
            close("sent");
            return null;
        }
        int n = (int) Math.min(CHUNK, end - position);
        if (chunk == null || chunk.length != n) {
            chunk = new byte[n];
        }
        ByteBuffer b = ByteBuffer.wrap(chunk);
        while (b.hasRemaining()) {
            if (file.read(b, position + b.position()) < 0) {
                close("the file became shorter while it was sent");
                return null;
            }
        }
        position += n;
        return chunk;
    }

    @Override
    boolean flushEach() {
        return false;
    }

    @Override
    boolean hasPending() {
        return true; // until close: a step that finds nothing closes
    }

    @Override
    void release() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
