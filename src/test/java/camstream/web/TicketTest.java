package camstream.web;

import camstream.stream.Broadcaster;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ticket gives back what it holds exactly once, whichever path ends it and from whatever thread. */
class TicketTest {

    private final AtomicInteger givenBack = new AtomicInteger();
    private final Ticket ticket = new Ticket(null, new Broadcaster(Runnable::run, () -> { }), givenBack::incrementAndGet);

    @Test
    void releasingTwiceGivesBackOnce() {
        assertTrue(ticket.held());
        ticket.release();
        ticket.release();
        assertEquals(1, givenBack.get());
        assertFalse(ticket.held());
    }

    @Test
    void pathsThatEndItAtTheSameTimeGiveBackOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger count = new AtomicInteger();
            Ticket t = new Ticket(null, null, count::incrementAndGet);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    t.release();
                }, "release-" + i);
                th.start();
                threads.add(th);
            }
            go.countDown();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertEquals(1, count.get(), "round " + round);
        }
    }

    @Test
    void aTicketTiedToARequestIsReleasedWhenTheRequestCompletesAndNotBefore() throws Exception {
        List<AsyncListener> listeners = new ArrayList<>();
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addListener")) {
                        listeners.add((AsyncListener) args[0]);
                    }
                    return null; // no request or response behind it
                });
        ticket.releaseOnComplete(async);
        AsyncListener listener = listeners.get(0);

        listener.onTimeout(new AsyncEvent(async));
        listener.onError(new AsyncEvent(async, new java.io.IOException("reset")));
        assertEquals(0, givenBack.get(), "a timeout or an error is followed by the completion");

        listener.onComplete(new AsyncEvent(async));
        ticket.release(); // the viewer's own completion, after the container's
        assertEquals(1, givenBack.get());
    }
}
