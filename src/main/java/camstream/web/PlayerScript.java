package camstream.web;

import jakarta.servlet.ServletContext;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Where the page's HLS player, hls.js, is served: the WebJar {@code org.webjars.npm:hls.js} in
 * WEB-INF/lib, whose {@code META-INF/resources} the container serves as the webapp's own files. Its
 * version is read from the jar, so the pom names it once and the page never does.
 */
public final class PlayerScript {

    /** The script's path in the webapp ({@code /webjars/hls.js/1.4.12/dist/hls.min.js}), or absent. */
    public static final String ATTRIBUTE = "camstream.hlsScript";

    private static final Logger LOG = Logger.getLogger(PlayerScript.class.getName());
    private static final String POM = "META-INF/maven/org.webjars.npm/hls.js/pom.properties";

    private PlayerScript() {
    }

    /** The path of hls.min.js in {@code ctx}, or null (logged) when the WAR carries no hls.js. */
    public static String find(ServletContext ctx) {
        String version = version(ctx.getClassLoader());
        String path = version == null ? null : "/webjars/hls.js/" + version + "/dist/hls.min.js";
        try {
            if (path != null && ctx.getResource(path) != null) {
                return path;
            }
        } catch (MalformedURLException e) {
            // not served then
        }
        LOG.warning("The page's HLS player (hls.js, " + (path == null ? "the WebJar org.webjars.npm:hls.js" : path)
                + ") is not in this webapp: where the WebSocket cannot go, only a browser that plays HLS itself"
                + " (Safari) shows HLS, others one multipart stream per camera");
        return null;
    }

    private static String version(ClassLoader loader) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(POM)) {
            if (in == null) {
                return null;
            }
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        return p.getProperty("version");
    }
}
