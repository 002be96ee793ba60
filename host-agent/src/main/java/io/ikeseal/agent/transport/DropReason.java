package io.ikeseal.agent.transport;

/**
 * Why the transport dropped a datagram, or an answer it owed, without handing anything to an SA. Malformed IKE
 * messages are counted by their {@link io.ikeseal.agent.wire.MalformedReason} instead. Nothing here is logged per
 * datagram: hostile traffic must not be able to fill the logs, so the counters are the record.
 */
public enum DropReason {
    /** A NAT-keepalive, one octet 0xFF on the NAT-T port (RFC 3948 §2.3): its only job was to reach the NAT. */
    NAT_KEEPALIVE("nat-keepalive"),
    /** ESP on the NAT-T port (RFC 3948 §2.1) while there is no data plane to take it. */
    ESP_NO_DATA_PLANE("esp-no-data-plane"),
    /** On the NAT-T port, too short for a non-ESP marker or an ESP header and not a keepalive (RFC 3948 §2). */
    NAT_T_TOO_SHORT("nat-t-too-short"),
    /** Initiator SPI zero, which RFC 7296 §3.1 forbids in every message. */
    ZERO_INITIATOR_SPI("zero-initiator-spi"),
    /** IKE_SA_INIT request with a non-zero responder SPI or without the I flag (RFC 7296 §3.1). */
    INIT_REQUEST_HEADER("init-request-header"),
    /** No SA registered under our SPI (RFC 7296 §2.21.4); may have been answered with INVALID_IKE_SPI. */
    UNKNOWN_SPI("unknown-spi"),
    /** An unprotected answer the token bucket did not allow (reflection and amplification defence). */
    ANSWER_RATE_LIMITED("answer-rate-limited"),
    /** An unprotected answer the socket would not send. */
    ANSWER_SEND_FAILED("answer-send-failed"),
    /** An SA handler, the IKE_SA_INIT listener or the ESP sink threw: a bug on their side, kept off Netty. */
    HANDLER_FAILED("handler-failed"),
    /** The wire decoder failed other than with MalformedMessageException: a bug in the decoder. */
    DECODER_FAILED("decoder-failed"),
    /** An exception reached the end of the pipeline (e.g. a socket error); counted there, never rethrown. */
    PIPELINE_ERROR("pipeline-error");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The name used in counters and logs. */
    public String label() {
        return label;
    }
}
