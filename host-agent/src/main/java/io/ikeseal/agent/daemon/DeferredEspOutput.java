package io.ikeseal.agent.daemon;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

import io.ikeseal.agent.transport.EspOutput;

/**
 * The transport's {@link EspOutput} once it is bound. The data plane is the gateway's installer and so exists before
 * the sockets; its readers start only after {@link #attach}, so nothing is sent before.
 */
final class DeferredEspOutput implements EspOutput {
    private volatile EspOutput target;

    void attach(EspOutput output) {
        target = output;
    }

    private EspOutput target() {
        EspOutput t = target;
        if (t == null) {
            throw new IllegalStateException("the transport is not bound yet");
        }
        return t;
    }

    @Override
    public ByteBuf buffer(int capacity) {
        return target().buffer(capacity);
    }

    @Override
    public boolean write(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote) {
        return target().write(esp, local, remote);
    }

    @Override
    public void flush() {
        target().flush();
    }
}
