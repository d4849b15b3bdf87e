package camstream.web;

import camstream.support.LogCapture;
import jakarta.servlet.ServletRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadyLineTest {

    @Test
    void whenTheContainerSaysWhereItListensTheUrlsAreLoggedAtStart() {
        try (LogCapture log = new LogCapture()) {
            ReadyLine ready = new ReadyLine();
            ready.started("/camstream", List.of("http://127.0.0.1:8080/camstream/", "http://192.168.1.20:8080/camstream/"));
            ready.request(request("http", "localhost", 8080), "/camstream");
            assertEquals(List.of("camstream is ready: http://127.0.0.1:8080/camstream/ http://192.168.1.20:8080/camstream/"),
                    log.messages());
        }
    }

    @Test
    void whenItDoesNotTheFirstRequestTellsTheUrlOnce() {
        try (LogCapture log = new LogCapture()) {
            ReadyLine ready = new ReadyLine();
            ready.started("", List.of());
            assertTrue(log.messages().get(0).startsWith("camstream is running at context path /;"), log.messages()::toString);
            ready.request(request("http", "cams.local", 9090), "");
            ready.request(request("http", "other.local", 9090), "");
            assertEquals(List.of("camstream is ready: http://cams.local:9090/"), log.messages().subList(1, log.messages().size()));
        }
    }

    private static ServletRequest request(String scheme, String host, int port) {
        Map<String, Object> answers = Map.of("getScheme", scheme, "getServerName", host, "getServerPort", port);
        return (ServletRequest) Proxy.newProxyInstance(ReadyLineTest.class.getClassLoader(),
                new Class<?>[]{ServletRequest.class}, (proxy, method, args) -> answers.get(method.getName()));
    }
}
