package io.autotopup.portal.application;

/**
 * A service said no: its status, the problem body's detail, and, where it names one, the field at fault with a code
 * (and a limit) that the page shows beside that field in the subscriber's language.
 */
public final class ServiceRefusal extends RuntimeException {

    private final int status;
    private final String field;
    private final String code;
    private final String limitAmount;

    public ServiceRefusal(int status, String detail, String field, String code, String limitAmount) {
        super(detail);
        this.status = status;
        this.field = field;
        this.code = code;
        this.limitAmount = limitAmount;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public String code() {
        return code;
    }

    /** The ceiling that was passed, as the API's decimal string, or null. */
    public String limitAmount() {
        return limitAmount;
    }

    public boolean notFound() {
        return status == 404 || status == 403;
    }
}
