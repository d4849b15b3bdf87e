package camstream.it;

import camstream.it.support.Tomcat;
import camstream.it.support.Tools;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The documented alternative to the WebSocket: HTTP/2 over TLS, which carries many multipart streams
 * over one connection. Tomcat 11 with the connector README shows and a self-signed key made here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2IT {

    private static final int STREAMS = 8;
    private static final String PASSWORD = "camstream-test";
    private Tomcat tomcat;
    private int tlsPort;
    private Path keystore;

    @BeforeAll
    void start() throws Exception {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "tomcat11-h2");
        keystore = tomcat.base().resolve("conf/camstream.p12");
        Tools.Result made = Tools.run(60, tomcat.base(), List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "camstream", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD));
        assertEquals(0, made.exitCode(), made.output());
        tlsPort = Tomcat.freePort();
        // README, "HTTP/2": the connector as an operator writes it.
        tomcat.addConnector("""
                <Connector address="127.0.0.1" port="%d" protocol="org.apache.coyote.http11.Http11NioProtocol"
                           SSLEnabled="true" maxThreads="150">
                  <UpgradeProtocol className="org.apache.coyote.http2.Http2Protocol"/>
                  <SSLHostConfig>
                    <Certificate certificateKeystoreFile="conf/camstream.p12"
                                 certificateKeystorePassword="%s" type="RSA"/>
                  </SSLHostConfig>
                </Connector>""".formatted(tlsPort, PASSWORD));
        tomcat.deploy().start(Map.of("camstream.cameras", "front", "camstream.width", "320", "camstream.height", "240",
                "camstream.fps", "15"));
        tomcat.awaitReady("/");
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void eightMultipartStreamsShareOneHttp2ConnectionAndEachReceivesMovingPictures() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting(keystore))
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("https://127.0.0.1:" + tlsPort + "/camstream/stream/front");
        List<CompletableFuture<HttpResponse<InputStream>>> pending = new ArrayList<>();
        // The first stream makes the connection; requests sent before it is up would each open their own.
        pending.add(h2.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream()));
        pending.get(0).get(30, TimeUnit.SECONDS);
        for (int i = 1; i < STREAMS; i++) {
            pending.add(h2.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<MjpegStream> streams = new ArrayList<>();
        try {
            for (CompletableFuture<HttpResponse<InputStream>> p : pending) {
                HttpResponse<InputStream> r = p.get(30, TimeUnit.SECONDS);
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                streams.add(MjpegStream.of(r));
            }
            new Metrics(tomcat.url("/metrics")).await("camstream_viewers", "front", v -> v == STREAMS,
                    Duration.ofSeconds(10));
            if (Files.isExecutable(Path.of("/usr/bin/ss"))) {
                Tools.Result ss = Tools.run(30, tomcat.base(), List.of("/usr/bin/ss", "-Htn", "state", "established",
                        "( dport = :" + tlsPort + " )"));
                assertEquals(1, ss.output().lines().filter(l -> !l.isBlank()).count(),
                        "connections to the TLS port:\n" + ss.output());
            }
            for (MjpegStream s : streams) {
                MjpegStream.Part first = s.next();
                MjpegStream.Part third = s.next();
                third = s.next();
                assertNotNull(ImageIO.read(new ByteArrayInputStream(third.body())));
                assertFalse(java.util.Arrays.equals(first.body(), third.body()), "the picture moves");
            }
        } finally {
            for (MjpegStream s : streams) {
                s.close();
            }
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
