/**
 * What the daemon counts for monitoring, and the optional Prometheus scrape endpoint that serves it in the text
 * exposition format 0.0.4 (docs/operations-obs.md): counters and histograms updated with {@code LongAdder}s on the
 * paths they measure, everything else read when scraped. A small hand-written registry rather than a client library:
 * the format is a few lines of text, and the daemon's dependencies stay few.
 */
package io.ikeseal.agent.metrics;
