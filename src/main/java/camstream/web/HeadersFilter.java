package camstream.web;

import camstream.config.Access;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every response: {@code X-Content-Type-Options}, {@code Referrer-Policy} and a {@code Content-Security-Policy}
 * (its {@code frame-ancestors} from {@code camstream.frameAncestors}), and CORS when
 * {@code camstream.cors.allowOrigin} allows the request's origin. Before anything runs: a request from a
 * page neither CORS allows nor camstream's own ({@link Origins}) gets 403, methods other
 * than GET, HEAD and OPTIONS get 405 with {@code Allow} (but POST and DELETE of recordings from camstream's own
 * pages or from clients that are not pages), OPTIONS is answered here, and JSP
 * precompilation requests ({@code ?jsp_precompile}) are refused, so that they never reach the JSP servlet.
 */
public final class HeadersFilter extends HttpFilter {

    /** Where POST and DELETE change what cameras record ({@link Gate#control}). */
    private static final Pattern CONTROL_PATH = Pattern.compile("/(record|timelapse|recordings)(/|$)");
    private static final Pattern JSP_PRECOMPILE = Pattern.compile("(^|&)jsp_precompile(=|&|$)");

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        Access access = Requests.access(req);
        String ancestors = access == null ? "'self'" : access.frameAncestors();
        resp.setHeader("X-Content-Type-Options", "nosniff");
        // A stream URL may carry ?token=: never hand it to another site.
        resp.setHeader("Referrer-Policy", "no-referrer");
        // media-src: blob: for the page's H.264 and hls.js (a MediaSource's object URL), 'self' for a browser's own HLS.
        resp.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; "
                + "script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors " + ancestors);
        if (req.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, resp);
            return;
        }
        boolean cors = cors(req, resp, access == null ? List.of() : access.corsAllowOrigin());
        String origin = req.getHeader("Origin");
        Origins own = (Origins) req.getServletContext().getAttribute(Origins.ATTRIBUTE);
        if (origin != null && !cors && own != null && !own.own(origin)) {
            // A browser sends Origin on cross-origin requests: a page CORS does not allow, or one DNS rebinding put
            // on another name, is refused here whatever Host says.
            own.refused(origin, req.getRequestURI());
            new Refused(Refused.Reason.CROSS_ORIGIN, "cross-origin request refused").answer(resp);
            return;
        }
        String method = req.getMethod();
        boolean control = CONTROL_PATH.matcher(req.getRequestURI().substring(req.getContextPath().length())).lookingAt();
        if ("OPTIONS".equals(method)) {
            resp.setHeader("Allow", control ? Requests.ALLOW_CONTROL : Requests.ALLOW);
            if (cors) {
                resp.setHeader("Access-Control-Allow-Methods", "GET, HEAD");
                resp.setHeader("Access-Control-Allow-Headers", "Authorization");
                resp.setHeader("Access-Control-Max-Age", "600");
            }
            resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (control && ("POST".equals(method) || "DELETE".equals(method))) {
            if (origin != null && (own == null || !own.own(origin))) {
                // CORS lets other pages read streams, never change recordings: a form or script elsewhere cannot post here.
                new Refused(Refused.Reason.CROSS_ORIGIN, "changing recordings is refused to other pages").answer(resp);
                return;
            }
        } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
            Requests.methodNotAllowed(req, resp);
            return;
        }
        String query = req.getQueryString();
        if (query != null && JSP_PRECOMPILE.matcher(query).find()) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "JSP precompilation is not offered here");
            return;
        }
        chain.doFilter(req, resp);
    }

    /** Adds the CORS headers when the request's origin is allowed; returns whether it was. */
    private static boolean cors(HttpServletRequest req, HttpServletResponse resp, List<String> allowed) {
        if (allowed.isEmpty()) {
            return false;
        }
        resp.addHeader("Vary", "Origin");
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        if (allowed.contains("*")) {
            resp.setHeader("Access-Control-Allow-Origin", "*");
            return true;
        }
        if (allowed.contains(origin)) {
            resp.setHeader("Access-Control-Allow-Origin", origin);
            resp.setHeader("Access-Control-Allow-Credentials", "true");
            return true;
        }
        return false;
    }
}
