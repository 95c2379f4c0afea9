package tuplespace.space;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What an I/O failure says to an operator. The JDK's file-system exceptions often carry only the path as their message
 * ({@code NoSuchFileException: /data/x}), which reads as no reason at all, and a host name that does not resolve none
 * ({@code UnresolvedAddressException}: {@code null}); this names what went wrong. Every message that passes such a
 * failure on to an operator goes through here: the log's, a start's, a socket's that cannot listen, the launcher's.
 */
public final class IoFailure {

    private IoFailure() {
    }

    public static String describe(Throwable failure) {
        if (failure instanceof FileSystemException files && files.getReason() == null) {
            String what;
            if (failure instanceof NoSuchFileException) {
                what = "no such file or directory";
            } else if (failure instanceof NotDirectoryException) {
                what = "not a directory";
            } else if (failure instanceof FileAlreadyExistsException) {
                what = "exists already (a file where a directory is needed?)";
            } else if (failure instanceof AccessDeniedException) {
                what = "permission denied";
            } else if (failure instanceof DirectoryNotEmptyException) {
                what = "directory not empty";
            } else {
                what = failure.getClass().getSimpleName();
            }
            return what + ": " + files.getFile() + (files.getOtherFile() == null ? "" : " -> " + files.getOtherFile());
        }
        if (failure instanceof UnresolvedAddressException) {
            return "unknown host (the name does not resolve)";
        }
        if (failure instanceof UnknownHostException) {
            return "unknown host: " + failure.getMessage();
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }
}
