package camstream.web;

import camstream.config.Access;
import camstream.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an id that names no camera is told, with scripted logins: as a protected camera while cameras
 * are protected and nobody logged in, else 404. The answers of a real container's login are in
 * {@code SecurityContract}.
 */
class UnknownCameraTest {

    private static final String PROTECTED = "camera 'nope' needs its access token (?token=) or a login";

    private static Access access(Map<String, String> params) {
        return Settings.read(Settings.lookup(params::get)).access();
    }

    private static final Access OPEN = access(Map.of("camstream.cameras", "front"));
    private static final Access TOKENS = access(Map.of("camstream.cameras", "front,back",
            "camstream.camera.back.token", "s3cret"));

    private final AtomicInteger asked = new AtomicInteger();

    /** A caller whose login check says {@code loggedIn} and, when asked, whether the container sent its login. */
    private Gate.Caller caller(String token, boolean loggedIn, boolean loginSent) {
        return new Gate.Caller(token, () -> {
            asked.incrementAndGet();
            return loggedIn;
        }, () -> loginSent);
    }

    private static String answer(Refused r) {
        return r.reason().status + " " + r.getMessage();
    }

    @Test
    void withNothingProtectedAnUnknownIdIsA404() {
        assertEquals("404 unknown camera: nope", answer(Gate.unknownCamera(OPEN, "nope", caller(null, false, false))));
    }

    @Test
    void whileACameraHasATokenAnUnknownIdIsRefusedAsAProtectedCameraIs() {
        assertEquals("403 " + PROTECTED, answer(Gate.unknownCamera(TOKENS, "nope", caller(null, false, false))));
        assertEquals(1, asked.get(), "the login is asked for, as for a protected camera");
        assertEquals("403 " + PROTECTED, answer(Gate.unknownCamera(TOKENS, "nope", caller("s3cret", false, false))),
                "a token is one camera's and proves nothing about another id");
    }

    @Test
    void whenAskingSentTheContainersLoginAnUnknownIdIsRefusedAsAProtectedCameraIs() {
        Refused r = Gate.unknownCamera(OPEN, "nope", caller(null, false, true));
        assertEquals(Refused.Reason.NO_ACCESS, r.reason(), "the container's login is the answer, not a 404 after it");
    }

    @Test
    void onceLoggedInAnUnknownIdIsA404() {
        assertEquals("404 unknown camera: nope", answer(Gate.unknownCamera(TOKENS, "nope", caller(null, true, true))));
        assertEquals("404 unknown camera: nope", answer(Gate.unknownCamera(OPEN, "nope", caller(null, true, false))));
        assertEquals(2, asked.get());
    }

    @Test
    void anIdTheLogCouldNotShowIsMadePrintable() {
        assertEquals("403 camera 'a?b' needs its access token (?token=) or a login",
                answer(Gate.unknownCamera(TOKENS, "a\nb", caller(null, false, false))));
    }
}
