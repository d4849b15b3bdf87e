package camstream.source;

import camstream.stream.Via;

/**
 * A relay's upstream sent a picture that had passed through this camera: the cameras relay each other
 * in a loop. {@link #path} is what this camera's placeholder carries meanwhile ({@link Via#loopTo}),
 * so that the next camera of the loop finds itself in it and says so too.
 */
public final class RelayLoop extends SourceException {

    private final transient Via path;

    public RelayLoop(String message, Via path) {
        super(message);
        this.path = path;
    }

    public Via path() {
        return path;
    }
}
