package io.autotopup.notification.adapter.out.smpp;

import io.autotopup.notification.application.SmsSender;
import io.autotopup.notification.domain.SmsSegments;
import io.autotopup.platform.Msisdns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends texts over SMPP 3.4 with jSMPP: binds as a transceiver on first use, keeps the link alive with
 * enquire_link, asks for delivery receipts, and binds again after the SMS centre dropped the session.
 * Segments go out no faster than the SMS centre allows (rate limiter); a segment refused as throttled is
 * tried again after a short wait; a circuit breaker stops calling an SMS centre that keeps failing.
 */
public final class SmppSmsSender implements SmsSender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmppSmsSender.class);

    private final SmppProperties properties;
    private final RateLimiter rateLimiter;
    private final Retry throttled;
    private final CircuitBreaker breaker;
    private final DeliveryReports deliveries;
    private SMPPSession session;

    /** Where delivery receipts go: the SMS centre's message id and DELIVERED, FAILED, EXPIRED or UNKNOWN. */
    @FunctionalInterface
    public interface DeliveryReports {
        void delivered(String smscMessageId, String status);
    }

    /** Without limits, for tests of the protocol alone. */
    public SmppSmsSender(SmppProperties properties) {
        this(properties, RateLimiter.ofDefaults("sms-submit"), Retry.ofDefaults("sms-submit"),
                CircuitBreaker.ofDefaults("sms-submit"), (id, status) -> { });
    }

    /**
     * @param rateLimiter at the SMS centre's allowed rate, per segment
     * @param throttled   retries a segment the SMS centre refused with ESME_RTHROTTLED
     * @param breaker     stops trying an SMS centre that keeps failing; the listener waits and tries again
     */
    public SmppSmsSender(SmppProperties properties, RateLimiter rateLimiter, Retry throttled, CircuitBreaker breaker,
            DeliveryReports deliveries) {
        this.properties = properties;
        this.rateLimiter = rateLimiter;
        this.throttled = throttled;
        this.breaker = breaker;
        this.deliveries = deliveries;
    }

    @Override
    public synchronized List<String> send(String msisdn, String text) {
        int reference = ThreadLocalRandom.current().nextInt(256);
        SmsSegments.Encoded encoded = SmsSegments.encode(text, reference);
        List<byte[]> segments = encoded.payloads();
        ESMClass esm = segments.size() > 1 ? new ESMClass(0x40) : new ESMClass();
        GeneralDataCoding coding = new GeneralDataCoding(encoded.gsm7() ? Alphabet.ALPHA_DEFAULT : Alphabet.ALPHA_UCS2);
        List<String> messageIds = new ArrayList<>();
        try {
            SMPPSession bound = breaker.executeCallable(this::session);
            for (byte[] segment : segments) {
                RateLimiter.waitForPermission(rateLimiter);
                messageIds.add(breaker.executeCallable(() -> throttled.executeCallable(() -> bound.submitShortMessage("",
                        TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, properties.sourceAddress(),
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN,
                        msisdn.startsWith("+") ? msisdn.substring(1) : msisdn, esm, (byte) 0, (byte) 1, null, null,
                        new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                        coding, (byte) 0, segment).getMessageId())));
            }
            log.info("SMS to {} taken by the SMS centre in {} {} segment(s)", Msisdns.mask(msisdn), segments.size(),
                    encoded.gsm7() ? "GSM-7" : "UCS-2");
            return messageIds;
        } catch (Exception e) {
            closeSession();
            throw new SmsNotSentException("SMS centre did not take the text for " + Msisdns.mask(msisdn) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether the SMS centre refused a submit because we sent too fast (worth a short wait and a retry). */
    public static boolean isThrottling(Throwable error) {
        return error instanceof NegativeResponseException negative
                && negative.getCommandStatus() == SMPPConstant.STAT_ESME_RTHROTTLED;
    }

    private SMPPSession session() throws java.io.IOException {
        if (session != null && session.getSessionState().isBound()) {
            return session;
        }
        closeSession();
        SMPPSession fresh = new SMPPSession();
        fresh.setEnquireLinkTimer((int) properties.enquireLinkInterval().toMillis());
        fresh.setTransactionTimer(properties.responseTimeout().toMillis());
        fresh.setMessageReceiverListener(new Receipts());
        fresh.connectAndBind(properties.host(), properties.port(), new BindParameter(BindType.BIND_TRX,
                properties.systemId(), properties.password(), "autotopup", TypeOfNumber.UNKNOWN,
                NumberingPlanIndicator.UNKNOWN, null));
        log.info("Bound to the SMS centre at {}:{} as {}", properties.host(), properties.port(), properties.systemId());
        session = fresh;
        return session;
    }

    private void closeSession() {
        if (session != null) {
            session.unbindAndClose();
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        closeSession();
    }

    /** deliver_sm from the SMS centre: delivery receipts are handed on; anything else is acknowledged and ignored. */
    private final class Receipts implements org.jsmpp.session.MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(org.jsmpp.bean.DeliverSm deliverSm) {
            if (!org.jsmpp.bean.MessageType.SMSC_DEL_RECEIPT.containedIn(deliverSm.getEsmClass())) {
                return;
            }
            try {
                org.jsmpp.bean.DeliveryReceipt receipt = deliverSm.getShortMessageAsDeliveryReceipt();
                deliveries.delivered(receipt.getId(), switch (receipt.getFinalStatus()) {
                    case DELIVRD -> "DELIVERED";
                    case EXPIRED -> "EXPIRED";
                    case UNDELIV, REJECTD, DELETED -> "FAILED";
                    default -> "UNKNOWN";
                });
            } catch (org.jsmpp.util.InvalidDeliveryReceiptException e) {
                log.warn("Unreadable delivery receipt: {}", e.getMessage());
            }
        }

        @Override
        public void onAcceptAlertNotification(org.jsmpp.bean.AlertNotification alertNotification) {
            // nothing to do
        }

        @Override
        public org.jsmpp.session.DataSmResult onAcceptDataSm(org.jsmpp.bean.DataSm dataSm, org.jsmpp.session.Session source)
                throws org.jsmpp.extra.ProcessRequestException {
            throw new org.jsmpp.extra.ProcessRequestException("data_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }
}
