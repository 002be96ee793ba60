package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.token.Token.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;

/**
 * The token side of {@link HeapSealingTest} in its own JVM, so that JVM's heap holds only what the token layer
 * holds: it answers one command per stdin line with one stdout line starting with {@value #REPLY} (anything else on
 * stdout is logging). It keeps what a daemon keeps while the SAs are up (the IKE SA's keys, the CHILD SAs' KEYMAT)
 * and destroys the rest as KeySchedule's ownership rules say. Commands (hex for bytes):
 * <pre>
 * ke GROUP                                    -> ke KEDATA         (a fresh key pair; the next agree uses it)
 * ike PRF PEERKE NI NR SPII SPIR INTEG ENCR   -> ok                (g^ir, SKEYSEED, IKE SA keys, KEYMAT)
 * pfs PEERKE NI NR LENGTH                     -> ok                (a CHILD SA's KEYMAT with PFS)
 * rekey PEERKE NI NR SPII SPIR INTEG ENCR     -> ok                (the IKE SA rekeyed; the old one destroyed)
 * psk PRF NAME OCTETS                         -> auth AUTH         (AUTH with the key pad of a stored PSK)
 * dump FILE                                   -> dumped            (all objects, reachable or not)
 * </pre>
 * Arguments: library, nssArgs, slot ID, PIN file, residency tier ("sealed", or "compat" for the negative control).
 */
public final class TokenSideMain {
    static final String REPLY = "token-side ";
    private static final AuditContext CTX = AuditContext.NONE;
    private static final HexFormat HEX = HexFormat.of();

    private final Token token;
    private final KeyExchange kx;
    private final KeySchedule schedule;
    private final List<HostKey> keymats = new ArrayList<>();
    private DhKeyPair pending;
    private IkeSaKeys ike;
    private Prf ikePrf;

    private TokenSideMain(Token token) {
        this.token = token;
        this.kx = new KeyExchange(token);
        this.schedule = KeySchedule.forToken(token);
    }

    public static void main(String[] args) throws Exception {
        TokenSpec spec = new TokenSpec(
                "token-side",
                Path.of(args[0]),
                SlotSelector.bySlotId(Long.parseLong(args[2])),
                PinSource.file(Path.of(args[3])),
                args[1],
                Map.of(),
                Set.of(TokenRole.KEY_EXCHANGE),
                ResidencyTier.valueOf(args[4].toUpperCase(java.util.Locale.ROOT)),
                2);
        try (Token token = TestTokens.open(spec, TestTokens.memoryAudit())) {
            TokenSideMain side = new TokenSideMain(token);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            System.out.println(REPLY + "ready");
            for (String line; (line = in.readLine()) != null; ) {
                String reply;
                try {
                    reply = side.run(line.split(" "));
                } catch (Exception | AssertionError e) {
                    reply = "error " + e;
                }
                System.out.println(REPLY + reply);
            }
        }
    }

    private String run(String[] c) throws Exception {
        return switch (c[0]) {
            case "ke" -> {
                pending = await(kx.generate(DhGroup.valueOf(c[1]), CTX));
                yield "ke " + HEX.formatHex(pending.keyExchangeData());
            }
            case "ike" -> {
                ikePrf = Prf.valueOf(c[1]);
                SealedKey gir = agree(c[2]);
                byte[] ni = HEX.parseHex(c[3]);
                byte[] nr = HEX.parseHex(c[4]);
                SealedKey skeyseed = await(schedule.skeyseed(ikePrf, ni, nr, gir, CTX));
                gir.destroy();
                ike = await(schedule.ikeSaKeys(
                        ikePrf,
                        skeyseed,
                        ni,
                        nr,
                        HEX.parseHex(c[5]),
                        HEX.parseHex(c[6]),
                        Integer.parseInt(c[7]),
                        Integer.parseInt(c[8]),
                        CTX));
                skeyseed.destroy();
                keymats.add(await(schedule.childKeymat(ikePrf, ike.skD(), null, ni, nr, 64, CTX)));
                yield "ok";
            }
            case "pfs" -> {
                SealedKey gir = agree(c[1]);
                keymats.add(await(schedule.childKeymat(
                        ikePrf, ike.skD(), gir, HEX.parseHex(c[2]), HEX.parseHex(c[3]), Integer.parseInt(c[4]), CTX)));
                gir.destroy();
                yield "ok";
            }
            case "rekey" -> {
                SealedKey gir = agree(c[1]);
                byte[] ni = HEX.parseHex(c[2]);
                byte[] nr = HEX.parseHex(c[3]);
                SealedKey skeyseed = await(schedule.rekeySkeyseed(ikePrf, ike.skD(), gir, ni, nr, CTX));
                gir.destroy();
                IkeSaKeys rekeyed = await(schedule.ikeSaKeys(
                        ikePrf,
                        skeyseed,
                        ni,
                        nr,
                        HEX.parseHex(c[4]),
                        HEX.parseHex(c[5]),
                        Integer.parseInt(c[6]),
                        Integer.parseInt(c[7]),
                        CTX));
                skeyseed.destroy();
                ike.destroy();
                ike = rekeyed;
                yield "ok";
            }
            case "psk" -> {
                Prf prf = Prf.valueOf(c[1]);
                SealedKey pad = await(new PresharedKeys(token).keyPad(prf, c[2], CTX));
                byte[] auth = await(schedule.prf(prf, pad, HEX.parseHex(c[3]), CTX));
                pad.destroy();
                yield "auth " + HEX.formatHex(auth);
            }
            case "dump" -> {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpHeap(c[1], false);
                yield "dumped";
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    private SealedKey agree(String peerKe) {
        DhKeyPair mine = pending;
        pending = null;
        return await(kx.agree(mine, HEX.parseHex(peerKe), CTX));
    }
}
