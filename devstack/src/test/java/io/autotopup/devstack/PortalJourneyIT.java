package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.events.Money;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.topupctl.stack.StackClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The portal in a real browser (headless Chromium) against the whole stack, one test per journey a subscriber makes:
 * sign up with the texted code, add a card through the gateway's card field, set a rule, use credit and watch the
 * top-up and its text arrive, pause, cancel, sign out; a declined card and what to do about it; a wallet added at its
 * approval page; a Lao subscriber reading Lao; another subscriber's ids leading nowhere. The browser's every request
 * is watched: the card number goes to the gateway and nowhere else. Each journey saves screenshots under
 * {@code target/screenshots}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PortalJourneyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String CARD = "4242424242424242";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InProcessStack stack;
    private static StackClient client;

    @BeforeAll
    static void startStack() throws Exception {
        stack = InProcessStack.startHealthy(PATIENCE);
        client = stack.client();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void a_new_subscriber_signs_up_adds_a_card_sets_a_rule_uses_credit_sees_the_top_up_and_its_text_pauses_cancels_and_signs_out(
            CapturedOutput output) throws Exception {
        Number number = Number.fresh();
        try (Browser browser = Browser.start("en")) {
            signUp(browser, number, null);
            assertThat(browser.marked("rule-sentence").getText()).isEqualTo("You have no auto top-up yet.");
            assertThat(browser.marked("balance").getText()).isEqualTo("0 ₭");

            browser.open(stack.portalUrl + "/payment-methods");
            browser.marked("add-card").click();
            browser.driver.switchTo().frame(browser.marked("card-field"));
            browser.type("#number", "4242 4242 4242 4242");
            browser.type("#expiry", "13/34");
            browser.type("#cvc", "123");
            browser.click("button[type=submit]");
            assertThat(browser.find("#error").getText()).as("month 13 is the expiry's fault, not the card's")
                    .isEqualTo("Enter the expiry as MM/YY, with a month from 01 to 12.");
            browser.driver.switchTo().defaultContent();

            addCard(browser, "4242 4242 4242 4242");
            assertThat(browser.marked("methods").getText()).contains("Visa •••• 4242").contains("Default").contains("Expires 12/34");

            browser.open(stack.portalUrl + "/auto-top-up");
            browser.type("#threshold", "20000");
            browser.type("#topUpAmount", "0");
            browser.click("[data-test='save-rule']");
            assertThat(browser.marked("error-topUpAmount").getText()).as("the rule engine's error, beside its field")
                    .isEqualTo("The amount must be more than zero.");
            assertThat(browser.find("label[for='threshold']").getText()).isEqualTo("When my balance drops below (₭)");
            browser.type("#topUpAmount", "50000");
            browser.type("#maxAmountPerMonth", "10,000");
            browser.click("[data-test='save-rule']");
            assertThat(browser.marked("error-maxAmountPerMonth").getText()).as("a monthly cap that could never allow a top-up")
                    .isEqualTo("That is less than one top-up of 50,000 ₭, so nothing could ever be topped up: allow at least 50,000 ₭ a month, or leave it empty.");
            browser.type("#maxAmountPerMonth", "");
            browser.click("[data-test='save-rule']");
            browser.waiting().until(d -> browser.path().equals("/") && browser.text().contains("Your auto top-up is saved."));
            assertThat(browser.marked("rule-sentence").getText())
                    .isEqualTo("When your balance drops below 20,000 ₭, we top up 50,000 ₭ from Visa •••• 4242.");
            assertThat(browser.marked("rule-state").getText()).startsWith("On:");

            browser.open(stack.portalUrl + "/try-it");
            assertThat(browser.marked("preview").getText()).as("what the rule would do, charging nothing")
                    .contains("Your balance is below the threshold: the next use of credit tops up 50,000 ₭.");
            browser.click("[data-test='use-10000']");
            browser.waiting().until(d -> browser.marked("balance").getText().equals("40,000 ₭")
                    && browser.marked("last-top-up").getText().contains("Credited")
                    && browser.text().contains("Last text message"));
            assertThat(browser.marked("last-top-up").getText()).contains("50,000 ₭");
            assertThat(browser.marked("last-text").getText()).contains("50,000 ₭");
            browser.screenshot("try-it-topped-up");

            browser.open(stack.portalUrl + "/");
            assertThat(browser.find("#now-amount").getAttribute("value")).as("Top up now suggests the rule's amount").isEqualTo("50000");
            browser.type("#now-amount", "99999999999999999999");
            browser.click("[data-test='top-up-now-submit']");
            assertThat(browser.marked("error-amount").getText()).isEqualTo("That number is too large for a top-up.");
            browser.type("#now-amount", "20 000 ₭");
            browser.click("[data-test='top-up-now-submit']");
            browser.waiting().until(d -> browser.path().equals("/") && browser.text().contains("Your top-up is on its way"));
            browser.waiting().until(d -> browser.marked("balance").getText().equals("60,000 ₭")
                    && browser.marked("last-top-up").getText().contains("20,000 ₭")
                    && browser.marked("last-top-up").getText().contains("Credited")
                    && browser.marked("last-text").getText().contains("20,000 ₭"));
            browser.screenshot("topped-up-now");
            assertThat(browser.marked("number").getText()).as("the number as people write it").isEqualTo(number.national());

            browser.find("[data-test='last-top-up'] a").click();
            browser.waiting().until(d -> browser.path().startsWith("/top-ups/"));
            assertThat(browser.marked("manual").getText()).isEqualTo("Asked for by you");
            browser.marked("receipt-link").click();
            browser.waiting().until(d -> browser.path().endsWith("/receipt"));
            assertThat(browser.marked("receipt-amount").getText()).isEqualTo("20,000 ₭");
            assertThat(browser.marked("receipt-method").getText()).isEqualTo("Visa •••• 4242");
            assertThat(browser.marked("receipt-number").getText()).isEqualTo(number.national());
            assertThat(browser.marked("receipt-reference").getText()).as("the gateway's reference").isNotBlank();
            browser.screenshot("receipt");

            browser.open(stack.portalUrl + "/history");
            assertThat(browser.marked("ledger").getText()).contains("Top-up").contains("50,000 ₭").contains("Use of credit")
                    .contains("−10,000 ₭");
            browser.open(stack.portalUrl + "/history?view=top-ups");
            assertThat(browser.marked("top-ups").getText()).contains("Credited").contains("Asked for by you");
            browser.open(stack.portalUrl + "/history?view=texts");
            assertThat(browser.marked("texts").getText()).contains("50,000 ₭");

            browser.open(stack.portalUrl + "/");
            browser.screenshot("home");
            browser.click("[data-test='pause']");
            browser.waiting().until(d -> browser.text().contains("Auto top-up is paused."));
            assertThat(browser.marked("rule-state").getText()).startsWith("Paused");

            browser.open(stack.portalUrl + "/auto-top-up");
            browser.click("[data-test='cancel-rule']");
            browser.waiting().until(d -> browser.text().contains("Auto top-up is cancelled."));
            assertThat(browser.marked("rule-sentence").getText()).isEqualTo("You have no auto top-up yet.");

            browser.click("form.sign-out button");
            browser.waiting().until(d -> browser.path().equals("/welcome"));
            browser.marked("sign-in").click();
            browser.waiting().until(d -> browser.path().equals("/sign-in"));
            assertThat(browser.driver.getCurrentUrl()).as("signing out ended the sign-in at the authorization server too")
                    .startsWith(stack.authUrlOf);

            List<Browser.SentRequest> requests = browser.requests();
            assertThat(requests).as("the browser's requests were watched, the gateway's card field's among them")
                    .anyMatch(request -> request.url().startsWith(stack.endpoints.gatewayUrl() + "/v1/tokens")
                            && request.body().contains(CARD));
            for (Browser.SentRequest request : requests) {
                if (!request.url().startsWith(stack.endpoints.gatewayUrl())) {
                    assertThat(request.url() + " " + request.body()).as("a request to " + request.url()).doesNotContain(CARD)
                            .doesNotContain("4242 4242 4242 4242");
                }
            }
        }
        String everything = TextedTraces.everything(stack, output.getAll());
        assertThat(everything).as("the scan read the topics").contains(number.e164());
        assertThat(everything).as("the card number in a topic, a store or a log line").doesNotContain(CARD)
                .doesNotContain("4242 4242 4242 4242");
    }

    @Test
    void a_declined_card_shows_what_failed_and_what_to_do() throws Exception {
        Number number = Number.fresh();
        try (Browser browser = Browser.start("en")) {
            signUp(browser, number, null);
            addCard(browser, "4000 0000 0000 0002");
            setRule(browser, "20000", "50000");

            browser.open(stack.portalUrl + "/try-it");
            browser.click("[data-test='use-10000']");
            browser.waiting().until(d -> browser.marked("last-top-up").getText().contains("Failed"));

            browser.open(stack.portalUrl + "/");
            WebElement help = browser.marked("failure-help");
            assertThat(help.getText()).contains("Your bank declined the card.")
                    .contains("Add a card with its current details, or another card.")
                    .contains("Make another payment method your default.")
                    .contains("Resume auto top-up");
            assertThat(browser.marked("rule-state").getText()).startsWith("On hold until");
            assertThat(browser.marked("balance").getText()).isEqualTo("−10,000 ₭");
            browser.screenshot("declined-card-help");

            browser.find("[data-test='last-top-up'] a").click();
            browser.waiting().until(d -> browser.path().startsWith("/top-ups/"));
            assertThat(browser.marked("top-up-state").getText()).isEqualTo("Failed");
            assertThat(browser.marked("failure-help").getText()).contains("Your bank declined the card.")
                    .as("the carrier's customer care, from every failure").contains("Sandbox Telecom customer care").contains("1555");

            browser.open(stack.portalUrl + "/payment-methods");
            assertThat(browser.marked("remove-warning").getText()).as("removing the only method of a live rule")
                    .isEqualTo("This is the only method your auto top-up can charge: if you remove it, auto top-up pauses until you add another.");
            browser.click("li.method form[action$='/remove'] button");
            browser.waiting().until(d -> browser.text().contains("Auto top-up is paused until you add another one."));
            browser.open(stack.portalUrl + "/");
            assertThat(browser.marked("rule-sentence").getText()).as("no method: not 'from your default method'")
                    .isEqualTo("When your balance drops below 20,000 ₭, we will top up 50,000 ₭, once you add a payment method.");
            String rule = send("GET", stack.endpoints.ruleEngineUrl() + "/v1/subscribers/" + SIGNED_IN.get(browser) + "/auto-top-up",
                    null, client.machineToken()).body();
            assertThat(rule).as("the rule was paused with its only method").contains("\"enabled\":false");
        }
    }

    @Test
    void a_wallet_is_added_through_its_approval_page_listed_default_first_and_charged_for_a_top_up() throws Exception {
        Number number = Number.fresh();
        try (Browser browser = Browser.start("zh")) {
            signUp(browser, number, null);
            browser.open(stack.portalUrl + "/payment-methods");
            browser.click("[data-test='add-ALIPAY']");
            browser.waiting().until(d -> d.getCurrentUrl().startsWith(stack.endpoints.gatewayUrl() + "/hosted/wallet-approval"));
            assertThat(browser.text()).as("the wallet's own page, in the portal's language").contains("支付宝");
            browser.screenshot("wallet-approval");
            browser.type("#account", number.e164());
            browser.click("button[value='approve']");

            browser.waiting().until(d -> browser.path().equals("/payment-methods") && browser.text().contains("钱包已添加。"));
            assertThat(browser.marked("methods").getText()).contains("支付宝").contains("默认");

            approveWallet(browser, "BCEL_ONEPAY", number);
            browser.waiting().until(d -> browser.path().equals("/payment-methods") && methods(browser).size() == 2);
            assertThat(methods(browser)).as("a new method comes after the first, which stays the default")
                    .containsExactly("支付宝 默认", "BCEL OnePay");

            browser.click("li.method:nth-child(2) form[action$='/default'] button");
            browser.waiting().until(d -> browser.text().contains("默认支付方式已更改。"));
            assertThat(methods(browser)).as("the list reads as the methods are tried: the default first")
                    .containsExactly("BCEL OnePay 默认", "支付宝");
            browser.click("li.method:nth-child(2) form[action$='direction=up'] button");
            browser.waiting().until(d -> browser.text().contains("顺序已更改。"));
            assertThat(methods(browser)).as("the method moved to the top is the default").containsExactly("支付宝 默认", "BCEL OnePay");
            browser.click("li.method:nth-child(1) form[action$='direction=down'] button");
            browser.waiting().until(d -> browser.text().contains("顺序已更改。") && methods(browser).get(0).startsWith("BCEL"));
            assertThat(methods(browser)).containsExactly("BCEL OnePay 默认", "支付宝");

            setRule(browser, "20000", "50000");
            assertThat(browser.marked("rule-sentence").getText()).as("the rule names the method it charges").contains("BCEL OnePay");
            browser.open(stack.portalUrl + "/try-it");
            browser.click("[data-test='use-10000']");
            browser.waiting().until(d -> browser.marked("balance").getText().equals("40,000 ₭")
                    && browser.marked("last-top-up").getText().contains("已入账") && browser.text().contains("50,000 ₭"));
            browser.find("[data-test='last-top-up'] a").click();
            browser.waiting().until(d -> browser.path().startsWith("/top-ups/"));
            assertThat(browser.marked("top-up-state").getText()).as("the wallet's top-up credited, not held or dead-lettered")
                    .isEqualTo("已入账");
            browser.marked("receipt-link").click();
            browser.waiting().until(d -> browser.path().endsWith("/receipt"));
            assertThat(browser.marked("receipt-method").getText()).as("the receipt, in Chinese, names the wallet charged")
                    .isEqualTo("BCEL OnePay");

            browser.open(stack.portalUrl + "/history?view=texts");
            new org.openqa.selenium.support.ui.Select(browser.find("#text-language")).selectByValue("lo");
            browser.click("[data-test='save-text-language']");
            browser.waiting().until(d -> browser.text().contains("短信语言已更改。"));
            await().atMost(PATIENCE).untilAsserted(() -> {
                browser.open(stack.portalUrl + "/history?view=texts");
                assertThat(new org.openqa.selenium.support.ui.Select(browser.find("#text-language")).getFirstSelectedOption()
                        .getAttribute("value")).isEqualTo("lo");
            });
            topUpNow(browser, "10000", "支付宝");
            browser.waiting().until(d -> browser.marked("balance").getText().equals("50,000 ₭")
                    && browser.marked("last-text").getText().contains("10,000 ₭"));
            assertThat(browser.find("[data-test='last-text'] p.sms").getAttribute("lang"))
                    .as("the next text is in the language chosen for texts, the page still in Chinese").isEqualTo("lo");

            browser.open(stack.portalUrl + "/payment-methods");
            approveWallet(browser, "WECHAT_PAY", number);
            browser.waiting().until(d -> browser.path().equals("/payment-methods") && methods(browser).size() == 3);
            topUpNow(browser, "10000", "微信支付");
            browser.waiting().until(d -> browser.marked("balance").getText().equals("60,000 ₭")
                    && browser.marked("last-top-up").getText().contains("已入账"));
            browser.find("[data-test='last-top-up'] a").click();
            browser.waiting().until(d -> browser.path().startsWith("/top-ups/"));
            browser.marked("receipt-link").click();
            browser.waiting().until(d -> browser.path().endsWith("/receipt"));
            assertThat(browser.marked("receipt-method").getText()).as("every wallet kind charged, WeChat Pay the last").isEqualTo("微信支付");

            browser.open(stack.portalUrl + "/payment-methods");
            browser.click("li.method:nth-child(2) form[action$='/remove'] button");
            browser.waiting().until(d -> browser.text().contains("支付方式已删除。"));
            assertThat(methods(browser)).containsExactly("BCEL OnePay 默认", "微信支付");
        }
    }

    /** Adds a wallet through its approval page, approving it with the subscriber's number as the wallet's account. */
    private static void approveWallet(Browser browser, String wallet, Number number) {
        browser.click("[data-test='add-" + wallet + "']");
        browser.waiting().until(d -> d.getCurrentUrl().startsWith(stack.endpoints.gatewayUrl() + "/hosted/wallet-approval"));
        browser.type("#account", number.e164());
        browser.click("button[value='approve']");
    }

    /** Top up now from the home page, from the method shown as {@code method}. */
    private static void topUpNow(Browser browser, String amount, String method) {
        browser.open(stack.portalUrl + "/");
        browser.type("#now-amount", amount);
        new org.openqa.selenium.support.ui.Select(browser.find("#now-method")).selectByVisibleText(method);
        browser.click("[data-test='top-up-now-submit']");
    }

    /** The payment methods listed, in order: each one's name and its badges. */
    private static List<String> methods(Browser browser) {
        return browser.driver.findElements(org.openqa.selenium.By.cssSelector("li.method .what")).stream()
                .map(what -> what.getText().replace('\n', ' ').trim()).toList();
    }

    @Test
    void a_long_ledger_pages_back_to_the_first_change_and_returns_to_the_newest() throws Exception {
        Number number = Number.fresh();
        try (Browser browser = Browser.start("en")) {
            signUp(browser, number, null);
            client.publishUsage(IntStream.rangeClosed(1, 23).mapToObj(n -> UsageRecorded.newBuilder()
                    .setEventId("cdr-" + UUID.randomUUID()).setCarrierId("unitel").setMsisdn(number.e164())
                    .setUsageType(UsageType.VOICE).setUnits(n).setUnit("min").setCharge(new Money(100L * n, "LAK"))
                    .setOccurredAt(Instant.now()).build()).toArray(UsageRecorded[]::new));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                browser.open(stack.portalUrl + "/history");
                return browser.attributes("[data-version]", "data-version").contains("23");
            });

            assertThat(browser.attributes("[data-version]", "data-version")).as("the newest page")
                    .containsExactly("23", "22", "21", "20", "19", "18", "17", "16", "15", "14");
            assertThat(browser.attributes("[data-test='newest']", "href")).isEmpty();
            assertThat(browser.driver.findElements(org.openqa.selenium.By.cssSelector("td.balance-after")))
                    .as("the balance after each change, on a 360 px wide phone").hasSize(10)
                    .allSatisfy(cell -> assertThat(cell.isDisplayed()).isTrue());
            assertThat(browser.find("td.balance-after").getText()).as("after the newest change").endsWith(" ₭");
            assertThat((Boolean) ((org.openqa.selenium.JavascriptExecutor) browser.driver)
                    .executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("nothing to scroll sideways at 360 px").isTrue();
            browser.click("[data-test='older']");
            browser.waiting().until(d -> browser.attributes("[data-version]", "data-version").contains("13"));
            assertThat(browser.attributes("[data-version]", "data-version"))
                    .containsExactly("13", "12", "11", "10", "9", "8", "7", "6", "5", "4");
            browser.click("[data-test='older']");
            browser.waiting().until(d -> browser.attributes("[data-version]", "data-version").contains("3"));
            assertThat(browser.attributes("[data-version]", "data-version")).as("down to the first change")
                    .containsExactly("3", "2", "1");
            assertThat(browser.attributes("[data-test='older']", "href")).as("nothing older").isEmpty();
            assertThat(browser.marked("ledger").getText()).contains("−100 ₭");
            browser.click("[data-test='newest']");
            browser.waiting().until(d -> browser.attributes("[data-version]", "data-version").contains("23"));
            assertThat(browser.attributes("[data-version]", "data-version")).startsWith("23", "22").hasSize(10);
        }
    }

    @Test
    void a_lao_subscriber_reads_lao_from_the_first_page_to_the_texted_code_and_home() throws Exception {
        Number number = Number.fresh();
        try (Browser browser = Browser.start("en")) {
            browser.open(stack.portalUrl + "/welcome?lang=lo");
            assertThat(browser.text()).contains("ບໍ່ໃຫ້ເງິນໃນເບີໝົດອີກ");
            signUp(browser, number, "lo");
            assertThat(TextedTraces.codeTexts(client, number.e164()).get(0)).as("the code, in Lao").startsWith("ລະຫັດ AutoTopUp");
            assertThat(browser.find("html").getAttribute("lang")).isEqualTo("lo");
            assertThat(browser.text()).contains("ຍອດເງິນ").contains("ທ່ານຍັງບໍ່ໄດ້ຕັ້ງການເຕີມເງິນອັດຕະໂນມັດ.");
            assertThat(browser.marked("balance").getText()).isEqualTo("0 ₭");
            browser.screenshot("home-lo");

            browser.open(stack.portalUrl + "/history?lang=th");
            assertThat(browser.text()).as("and another language at a click").contains("ประวัติ");
        }
    }

    @Test
    void another_subscribers_ids_in_the_address_lead_to_the_error_page_and_change_nothing() throws Exception {
        Number other = Number.fresh();
        var registered = client.registerSubscriber(other.e164(), "LAK", "en", "30000");
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        String otherId = registered.text("subscriberId");
        assertThat(client.signIn(other.e164(), PATIENCE).status()).isEqualTo(200);
        var bound = client.bindPaymentMethod(otherId, client.tokenizeCard("5555555555554444", 12, 2035));
        String otherMethod = bound.text("paymentMethodId");
        assertThat(client.setAutoTopUpRule(otherId, "20000", "50000", "LAK", otherMethod, PATIENCE).status()).isEqualTo(200);
        client.publishUsage(UsageRecorded.newBuilder().setEventId("cdr-" + UUID.randomUUID()).setCarrierId("unitel")
                .setMsisdn(other.e164()).setUsageType(UsageType.DATA).setUnits(100).setUnit("MB")
                .setCharge(new Money(20_000L, "LAK")).setOccurredAt(Instant.now()).build());
        String otherTopUp = await().atMost(PATIENCE).until(() -> firstTopUp(otherId), id -> id != null);

        Number number = Number.fresh();
        try (Browser browser = Browser.start("en")) {
            signUp(browser, number, null);

            browser.open(stack.portalUrl + "/top-ups/" + otherTopUp);
            assertThat(browser.marked("error-page").getText()).contains("We could not find that");
            assertThat(browser.text()).doesNotContain("50,000").doesNotContain(other.e164()).doesNotContain(other.national());
            browser.screenshot("someone-elses-top-up");

            browser.open(stack.portalUrl + "/payment-methods");
            assertThat(browser.text()).doesNotContain("5555").doesNotContain("Mastercard");
            // a form of the portal's own, with its CSRF token, pointed at the other subscriber's card
            browser.driver.executeScript("var form = document.querySelector('form.sign-out');"
                    + "form.action = '/payment-methods/' + arguments[0] + '/remove'; form.submit();", otherMethod);
            browser.waiting().until(d -> !browser.path().equals("/payment-methods"));
            assertThat(browser.marked("error-page").getText()).contains("We could not find that");

            browser.open(stack.portalUrl + "/no-such-page?lang=lo");
            assertThat(browser.marked("error-page").getText()).as("a page nobody answers, in the page's language")
                    .contains("ບໍ່ພົບສິ່ງທີ່ທ່ານຊອກຫາ").contains("404");
            assertThat(browser.text()).doesNotContain("Whitelabel");
        }
        assertThat(methodsOf(otherId)).as("the other subscriber's card is still theirs").contains(otherMethod);
    }

    @Test
    void a_subscriber_sends_an_id_an_operator_approves_it_and_the_outcome_is_texted() throws Exception {
        Number number = Number.fresh();
        java.nio.file.Path photo = java.nio.file.Files.createTempFile("national-id", ".jpg");
        java.nio.file.Path renamed = java.nio.file.Files.createTempFile("not-a-photo", ".jpg");
        java.nio.file.Files.write(photo, idCardPhoto());
        java.nio.file.Files.writeString(renamed, "#!/bin/sh\necho this is not a photo\n");
        try (Browser browser = Browser.start("en")) {
            signUp(browser, number, null);
            browser.open(stack.portalUrl + "/identity");
            assertThat(browser.marked("kyc-status").getText()).isEqualTo("Not sent yet.");

            browser.find("#front").sendKeys(renamed.toAbsolutePath().toString());
            browser.click("[data-test='send-identity']");
            assertThat(browser.marked("identity-error").getText()).as("judged by its bytes, not its name")
                    .isEqualTo("Send a photo (JPEG or PNG) or a PDF.");

            for (int megabytes : new int[] {6, 40}) {
                browser.open(stack.portalUrl + "/identity?lang=th");
                new org.openqa.selenium.support.ui.Select(browser.find("#type")).selectByValue("NATIONAL_ID");
                browser.find("#front").sendKeys(large(megabytes).toAbsolutePath().toString());
                browser.click("[data-test='send-identity']");
                browser.waiting().until(d -> browser.text().contains("5 MB"));
                assertThat(browser.marked("identity-error").getText()).as("a %d MB photo, told in the page's language", megabytes)
                        .isEqualTo(THAI_TOO_LARGE);
                assertThat(browser.text()).doesNotContain("Whitelabel");
            }
            browser.open(stack.portalUrl + "/identity?lang=en");

            new org.openqa.selenium.support.ui.Select(browser.find("#type")).selectByValue("NATIONAL_ID");
            browser.find("#front").sendKeys(photo.toAbsolutePath().toString());
            browser.click("[data-test='send-identity']");
            browser.waiting().until(d -> browser.text().contains("Your document is sent."));
            assertThat(browser.marked("kyc-status").getText()).isEqualTo("Sent: waiting for review.");
            assertThat(browser.marked("documents").getText()).contains("National ID card").contains("Waiting for review");
            browser.screenshot("identity-sent");

            String reviewer = client.machineToken("kyc:review");
            String documentId = await().atMost(PATIENCE).until(() -> documentOf(JSON.readTree(send("GET", stack.kyc
                    + "/v1/identity-documents/pending", null, reviewer).body()), browser), id -> id != null);
            HttpResponse<String> approved = send("POST", stack.kyc + "/v1/identity-documents/" + documentId + "/review",
                    "{\"decision\":\"APPROVED\"}", reviewer);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

            await().atMost(PATIENCE).untilAsserted(() -> {
                browser.open(stack.portalUrl + "/identity");
                assertThat(browser.marked("kyc-status").getText()).isEqualTo("Verified. Thank you.");
            });
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(client.inbox(number.e164()).toString())
                    .contains("your identity document is approved"));
        }
    }

    /** The pending document of the subscriber signed in in this browser. */
    private static String documentOf(JsonNode pending, Browser browser) {
        String subscriberId = subscriberOf(browser);
        for (JsonNode document : pending) {
            if (document.path("subscriberId").asText().equals(subscriberId)) {
                return document.path("documentId").asText();
            }
        }
        return null;
    }

    /** Who is signed in in this browser (the portal shows no id): looked up by number at sign-up. */
    private static String subscriberOf(Browser browser) {
        return SIGNED_IN.get(browser);
    }

    private static final java.util.Map<Browser, String> SIGNED_IN = new java.util.concurrent.ConcurrentHashMap<>();

    private static final String THAI_TOO_LARGE = "ไฟล์ใหญ่เกิน 5 MB: ถ่ายรูปใหม่ให้เล็กลง";

    /** A JPEG of this many megabytes: a real photo's start, then padding. */
    private static java.nio.file.Path large(int megabytes) throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("large-photo-" + megabytes + "mb", ".jpg");
        byte[] start = idCardPhoto();
        byte[] bytes = java.util.Arrays.copyOf(start, megabytes * 1024 * 1024);
        java.nio.file.Files.write(file, bytes);
        file.toFile().deleteOnExit();
        return file;
    }

    private static byte[] idCardPhoto() throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(800, 500, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        graphics.setColor(java.awt.Color.WHITE);
        graphics.fillRect(0, 0, 800, 500);
        graphics.setColor(java.awt.Color.BLUE);
        graphics.drawString("LAO PDR NATIONAL ID", 300, 200);
        graphics.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static HttpResponse<String> send(String method, String url, String json, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Through the portal and the authorization server's pages as a person would, with the code texted to the number. */
    private static void signUp(Browser browser, Number number, String language) {
        if (language == null) {
            browser.open(stack.portalUrl + "/welcome");
        }
        browser.marked("sign-in").click();
        browser.waiting().until(d -> browser.path().equals("/sign-in"));
        if (language != null) {
            assertThat(browser.find("html").getAttribute("lang")).as("the portal's language carried to the sign-in (ui_locales)")
                    .isEqualTo(language);
        }
        browser.type("#msisdn", number.national());
        browser.click("form button[type=submit]");
        browser.waiting().until(d -> browser.path().equals("/sign-up"));
        assertThat(browser.driver.findElements(org.openqa.selenium.By.cssSelector("#language option")).stream()
                .map(WebElement::getText).toList()).as("each language named in its own script, whatever the page's")
                .containsExactly("ລາວ", "English", "中文", "ไทย");
        assertThat(browser.text()).as("the number as people write it").contains(number.national());
        browser.click("form button[type=submit]");
        browser.waiting().until(d -> browser.path().equals("/sign-in/code"));
        browser.type("#code", TextedTraces.code(client, number.e164(), 0, PATIENCE));
        browser.click("form[action$='/sign-in/code'] button");
        browser.waiting().until(d -> d.getCurrentUrl().startsWith(stack.portalUrl) && browser.path().equals("/"));
        SIGNED_IN.put(browser, subscriberIdOf(number));
    }

    /** The subscriber id of a number, as the carrier's systems look it up. */
    private static String subscriberIdOf(Number number) {
        try {
            HttpResponse<String> found = send("GET", stack.endpoints.balanceUrl() + "/v1/subscriber-numbers/" + number.e164(), null,
                    client.machineToken());
            return JSON.readTree(found.body()).path("subscriberId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Through the gateway's card field in its frame; only its token comes back to the portal. */
    private static void addCard(Browser browser, String cardNumber) {
        browser.open(stack.portalUrl + "/payment-methods");
        browser.marked("add-card").click();
        browser.driver.switchTo().frame(browser.marked("card-field"));
        browser.type("#number", cardNumber);
        browser.type("#expiry", "12/34");
        browser.type("#cvc", "123");
        browser.click("button[type=submit]");
        browser.driver.switchTo().defaultContent();
        browser.waiting().until(d -> browser.path().equals("/payment-methods") && browser.text().contains("Card added."));
    }

    private static void setRule(Browser browser, String threshold, String amount) {
        browser.open(stack.portalUrl + "/auto-top-up");
        browser.type("#threshold", threshold);
        browser.type("#topUpAmount", amount);
        browser.click("[data-test='save-rule']");
        // "Your auto top-up is saved.", in the page's language
        browser.waiting().until(d -> browser.path().equals("/") && !d.findElements(org.openqa.selenium.By.cssSelector("p.done")).isEmpty());
    }

    private static String firstTopUp(String subscriberId) throws Exception {
        JsonNode topUps = get(stack.endpoints.ruleEngineUrl() + "/v1/subscribers/" + subscriberId + "/top-ups", subscriberId);
        return topUps.isArray() && !topUps.isEmpty() ? topUps.get(0).path("requestId").asText() : null;
    }

    private static String methodsOf(String subscriberId) throws Exception {
        return get(stack.endpoints.paymentUrl() + "/v1/subscribers/" + subscriberId + "/payment-methods", subscriberId).toString();
    }

    private static JsonNode get(String url, String subscriberId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + client.tokenOf(subscriberId)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** A new Lao number, in E.164 and as people write it (020 5123 4567). */
    private record Number(String digits) {
        static Number fresh() {
            return new Number(String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000)));
        }

        String e164() {
            return "+856205" + digits;
        }

        String national() {
            return "020 5" + digits.substring(0, 3) + " " + digits.substring(3);
        }
    }
}
