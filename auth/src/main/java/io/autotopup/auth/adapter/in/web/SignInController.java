package io.autotopup.auth.adapter.in.web;

import io.autotopup.auth.adapter.out.balance.BalanceServiceClient;
import io.autotopup.auth.domain.SignInRefused;
import io.autotopup.platform.Msisdns;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Signing in with a number and the code texted to it: the number (or signing up, for a number not yet known),
 * then the code. A page is a method here, a template, and its messages in four languages.
 */
@Controller
class SignInController {

    static final String SUBSCRIBER = "autotopup.sign-in.subscriber";
    static final String NUMBER = "autotopup.sign-in.number";
    private static final List<String> CURRENCIES = List.of("LAK", "USD");
    private static final List<String> LANGUAGES = List.of("lo", "en", "zh", "th");

    private final BalanceServiceClient balance;
    private final AuthenticationManager authentication;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final RequestCache requests = new HttpSessionRequestCache();

    SignInController(BalanceServiceClient balance, AuthenticationManager signInAuthentication) {
        this.balance = balance;
        this.authentication = signInAuthentication;
    }

    @GetMapping("/sign-in")
    String numberPage() {
        return "sign-in";
    }

    @PostMapping("/sign-in")
    String number(@RequestParam(defaultValue = "") String msisdn, HttpServletRequest request, HttpSession session, Model model) {
        Optional<String> e164 = Msisdns.toE164(msisdn);
        model.addAttribute("msisdn", msisdn);
        if (e164.isEmpty()) {
            model.addAttribute("error", "sign-in.error.number");
            return "sign-in";
        }
        try {
            Optional<BalanceServiceClient.Subscriber> subscriber = balance.subscriberByNumber(e164.get());
            session.setAttribute(NUMBER, e164.get());
            if (subscriber.isEmpty()) {
                return "redirect:/sign-up";
            }
            session.setAttribute(SUBSCRIBER, subscriber.get().subscriberId());
            balance.sendCode(subscriber.get().subscriberId(), request.getRemoteAddr());
            return "redirect:/sign-in/code";
        } catch (SignInRefused refused) {
            if (refused.reason() == SignInRefused.Reason.TOO_MANY_CODES) {
                // a code went out a moment ago: it is still good
                session.setAttribute("autotopup.sign-in.notice", refused.retryAfter().toSeconds());
                return "redirect:/sign-in/code";
            }
            return refusal(refused, model, "sign-in");
        }
    }

    @GetMapping("/sign-up")
    String signUpPage(HttpSession session, Model model) {
        if (session.getAttribute(NUMBER) == null) {
            return "redirect:/sign-in";
        }
        model.addAttribute("number", Msisdns.asWritten((String) session.getAttribute(NUMBER)));
        model.addAttribute("currencies", CURRENCIES);
        model.addAttribute("languages", LANGUAGES);
        return "sign-up";
    }

    @PostMapping("/sign-up")
    String signUp(@RequestParam(defaultValue = "LAK") String currency, @RequestParam(defaultValue = "en") String language,
            HttpServletRequest request, HttpSession session, Model model) {
        String number = (String) session.getAttribute(NUMBER);
        if (number == null) {
            return "redirect:/sign-in";
        }
        if (!CURRENCIES.contains(currency) || !LANGUAGES.contains(language)) {
            model.addAttribute("error", "sign-in.error.invalid");
            return signUpPage(session, model);
        }
        try {
            session.setAttribute(SUBSCRIBER, balance.signUp(number, currency, language, request.getRemoteAddr()));
            return "redirect:/sign-in/code";
        } catch (SignInRefused refused) {
            model.addAttribute("number", Msisdns.asWritten(number));
            model.addAttribute("currencies", CURRENCIES);
            model.addAttribute("languages", LANGUAGES);
            return refusal(refused, model, "sign-up");
        }
    }

    @GetMapping("/sign-in/code")
    String codePage(HttpSession session, Model model) {
        if (session.getAttribute(SUBSCRIBER) == null) {
            return "redirect:/sign-in";
        }
        Object notice = session.getAttribute("autotopup.sign-in.notice");
        if (notice != null) {
            session.removeAttribute("autotopup.sign-in.notice");
            model.addAttribute("notice", "sign-in.notice.recent");
            model.addAttribute("wait", notice);
        }
        model.addAttribute("number", Msisdns.mask((String) session.getAttribute(NUMBER)));
        return "code";
    }

    @PostMapping("/sign-in/code")
    String code(@RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response,
            HttpSession session, Model model) {
        String subscriberId = (String) session.getAttribute(SUBSCRIBER);
        if (subscriberId == null) {
            return "redirect:/sign-in";
        }
        model.addAttribute("number", Msisdns.mask((String) session.getAttribute(NUMBER)));
        if (!code.trim().matches("\\d{6}")) {
            model.addAttribute("error", "sign-in.error.code-format");
            return "code";
        }
        Authentication signedIn;
        try {
            signedIn = authentication.authenticate(new PhoneCodeAuthenticationProvider.PhoneCode(subscriberId, code.trim()));
        } catch (PhoneCodeAuthenticationProvider.CodeRefused refused) {
            return refusal(refused.refusal(), model, "code");
        } catch (SignInRefused refused) {
            return refusal(refused, model, "code");
        }
        // a new session for the signed-in person (no fixation), holding only who they are
        SavedRequest saved = requests.getRequest(request, response);
        request.changeSessionId();
        session.removeAttribute(SUBSCRIBER);
        session.removeAttribute(NUMBER);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(signedIn);
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        if (saved != null) {
            requests.removeRequest(request, response);
            return "redirect:" + saved.getRedirectUrl();
        }
        return "redirect:/signed-in";
    }

    @PostMapping("/sign-in/code/new")
    String newCode(HttpServletRequest request, HttpSession session, Model model) {
        String subscriberId = (String) session.getAttribute(SUBSCRIBER);
        if (subscriberId == null) {
            return "redirect:/sign-in";
        }
        model.addAttribute("number", Msisdns.mask((String) session.getAttribute(NUMBER)));
        try {
            balance.sendCode(subscriberId, request.getRemoteAddr());
            model.addAttribute("notice", "sign-in.notice.sent");
            return "code";
        } catch (SignInRefused refused) {
            return refusal(refused, model, "code");
        }
    }

    @GetMapping("/signed-in")
    String signedIn() {
        return "signed-in";
    }

    private static String refusal(SignInRefused refused, Model model, String page) {
        model.addAttribute("error", "sign-in.error." + refused.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        model.addAttribute("attemptsLeft", refused.attemptsLeft());
        Duration wait = refused.retryAfter();
        model.addAttribute("waitMinutes", Math.max(1, (wait.toSeconds() + 59) / 60));
        model.addAttribute("waitSeconds", Math.max(1, wait.toSeconds()));
        return page;
    }
}
