package io.ikeseal.agent.interop;

import java.nio.file.Path;
import java.time.Duration;

import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonOptions;

/** One responder process under {@link ResponderBench}'s load: its pid for /proc, where it listens, how it stops. */
interface BenchResponder extends AutoCloseable {
    /** Responder charon's worker threads: as many as the initiator's. */
    int CHARON_THREADS = 16;

    String name();

    long pid();

    int ikePort();

    /** Whether {@link ProcStats#heapAfterGcKib} applies. */
    boolean isJvm();

    /** Stops the process, bounded in time; the measured figures are taken before. */
    @Override
    void close();

    /**
     * What both charons (load and responder) share: low logging (levels 0 for the IKE groups; the fixture needs
     * lib at 1 to see charon start), an IKE SA table of many rows ({@code ikesa_table_size}; its default is one
     * bucket), DoS thresholds out of the way (the fixture's defaults), 16 worker threads.
     */
    static CharonOptions charonOptions() {
        return CharonOptions.defaults()
                .withKeyLogLevel(0)
                .withThreads(CHARON_THREADS)
                .withRetransmit(Duration.ofSeconds(2), 1.8, 3)
                .withStartTimeout(Duration.ofSeconds(30))
                .withSettings("""
                        ikesa_table_size = 4096
                        ikesa_table_segments = 16
                        filelog {
                          charon-log {
                            mgr = 0
                            cfg = 0
                            net = 0
                            enc = 0
                            knl = 0
                            job = 0
                            esp = 0
                            asn = 0
                          }
                        }""");
    }

    /** Starts a charon as the given role's process and checks it still runs. */
    static Charon startCharon(Path dir, String name, CharonOptions options) {
        Charon c = Charon.start(dir, name, options);
        if (!c.isAlive()) {
            c.close();
            throw new IllegalStateException("charon " + name + " exited right after starting");
        }
        return c;
    }
}
