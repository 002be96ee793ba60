package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ResponderFuzzRun.check;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.exchange.ResponderFuzzRun.Step;

/**
 * Fuzz target (issue 9 item 8): a responder gateway driven through the in-memory harness by sequences of messages,
 * {@link ResponderFuzzRun}'s steps: the real initiator's datagrams delivered, withheld, mutated, replayed or sent
 * from other addresses; arbitrary octets; requests sealed under the SA's known test keys ({@link KnownKeys}) around
 * recorded or arbitrary plaintexts ({@link RecordedPlaintexts}), IKE_AUTH with a valid AUTH among them, so
 * IKE_AUTH, INFORMATIONAL and CREATE_CHILD_SA are fuzzed behind SK; the clock moved by hand; exchanges the real
 * initiator starts. Findings:
 *
 * <ul>
 *   <li>a step's cost: a token operation for a forged datagram or an IKE_SA_INIT request the RFC drops, state or an
 *       answer for the latter, an answer over {@link ResponderFuzzRun#MAX_ANSWER_OCTETS} or too many of them;</li>
 *   <li>any ERROR logged (a task that threw on an SA's serial executor is logged so) or exception from the run;</li>
 *   <li>state that outlives its SAs: once the clock has passed every timeout and lifetime, the responder must hold
 *       no SA, no half-open count, no reassembly budget, no admission state or token work, no CHILD_SA, no timer,
 *       and every key share and secret the software port handed out must be destroyed; every CHILD_SA announced
 *       must have been removed again.</li>
 * </ul>
 *
 * <p>Seeds are step programs for real exchanges: PSK and certificate handshakes with liveness check, CHILD_SA and
 * IKE SA Delete, cookies and a window of two, sealed CREATE_CHILD_SA requests, fragments, a half-open timeout, an
 * IKE_SA_INIT with message ID 7. Run by {@code ./check} and by {@code scripts/fuzz responder SECONDS}.
 */
class ResponderFuzzTest {
    /** Rounds of {@link #SETTLE} the clock may need until every SA has ended (lifetime, then Delete retries). */
    private static final int SETTLE_ROUNDS = 8;

    private static final Duration SETTLE = Duration.ofHours(6);
    private static final ErrorLog ERRORS = ErrorLog.install();

