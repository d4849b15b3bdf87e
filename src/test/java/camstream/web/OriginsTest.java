package camstream.web;

import camstream.support.LogCapture;
import camstream.web.ServerAddress.Connector;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which pages are camstream's own, on a machine whose one interface has 192.168.1.20 (and nothing is looked up). */
class OriginsTest {

    private static final Predicate<InetAddress> INTERFACES = a -> a.getHostAddress().equals("192.168.1.20");

    private static Origins origins(List<Connector> connectors, String... publicOrigins) {
        return new Origins(connectors, List.of(publicOrigins), INTERFACES);
    }

    @Test
    void aConnectorOnEveryInterfaceOwnsLocalhostLoopbackAndTheMachinesAddressesAtItsSchemeAndPort() {
        Origins own = origins(List.of(new Connector("http", "0.0.0.0", 8080), new Connector("https", null, 8443)));
        for (String o : List.of("http://127.0.0.1:8080", "http://localhost:8080", "http://LocalHost:8080", "http://[::1]:8080",
                "http://127.0.1.1:8080", "http://192.168.1.20:8080", "https://192.168.1.20:8443", "https://localhost:8443")) {
            assertTrue(own.own(o), o);
        }
        for (String o : List.of("http://127.0.0.1:8081", "https://127.0.0.1:8080", "http://127.0.0.1:8443",
                "http://192.168.1.21:8080", "http://127.0.0.1", "http://raspberrypi.local:8080")) {
            assertFalse(own.own(o), o);
        }
    }

    @Test
    void aPageThatDnsRebindingPutOnAnotherNameIsNotOwnWhateverItsPort() {
        Origins own = origins(List.of(new Connector("http", null, 80), new Connector("http", null, 8080)));
        for (String o : List.of("http://evil.example", "http://evil.example:8080", "http://127.0.0.1.evil.example:8080",
                "http://localhost.evil.example", "http://192.168.1.20.nip.io:8080", "null", "", "evil.example",
                "http://127.0.0.1:8080/path", "http://user@127.0.0.1:8080", "ftp://127.0.0.1:8080", "http://999.0.0.1:8080",
                "http://[::1%25lo]:8080", "http://0x7f000001:8080")) {
            assertFalse(own.own(o), o);
        }
        assertTrue(own.own("http://127.0.0.1"));
        assertTrue(own.own(" http://127.0.0.1:8080 "));
    }

    @Test
    void aConnectorBoundToOneAddressOwnsOnlyThatAddressAndLocalhostForLoopback() {
        Origins loopback = origins(List.of(new Connector("http", "127.0.0.1", 8080)));
        assertTrue(loopback.own("http://127.0.0.1:8080"));
        assertTrue(loopback.own("http://localhost:8080"));
        assertFalse(loopback.own("http://192.168.1.20:8080"), "another program may serve pages there");
        Origins lan = origins(List.of(new Connector("http", "192.168.1.20", 8080)));
        assertTrue(lan.own("http://192.168.1.20:8080"));
        assertFalse(lan.own("http://127.0.0.1:8080"));
        assertFalse(lan.own("http://localhost:8080"));
        Origins named = origins(List.of(new Connector("http", "cams.lan", 8080)));
        assertTrue(named.own("http://CAMS.lan:8080"));
        assertFalse(named.own("http://cams.lan:8081"));
    }

    @Test
    void publicOriginsAreOwnAtExactlyTheirSchemeNameAndPort() {
        Origins own = origins(List.of(new Connector("http", "127.0.0.1", 8080)), "https://cams.example.com",
                "http://cams.lan:8080", "http://[2001:db8::7]:8080");
        assertTrue(own.own("https://cams.example.com"));
        assertTrue(own.own("https://cams.example.com:443"));
        assertTrue(own.own("HTTPS://Cams.Example.com"));
        assertTrue(own.own("http://cams.lan:8080"));
        assertTrue(own.own("http://[2001:db8:0::7]:8080"));
        assertFalse(own.own("http://cams.example.com"));
        assertFalse(own.own("https://cams.example.com:8443"));
        assertFalse(own.own("https://www.cams.example.com"));
        assertFalse(own.own("http://cams.lan"));
    }

    @Test
    void whenTheContainerDoesNotSayWhereItListensTheMachinesNamesAreOwnAtAnyPort() {
        Origins own = origins(List.of());
        assertTrue(own.own("http://127.0.0.1:9999"));
        assertTrue(own.own("https://localhost"));
        assertTrue(own.own("http://192.168.1.20:8080"));
        assertFalse(own.own("http://evil.example:8080"));
        assertFalse(own.own("http://192.168.1.21:8080"));
    }

    @Test
    void onlyLiteralAddressesAreReadAsAddressesAndNoNameIsLookedUp() {
        assertEquals("127.0.0.1", Origins.literal("127.0.0.1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Origins.literal("::1").getHostAddress());
        assertNull(Origins.literal("localhost"));
        assertNull(Origins.literal("300.1.1.1"));
        assertNull(Origins.literal("1.2.3"));
        assertNull(Origins.literal("evil.example"));
        assertNull(Origins.literal("not:an:address"));
    }

    @Test
    void theFirstRefusedPageIsAWarningThatNamesTheSettingAndTheRestAreFine() {
        Origins own = origins(List.of(new Connector("http", null, 8080)));
        try (LogCapture log = new LogCapture()) {
            own.refused("https://cams.example.com\r\nX: y", "/camstream/socket");
            own.refused("http://evil.example", "/camstream/status");
            assertEquals(1, log.messages().size(), "the second at FINE: " + log.messages());
            String warning = log.warnings().get(0);
            assertTrue(warning.startsWith("Refused a page at https://cams.example.com??X:?y on /camstream/socket: its Origin"
                    + " is not one of camstream's own"), warning);
            assertTrue(warning.contains("add it to camstream.publicOrigins"), warning);
        }
    }
}
