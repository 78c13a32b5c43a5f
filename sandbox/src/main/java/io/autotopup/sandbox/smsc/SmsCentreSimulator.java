package io.autotopup.sandbox.smsc;

import com.sun.net.httpserver.HttpExchange;
import io.autotopup.sandbox.JsonHttpServer;
import io.autotopup.sandbox.JsonHttpServer.HttpError;
import io.autotopup.sandbox.JsonHttpServer.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;
import org.jsmpp.util.RandomMessageIDGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMS centre for the local stack and tests: a real SMPP server (jSMPP) that accepts transceiver and
 * transmitter binds, takes {@code submit_sm} in GSM default, Latin-1 or UCS-2 coding, reassembles
 * concatenated messages (UDH with an 8-bit reference), and stores every complete message per destination
 * MSISDN. The messages are served at an HTTP inbox:
 *
 * <pre>
 * GET /v1/inbox            every message received
 * GET /v1/inbox/{msisdn}   the messages sent to one MSISDN (with or without the leading +)
 * </pre>
 */
public final class SmsCentreSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmsCentreSimulator.class);

    private final SMPPServerSessionListener smpp;
    private final JsonHttpServer http;
    private final ExecutorService sessions = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "smsc-session");
        thread.setDaemon(true);
        return thread;
    });
    private final List<ReceivedSms> inbox = new CopyOnWriteArrayList<>();
    private final Map<String, Parts> partial = new ConcurrentHashMap<>();
    private final RandomMessageIDGenerator ids = new RandomMessageIDGenerator();
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicInteger throttleNext = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<String> undeliverable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService receipts =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "smsc-receipts");
                thread.setDaemon(true);
                return thread;
            });
    private final List<SMPPServerSession> open = new CopyOnWriteArrayList<>();
    private volatile int boundSmppPort;

    private SmsCentreSimulator(int smppPort, int httpPort) throws IOException {
        smpp = new SMPPServerSessionListener(smppPort, new BoundConnections());
        smpp.setMessageReceiverListener(new Receiver());
        sessions.submit(this::acceptSessions);
        http = new JsonHttpServer(httpPort).route("/v1/inbox", this::inbox).route("/v1/sandbox/smsc", this::control).start();
    }

    /** Starts the SMPP server and the HTTP inbox on the given ports (0: any free port). */
    public static SmsCentreSimulator start(int smppPort, int httpPort) throws IOException {
        return new SmsCentreSimulator(smppPort, httpPort);
    }

    public int smppPort() {
        return boundSmppPort;
    }

    public int httpPort() {
        return http.port();
    }

    public String inboxUrl() {
        return "http://127.0.0.1:" + httpPort() + "/v1/inbox";
    }

    /** The next {@code submits} submit_sm are refused with ESME_RTHROTTLED, as an SMS centre over its rate does. */
    public void throttleNext(int submits) {
        throttleNext.set(submits);
    }

    private volatile boolean down;

    /**
     * An outage: while down, sessions are dropped and binds refused; back up, binds are accepted again. The
     * same at {@code POST /v1/sandbox/smsc {"down": true|false, "throttleNext": n}}.
     */
    public void setDown(boolean down) {
        this.down = down;
        if (down) {
            open.forEach(SMPPServerSession::close);
            open.clear();
        }
    }

    /** Texts to this MSISDN are taken but reported undeliverable (a phone switched off for good). */
    public void undeliverableTo(String msisdn) {
        undeliverable.add(digits(msisdn));
    }

    /**
     * When the submitter asked for one, sends a delivery receipt (deliver_sm) a moment after the submit_sm_resp,
     * as an SMS centre does once the phone has the text.
     */
    private void receipt(SubmitSm submit, SMPPServerSession session, String messageId) {
        if ((submit.getRegisteredDelivery() & 0x03) == 0) {
            return;
        }
        org.jsmpp.util.DeliveryReceiptState state = undeliverable.contains(digits(submit.getDestAddress()))
                ? org.jsmpp.util.DeliveryReceiptState.UNDELIV : org.jsmpp.util.DeliveryReceiptState.DELIVRD;
        java.util.Date now = new java.util.Date();
        String text = new org.jsmpp.bean.DeliveryReceipt(messageId, 1, state == org.jsmpp.util.DeliveryReceiptState.DELIVRD ? 1 : 0,
                now, now, state, "000", "").toString();
        receipts.schedule(() -> {
            try {
                session.deliverShortMessage("", org.jsmpp.bean.TypeOfNumber.INTERNATIONAL, org.jsmpp.bean.NumberingPlanIndicator.ISDN,
                        submit.getDestAddress(), org.jsmpp.bean.TypeOfNumber.ALPHANUMERIC, org.jsmpp.bean.NumberingPlanIndicator.UNKNOWN,
                        submit.getSourceAddr(), new org.jsmpp.bean.ESMClass(org.jsmpp.bean.MessageMode.DEFAULT,
                                org.jsmpp.bean.MessageType.SMSC_DEL_RECEIPT, org.jsmpp.bean.GSMSpecificFeature.DEFAULT),
                        (byte) 0, (byte) 0, new org.jsmpp.bean.RegisteredDelivery(0), org.jsmpp.bean.DataCodings.ZERO,
                        text.getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                log.debug("Delivery receipt for {} not delivered: {}", messageId, e.getMessage());
            }
        }, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Every complete message received, oldest first. */
    public List<ReceivedSms> inbox() {
        return List.copyOf(inbox);
    }

    /** The complete messages received for one MSISDN, oldest first. */
    public List<ReceivedSms> inbox(String msisdn) {
        String wanted = digits(msisdn);
        return inbox.stream().filter(sms -> digits(sms.to()).equals(wanted)).toList();
    }

    private Response inbox(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            throw new HttpError(405, "The inbox is read-only");
        }
        if (path.equals("/v1/inbox") || path.equals("/v1/inbox/")) {
            return Response.json(200, inbox());
        }
        return Response.json(200, inbox(path.substring("/v1/inbox/".length())));
    }

    /** Faults for tests and demos: {@code {"down": true|false, "throttleNext": n}}. */
    record Control(Boolean down, Integer throttleNext) {
    }

    private Response control(HttpExchange exchange) {
        Control control = JsonHttpServer.readBody(exchange, Control.class);
        if (control.down() != null) {
            setDown(control.down());
        }
        if (control.throttleNext() != null) {
            throttleNext(control.throttleNext());
        }
        return Response.json(200, java.util.Map.of("down", down, "throttleNext", throttleNext.get()));
    }

    private void acceptSessions() {
        while (running) {
            try {
                SMPPServerSession session = smpp.accept();
                sessions.submit(() -> bind(session));
            } catch (SocketException e) {
                if (running) {
                    log.warn("SMPP listener stopped: {}", e.getMessage());
                }
                return;
            } catch (IOException e) {
                if (running) {
                    log.warn("SMPP accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(5_000);
            if (down) {
                request.reject(org.jsmpp.SMPPConstant.STAT_ESME_RBINDFAIL);
                return;
            }
            if (request.getBindType() == BindType.BIND_RX) {
                request.reject(org.jsmpp.SMPPConstant.STAT_ESME_RINVBNDSTS);
                return;
            }
            request.accept("sandbox-smsc");
            open.add(session);
            log.info("SMPP {} bound as {}", request.getBindType(), request.getSystemId());
        } catch (TimeoutException e) {
            session.close();
        } catch (Exception e) {
            log.warn("SMPP bind failed: {}", e.getMessage());
            session.close();
        }
    }

    private String accept(SubmitSm submit) {
        byte[] body = submit.getShortMessage();
        String to = submit.getDestAddress();
        String from = submit.getSourceAddr();
        byte coding = submit.getDataCoding();
        String messageId = ids.newMessageId().getValue();
        if ((submit.getEsmClass() & 0x40) != 0 && body.length > 6 && body[1] == 0x00) {
            int headerLength = (body[0] & 0xFF) + 1;
            int reference = body[3] & 0xFF;
            int total = body[4] & 0xFF;
            int sequence = body[5] & 0xFF;
            String text = decode(coding, java.util.Arrays.copyOfRange(body, headerLength, body.length));
            String key = to + "/" + from + "/" + reference;
            Parts parts = partial.computeIfAbsent(key, k -> new Parts(total));
            boolean complete;
            synchronized (parts) {
                parts.texts[sequence - 1] = text;
                parts.ids.add(messageId);
                complete = parts.ids.size() == total;
            }
            if (complete) {
                partial.remove(key);
                store(new ReceivedSms(from, to, String.join("", parts.texts), total, List.copyOf(parts.ids), Instant.now()));
            }
        } else {
            store(new ReceivedSms(from, to, decode(coding, body), 1, List.of(messageId), Instant.now()));
        }
        return messageId;
    }

    private void store(ReceivedSms sms) {
        inbox.add(sms);
        // The text may hold a one-time code: it is in the inbox (the phone), never in a log.
        log.info("SMS to {} received: {} characters in {} segment(s)", mask(sms.to()), sms.text().length(), sms.segments());
    }

    private static String decode(byte coding, byte[] bytes) {
        return switch (coding & 0x0F) {
            case 0x08 -> new String(bytes, StandardCharsets.UTF_16BE);
            case 0x03 -> new String(bytes, StandardCharsets.ISO_8859_1);
            default -> gsm7(bytes);
        };
    }

    /** GSM 03.38 default alphabet, unpacked, as the SMS centre reads it (its own table: it is another system). */
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final Map<Integer, Character> GSM_EXTENSION = Map.of(0x14, '^', 0x28, '{', 0x29, '}', 0x2F, '\\',
            0x3C, '[', 0x3D, '~', 0x3E, ']', 0x40, '|', 0x65, '€', 0x0A, '\f');

    private static String gsm7(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int code = septets[i] & 0x7F;
            if (code == 0x1B && i + 1 < septets.length) {
                text.append(GSM_EXTENSION.getOrDefault(septets[++i] & 0x7F, ' '));
            } else {
                text.append(GSM_BASIC.charAt(code));
            }
        }
        return text.toString();
    }

    private static String digits(String msisdn) {
        return msisdn.startsWith("+") ? msisdn.substring(1) : msisdn;
    }

    private static String mask(String msisdn) {
        return msisdn.length() <= 4 ? "****" : "*".repeat(msisdn.length() - 4) + msisdn.substring(msisdn.length() - 4);
    }

    @Override
    public void close() {
        running = false;
        try {
            smpp.close();
        } catch (IOException e) {
            log.debug("closing SMPP listener", e);
        }
        receipts.shutdownNow();
        open.forEach(SMPPServerSession::close);
        http.close();
        sessions.shutdownNow();
    }

    /** A complete text as the SMS centre received it. */
    public record ReceivedSms(String from, String to, String text, int segments, List<String> messageIds,
            Instant receivedAt) {
    }

    /** Listens on loopback only, and remembers the port it got (the caller may ask for any free one). */
    private final class BoundConnections implements ServerConnectionFactory {
        @Override
        public ServerConnection listen(int port) throws IOException {
            return listen(port, 0, 50);
        }

        @Override
        public ServerConnection listen(int port, int timeout) throws IOException {
            return listen(port, timeout, 50);
        }

        @Override
        public ServerConnection listen(int port, int timeout, int backlog) throws IOException {
            ServerSocket socket = new ServerSocket(port, backlog, JsonHttpServer.bindAddress());
            socket.setSoTimeout(timeout);
            boundSmppPort = socket.getLocalPort();
            return new ServerSocketConnection(socket);
        }
    }

    private static final class Parts {
        final String[] texts;
        final List<String> ids = new ArrayList<>();

        Parts(int total) {
            texts = new String[total];
        }
    }

    private final class Receiver implements ServerMessageReceiverListener {

        /** The answer to a command this simulator does not implement, as a real SMS centre gives it. */
        private static ProcessRequestException unsupported(String command) {
            return new ProcessRequestException(command + " not supported", org.jsmpp.SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
            if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ProcessRequestException("throttled", org.jsmpp.SMPPConstant.STAT_ESME_RTHROTTLED);
            }
            try {
                String messageId = accept(submitSm);
                receipt(submitSm, source, messageId);
                return new SubmitSmResult(new MessageId(messageId), new org.jsmpp.bean.OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), org.jsmpp.SMPPConstant.STAT_ESME_RSYSERR);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported("submit_multi");
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported("query_sm");
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported("replace_sm");
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported("cancel_sm");
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported("broadcast_sm");
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported("cancel_broadcast_sm");
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported("query_broadcast_sm");
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw unsupported("data_sm");
        }
    }
}
