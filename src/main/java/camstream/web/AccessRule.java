package camstream.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BooleanSupplier;

/**
 * Who may see a camera: anyone, unless the camera has an access token; then whoever shows that token
 * ({@code ?token=}) or a user the container logged in. Every way in asks this through {@link Gate}.
 * The token is compared in constant time, and nothing here logs.
 */
final class AccessRule {

    /** How a caller was let in, or that it was not. */
    enum Decision {
        /** The camera has no token. */
        OPEN,
        /** The caller showed the camera's token. */
        TOKEN,
        /** The container logged the caller in. */
        LOGIN,
        /** Neither token nor login. */
        REFUSED;

        boolean allowed() {
            return this != REFUSED;
        }
    }

    private AccessRule() {
    }

    /**
     * @param token    the camera's access token; null: it has none
     * @param shown    the token the caller showed; null: none
     * @param loggedIn whether the container logged the caller in; asked only when the token does not
     *                 decide, since over HTTP asking may send the container's login challenge
     */
    static Decision decide(String token, String shown, BooleanSupplier loggedIn) {
        if (token == null) {
            return Decision.OPEN;
        }
        if (shown != null && sameSecret(shown, token)) {
            return Decision.TOKEN;
        }
        return loggedIn.getAsBoolean() ? Decision.LOGIN : Decision.REFUSED;
    }

    /** Equal secrets, compared as SHA-256 digests in constant time whatever their lengths. */
    private static boolean sameSecret(String shown, String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(shown.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(token.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
