package camstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@code /stream/{camera}.mp4} viewer reading on a thread of its own: each fragment with its sample and arrival time. */
public final class BackgroundMp4Viewer implements AutoCloseable {

    /** One frame as it arrived. */
    public record Received(Mp4Stream.Fragment fragment, byte[] sample, long arrivalNanos) {
    }

    // Held while the stream is read: a client nobody refers to may be collected, and its connections closed.
    private final HttpClient client;
    private final Mp4Stream stream;
    private final Thread thread;
    private final List<Received> frames = new ArrayList<>();
    private volatile IOException ended;

    private BackgroundMp4Viewer(HttpClient client, Mp4Stream stream) {
        this.client = client;
        this.stream = stream;
        this.thread = new Thread(this::run, "test-mp4-viewer");
        this.thread.setDaemon(true);
    }

    /** Opens the stream (fails unless it starts with ftyp and moov) and starts reading it. */
    public static BackgroundMp4Viewer open(URI uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode(), uri.toString());
        Mp4Stream s = new Mp4Stream(r.body());
        assertEquals("ftyp", s.next().type());
        assertEquals("moov", s.next().type());
        BackgroundMp4Viewer v = new BackgroundMp4Viewer(client, s);
        v.thread.start();
        return v;
    }

    private void run() {
        try {
            while (true) {
                Mp4Stream.Box moof = stream.next();
                Mp4Stream.Box mdat = stream.next();
                Received r = new Received(Mp4Stream.parse(moof, mdat), mdat.body(), System.nanoTime());
                synchronized (frames) {
                    frames.add(r);
                    frames.notifyAll();
                }
            }
        } catch (IOException e) {
            ended = e;
        }
    }

    public List<Received> frames() {
        synchronized (frames) {
            return new ArrayList<>(frames);
        }
    }

    public List<Received> since(long fromNanos) {
        return frames().stream().filter(f -> f.arrivalNanos() >= fromNanos).toList();
    }

    /** Waits until {@code n} frames arrived in all; returns the n-th. */
    public Received await(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (frames) {
            while (frames.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended != null) {
                    throw new AssertionError("got " + frames.size() + " of " + n + " frames in " + seconds + " s"
                            + (ended == null ? "" : "; the stream ended: " + ended));
                }
                TimeUnit.NANOSECONDS.timedWait(frames, left);
            }
            return frames.get(n - 1);
        }
    }

    /** Fails unless a frame came at least every {@code seconds} from {@code fromNanos} to now, and decode times rose. */
    public void assertSteady(long fromNanos, double seconds) {
        List<Double> gaps = new ArrayList<>();
        long last = fromNanos;
        long lastTime = -1;
        for (Received r : since(fromNanos)) {
            gaps.add((r.arrivalNanos() - last) / 1e9);
            last = r.arrivalNanos();
            assertTrue(r.fragment().decodeTime() > lastTime, "decode times rise: " + r.fragment());
            lastTime = r.fragment().decodeTime();
        }
        gaps.add((System.nanoTime() - last) / 1e9);
        assertTrue(ended == null, "the stream ended: " + ended);
        assertTrue(gaps.stream().allMatch(g -> g <= seconds), "a gap of over " + seconds + " s between frames: " + gaps);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stream.close();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
