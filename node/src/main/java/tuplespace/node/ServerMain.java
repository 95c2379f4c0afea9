package tuplespace.node;

import picocli.CommandLine;
import tuplespace.codec.netty.NettyDefaults;

/** Runs {@link ServerCommand} as a process of its own (the primary starts its backup this way). */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) {
        NettyDefaults.applyUnlessAsked();
        System.exit(new CommandLine(new ServerCommand()).execute(args));
    }
}
