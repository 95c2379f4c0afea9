package tuplespace.node;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The class-data sharing archive built beside the fat jar when it is packaged ({@code tuplespace.jar} →
 * {@code tuplespace.jsa}): a JVM started with it maps the classes it holds instead of loading them, a few hundred ms
 * less from its start to its first answer. The {@code tuplespace} script starts its JVM with it, the demo each
 * process it starts, and the primary its backup child ({@link BackupLauncher}). It is a static archive of the classes
 * every JVM of a short run of the service loaded (proxy, primary, backup, client): only a static archive holds
 * picocli's classes, compiled for Java 5, which every process loads. A stale or damaged archive only costs that gain:
 * the JVM's default {@code -Xshare:auto} ignores an archive that does not match its class path or its own build.
 */
public final class ClassArchive {

    private static final String JAR = ".jar";
    /** The archive's name beside the jar: the jar's name with this in place of {@code .jar}. */
    private static final String ARCHIVE = ".jsa";

    private ClassArchive() {
    }

    /**
     * {@code -XX:SharedArchiveFile} naming the archive beside the one jar of {@code classPath}, if it exists; nothing
     * for a class path of several entries (the archive matches only the path it was built for) or when
     * {@code javaOptions} (the operator's) already choose what the JVM does with class-data sharing.
     */
    public static List<String> options(String classPath, List<String> javaOptions) {
        if (classPath.contains(File.pathSeparator) || !classPath.endsWith(JAR)
                || javaOptions.stream().anyMatch(ClassArchive::choosesClassSharing)) {
            return List.of();
        }
        Path archive = Path.of(classPath.substring(0, classPath.length() - JAR.length()) + ARCHIVE).toAbsolutePath();
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
    }

    private static boolean choosesClassSharing(String javaOption) {
        return javaOption.startsWith("-Xshare") || javaOption.contains("SharedArchiveFile")
                || javaOption.contains("ArchiveClassesAtExit");
    }
}
