package camstream.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer of one {@code /events} client, over an output stream whose readiness the test decides. */
class EventStreamTest {

    /** Ready when told; what was written; each write or flush only right after isReady() said true. */
    private static final class Output extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ready;
        boolean mayWrite;
        int violations;
        WriteListener listener;

        @Override
        public boolean isReady() {
            mayWrite = ready;
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener l) {
            listener = l;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            check();
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            check();
        }

        private void check() {
            if (!mayWrite) {
                violations++;
            }
            mayWrite = false;
        }

        void becomeReady() throws Exception {
            ready = true;
            listener.onWritePossible();
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private final Output out = new Output();
    private final AtomicInteger completes = new AtomicInteger();
    private final EventStream client = new EventStream("client", Set.of("yard"), out, completes::incrementAndGet,
            Runnable::run, TimeUnit.SECONDS.toNanos(15));

    private static byte[] message(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void messagesWaitUntilTheOutputIsReadyThenGoOutInOrder() throws Exception {
        client.start();
        client.offer(message("event: motion\ndata: 1\n\n"));
        client.offer(message("event: motion\ndata: 2\n\n"));
        assertEquals("", out.text());
        out.becomeReady();
        assertEquals("event: motion\ndata: 1\n\nevent: motion\ndata: 2\n\n", out.text());
        client.offer(message(": keep-alive\n\n"));
        assertTrue(out.text().endsWith(": keep-alive\n\n"));
        assertEquals(0, out.violations);
        assertEquals(0, completes.get());
    }

    @Test
    void aClientThatLetsTooManyMessagesPileUpIsDisconnectedOnce() throws Exception {
        client.start();
        for (int i = 0; i <= EventStream.MAX_WAITING + 5; i++) {
            client.offer(message("data: " + i + "\n\n"));
        }
        assertEquals(1, completes.get());
        out.becomeReady();
        assertEquals("", out.text(), "nothing is written after the close");
        assertEquals(1, completes.get());
    }

    @Test
    void aClientSeesOnlyTheCamerasItWasLetSee() {
        assertTrue(client.sees("yard"));
        assertFalse(client.sees("door"));
    }
}
