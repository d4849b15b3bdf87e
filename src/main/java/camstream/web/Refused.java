package camstream.web;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Why {@link Gate} let a caller not in: the reason, with its HTTP status and how soon to try again,
 * and one line for the client. Over HTTP it is the answer; a socket closes or skips the camera.
 */
final class Refused extends Exception {

    enum Reason {
        NOT_RUNNING(HttpServletResponse.SC_SERVICE_UNAVAILABLE, 5),
        /** A request from a page that is neither camstream's own nor allowed by CORS. */
        CROSS_ORIGIN(HttpServletResponse.SC_FORBIDDEN, 0),
        UNKNOWN_CAMERA(HttpServletResponse.SC_NOT_FOUND, 0),
        /** Neither the camera's token nor a login (over HTTP, when the container has no login to ask for). */
        NO_ACCESS(HttpServletResponse.SC_FORBIDDEN, 0),
        BAD_OPTION(HttpServletResponse.SC_BAD_REQUEST, 0),
        VIEWER_LIMIT(HttpServletResponse.SC_SERVICE_UNAVAILABLE, 10),
        /** The camera already makes as many other sizes and qualities as it may. */
        VARIANT_LIMIT(HttpServletResponse.SC_SERVICE_UNAVAILABLE, 10),
        /** H.264 was asked for and cannot be encoded here (no OpenH264, or it is turned off). */
        NO_VIDEO(HttpServletResponse.SC_SERVICE_UNAVAILABLE, 0),
        /** A relay of this very camera asks for its stream (508 Loop Detected). */
        RELAY_LOOP(508, 0);

        final int status;
        /** Seconds for {@code Retry-After}; 0: none. */
        final int retryAfter;

        Reason(int status, int retryAfter) {
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    private final Reason reason;

    Refused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    /** Answers with the reason's status, {@code Retry-After} where it has one, and the message as one line of text. */
    void answer(HttpServletResponse resp) throws IOException {
        if (reason.retryAfter > 0) {
            resp.setHeader("Retry-After", Integer.toString(reason.retryAfter));
        }
        Requests.error(resp, reason.status, getMessage());
    }
}
