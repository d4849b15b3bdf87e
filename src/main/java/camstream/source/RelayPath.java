package camstream.source;

import camstream.stream.Via;

/**
 * Where a relay camera's pictures came from, checked before one is shown: a picture that passed
 * through this camera before went round a loop ({@link RelayLoop}), and one that passed through
 * {@link Via#MAX_HOPS} camstreams goes no further, so that a loop too long to name ends too. The
 * camera's hop also goes with each request: a camera asked for its own stream refuses at once (508).
 * Called on the relay threads, one picture at a time.
 */
final class RelayPath {

    /** A header as read and the path it names: every picture of a stream names the same one. */
    private record Parsed(String header, Via via) {
    }

    private final Via.Hop self;
    private final String shown;
    private volatile Parsed last = new Parsed("", Via.NONE);

    /** @param shown the upstream's URL as viewers may see it */
    RelayPath(Via.Hop self, String shown) {
        this.self = self;
        this.shown = shown;
    }

    /** The {@link Via#HEADER} of a request: this camera's hop. */
    String request() {
        return Via.of(self).value();
    }

    /** The path of a picture whose {@link Via#HEADER} said {@code header} (null: none), or why it may not be shown. */
    Via check(String header) throws SourceException {
        String h = header == null ? "" : header;
        Parsed p = last;
        if (!p.header().equals(h)) {
            p = new Parsed(h, Via.parse(h));
            last = p;
        }
        Via via = p.via();
        if (via.passedThrough(self)) {
            throw new RelayLoop("relay loop: " + via.describeLoop(self), via.loopTo(self));
        }
        if (via.size() >= Via.MAX_HOPS) {
            throw new SourceException(shown + " sends pictures that passed through " + via.size()
                    + " camstreams, the most a relay takes: " + via.then(Via.of(self)).describe(self));
        }
        return via;
    }

    /** The upstream answered 508 Loop Detected: it found this camera's hop in the request, so it is this camera. */
    SourceException loopDetected() {
        return new SourceException("relay loop: camera '" + self.camera() + "' → camera '" + self.camera() + "' ("
                + shown + " is this camera's own stream)");
    }
}
