package camstream.source;

/** A source could not open or read; the message is shown to viewers, so it is short and plain. */
public class SourceException extends Exception {

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
