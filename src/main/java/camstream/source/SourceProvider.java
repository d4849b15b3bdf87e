package camstream.source;

import camstream.config.CameraConfig;

/**
 * Adds a source kind: a camera whose setting is {@code source=NAME:ARGUMENT} gets its frames from
 * the provider named NAME. Providers are found with {@link java.util.ServiceLoader} on the webapp's
 * class path ({@code META-INF/services/camstream.source.SourceProvider} in a jar under
 * {@code WEB-INF/lib}).
 */
public interface SourceProvider {

    /** The name before the colon, e.g. {@code faulty} for {@code faulty:throw-at=30}. */
    String name();

    /**
     * Creates the source. Throws IllegalArgumentException, whose message is shown to the operator,
     * when the argument is unusable.
     */
    FrameSource create(CameraConfig camera, String argument);
}
