package io.ikeseal.agent.config;

import java.util.List;
import java.util.Map;

/**
 * The configuration file's shape exactly as written, before validation: every field may be missing (null).
 * Jackson binds YAML onto these records with kebab-case keys ({@code pinFile} is {@code pin-file}) and rejects
 * unknown keys. Each section is validated into {@link IkesealConfig} by its own config class.
 */
final class YamlModel {
    private YamlModel() {}

    record Root(
            Audit audit,
            List<Token> tokens,
            List<Identity> identities,
            List<Psk> psks,
            List<String> listen,
            Ike ike,
            List<String> trust,
            List<Connection> connections,
            /* a mode or a mapping: DataPlaneConfig.from reads it */
            Object dataPlane,
            Metrics metrics,
            Logging logging,
            Control control,
            Debug debug) {}

    /** Aids for debugging that weaken the gateway; each off unless set (docs/operations-wire.md). */
    record Debug(String wiresharkKeys) {}

    record Metrics(String listen, Boolean allowNonLoopback) {}

    record Logging(String format) {}

    record Syslog(String udp, String socket, String facility) {}

    record Control(String socket) {}

    record Ike(
            Integer port,
            Integer natTPort,
            String retransmitTimeout,
            Double retransmitBase,
            Integer retransmitTries,
            String halfOpenTimeout,
            Integer cookieThreshold,
            Boolean fragmentation,
            Integer fragmentSize,
            Integer windowSize,
            String requireTier,
            Integer halfOpenLimit,
            Integer sourceCookieThreshold,
            Integer sourceHalfOpenLimit,
            Integer prefixCookieThreshold,
            Integer prefixHalfOpenLimit,
            Integer refusalsPerSource,
            Integer refusalsPerSecond,
            Integer childSaLimit,
            String natKeepalive,
            Integer keySharePool,
            String reuseKeyShare,
            Integer reuseKeyShareUses) {}

    record Connection(
            String name,
            String localAddress,
            String remoteAddress,
            Integer remotePort,
            String localId,
            String remoteId,
            String localAuth,
            String remoteAuth,
            String identity,
            String psk,
            List<String> proposals,
            String lifetime,
            String rekeyTime,
            String reauthTime,
            String overTime,
            String randTime,
            String dpdDelay,
            String dpdAction,
            String closeAction,
            Boolean initiate,
            List<Child> children) {}

    record Child(
            String name,
            List<String> localTs,
            List<String> remoteTs,
            List<String> espProposals,
            String mode,
            String lifetime,
            String rekeyTime,
            String lifeTime,
            String randTime) {}

    record Audit(String log, Syslog syslog) {}

    record Token(
            String name,
            String module,
            String token,
            String uri,
            Long slotId,
            String pinFile,
            String pinEnv,
            String pinCredential,
            Boolean pinPrompt,
            String nssArgs,
            String nssDb,
            Map<String, String> environment,
            List<String> roles,
            String tier,
            Integer threads) {}

    record Identity(String name, String token, String key) {}

    record Psk(String name, String token) {}
}
