package io.ikeseal.agent.control;

import com.fasterxml.jackson.databind.JsonNode;

/** One verb the control socket serves: the request's arguments in, the answer's result out. */
@FunctionalInterface
public interface ControlVerb {
    /**
     * Runs the request; runs on the connection's own thread and may wait (bounded) for an exchange to end.
     *
     * @throws ControlException for an answer with that error code
     */
    JsonNode run(ControlRequest request);
}
