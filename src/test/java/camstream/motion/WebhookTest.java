package camstream.motion;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook against a receiver on 127.0.0.1 that answers as each test needs. */
class WebhookTest {

    private final HttpServer receiver;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private Webhook hook;

    WebhookTest() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (hook != null) {
            hook.stop();
        }
        receiver.stop(0);
    }

    private static MotionEvent event(long id, boolean ended) {
        Instant start = Instant.parse("2026-12-07T19:00:00Z");
        return new MotionEvent("yard", id, start, ended ? start.plusSeconds(4) : null, 0.25, new byte[] {1});
    }

    @Test
    void aPostThatFailsTwiceArrivesOnTheThirdTry() throws Exception {
        receiver.createContext("/hook", ex -> {
            int n = requests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (n > 2) {
                bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            ex.sendResponseHeaders(n <= 2 ? 500 : 204, -1);
            ex.close();
        });
        receiver.start();
        hook = new Webhook(url());
        hook.motionEnded(event(7, true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no post arrived within 10 s; requests: " + requests.get());
            Thread.sleep(50);
        }
        assertEquals(3, requests.get());
        assertEquals("application/json {\"camera\":\"yard\",\"id\":7,\"start\":\"2026-12-07T19:00:00Z\","
                + "\"end\":\"2026-12-07T19:00:04Z\",\"peakArea\":0.25,\"snapshot\":\"events/yard/7.jpg\"}", bodies.get(0));
    }

    @Test
    void postsBeyondAHundredWaitingAreDroppedWithoutWaiting() throws Exception {
        receiver.createContext("/hook", ex -> {
            requests.incrementAndGet();
            try {
                release.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        receiver.start();
        hook = new Webhook(url());
        long start = System.nanoTime();
        for (int i = 0; i < Webhook.MAX_WAITING + 5; i++) {
            hook.motionStarted(event(i, false));
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "posting does not wait for the receiver");
        assertEquals(5, hook.dropped());
    }

    @Test
    void stoppingEndsEveryThreadTheWebhookStarted() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
            arrived.countDown();
        });
        receiver.start();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        hook = new Webhook(url());
        hook.motionStarted(event(1, false));
        assertTrue(arrived.await(10, TimeUnit.SECONDS), "the post arrived");
        hook.stop();
        hook = null;
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                // Not the receiver's; not the JDK's keep-alive timer, a system thread of no webapp that ends by itself.
                .filter(t -> !before.contains(t) && t.isAlive() && !t.getName().startsWith("HTTP-Dispatcher")
                        && !t.getName().equals("Keep-Alive-Timer"))
                .map(Thread::getName).toList();
        assertEquals(List.of(), left, "threads still running after stop");
    }
}
