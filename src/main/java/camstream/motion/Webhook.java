package camstream.motion;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * {@code camstream.motion.webhook}: each motion event's start and end posted as its JSON
 * ({@link EventJson}) to a URL, asynchronously, tried {@link #ATTEMPTS} times with a backoff of 1, 2, 4 s.
 * At most {@link #MAX_WAITING} posts are under way or waiting; more are dropped and counted. Nothing
 * here blocks a camera or its motion thread: they only start a post. Its thread, {@code camstream-webhook},
 * runs the client's callbacks and the retries, and is joined by {@link #stop}. A failure is logged when
 * posting starts to fail, and again when it works again, not per post.
 */
public final class Webhook implements MotionListener {

    private static final Logger LOG = Logger.getLogger(Webhook.class.getName());
    static final int ATTEMPTS = 4;
    static final int MAX_WAITING = 100;

    private final URI uri;
    private final ScheduledThreadPoolExecutor thread;
    private final HttpClient client;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();

    public Webhook(String url) {
        this.uri = URI.create(url);
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "camstream-webhook");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // retries due later are dropped at stop
        this.client = HttpClient.newBuilder().executor(thread).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void motionStarted(MotionEvent event) {
        post(EventJson.of(event).toJson());
    }

    @Override
    public void motionEnded(MotionEvent event) {
        post(EventJson.of(event).toJson());
    }

    /** Posts dropped because {@link #MAX_WAITING} were waiting. */
    public int dropped() {
        return dropped.get();
    }

    private void post(String json) {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            if (dropped.getAndIncrement() == 0 || failing.compareAndSet(false, true)) {
                LOG.warning(() -> "Motion webhook " + uri + ": " + MAX_WAITING + " posts waiting; dropping new ones");
            }
            return;
        }
        attempt(json, 1);
    }

    private void attempt(String json, int n) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                String why = t != null ? t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                        : r.statusCode() / 100 != 2 ? "HTTP " + r.statusCode() : null;
                if (why == null) {
                    waiting.decrementAndGet();
                    if (failing.compareAndSet(true, false)) {
                        LOG.info(() -> "Motion webhook " + uri + " works again");
                    }
                } else if (n < ATTEMPTS && !thread.isShutdown()) {
                    retry(json, n, why);
                } else {
                    waiting.decrementAndGet();
                    if (failing.compareAndSet(false, true)) {
                        LOG.warning(() -> "Motion webhook " + uri + " failed " + n + " times (" + why
                                + "); events are not posted until it answers again");
                    }
                }
            });
        } catch (RuntimeException e) {
            // The client stopped: no post goes out any more.
            waiting.decrementAndGet();
        }
    }

    private void retry(String json, int n, String why) {
        try {
            thread.schedule(() -> attempt(json, n + 1), 1L << (n - 1), TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
        }
    }

    /** Drops the retries not yet due, waits up to a few seconds for callbacks under way, then ends the thread and the client. */
    public void stop() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            thread.shutdownNow();
            thread.awaitTermination(1, TimeUnit.SECONDS);
        }
        if (client instanceof AutoCloseable c) { // Java 21 and later: its selector thread ends now
            try {
                c.close();
            } catch (Exception e) {
                // ends with the client then
            }
        }
    }
}
