package io.ikeseal.agent.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;
import io.ikeseal.testhsm.strongswan.CharonIdentity;

/**
 * The tokens and certificates of {@link ResponderBench}: one SoftHSM token holding the responders' ECDSA P-256 key
 * and certificate (every responder signs with this same key: charon through its pkcs11 plugin, ikeseal through
 * SunPKCS11), an NSS softoken for ikeseal's sealed key exchange, a test CA, and the initiating charon's identity
 * (a software key: the initiator is the load, not what is measured).
 */
final class BenchTokens implements AutoCloseable {
    static final String RESPONDER_ID = "gateway.ikeseal.test";
    static final String INITIATOR_ID = "charon-i.ikeseal.test";
    static final String KEY = "gateway-ecdsa";
    static final String PROPOSAL = "aes256gcm16-prfsha256-ecp256";
    static final String ESP_PROPOSAL = "aes256gcm16";
    /** Half-open SAs from 127.0.0.1 ikeseal allows before cookies or drops; far above the slots in flight. */
    static final int ADMISSION = 1000;

    /** Where ikeseal's key exchange runs. */
    enum Tier {
        /** SoftHSM signs, NSS softoken runs DH and the whole key schedule. */
        SEALED,
        /** SoftHSM signs and runs DH; the key schedule on the host. */
        COMPAT
    }

    final Path dir;
    final TestCa ca;
    final SoftHsmToken ids;
    final NssToken hsm;
    final String kxLabel;
    final CharonIdentity initiator;
    final X509Certificate responderCertificate;

    private BenchTokens(
            Path dir,
            TestCa ca,
            SoftHsmToken ids,
            NssToken hsm,
            String kxLabel,
            CharonIdentity init,
            X509Certificate responderCertificate) {
        this.dir = dir;
        this.ca = ca;
        this.ids = ids;
        this.hsm = hsm;
        this.kxLabel = kxLabel;
        this.initiator = init;
        this.responderCertificate = responderCertificate;
    }

    static BenchTokens create(Path dir) throws Exception {
        TestCa ca = TestCa.create("CN=ikeseal bench CA,O=ikeseal test");
        ca.writePem(dir.resolve("ca.pem"));
        SoftHsmToken ids = SoftHsmToken.create(dir, "ids");
        NssToken hsm = null;
        try {
            X509Certificate cert = ids.generateIdentity(
                            KEY, KeyKind.EC_P256, ca, "CN=" + RESPONDER_ID + ",O=ikeseal test", List.of(RESPONDER_ID))
                    .certificate();
            hsm = NssToken.create(dir, "kx");
            String kxLabel = Pkcs11Module.load(hsm.library(), hsm.nssArgs())
                    .slots()
                    .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                    .label();
            CharonIdentity init = CharonIdentity.generate(
                    IdentitySpec.of("charon-i", KeyKind.EC_P256, "CN=" + INITIATOR_ID, INITIATOR_ID), ca);
            return new BenchTokens(dir, ca, ids, hsm, kxLabel, init, cert);
        } catch (Exception | Error e) {
            if (hsm != null) {
                hsm.close();
            }
            ids.close();
            throw e;
        }
    }

    /** The key's CKA_ID as charon's swanctl.conf wants it (hex): the fixture sets it to the alias's octets. */
    static String keyHandle() {
        return HexFormat.of().formatHex(KEY.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Writes {@code ikeseal-TIER.yaml}: the responder with the same proposals and key as charon's, admission limits
     * per source raised to {@value #ADMISSION} (all load comes from 127.0.0.1), lifetimes as by default.
     */
    Path ikesealConfig(Tier tier, int ikePort, int natTPort) throws Exception {
        String smartcardRoles = tier == Tier.SEALED
                ? "roles: [identity]\n    threads: 1\n"
                : "roles: [identity, key-exchange]\n    tier: compat\n    threads: 2\n";
        String hsmToken = tier == Tier.SEALED
                ? """
                  - name: hsm
                    module: %s
                    token: "%s"
                    pin-file: %s
                    nss-args: "%s"
                    roles: [key-exchange]
                    tier: sealed
                    threads: 2
                """.formatted(
                        hsm.library(), kxLabel, hsm.pinFile(), hsm.nssArgs().replace("\"", "\\\""))
                : "";
        String yaml = """
                audit:
                  log: audit-%s.log
                control:
                  socket: control-%s.sock
                tokens:
                  - name: smartcard
                    module: %s
                    token: %s
                    pin-file: %s
                    environment:
                      SOFTHSM2_CONF: %s
                    %s%sidentities:
                  - {name: %s, token: smartcard, key: %s}
                listen: [127.0.0.1]
                ike:
                  port: %d
                  nat-t-port: %d
                  require-tier: %s
                  half-open-limit: %d
                  source-cookie-threshold: %d
                  source-half-open-limit: %d
                  prefix-cookie-threshold: %d
                  prefix-half-open-limit: %d
                connections:
                  - name: bench
                    local-address: 127.0.0.1
                    remote-address: any
                    local-id: %s
                    remote-id: %s
                    local-auth: pubkey
                    remote-auth: pubkey
                    identity: %s
                    proposals: [%s]
                    children:
                      - name: net
                        esp-proposals: [%s]
                trust: [ca.pem]
                """.formatted(
                        tier.name().toLowerCase(java.util.Locale.ROOT),
                        tier.name().toLowerCase(java.util.Locale.ROOT),
                        ids.library(),
                        ids.label(),
                        ids.pinFile(),
                        ids.conf(),
                        smartcardRoles,
                        hsmToken,
                        KEY,
                        KEY,
                        ikePort,
                        natTPort,
                        tier.name().toLowerCase(java.util.Locale.ROOT),
                        ADMISSION,
                        ADMISSION,
                        ADMISSION,
                        ADMISSION,
                        ADMISSION,
                        RESPONDER_ID,
                        INITIATOR_ID,
                        KEY,
                        PROPOSAL,
                        ESP_PROPOSAL);
        Path f = dir.resolve("ikeseal-" + tier.name().toLowerCase(java.util.Locale.ROOT) + ".yaml");
        Files.writeString(f, yaml, StandardCharsets.UTF_8);
        return f;
    }

    @Override
    public void close() {
        hsm.close();
        ids.close();
    }
}
