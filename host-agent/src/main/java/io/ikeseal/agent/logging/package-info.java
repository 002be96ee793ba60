/**
 * How {@code ikeseal run} writes its lines: text, or one JSON object per line for log collectors
 * (docs/operations-obs.md). Messages are the same in both; nothing here adds to what they say.
 */
package io.ikeseal.agent.logging;
