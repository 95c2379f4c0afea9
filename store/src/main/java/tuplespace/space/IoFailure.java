package tuplespace.space;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What an I/O failure says to an operator. The JDK's file-system exceptions often carry only the path as their message
 * ({@code NoSuchFileException: /data/x}), which reads as no reason at all, and a host name that does not resolve none
 * ({@code UnresolvedAddressException}: {@code null}); this names what went wrong. Every message that passes such a
 * failure on to an operator goes through here: the log's, a start's, a socket's that cannot listen, the launcher's.
 */
public final class IoFailure {

    /** The same words as the client library's "cannot connect to HOST:PORT: the host name cannot be resolved". */
    static final String UNKNOWN_HOST = "the host name cannot be resolved";
    /** The system call and error number a native socket's failure begins with. */
    private static final java.util.regex.Pattern NATIVE_CALL =
            java.util.regex.Pattern.compile("^\\w+(?: \\w+)?\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    private IoFailure() {
    }

    /** What went wrong and with which file, if a file: {@code no such file or directory: /data/x}. */
    public static String describe(Throwable failure) {
        Throwable cause = unwrapped(failure);
        if (cause instanceof FileSystemException files) {
            return files.getReason() != null ? files.getMessage() // "FILE: REASON", the JDK's own
                    : reason(cause) + ": " + files.getFile() + (files.getOtherFile() == null ? "" : " -> " + files.getOtherFile());
        }
        if (cause instanceof SpaceFileException) {
            return cause.getMessage(); // "FILE: PROBLEM"
        }
        return reason(cause);
    }

    /**
     * What went wrong, without the path a file-system exception names (for a message that says which file it was
     * about, or when the path is one the operator never chose, like a temporary file's).
     */
    public static String reason(Throwable failure) {
        Throwable cause = unwrapped(failure);
        if (cause instanceof SpaceFileException spaceFile) {
            return spaceFile.problem(); // its message is "FILE: PROBLEM"
        }
        if (cause instanceof FileSystemException files && files.getReason() != null) {
            return files.getReason();
        }
        if (cause instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (cause instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (cause instanceof FileAlreadyExistsException) {
            return "exists already (a file where a directory is needed?)";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (cause instanceof FileSystemException) {
            return cause.getClass().getSimpleName();
        }
        if (cause instanceof UnresolvedAddressException) {
            return UNKNOWN_HOST;
        }
        if (cause instanceof UnknownHostException unknown) {
            // the JDK's message: "HOST: Name or service not known", or the host alone
            String message = String.valueOf(unknown.getMessage());
            int colon = message.indexOf(": ");
            return UNKNOWN_HOST + (colon < 0 ? "" : " (" + message.substring(colon + 2) + ")");
        }
        if (cause instanceof java.net.ConnectException && cause.getMessage() != null) {
            // Netty's native transport: "finishConnect(..) failed with error(-111): Connection refused: b/10.0.0.2:70"
            return NATIVE_CALL.matcher(cause.getMessage()).replaceFirst("").replaceFirst(": [^\\s/]*/\\S*$", "");
        }
        if (cause instanceof java.io.IOException && cause.getMessage() != null) {
            // a socket's: "io_uring read(..) failed with error(-104): Connection reset by peer"
            return NATIVE_CALL.matcher(cause.getMessage()).replaceFirst("");
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /** The failure itself, not the wrapper an asynchronous step put around it. */
    private static Throwable unwrapped(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
