package camstream.stream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An enum value updated atomically, held as its ordinal. A viewer's state changes several times per
 * frame, and viewers live long enough to reach the old generation: storing a reference there costs a
 * G1 card mark and, later, a refinement; storing an int costs neither.
 */
public final class AtomicEnum<E extends Enum<E>> {

    private final E[] values;
    private final AtomicInteger ordinal;

    public AtomicEnum(E initial) {
        this.values = initial.getDeclaringClass().getEnumConstants();
        this.ordinal = new AtomicInteger(initial.ordinal());
    }

    public E get() {
        return values[ordinal.get()];
    }

    public void set(E value) {
        ordinal.set(value.ordinal());
    }

    public boolean compareAndSet(E expected, E value) {
        return ordinal.compareAndSet(expected.ordinal(), value.ordinal());
    }

    @Override
    public String toString() {
        return get().toString();
    }
}
