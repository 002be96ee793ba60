package io.ikeseal.demo;

import java.nio.file.Path;

import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;

/**
 * The two configuration files {@code setup-demo} writes: the gateway (ikeseal.yaml) and the branch office
 * (branch.yaml). Both name the same tokens in the same words, so that {@code ikeseal demo} can run both daemons on
 * one {@code TokenSet}, and every key is commented, since these files are where a user first reads the format.
 */
final class DemoYaml {
    private DemoYaml() {}

    /** What both files share, word for word: the tokens, the PSK name and the trust anchor. */
    static String tokens(Path d, SoftHsmToken smartcard, NssToken hsm, String kxLabel) {
        return """
                tokens:
                  # The "smartcard": SoftHSM holding the signing keys (the gateway's and, for this demo, the branch
                  # office's too). SoftHSM has no HKDF, so it could serve key-exchange only at tier compat; here it
                  # only signs IKE_AUTH.
                  - name: smartcard
                    module: %s
                    token: %s
                    pin-file: %s
                    # read by SoftHSM at C_Initialize; its tokendir is relative to it, so a copy of this
                    # directory uses its own token
                    environment:
                      SOFTHSM2_CONF: %s
                    roles: [identity]
                    # a smartcard does one thing at a time
                    threads: 1

                  # The "HSM": an NSS softoken database. Diffie-Hellman, g^ir, SKEYSEED, SK_d and PSKs stay
                  # inside it (CKM_HKDF_DERIVE).
                  - name: hsm
                    module: %s
                    token: "%s"
                    pin-file: %s
                    # the NSS database directory (instead of nss-args, softoken's init string)
                    nss-db: %s
                    roles: [key-exchange]
                    tier: sealed
                    threads: 2

                # names only: the values live in the token (ikeseal token import-psk)
                psks:
                  - name: %s
                    token: hsm

                # CA certificates that may certify a peer (its chain is validated with PKIX against these)
                trust: [ca.pem]
                """.formatted(
                        DebianTools.libSofthsm2(),
                        SetupDemoCommand.IDENTITY_LABEL,
                        rel(d, smartcard.pinFile()),
                        rel(d, smartcard.conf()),
                        DebianTools.libSoftokn3(),
                        kxLabel,
                        rel(d, hsm.pinFile()),
                        rel(d, hsm.dbDir()),
                        SetupDemoCommand.DEMO_PSK);
    }

    static String gateway(String tokens) {
        return """
                # ikeseal demo: the gateway (responder), written by `ikeseal setup-demo`.
                # Run it with: ikeseal run --config ikeseal.yaml   (branch.yaml is the branch office that connects)
                # Relative paths are relative to this file's directory.
                audit:
                  # hash-chained record of every token operation; check it with: ikeseal audit verify
                  log: audit.log

                control:
                  # `ikeseal sas`, `terminate`, `rekey`, `tokens`, `reload` talk to the running daemon here
                  # (default /run/ikeseal/control.sock); `ikeseal sas --config ikeseal.yaml` finds it
                  socket: control.sock

                %s
                identities:
                  - name: gateway-ecdsa
                    token: smartcard
                    # the key's label on the token; certificate: gateway-ecdsa-p256.pem
                    key: ike-ecdsa-p256
                  - name: gateway-rsa
                    token: smartcard
                    # certificate: gateway-rsa-3072.pem
                    key: ike-rsa-3072

                # addresses to bind; each connection's local-address must be one of them
                listen: [127.0.0.1]

                ike:
                  # high ports, so the demo needs no root (production: 500 and 4500). On any IKE port but 500
                  # every IKE message carries the 4-octet non-ESP marker (RFC 3948 §2.2), as with strongSwan.
                  port: %d
                  nat-t-port: %d
                  # every IKE SA's key exchange and key schedule must run sealed in the HSM (the default)
                  require-tier: sealed

                connections:
                  - name: %s
                    local-address: 127.0.0.1
                    # any: a responder-only connection for a peer at any address (it cannot be initiated)
                    remote-address: any
                    local-id: %s
                    # the ID the peer must prove; its certificate must name it (subjectAltName or subject)
                    remote-id: %s
                    # both sides sign IKE_AUTH (RFC 7427) with a token key and send its certificate;
                    # remote-auth defaults to local-auth. With the PSK instead: local-auth: psk,
                    # psk: %s, and no identity.
                    local-auth: pubkey
                    remote-auth: pubkey
                    identity: gateway-ecdsa
                    # IKE proposals in preference order: encryption[-integrity]-prf-dhgroup
                    proposals: [%s]
                    # deleted after this long (rekeying is not implemented yet)
                    rekey-time: 4h
                    children:
                      - name: net
                        # dynamic: the IKE SA's own addresses (host to host); or subnets such as 10.1.0.0/16
                        local-ts: [dynamic]
                        remote-ts: [dynamic]
                        esp-proposals: [aes256gcm16]
                        mode: tunnel
                        rekey-time: 1h
                """.formatted(
                        tokens,
                        SetupDemoCommand.GATEWAY_PORT,
                        SetupDemoCommand.GATEWAY_NAT_T_PORT,
                        SetupDemoCommand.GATEWAY_CONNECTION,
                        SetupDemoCommand.GATEWAY_SAN,
                        SetupDemoCommand.BRANCH_SAN,
                        SetupDemoCommand.DEMO_PSK,
                        SetupDemoCommand.SUITE);
    }

    static String branch(String tokens) {
        return """
                # ikeseal demo: the branch office (initiator), written by `ikeseal setup-demo`.
                # With the gateway running (ikeseal run --config ikeseal.yaml), connect once with:
                #   ikeseal initiate %s --config branch.yaml
                # Relative paths are relative to this file's directory.
                audit:
                  # its own log: two processes never write one audit log
                  log: branch-audit.log

                control:
                  # its own control socket, so `ikeseal initiate gateway --config branch.yaml` runs one-shot
                  # unless `ikeseal run --config branch.yaml` runs
                  socket: branch-control.sock

                # The same tokens as the gateway's, in the same words: `ikeseal demo` runs both daemons in one
                # process on one set of open tokens.
                %s
                identities:
                  - name: branch-ecdsa
                    token: smartcard
                    # certificate: branch-ecdsa-p256.pem
                    key: branch-ecdsa-p256

                listen: [127.0.0.1]

                ike:
                  port: %d
                  nat-t-port: %d
                  require-tier: sealed

                connections:
                  - name: %s
                    local-address: 127.0.0.1
                    # the gateway's address and IKE port
                    remote-address: 127.0.0.1
                    remote-port: %d
                    local-id: %s
                    remote-id: %s
                    local-auth: pubkey
                    identity: branch-ecdsa
                    proposals: [%s]
                    rekey-time: 4h
                    # ikeseal run initiates this connection at start (ikeseal initiate does it on demand)
                    initiate: true
                    children:
                      - name: net
                        local-ts: [dynamic]
                        remote-ts: [dynamic]
                        esp-proposals: [aes256gcm16]
                        mode: tunnel
                        rekey-time: 1h
                """.formatted(
                        SetupDemoCommand.BRANCH_CONNECTION,
                        tokens,
                        SetupDemoCommand.BRANCH_PORT,
                        SetupDemoCommand.BRANCH_NAT_T_PORT,
                        SetupDemoCommand.BRANCH_CONNECTION,
                        SetupDemoCommand.GATEWAY_PORT,
                        SetupDemoCommand.BRANCH_SAN,
                        SetupDemoCommand.GATEWAY_SAN,
                        SetupDemoCommand.SUITE);
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p.toAbsolutePath().normalize()).toString();
    }
}