    /** ERROR lines of any logger; INFO and WARN are not even formatted, which keeps the fuzzer fast. */
    private static final class ErrorLog extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        static ErrorLog install() {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ((Logger) LoggerFactory.getLogger("io.ikeseal")).setLevel(Level.ERROR);
            ErrorLog log = new ErrorLog();
            log.setContext(root.getLoggerContext());
            log.start();
            root.addAppender(log);
            return log;
        }

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                lines.add(e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        }
    }

    @MethodSource("seeds")
    @FuzzTest
    void responder(byte[] input) throws Exception {
        ERRORS.lines.clear();
        FuzzInput in = new FuzzInput(input);
        ResponderFuzzRun run = new ResponderFuzzRun(in.u8());
        run.run(in);
        for (int i = 0; i < SETTLE_ROUNDS && run.scheduler.pending() > 0; i++) {
            run.scheduler.advance(SETTLE);
        }
        check(ERRORS.lines.isEmpty(), "logged: " + ERRORS.lines);
        IkeGateway gw = run.responder.gateway;
        check(run.scheduler.pending() == 0, run.scheduler.pending() + " timers left after the SAs' lifetimes");
        check(gw.registeredSpis() == 0, gw.registeredSpis() + " SAs left");
        check(gw.halfOpenCount() == 0, gw.halfOpenCount() + " half-open SAs left");
        check(gw.reassemblyBudgets() == 0, gw.reassemblyBudgets() + " reassembly budgets left");
        int held = ((ResponderSessions) gw.listener()).heldState();
        check(held == 0, held + " admission entries or IKE_SA_INIT jobs left");
        check(run.responder.installer.installed().isEmpty(), "CHILD_SAs left installed");
        check(run.responder.crypto.undestroyed() == 0, run.responder.crypto.undestroyed() + " keys not destroyed");
        long up = run.responder.events.stream()
                .filter(e -> e.startsWith("child: ") || e.startsWith("child rekeyed: ")) // a rekey's successor
                .count();
        long down = run.responder.events.stream()
                .filter(e -> e.startsWith("child deleted: "))
                .count();
        check(up == down, up + " CHILD_SAs announced, " + down + " removals: " + run.responder.events);
    }

    static Stream<Arguments> seeds() {
        int auth = plaintext("IKE_AUTH #1 PSK");
        return Stream.of(
                        // PSK: handshake, liveness check, CHILD_SA Delete, IKE SA Delete
                        seed(0, all(), all(), initiate(0), all(), initiate(2), all(), initiate(1), all()),
                        // certificates, the same
                        seed(1, all(), all(), initiate(0), all(), initiate(2), all(), initiate(1), all()),
                        // COOKIE for everyone and a window of two: two liveness checks at once
                        seed(6, all(), all(), all(), all(), initiate(0), initiate(0), all(), advance(1), all()),
                        // IKE_SA_INIT, then IKE_AUTH and what follows sealed here, with message IDs as they come
                        seed(
                                0,
                                all(),
                                sealed(0x20, 0, auth),
                                sealed(0, 0, plaintext("new CHILD_SA")),
                                sealed(0, 0, plaintext("new CHILD_SA, PFS")),
                                sealed(0, 0, plaintext("CHILD_SA rekey")),
                                sealed(0, 0, plaintext("IKE SA rekey")),
                                sealed(0, 0, plaintext("INFORMATIONAL #3 PSK")),
                                sealed(0, 0, plaintext("AUTHENTICATION_FAILED")),
                                sealed(0, 0, plaintext("IKE SA Delete"))),
                        // certificates: IKE_AUTH sealed in two fragments
                        seed(1, all(), sealed(0x20 | 0x08 | 0x40, 0, plaintext("IKE_AUTH #1 certificates"))),
                        // CREATE_CHILD_SA and INFORMATIONAL before IKE_AUTH, then the real IKE_AUTH
                        seed(
                                0,
                                all(),
                                sealed(0, 0, plaintext("new CHILD_SA")),
                                sealed(0, 0, plaintext("IKE SA Delete")),
                                all()),
                        // half-open SA timing out; its IKE_AUTH arriving late
                        seed(0, all(), advance(3), all()),
                        // IKE_SA_INIT with message ID 7 (§2.2), then the real one from another address
                        seed(0, op(Step.MUTATE, 0, 0, 1, 0, 23, 7, 0), op(Step.MUTATE, 0, 2, 0, 0), all()),
                        // established, then octets under its SPIs and a replayed IKE_AUTH from elsewhere
                        seed(0, all(), all(), RAW_UNDER_SPIS, op(Step.REPLAY, 1, 3), advance(5)))
                .map(s -> Arguments.of((Object) s));
    }

    /**
     * RAW with the SA's SPIs and Length written in: 40 octets, an INFORMATIONAL request #2 (flags I) whose SK
     * payload holds 8 octets that are no ciphertext of the SA's keys.
     */
    private static final byte[] RAW_UNDER_SPIS = op(
            Step.RAW, 3, 0, 40, // flags: SPIs, Length; 40 octets follow
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // SPIs, overwritten
            46, 0x20, 37, 0x08, 0, 0, 0, 2, 0, 0, 0, 0, // SK, version 2.0, INFORMATIONAL, I, #2, Length
            0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8); // SK: no next payload, 12 octets

    private static int plaintext(String name) {
        List<RecordedPlaintexts.Plaintext> all = RecordedPlaintexts.ALL;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no recorded plaintext '" + name + "' in " + all);
    }

    private static byte[] seed(int setup, byte[]... steps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(setup);
        for (byte[] s : steps) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    private static byte[] op(Step step, int... octets) {
        byte[] b = new byte[1 + octets.length];
        b[0] = (byte) List.of(Step.values()).indexOf(step); // the octet that names the step
        for (int i = 0; i < octets.length; i++) {
            b[i + 1] = (byte) octets[i];
        }
        return b;
    }

    private static byte[] all() {
        return op(Step.DELIVER_ALL);
    }

    private static byte[] initiate(int what) {
        return op(Step.INITIATE, what);
    }

    private static byte[] advance(int which) {
        return op(Step.ADVANCE, which);
    }

    /** Flags, exchange octet, message ID choice (0: the next), 4 octets of ID, the plaintext, no edits. */
    private static byte[] sealed(int flags, int idChoice, int plaintext) {
        return op(Step.SEALED, flags, 0, idChoice, 0, 0, 0, 0, plaintext, 0);
    }
}
