package io.ikeseal.agent.cli;

import java.nio.file.Path;

import io.ikeseal.agent.daemon.TestDeployment;

/**
 * A directory shaped like setup-demo's for the bench verbs (ikeseal.yaml the gateway, branch.yaml the branch office),
 * made of the test deployment's tokens: the module copies of the fixtures, not the system libraries a real demo
 * directory names (setup-demo, and the tests on a real demo directory, are in the demo module).
 */
final class BenchDirectory {
    private BenchDirectory() {}

    static TestDeployment create(Path dir) throws Exception {
        TestDeployment deployment = TestDeployment.create(dir);
        deployment.writeConfig("ikeseal", "audit.log", """
                listen: [127.0.0.1]
                connections:
                  - name: branch
                    local-address: 127.0.0.1
                    remote-address: any
                    local-id: gateway.ikeseal.test
                    remote-id: branch.ikeseal.test
                    local-auth: pubkey
                    identity: gateway-ecdsa
                    children:
                      - name: net
                """);
        deployment.writeConfig("branch", "branch-audit.log", """
                listen: [127.0.0.1]
                connections:
                  - name: gateway
                    local-address: 127.0.0.1
                    remote-address: 127.0.0.1
                    remote-port: 15500
                    local-id: branch.ikeseal.test
                    remote-id: gateway.ikeseal.test
                    local-auth: pubkey
                    identity: branch-ecdsa
                    children:
                      - name: net
                """);
        return deployment;
    }
}
