package io.ikeseal.testhsm;

/** A Debian package the fixtures need is not installed. Never a reason to skip a test. */
public final class MissingPackageException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String packageName;

    MissingPackageException(String packageName, String message) {
        super(message);
        this.packageName = packageName;
    }

    public String packageName() {
        return packageName;
    }
}
