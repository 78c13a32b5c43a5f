package io.autotopup.payment.adapter.in.schedule;

import io.autotopup.payment.adapter.out.kafka.KafkaPaymentMethodRepository;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Once the instance's global table of methods is up, seals every token still in clear on {@code payment-methods}
 * ({@link KafkaPaymentMethodRepository#sealTokensInClear}): the records of versions before the tokens were sealed, and
 * those a carrier's migration imported without the key. Runs once per start, off the startup thread.
 */
public final class SealTokensAtStart implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SealTokensAtStart.class);

    private final KafkaPaymentMethodRepository repository;
    private final StreamsBuilderFactoryBean streams;
    private volatile Thread worker;

    public SealTokensAtStart(KafkaPaymentMethodRepository repository, StreamsBuilderFactoryBean streams) {
        this.repository = repository;
        this.streams = streams;
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::sealWhenRunning, "seal-tokens-at-start");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    private void sealWhenRunning() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                KafkaStreams kafkaStreams = streams.getKafkaStreams();
                if (kafkaStreams != null && kafkaStreams.state() == KafkaStreams.State.RUNNING) {
                    int sealed = repository.sealTokensInClear();
                    if (sealed > 0) {
                        log.info("Sealed the payment tokens of {} subscribers that were in clear on payment-methods", sealed);
                    }
                    return;
                }
                Thread.sleep(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not seal the payment tokens still in clear; the next start tries again", e);
        }
    }

    @Override
    public void stop() {
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        Thread running = worker;
        return running != null && running.isAlive();
    }

    @Override
    public int getPhase() {
        // after the streams factory bean has started
        return Integer.MAX_VALUE - 100;
    }
}
