package camstream.it.support;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The Tomcat Manager's text interface, as deploy scripts and CI jobs speak it: HTTP with Basic
 * authentication as a user with the role manager-script. Each command answers one line starting
 * with "OK - " or "FAIL - " (and a list after it for some).
 */
public final class TomcatManager {

    private final Tomcat tomcat;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TomcatManager(Tomcat tomcat, String user, String password) {
        this.tomcat = tomcat;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code PUT /manager/text/deploy?path=...} with the WAR as the body; {@code update} replaces a deployed app. */
    public String deploy(String contextPath, Path war, boolean update) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tomcat.root("/manager/text/deploy?path=" + encode(contextPath)
                        + (update ? "&update=true" : "")))
                .PUT(HttpRequest.BodyPublishers.ofFile(war)));
    }

    public String undeploy(String contextPath) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tomcat.root("/manager/text/undeploy?path=" + encode(contextPath))));
    }

    /** The deployed apps, one "path:state:sessions:name" line each. */
    public String list() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tomcat.root("/manager/text/list")));
    }

    /**
     * Apps stopped, undeployed or redeployed whose class loader is still reachable after a full
     * garbage collection: "OK - No memory leaks found", or a list of their paths.
     */
    public String findLeaks() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tomcat.root("/manager/text/findleaks?statusLine=true")));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.header("Authorization", authorization)
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("Manager answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
