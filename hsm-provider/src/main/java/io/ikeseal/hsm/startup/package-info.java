/**
 * Bringing tokens up: {@link io.ikeseal.hsm.startup.TokenStartup#open} logs in through hsm.token and runs the
 * start-up self-tests of hsm.kx and hsm.schedule before a token is handed out. The top of hsm-provider: nothing
 * else in it depends on this package, so token stays below kx and schedule.
 */
package io.ikeseal.hsm.startup;
