package tuplespace.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import tuplespace.codec.Sap;

/**
 * Reads a SAP argument (README "Running it") with the codec's {@link Sap#parse}, so every command of the launcher
 * accepts and rejects the same forms. A bad value exits with status 2; picocli names the argument, the message says
 * what was expected and what was given.
 */
public final class SapConverter implements ITypeConverter<Sap> {

    @Override
    public Sap convert(String value) {
        try {
            return Sap.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
