package io.ikeseal.agent.metrics;

/** Something that writes its metric families when the endpoint is scraped. */
@FunctionalInterface
public interface MetricSource {
    void writeTo(MetricWriter w);
}
