/**
 * The control socket (issue 13 item 1; docs/operations-ctl.md): a Unix domain socket served by {@code ikeseal run},
 * owner-only, with a small versioned protocol of one JSON request and one JSON answer per connection, and the verbs
 * it serves (list, initiate, terminate and rekey SAs; token status; reload). The CLI's verbs are its client.
 */
package io.ikeseal.agent.control;
