/**
 * IKE_AUTH authentication (RFC 7296 §2.15, §3.5-3.8; RFC 7427): identities, the signed octets, our AUTH and the
 * check of the peer's, certificates and CERTREQ.
 *
 * <ul>
 *   <li>{@link io.ikeseal.agent.auth.IkeIdentity}: configured identities parsed as strongSwan parses them, received
 *       IDi/IDr, matching and printing;</li>
 *   <li>{@link io.ikeseal.agent.auth.SignedOctets}: InitiatorSignedOctets / ResponderSignedOctets with the MACed ID
 *       computed from SK_pi / SK_pr on the host;</li>
 *   <li>{@link io.ikeseal.agent.auth.LocalAuthenticator}: our AUTH, signed in the identity token or MACed with a PSK
 *       in the key-exchange token; {@link io.ikeseal.agent.auth.SignatureHashes} for RFC 7427 §4;</li>
 *   <li>{@link io.ikeseal.agent.auth.PeerAuthenticator}: the peer's ID, certificates
 *       ({@link io.ikeseal.agent.auth.CertificateValidator} against {@link io.ikeseal.agent.auth.TrustAnchors}, never
 *       one of {@link io.ikeseal.agent.auth.OwnCertificates}) and AUTH, giving an audited
 *       {@link io.ikeseal.agent.auth.AuthOutcome}.</li>
 * </ul>
 *
 * An initiator sends IDi, CERT ({@link io.ikeseal.agent.auth.LocalAuthenticator#certificates()}), CERTREQ
 * ({@link io.ikeseal.agent.auth.TrustAnchors#certificateRequest()}), optionally IDr and AUTH over
 * {@code SignedOctets.initiator(message1, Nr, prf, SK_pi, IDi)}; it checks the response with
 * {@code SignedOctets.responder(message2, Ni, prf, SK_pr, IDr)}. A responder does the mirror image and answers a
 * failed outcome with AUTHENTICATION_FAILED.
 */
package io.ikeseal.agent.auth;
