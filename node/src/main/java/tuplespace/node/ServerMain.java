package tuplespace.node;

import picocli.CommandLine;
import tuplespace.codec.netty.NettyDefaults;
import tuplespace.node.persistence.LogReadAhead;

/** Runs {@link ServerCommand} as a process of its own (the primary starts its backup this way). */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) {
        LogReadAhead readAhead = ServerCommand.readAhead(args); // first of all: see ServerCommand.readAhead
        NettyDefaults.applyUnlessAsked();
        System.exit(new CommandLine(new ServerCommand(readAhead)).execute(args));
    }
}
