package camstream.web;

import camstream.camera.Camera;
import camstream.motion.EventJson;
import camstream.motion.Motion;
import camstream.motion.MotionEvent;
import camstream.motion.MotionListener;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The clients of {@code GET /events} and what they are told: each camera's motion events as they
 * start and end ({@code event: motion}, the event's JSON), and a comment every {@link #KEEP_ALIVE_SECONDS}
 * so that proxies keep the connection and a departed client is found. One per webapp, kept in a
 * ServletContext attribute; its one thread, {@code camstream-events}, writes to the clients and
 * sends the keep-alives, and is joined by {@link #stop}.
 */
final class EventHub implements MotionListener {

    static final String ATTRIBUTE = EventHub.class.getName();
    static final int KEEP_ALIVE_SECONDS = 15;
    /** Event streams open at once, all clients together: each holds a connection and up to a queue of messages. */
    static final int MAX_CLIENTS = 256;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Set<EventStream> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor thread;
    private final Collection<Camera> cameras;

    EventHub(Collection<Camera> cameras) {
        this.cameras = cameras;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "camstream-events");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        thread.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        for (Camera c : cameras) {
            if (c.motion() != null) {
                c.motion().listen(this);
            }
        }
    }

    /** Runs a client's writes. */
    ScheduledThreadPoolExecutor executor() {
        return thread;
    }

    /** Whether {@link #MAX_CLIENTS} are open: a new one is refused (a few racing in together may pass). */
    boolean full() {
        return clients.size() >= MAX_CLIENTS;
    }

    /** A new client, first told of the events under way on the cameras it sees. */
    void add(EventStream client) {
        clients.add(client);
        for (Camera c : cameras) {
            Motion m = c.motion();
            if (m != null && client.sees(c.id())) {
                for (MotionEvent e : m.recent()) {
                    if (e.ongoing()) {
                        client.offer(message(e));
                    }
                }
            }
        }
    }

    void remove(EventStream client) {
        clients.remove(client);
    }

    @Override
    public void motionStarted(MotionEvent event) {
        send(event);
    }

    @Override
    public void motionEnded(MotionEvent event) {
        send(event);
    }

    private void send(MotionEvent event) {
        byte[] message = message(event);
        for (EventStream c : clients) {
            if (c.sees(event.camera())) {
                c.offer(message);
            }
        }
    }

    static byte[] message(MotionEvent e) {
        return ("event: motion\ndata: " + EventJson.of(e).toJson() + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private void keepAlive() {
        long now = System.nanoTime();
        for (EventStream c : clients) {
            if (c.closed()) {
                clients.remove(c); // closed while it was being added
                continue;
            }
            c.tick(now);
            c.offer(KEEP_ALIVE);
        }
    }

    /** Ends every client and the thread; safe to call twice. */
    void stop(String why) throws InterruptedException {
        for (Camera c : cameras) {
            if (c.motion() != null) {
                c.motion().unlisten(this);
            }
        }
        for (EventStream c : clients) {
            c.close(why);
        }
        thread.shutdown();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            thread.shutdownNow();
        }
        for (EventStream c : clients) {
            c.close(why); // added while stopping
        }
    }
}
