package camstream.motion;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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
 * here blocks a camera or its motion thread: they only hand a post over. Its one thread, {@code camstream-webhook},
 * sends the posts one after the other and the retries, and is joined by {@link #stop}: no client of its own
 * with threads of its own ({@code java.net.http.HttpClient} cannot be closed on Java 17, its selector thread
 * outlives the webapp). A failure is logged when posting starts to fail, and again when it works again, not per post.
 */
public final class Webhook implements MotionListener {

    private static final Logger LOG = Logger.getLogger(Webhook.class.getName());
    static final int ATTEMPTS = 4;
    static final int MAX_WAITING = 100;

    private static final int CONNECT_MILLIS = 5_000;
    private static final int READ_MILLIS = 10_000;

    private final URI uri;
    private final URL url;
    private final ScheduledThreadPoolExecutor thread;
    /** The executor's thread, joined at {@link #stop}: the executor says it terminated a moment before its thread ends. */
    private volatile Thread worker;
    /** The post being sent now, for {@link #stop} to cut; the webhook thread's. */
    private volatile HttpURLConnection sending;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** @param url an http:// or https:// URL (as {@link camstream.config.MotionOptions} lets through) */
    public Webhook(String url) {
        this.uri = URI.create(url);
        try {
            this.url = uri.toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "camstream-webhook");
            t.setDaemon(true);
            worker = t;
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // retries due later are dropped at stop
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
        try {
            thread.execute(() -> attempt(json, 1));
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet(); // stopped: no post goes out any more
        }
    }

    /** Sends one post, on the webhook thread; retries it later when it failed. */
    private void attempt(String json, int n) {
        String why = send(json);
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
    }

    /** Posts {@code json}; null when the receiver took it (2xx), else why not. */
    private String send(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) url.openConnection();
            sending = c;
            c.setConnectTimeout(CONNECT_MILLIS);
            c.setReadTimeout(READ_MILLIS);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } finally {
            sending = null;
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private void retry(String json, int n, String why) {
        try {
            thread.schedule(() -> attempt(json, n + 1), 1L << (n - 1), TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
        }
    }

    /**
     * Drops the retries not yet due, waits up to a few seconds for the posts waiting, then drops those
     * left, cuts the one being sent, and ends the thread.
     */
    public void stop() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            thread.shutdownNow();
            HttpURLConnection c = sending;
            if (c != null) {
                c.disconnect();
            }
            thread.awaitTermination(1, TimeUnit.SECONDS);
        }
        Thread t = worker;
        if (t != null) {
            t.join(1000);
        }
    }
}
