package tuplespace.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code --notify} command (README "Running it"): a shell script that appends one line per operator event to a file,
 * {@code event|role|epoch|detail}, from the environment variables the service sets.
 */
final class NotifyRecorder {

    /** One recorded operator event. */
    record Event(String event, String role, String epoch, String detail) {
    }

    private final Path script;
    private final Path events;

    private NotifyRecorder(Path script, Path events) {
        this.script = script;
        this.events = events;
    }

    static NotifyRecorder in(Path directory) {
        Path script = directory.resolve("notify.sh");
        Path events = directory.resolve("notify-events.txt");
        String text = "#!/bin/sh\n"
                + "detail=$(printf '%s' \"$TUPLESPACE_DETAIL\" | tr '\\n|' '  ')\n"
                + "printf '%s|%s|%s|%s\\n' \"$TUPLESPACE_EVENT\" \"$TUPLESPACE_ROLE\" \"$TUPLESPACE_EPOCH\" \"$detail\" >> '"
                + events + "'\n";
        try {
            Files.createDirectories(directory);
            Files.writeString(script, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the notify script " + script, e);
        }
        return new NotifyRecorder(script, events);
    }

    Path script() {
        return script;
    }

    List<Event> events() {
        List<Event> result = new ArrayList<>();
        try {
            if (!Files.exists(events)) {
                return result;
            }
            for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\\|", 4);
                if (fields.length == 4) {
                    result.add(new Event(fields[0], fields[1], fields[2], fields[3]));
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> eventNames() {
        return events().stream().map(Event::event).toList();
    }
}
