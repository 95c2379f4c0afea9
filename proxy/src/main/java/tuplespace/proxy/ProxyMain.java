package tuplespace.proxy;

import picocli.CommandLine;
import tuplespace.codec.netty.NettyDefaults;

/** Runs {@link ProxyCommand} as a process and exits with its status (0 after SHUTDOWN, 2 on bad arguments). */
public final class ProxyMain {
    private ProxyMain() {
    }

    public static void main(String[] args) {
        NettyDefaults.applyUnlessAsked();
        System.exit(new CommandLine(new ProxyCommand()).execute(args));
    }
}
