/**
 * The hash-chained audit log every token operation is recorded in before its result is released. It depends on
 * no other package of ikeseal: the token layer writes to it, never the reverse.
 */
package io.ikeseal.hsm.audit;
