package camstream.stream;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The camstreams a picture passed through, oldest first: the camera that made it, then each camera
 * that relayed it as it came. It travels with the picture, in every multipart part as the header
 * {@value #HEADER} (and with a snapshot), e.g.
 * <pre>
 *   X-Camstream-Via: 1f3a9c0e/front 10.0.0.5:8080/camstream, 7b20d4aa/lobby cam2.local/camstream
 * </pre>
 * each hop being a camstream's random id (new at each start), a camera id and, for people, the
 * camstream's address. A picture that comes back to a camera it passed through went round a loop,
 * whenever and in whatever order the links of that loop connected. Immutable; the header is built once.
 */
public final class Via {

    public static final String HEADER = "X-Camstream-Via";
    /** The most hops a picture may carry: a relay refuses one that has this many, so a loop too long to name still ends. */
    public static final int MAX_HOPS = 8;
    /** Labels are cut to this: a whole path fits in one header line of a relay's parser (1024 bytes). */
    static final int MAX_LABEL = 40;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,16}/[A-Za-z0-9_-]{1,64}");

    /** No hops: a picture whose path nobody said. */
    public static final Via NONE = new Via(List.of());

    /** One camera of one running camstream; {@code label} names the camstream to people and is not compared. */
    public record Hop(String instance, String camera, String label) {

        /** The same camera of the same running camstream. */
        public boolean sameAs(Hop other) {
            return instance.equals(other.instance) && camera.equals(other.camera);
        }

        @Override
        public String toString() {
            return instance + "/" + camera + " " + label;
        }
    }

    /** This running camstream, as its cameras' hops name it: a random id, new at each start, and its address. */
    public record Server(String instance, String label) {

        /** A new id for a camstream that people know as {@code label} (its address, e.g. {@code 10.0.0.5:8080/camstream}). */
        public static Server start(String label) {
            byte[] id = new byte[4];
            new SecureRandom().nextBytes(id);
            return new Server(HexFormat.of().formatHex(id), Via.label(label));
        }

        public Hop hop(String camera) {
            return new Hop(instance, camera, label);
        }
    }

    private final List<Hop> hops;
    /** The header's value, and its whole line for a part ("" for none). */
    private final String value;
    private final String line;

    private Via(List<Hop> hops) {
        this.hops = hops;
        StringBuilder b = new StringBuilder();
        for (Hop h : hops) {
            b.append(b.length() == 0 ? "" : ", ").append(h);
        }
        this.value = b.toString();
        this.line = hops.isEmpty() ? "" : HEADER + ": " + value + "\r\n";
    }

    public static Via of(Hop hop) {
        return new Via(List.of(hop));
    }

    /** This path, then {@code next}'s hops. */
    public Via then(Via next) {
        if (next.hops.isEmpty()) {
            return this;
        }
        if (hops.isEmpty()) {
            return next;
        }
        List<Hop> all = new ArrayList<>(hops);
        all.addAll(next.hops);
        return new Via(Collections.unmodifiableList(all));
    }

    /** The path a header names; hops it cannot read are left out, and a value that is no path at all is {@link #NONE}. */
    public static Via parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Hop> hops = new ArrayList<>();
        for (String part : value.split(",")) {
            String t = part.strip();
            int space = t.indexOf(' ');
            String id = space < 0 ? t : t.substring(0, space);
            if (ID.matcher(id).matches()) {
                int slash = id.indexOf('/');
                hops.add(new Hop(id.substring(0, slash), id.substring(slash + 1),
                        label(space < 0 ? "" : t.substring(space + 1))));
            }
        }
        return hops.isEmpty() ? NONE : new Via(Collections.unmodifiableList(hops));
    }

    /** A label as a header may carry it: visible ASCII without commas, cut to {@link #MAX_LABEL}. */
    static String label(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_LABEL; i++) {
            char c = s.charAt(i);
            b.append(c > ' ' && c < 127 && c != ',' ? c : '_');
        }
        return b.length() == 0 ? "camstream" : b.toString();
    }

    public List<Hop> hops() {
        return hops;
    }

    public int size() {
        return hops.size();
    }

    /** Whether the picture passed through {@code hop}'s camera. */
    public boolean passedThrough(Hop hop) {
        return firstOf(hop) >= 0;
    }

    private int firstOf(Hop hop) {
        for (int i = 0; i < hops.size(); i++) {
            if (hops.get(i).sameAs(hop)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * For a picture that came back to {@code self}: the loop as the path of a picture that went round
     * it from the camera after {@code self} to {@code self}. The next camera of the loop finds itself
     * first in it, so a placeholder that carries it tells each camera of the loop that it is in one.
     */
    public Via loopTo(Hop self) {
        int first = firstOf(self);
        List<Hop> loop = new ArrayList<>(hops.subList(first + 1, hops.size()));
        loop.add(self);
        return new Via(Collections.unmodifiableList(loop));
    }

    /**
     * The hops in words, oldest first: cameras by their id, and those of another camstream than
     * {@code here}'s with its address, e.g. {@code camera 'x' → camera 'y' at 10.0.0.5:8080/camstream}.
     */
    public String describe(Hop here) {
        StringBuilder b = new StringBuilder();
        for (Hop h : hops) {
            name(b, h, here);
        }
        return b.toString();
    }

    /** For a picture that came back to {@code self}, the loop in words: {@code camera 'x' → camera 'y' → camera 'x'}. */
    public String describeLoop(Hop self) {
        return of(self).then(loopTo(self)).describe(self);
    }

    private static void name(StringBuilder b, Hop h, Hop here) {
        b.append(b.length() == 0 ? "" : " → ").append("camera '").append(h.camera()).append('\'');
        if (!h.instance().equals(here.instance())) {
            b.append(" at ").append(h.label());
        }
    }

    /** The header's value: the hops, oldest first. */
    public String value() {
        return value;
    }

    /** The header line for a multipart part, with its CRLF; empty for {@link #NONE}. */
    String line() {
        return line;
    }

    @Override
    public String toString() {
        return value;
    }
}
