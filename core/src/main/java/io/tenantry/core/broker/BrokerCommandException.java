package io.tenantry.core.broker;

/**
 * The broker answered a management command with an error (e.g. dynsec's {@code "Client not found"}).
 */
public class BrokerCommandException extends RuntimeException {
    private final String command;

    public BrokerCommandException(String command, String error) {
        super(command + ": " + error);
        this.command = command;
    }

    /** The command name, e.g. {@code createClient}. */
    public String command() {
        return command;
    }
}
