package io.opsrouter.store;

/**
 * The store cannot be opened as it is set up (a folder it cannot create, a database it cannot reach, a user that
 * cannot write): names the setting to change and how. The settings turn it into their own one-line start-up
 * error; the store itself depends on nothing else of the router.
 */
public final class StoreSetupException extends StoreException {
    private final String setting;
    private final String problem;
    private final String fix;

    public StoreSetupException(String setting, String problem, String fix, Throwable cause) {
        super("environment: " + setting + ": " + problem + " (fix: " + fix + ")", cause);
        this.setting = setting;
        this.problem = problem;
        this.fix = fix;
    }

    public String setting() {
        return setting;
    }

    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }
}
