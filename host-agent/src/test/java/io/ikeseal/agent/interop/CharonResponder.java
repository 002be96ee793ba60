package io.ikeseal.agent.interop;

import java.nio.file.Path;

import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * charon as the responder, its ECDSA key in the SoftHSM token through the pkcs11 plugin (swanctl.conf
 * {@code secrets { token-... { handle, slot, module, pin } }}); Diffie-Hellman is charon's own (openssl plugin), as
 * the pkcs11 plugin does DH only with {@code use_dh = yes}.
 */
final class CharonResponder implements BenchResponder {
    private final Charon charon;

    private CharonResponder(Charon charon) {
        this.charon = charon;
    }

    static CharonResponder start(Path dir, BenchTokens t) {
        Charon c = BenchResponder.startCharon(
                dir,
                "responder",
                BenchResponder.charonOptions()
                        .withPlugins("pkcs11")
                        .withEnvironment(t.ids.environment())
                        .withSettings("plugins {\n  pkcs11 {\n    modules {\n      softhsm {\n        path = "
                                + t.ids.library() + "\n      }\n    }\n  }\n}"));
        try {
            c.trust(t.ca);
            String cert = c.installCertificate("gateway.pem", t.responderCertificate);
            String conf = SwanctlConf.of(Connection.named("bench")
                            .remoteAddrs("%any")
                            .proposals(BenchTokens.PROPOSAL)
                            .local(Auth.pubkey(BenchTokens.RESPONDER_ID).certs(cert))
                            .remote(Auth.pubkey(BenchTokens.INITIATOR_ID))
                            .child(Child.named(ViciLoad.CHILD).espProposals(BenchTokens.ESP_PROPOSAL)))
                    .render();
            String secrets = "secrets {\n  token-gateway {\n    handle = " + BenchTokens.keyHandle()
                    + "\n    slot = " + t.ids.slot() + "\n    module = softhsm\n    pin = " + new String(t.ids.pin())
                    + "\n  }\n}\n";
            if (!conf.contains("secrets {\n}\n")) {
                throw new IllegalStateException("swanctl.conf without its empty secrets section:\n" + conf);
            }
            c.load(conf.replace("secrets {\n}\n", secrets));
            return new CharonResponder(c);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "charon (key in SoftHSM, pkcs11 plugin; DH: openssl)";
    }

    @Override
    public long pid() {
        return charon.pid();
    }

    @Override
    public int ikePort() {
        return charon.ikePort();
    }

    @Override
    public boolean isJvm() {
        return false;
    }

    @Override
    public void close() {
        charon.close();
    }
}
