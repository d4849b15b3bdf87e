package camstream.web;

import camstream.web.AccessRule.Decision;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The token-or-login rule, with a login that counts how often it was asked (over HTTP, asking may send a challenge). */
class AccessRuleTest {

    private static final String TOKEN = "embed-secret-4711";

    /** A container login that says {@code answer} and counts the times it was asked. */
    private static final class Login implements BooleanSupplier {
        private final boolean answer;
        int asked;

        Login(boolean answer) {
            this.answer = answer;
        }

        @Override
        public boolean getAsBoolean() {
            asked++;
            return answer;
        }
    }

    @Test
    void aCameraWithoutATokenIsOpenToAnyoneAndNoLoginIsAskedFor() {
        Login login = new Login(false);
        assertEquals(Decision.OPEN, AccessRule.decide(null, null, login));
        assertEquals(Decision.OPEN, AccessRule.decide(null, "anything", login));
        assertEquals(0, login.asked);
    }

    @Test
    void theRightTokenLetsInWithoutAskingForALogin() {
        Login login = new Login(false);
        assertEquals(Decision.TOKEN, AccessRule.decide(TOKEN, TOKEN, login));
        assertEquals(0, login.asked);
    }

    @Test
    void aWrongOrMissingTokenIsRefusedWhenNobodyIsLoggedIn() {
        for (String shown : new String[] {null, "", "wrong", TOKEN.substring(1), TOKEN + "x", TOKEN.toUpperCase(), " " + TOKEN}) {
            Login login = new Login(false);
            assertEquals(Decision.REFUSED, AccessRule.decide(TOKEN, shown, login), String.valueOf(shown));
            assertEquals(1, login.asked, "the login is asked once when the token does not decide");
        }
    }

    @Test
    void aUserTheContainerLoggedInNeedsNoToken() {
        assertEquals(Decision.LOGIN, AccessRule.decide(TOKEN, null, new Login(true)));
        assertEquals(Decision.LOGIN, AccessRule.decide(TOKEN, "wrong", new Login(true)));
    }

    @Test
    void aCallerDescribedInALogLineDoesNotShowItsToken() {
        String described = new Gate.Caller(TOKEN, () -> false, () -> false).toString();
        assertFalse(described.contains(TOKEN), described);
        assertEquals("Caller[token shown]", described);
    }
}
